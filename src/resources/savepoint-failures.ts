import { operationError } from '../core/async-operation.js';
import { FlinkApiError } from '../errors/api-errors.js';
import { FlinkOperationError } from '../errors/domain-errors.js';
import type { RequestOptions } from '../options.js';
import type { OperationFailure } from '../schemas/operations.js';
import { readJobStatus } from './job-status.js';
import type { ResourceContext } from './resource.js';

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

/** Adds the what-to-do to Flink's 400 for a missing savepoint directory; other errors pass unchanged. */
export function triggerError(error: unknown): never {
  if (
    error instanceof FlinkApiError &&
    error.status === 400 &&
    error.errors.some((e) => /savepoint-dir|savepoints\.dir|target-?directory/i.test(e))
  ) {
    throw FlinkApiError.from({
      status: error.status,
      method: error.method,
      path: error.path,
      errors: error.errors,
      hint: NO_SAVEPOINT_DIR,
      cause: error,
    });
  }
  throw error;
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
