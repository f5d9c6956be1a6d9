import { compat } from '../compat/versions.js';
import { FlinkInputError } from '../errors/flink-error.js';
import { checkId, newFlinkId } from '../internal/ids.js';
import type { RequestOptions } from '../options.js';
import type { ResourceContext } from './context.js';
import { type ClaimMode, checkParallelism, checkRunInput } from './jar-input.js';

/** What to run and how (options of `jars.run`). */
export interface RunOptions extends RequestOptions {
  /** Main class; default: the jar manifest's `Main-Class` / `program-class`. */
  entryClass?: string;
  /** Program arguments, passed as a list (never re-tokenised). */
  args?: readonly string[];
  /** Parallelism of the job; default: the cluster's `parallelism.default`. */
  parallelism?: number;
  /** Job id to use (32 hex chars). Generated when omitted; makes the call safe to retry. */
  jobId?: string;
  /** Savepoint or retained checkpoint to restore from. */
  savepointPath?: string;
  /** Skip state that no operator of the new job claims. @default false */
  allowNonRestoredState?: boolean;
  /** Ownership of the restored snapshot. @default Flink's default (NO_CLAIM) */
  claimMode?: ClaimMode;
  /** Job configuration overrides (`flinkConfiguration`, Flink 1.17+). */
  config?: Record<string, string>;
}

/**
 * The body of `POST /jars/:id/run` (`forRun`) or `/plan`, checked as Flink would refuse it: class
 * name, parallelism, job id (generated when not given), and what the cluster's version accepts.
 * Workflows call it to refuse bad input before they upload a jar or stop a job.
 * @throws {@link FlinkInputError} for bad input, or an option the cluster's version does not take.
 */
export async function runBody(ctx: ResourceContext, options: RunOptions, forRun: boolean): Promise<Record<string, unknown>> {
  checkRunInput(forRun ? options : { entryClass: options.entryClass, args: options.args, config: options.config });
  const body: Record<string, unknown> = {};
  if (options.entryClass !== undefined) body['entryClass'] = options.entryClass;
  if (options.args !== undefined) body['programArgsList'] = [...options.args];
  if (options.parallelism !== undefined) body['parallelism'] = checkParallelism(options.parallelism);
  body['jobId'] = options.jobId === undefined ? newFlinkId() : checkId('jobId', options.jobId);
  if (forRun) {
    if (options.savepointPath !== undefined) body['savepointPath'] = options.savepointPath;
    if (options.allowNonRestoredState !== undefined) body['allowNonRestoredState'] = options.allowNonRestoredState;
  }
  const needsVersion = options.config !== undefined || (forRun && options.claimMode !== undefined);
  if (needsVersion) {
    const version = await ctx.version(options);
    if (options.config !== undefined) {
      if (!compat.runConfig(version))
        throw new FlinkInputError(`config (flinkConfiguration) needs Flink 1.17+, the cluster runs ${version}`);
      body['flinkConfiguration'] = options.config;
    }
    if (forRun && options.claimMode !== undefined) {
      if (!compat.claimMode(version)) {
        throw new FlinkInputError(
          `claimMode needs Flink 1.15+ (restoreMode; claimMode from 1.20), the cluster runs ${version}: omit it, and the job restores as that version always does`,
        );
      }
      body[compat.claimModeField(version)] = options.claimMode;
    }
  }
  return body;
}
