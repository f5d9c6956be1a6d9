/**
 * What savepoints and stop-with-savepoint check before they trigger, the error rules of their
 * trigger routes, and what a failed one says to do.
 */
import { FlinkOperationError } from '../errors/domain-errors.js';
import { FlinkInputError } from '../errors/flink-error.js';
import type { RequestOptions } from '../options.js';
import type { OperationFailure } from '../schemas/operations.js';
import type { ErrorRule } from '../transport/request.js';
import { operationError } from './async-operation.js';
import type { ResourceContext } from './context.js';
import { jobErrors, readJobStatus } from './job-routes.js';

/** Savepoint format: `CANONICAL` (portable across state backends) or `NATIVE` (faster, backend-specific). */
export type SavepointFormat = 'CANONICAL' | 'NATIVE';

/** What to do when no savepoint directory is known. */
export const NO_SAVEPOINT_DIR =
  'No target directory was given and the cluster has no default: pass targetDirectory, or set execution.checkpointing.savepoint-dir (state.savepoints.dir before Flink 1.20) in the Flink configuration';

/**
 * Before a savepoint or stop: the job must exist and run (Flink accepts a trigger for an unknown or
 * ended job and fails only later, asynchronously).
 * @throws {@link FlinkNotFoundError} for an unknown job, {@link FlinkOperationError} when it is not RUNNING.
 */
export async function checkRunning(
  kind: 'savepoint' | 'stop',
  jobId: string,
  ctx: ResourceContext,
  options: RequestOptions,
): Promise<void> {
  const state = await readJobStatus(ctx, jobId, options);
  if (state !== 'RUNNING') {
    throw new FlinkOperationError(
      `job ${jobId} is ${state}; ${kind === 'stop' ? 'stop-with-savepoint' : 'a savepoint'} needs a RUNNING job`,
      { operation: kind },
    );
  }
}

/**
 * The error rules of `POST /jobs/:id/savepoints` and `/stop`: Flink's 400 for a missing savepoint
 * directory says which key to set, then the rules of every job route.
 */
export const TRIGGER_ERRORS: readonly ErrorRule[] = [
  { status: 400, match: /savepoint-dir|savepoints\.dir|target-?directory/i, hint: NO_SAVEPOINT_DIR },
  ...jobErrors(),
];

/** Checks an optional savepoint directory URI. */
export function checkDirectory(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '')
    throw new FlinkInputError('targetDirectory must be a non-empty path or URI such as s3://bucket/savepoints');
  return value;
}

/**
 * Turns a failed savepoint or stop-with-savepoint into an error that says what to do: which key
 * configures the default directory, that the job is not RUNNING, or where the savepoint was written
 * when only the stopping failed (FLINK-33522).
 */
export async function savepointFailure(
  kind: 'savepoint' | 'stop',
  jobId: string,
  failure: OperationFailure,
  ctx: ResourceContext,
  options: RequestOptions,
): Promise<FlinkOperationError> {
  const text = `${failure.stackTrace ?? ''}\n${failure.message}`;
  const what = kind === 'stop' ? `stop-with-savepoint of job ${jobId} failed` : `savepoint of job ${jobId} failed`;
  if (/savepoint director/i.test(text) && /no |not (?:configured|set)|configure/i.test(text)) {
    return operationError(kind, what, failure, NO_SAVEPOINT_DIR);
  }
  if (
    /Mkdirs failed|FileAlreadyExistsException|AccessDeniedException|Permission denied|Read-only file system|NotDirectoryException/i.test(
      text,
    )
  ) {
    return operationError(
      kind,
      what,
      failure,
      `Flink could not create or write the savepoint directory: give a targetDirectory the JobManager and every TaskManager can create and write (a shared file system or object store, e.g. s3://bucket/savepoints), or fix the path and its permissions. Job ${jobId} keeps running`,
    );
  }
  const written = /savepoint has been created at:?\s*(\S+?)[,;]?\s/i.exec(text)?.[1];
  if (written) {
    return operationError(
      kind,
      what,
      failure,
      `The savepoint was written to ${written} before the job failed while stopping; restore from it`,
      written,
    );
  }
  const state = await readJobStatus(ctx, jobId, options).catch(() => undefined);
  if (state !== undefined && state !== 'RUNNING') {
    return operationError(kind, what, failure, `Job ${jobId} is ${state}; savepoints need a RUNNING job`);
  }
  if (state === undefined && /FlinkJobNotFoundException|Could not find Flink job/.test(text)) {
    return operationError(kind, what, failure, `Job ${jobId} is not running on this cluster (it ended or never existed)`);
  }
  return operationError(kind, what, failure);
}
