import { operationError } from '../core/async-operation.js';
import type { FlinkOperationError } from '../errors/domain-errors.js';
import type { RequestOptions } from '../options.js';
import type { OperationFailure } from '../schemas/operations.js';
import type { JobsResource } from './jobs.js';

/**
 * Turns a failed savepoint or stop-with-savepoint into an error that says what to do: which key
 * configures the default directory, that the job is not RUNNING, or where the savepoint was written
 * when only the stopping failed (FLINK-33522).
 */
export async function savepointFailure(
  kind: 'savepoint' | 'stop',
  jobId: string,
  failure: OperationFailure,
  jobs: JobsResource,
  options: RequestOptions,
): Promise<FlinkOperationError> {
  const text = `${failure.stackTrace ?? ''}\n${failure.message}`;
  const what = kind === 'stop' ? `stop-with-savepoint of job ${jobId} failed` : `savepoint of job ${jobId} failed`;
  if (/savepoint director/i.test(text) && /no |not (?:configured|set)|configure/i.test(text)) {
    return operationError(
      kind,
      what,
      failure,
      'No target directory was given and the cluster has no default: pass targetDirectory, or set execution.checkpointing.savepoint-dir (state.savepoints.dir before Flink 1.20) in the Flink configuration',
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
  const state = await jobs.status(jobId, options).catch(() => undefined);
  if (state !== undefined && state !== 'RUNNING') {
    return operationError(kind, what, failure, `Job ${jobId} is ${state}; savepoints need a RUNNING job`);
  }
  if (state === undefined && /FlinkJobNotFoundException|Could not find Flink job/.test(text)) {
    return operationError(kind, what, failure, `Job ${jobId} is not running on this cluster (it ended or never existed)`);
  }
  return operationError(kind, what, failure);
}
