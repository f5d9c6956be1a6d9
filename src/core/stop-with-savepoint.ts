import { FlinkJobFailedError, FlinkOperationError } from '../errors/domain-errors.js';
import { checkId, newFlinkId } from '../internal/ids.js';
import type { RequestOptions } from '../options.js';
import { lazy } from '../schemas/lazy.js';
import { path } from '../transport/path.js';
import { AsyncOperation } from './async-operation.js';
import type { ResourceContext } from './context.js';
import { waitForJob } from './job-wait.js';
import { checkDirectory, checkRunning, type SavepointFormat, savepointFailure, TRIGGER_ERRORS } from './savepoint-rules.js';

/** Options of `jobs.stop`. */
export interface StopOptions extends RequestOptions {
  /** Where to write the savepoint. Default: the cluster's configured savepoint directory. */
  targetDirectory?: string;
  /** Emit MAX_WATERMARK first, firing all event-time timers (for a final stop, not an upgrade). @default false */
  drain?: boolean;
  /** @default 'CANONICAL' */
  formatType?: SavepointFormat;
  /** Trigger id (32 hex chars); generated when omitted. */
  triggerId?: string;
  /** Deadline for the savepoint and the job to finish, in milliseconds. @default 600000 */
  waitTimeoutMs?: number;
  /** Longest pause between two looks, in milliseconds. @default 1000 */
  pollIntervalMs?: number;
}

/**
 * Stop-with-savepoint: trigger (with a trigger id, so the POST is retried safely), await the
 * savepoint, then the job's FINISHED. `running`: the caller has just seen the job RUNNING (live),
 * so it is not read again first.
 * @returns the savepoint's location.
 * @throws {@link FlinkOperationError} when the savepoint failed (the job keeps running), or when the
 * job failed while stopping after writing it (`savepointPath` is set then).
 */
export async function stopWithSavepoint(
  ctx: ResourceContext,
  jobId: string,
  options: StopOptions,
  running: boolean,
): Promise<{ savepointPath: string }> {
  checkId('jobId', jobId);
  const triggerId = options.triggerId === undefined ? newFlinkId() : checkId('triggerId', options.triggerId);
  const body: Record<string, unknown> = { drain: options.drain ?? false, triggerId };
  const dir = checkDirectory(options.targetDirectory);
  if (dir !== undefined) body['targetDirectory'] = dir;
  if (options.formatType !== undefined) body['formatType'] = options.formatType;
  if (!running) await checkRunning('stop', jobId, ctx, options);
  await ctx.transport.request(
    {
      method: 'POST',
      path: path`/jobs/${jobId}/stop`,
      json: body,
      schema: lazy.common('TriggerResponse'),
      idempotent: true,
      errors: TRIGGER_ERRORS,
    },
    options,
  );
  const wait = {
    waitTimeoutMs: options.waitTimeoutMs ?? 600_000,
    pollIntervalMs: options.pollIntervalMs ?? 1_000,
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const { location } = await new AsyncOperation(ctx.transport, {
    kind: 'stop',
    triggerId,
    jobId,
    statusPath: path`/jobs/${jobId}/savepoints/${triggerId}`,
    result: lazy.operations('SavepointResult'),
    onFailure: (failure) => savepointFailure('stop', jobId, failure, ctx, {}),
  }).result(wait);
  try {
    await waitForJob(ctx, jobId, { until: 'FINISHED', ...wait });
  } catch (error) {
    if (!(error instanceof FlinkJobFailedError)) throw error;
    throw new FlinkOperationError(
      `the savepoint of job ${jobId} was written to ${location}, but the job then ended ${error.state} instead of FINISHED; restore from the savepoint`,
      { operation: 'stop', savepointPath: location, rootCause: error.rootCause, cause: error },
    );
  }
  return { savepointPath: location };
}
