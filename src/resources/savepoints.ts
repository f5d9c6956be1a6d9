import { AsyncOperation, type OperationStatus, type OperationWaitOptions } from '../core/async-operation.js';
import { checkDirectory, checkRunning, type SavepointFormat, savepointFailure, TRIGGER_ERRORS } from '../core/savepoint-rules.js';
import { FlinkInputError } from '../errors/flink-error.js';
import { checkId, newFlinkId } from '../internal/ids.js';
import type { RequestOptions } from '../options.js';
import { lazy } from '../schemas/lazy.js';
import { path } from '../transport/path.js';
import { Resource } from './resource.js';

export type { SavepointFormat } from '../core/savepoint-rules.js';

/** Options of {@link SavepointsResource.trigger}. */
export interface SavepointTriggerOptions extends RequestOptions {
  /** Where to write it, e.g. `s3://bucket/savepoints`. Default: the cluster's configured savepoint directory. */
  targetDirectory?: string;
  /** Cancel the job once the savepoint is written (prefer `jobs.stop`). @default false */
  cancelJob?: boolean;
  /** @default 'CANONICAL' */
  formatType?: SavepointFormat;
  /** Trigger id to use (32 hex chars); generated when omitted. A repeat with the same id never starts a second savepoint. */
  triggerId?: string;
}

/**
 * Savepoints: trigger and await, look up by trigger id, dispose.
 *
 * @example
 * ```ts
 * const op = await flink.savepoints.trigger(jobId, { targetDirectory: 'file:///savepoints' });
 * const { location } = await op.result();
 * await flink.savepoints.dispose(location);
 * ```
 */
export class SavepointsResource extends Resource {
  /**
   * Triggers a savepoint and returns a handle to await it. Always sends a trigger id, so the POST is
   * retried safely.
   * @throws {@link FlinkNotFoundError} for an unknown job; {@link FlinkOperationError} when it is not RUNNING.
   * @throws {@link FlinkApiError} (400) when no directory is given and none is configured; says which key to set.
   * @example const { location } = await (await flink.savepoints.trigger(jobId)).result();
   */
  async trigger(jobId: string, options: SavepointTriggerOptions = {}): Promise<AsyncOperation<{ location: string }>> {
    checkId('jobId', jobId);
    const triggerId = options.triggerId === undefined ? newFlinkId() : checkId('triggerId', options.triggerId);
    const body: Record<string, unknown> = { 'cancel-job': options.cancelJob ?? false, triggerId };
    const dir = checkDirectory(options.targetDirectory);
    if (dir !== undefined) body['target-directory'] = dir;
    if (options.formatType !== undefined) body['formatType'] = options.formatType;
    await checkRunning('savepoint', jobId, this.ctx, options);
    await this.ctx.transport.request(
      {
        method: 'POST',
        path: path`/jobs/${jobId}/savepoints`,
        json: body,
        schema: lazy.common('TriggerResponse'),
        idempotent: true,
        errors: TRIGGER_ERRORS,
      },
      options,
    );
    return this.handle(jobId, triggerId);
  }

  /**
   * A handle on a savepoint triggered earlier (e.g. by another process), from its trigger id. No request is made.
   * @example const { location } = await flink.savepoints.handle(jobId, storedTriggerId).result();
   */
  handle(jobId: string, triggerId: string): AsyncOperation<{ location: string }> {
    checkId('jobId', jobId);
    checkId('triggerId', triggerId);
    return new AsyncOperation(this.ctx.transport, {
      kind: 'savepoint',
      triggerId,
      jobId,
      statusPath: path`/jobs/${jobId}/savepoints/${triggerId}`,
      result: lazy.operations('SavepointResult'),
      onFailure: (failure) => savepointFailure('savepoint', jobId, failure, this.ctx, {}),
    });
  }

  /**
   * One look at a savepoint operation.
   * @example const s = await flink.savepoints.status(jobId, triggerId); if (s.state === 'COMPLETED') s.result.location;
   */
  async status(jobId: string, triggerId: string, options?: RequestOptions): Promise<OperationStatus<{ location: string }>> {
    return this.handle(jobId, triggerId).status(options);
  }

  /**
   * Deletes a savepoint's files through the JobManager and waits until that is done. Never dispose
   * the savepoint you would restore from. `timeoutMs` is the deadline of each request,
   * `waitTimeoutMs` that of the wait for the disposal.
   * @throws {@link FlinkOperationError} when the disposal failed (e.g. no such savepoint).
   * @example await flink.savepoints.dispose('file:/savepoints/savepoint-3f2b9c-1a2b3c4d5e6f');
   */
  async dispose(savepointPath: string, options: RequestOptions & OperationWaitOptions = {}): Promise<void> {
    if (typeof savepointPath !== 'string' || savepointPath.trim() === '')
      throw new FlinkInputError('savepointPath must be the location a savepoint returned');
    const { triggerId } = await this.ctx.transport.request(
      {
        method: 'POST',
        path: '/savepoint-disposal',
        json: { 'savepoint-path': savepointPath },
        schema: lazy.common('TriggerResponse'),
        // Flink takes no client-chosen id here: a lost reply is never answered by a second disposal.
        lostReplyHint: `Check whether ${savepointPath} still exists before disposing it again.`,
      },
      options,
    );
    await new AsyncOperation<void>(this.ctx.transport, {
      kind: 'disposal',
      triggerId,
      statusPath: path`/savepoint-disposal/${triggerId}`,
    }).result({
      ...(options.waitTimeoutMs === undefined ? {} : { waitTimeoutMs: options.waitTimeoutMs }),
      ...(options.pollIntervalMs === undefined ? {} : { pollIntervalMs: options.pollIntervalMs }),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }
}
