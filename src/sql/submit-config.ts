import type { FlinkVersion } from '../compat/versions.js';
import { FlinkInputError } from '../errors/flink-error.js';
import type { RequestOptions } from '../options.js';
import type { ClaimMode } from '../resources/jars.js';

/** Options of {@link SqlSession.submit}: how to start the statement's job (for this statement only). */
export interface SqlSubmitOptions extends RequestOptions {
  /** Restore the job from this savepoint (or retained checkpoint). */
  savepointPath?: string | undefined;
  /** Let the job start when the savepoint holds state of an operator it lacks (that state is dropped). @default false */
  allowNonRestoredState?: boolean | undefined;
  /** How the job takes over the savepoint's files. @default Flink's: NO_CLAIM */
  claimMode?: ClaimMode | undefined;
  /** Default parallelism of the job's operators (`parallelism.default`). */
  parallelism?: number | undefined;
  /** The job's name (`pipeline.name`). */
  jobName?: string | undefined;
  /** Further configuration for this statement, e.g. `{ 'execution.checkpointing.interval': '10s' }`. */
  config?: Record<string, string> | undefined;
  /** `'SUBMITTED'` returns once the job id is known; `'RUNNING'` waits until all its tasks run (needs the `flink` client). @default 'SUBMITTED' */
  until?: 'SUBMITTED' | 'RUNNING' | undefined;
  /** Deadline of the wait for RUNNING, in milliseconds. @default 300000 */
  waitTimeoutMs?: number | undefined;
}

/**
 * The configuration keys of a submit for the gateway's Flink version: 2.x renamed the restore keys
 * (`execution.state-recovery.*`; 1.x: `execution.savepoint.*`, `execution.savepoint-restore-mode`).
 * Explicit `config` entries win.
 */
export function submitConfig(version: FlinkVersion, options: SqlSubmitOptions): Record<string, string> {
  const v2 = version.major >= 2;
  const config: Record<string, string> = {};
  if (options.savepointPath !== undefined) {
    if (typeof options.savepointPath !== 'string' || options.savepointPath.trim() === '')
      throw new FlinkInputError(
        `savepointPath must be the path of a savepoint, e.g. file:///savepoints/savepoint-1a2b3c-…, got ${JSON.stringify(options.savepointPath)}`,
      );
    config[v2 ? 'execution.state-recovery.path' : 'execution.savepoint.path'] = options.savepointPath;
  }
  if (options.allowNonRestoredState !== undefined)
    config[v2 ? 'execution.state-recovery.ignore-unclaimed-state' : 'execution.savepoint.ignore-unclaimed-state'] = String(
      options.allowNonRestoredState,
    );
  if (options.claimMode !== undefined) {
    if (!['CLAIM', 'NO_CLAIM', 'LEGACY'].includes(options.claimMode))
      throw new FlinkInputError(`claimMode must be CLAIM, NO_CLAIM or LEGACY, got ${JSON.stringify(options.claimMode)}`);
    config[v2 ? 'execution.state-recovery.claim-mode' : 'execution.savepoint-restore-mode'] = options.claimMode;
  }
  if (options.parallelism !== undefined) {
    if (!Number.isInteger(options.parallelism) || options.parallelism < 1)
      throw new FlinkInputError(`parallelism must be a whole number of 1 or more, got ${String(options.parallelism)}`);
    config['parallelism.default'] = String(options.parallelism);
  }
  if (options.jobName !== undefined) config['pipeline.name'] = options.jobName;
  for (const [key, value] of Object.entries(options.config ?? {})) {
    if (typeof value !== 'string') throw new FlinkInputError(`config ${key} must be a string, got ${typeof value}`);
    config[key] = value;
  }
  return config;
}
