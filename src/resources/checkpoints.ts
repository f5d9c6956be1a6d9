import { compat } from '../compat/versions.js';
import { AsyncOperation } from '../core/async-operation.js';
import type { CheckpointEvent, WatchOptions } from '../core/checkpoint-watch.js';
import { jobErrors } from '../core/job-routes.js';
import { FlinkInputError } from '../errors/flink-error.js';
import { checkId, newFlinkId } from '../internal/ids.js';
import type { RequestOptions } from '../options.js';
import type { Checkpoint, CheckpointConfig, CheckpointStats } from '../schemas/checkpoints.js';
import { lazy } from '../schemas/lazy.js';
import { path } from '../transport/path.js';
import { Resource } from './resource.js';

/** Checkpoint type for a manual trigger: as configured, a full one, or incremental (1.17–1.18 only). */
export type CheckpointTriggerType = 'CONFIGURED' | 'FULL' | 'INCREMENTAL';

/** An unknown job, or (details) a checkpoint no longer in the history. */
const CHECKPOINT_ERRORS = jobErrors('No job with that id on this cluster, or (details) no checkpoint with that id in the history');

/**
 * Checkpoints: statistics, configuration, details, manual triggers and a live watch.
 *
 * @example
 * ```ts
 * const { latest } = await flink.checkpoints.stats(jobId);
 * for await (const e of flink.checkpoints.watch(jobId, { signal })) console.log(e.type, e);
 * ```
 */
export class CheckpointsResource extends Resource {
  /**
   * Counts, the latest completed / failed / restored checkpoint and savepoint, and recent history.
   * @example const { counts, latest } = await flink.checkpoints.stats(jobId); latest.restored?.externalPath;
   */
  async stats(jobId: string, options?: RequestOptions): Promise<CheckpointStats> {
    return this.ctx.transport.request(
      {
        method: 'GET',
        path: path`/jobs/${checkId('jobId', jobId)}/checkpoints`,
        schema: lazy.checkpoints('CheckpointStats'),
        errors: CHECKPOINT_ERRORS,
      },
      options,
    );
  }

  /**
   * The job's checkpointing configuration (interval, timeout, externalization, backend).
   * @example const { intervalMs } = await flink.checkpoints.config(jobId);
   */
  async config(jobId: string, options?: RequestOptions): Promise<CheckpointConfig> {
    return this.ctx.transport.request(
      {
        method: 'GET',
        path: path`/jobs/${checkId('jobId', jobId)}/checkpoints/config`,
        schema: lazy.checkpoints('CheckpointConfig'),
        errors: CHECKPOINT_ERRORS,
      },
      options,
    );
  }

  /**
   * One checkpoint from the job's history.
   * @example const cp = await flink.checkpoints.details(jobId, 42); cp.externalPath;
   */
  async details(jobId: string, checkpointId: number, options?: RequestOptions): Promise<Checkpoint> {
    if (!Number.isSafeInteger(checkpointId) || checkpointId < 0)
      throw new FlinkInputError(`checkpointId must be a non-negative integer, got ${checkpointId}`);
    return this.ctx.transport.request(
      {
        method: 'GET',
        path: path`/jobs/${checkId('jobId', jobId)}/checkpoints/details/${checkpointId}`,
        schema: lazy.checkpoints('CheckpointDetails'),
        errors: CHECKPOINT_ERRORS,
      },
      options,
    );
  }

  /**
   * Triggers a checkpoint now (Flink 1.17+) and returns a handle to await its id.
   * @throws {@link FlinkInputError} on Flink before 1.17, or for INCREMENTAL on 1.19+ (Flink refuses it).
   * @example const { checkpointId } = await (await flink.checkpoints.trigger(jobId)).result();
   */
  async trigger(
    jobId: string,
    options: RequestOptions & { type?: CheckpointTriggerType; triggerId?: string } = {},
  ): Promise<AsyncOperation<{ checkpointId: number }>> {
    checkId('jobId', jobId);
    const type = options.type ?? 'CONFIGURED';
    if (!['CONFIGURED', 'FULL', 'INCREMENTAL'].includes(type))
      throw new FlinkInputError(`type must be CONFIGURED, FULL or INCREMENTAL, got ${JSON.stringify(type)}`);
    const version = await this.ctx.version(options);
    if (!compat.checkpointTrigger(version)) {
      throw new FlinkInputError(
        `triggering checkpoints over REST needs Flink 1.17+, the cluster runs ${version}; trigger a savepoint instead`,
      );
    }
    if (type === 'INCREMENTAL' && !compat.incrementalCheckpointTrigger(version)) {
      throw new FlinkInputError(
        `Flink ${version} refuses INCREMENTAL checkpoints over REST (FLINK-33723, 1.19+); use CONFIGURED (incremental when the backend is) or FULL`,
      );
    }
    const triggerId = options.triggerId === undefined ? newFlinkId() : checkId('triggerId', options.triggerId);
    await this.ctx.transport.request(
      {
        method: 'POST',
        path: path`/jobs/${jobId}/checkpoints`,
        json: { checkpointType: type, triggerId },
        schema: lazy.common('TriggerResponse'),
        idempotent: true,
        errors: CHECKPOINT_ERRORS,
      },
      options,
    );
    return new AsyncOperation(this.ctx.transport, {
      kind: 'checkpoint',
      triggerId,
      jobId,
      statusPath: path`/jobs/${jobId}/checkpoints/${triggerId}`,
      result: lazy.operations('CheckpointResult'),
    });
  }

  /**
   * Watches the job's checkpoints: yields `completed`, `failed` and `restored` events (plus `state`
   * changes of the job and `missed` when more checkpoints completed between two looks than the
   * history holds), each once, in order. Two requests per interval (statistics and status); survives JobManager restarts and
   * refused connections with backoff; ends when the job reaches a terminal state or the signal aborts.
   * @example
   * ```ts
   * for await (const e of flink.checkpoints.watch(jobId, { intervalMs: 1000, signal })) {
   *   if (e.type === 'completed') console.log(e.checkpointId, e.externalPath, e.durationMs);
   * }
   * ```
   */
  watch(jobId: string, options: WatchOptions = {}): AsyncIterable<CheckpointEvent> {
    checkId('jobId', jobId);
    const ctx = this.ctx;
    return (async function* () {
      // The watch loop loads with the first watch, not with `import 'flink-kit'`.
      const { watchCheckpoints } = await import('../core/checkpoint-watch.js');
      yield* watchCheckpoints(ctx, jobId, options);
    })();
  }
}
