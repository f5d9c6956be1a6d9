import { z } from 'zod';
import { openEnum } from './common.js';

const CheckpointStatus = openEnum(['IN_PROGRESS', 'COMPLETED', 'FAILED'] as const);
const CheckpointType = openEnum(['CHECKPOINT', 'SAVEPOINT', 'SYNC_SAVEPOINT', 'UNALIGNED_CHECKPOINT'] as const);

const CheckpointWire = z.object({
  id: z.number(),
  status: CheckpointStatus,
  is_savepoint: z.boolean(),
  checkpoint_type: CheckpointType.optional(),
  savepointFormat: z.string().nullish(),
  trigger_timestamp: z.number(),
  latest_ack_timestamp: z.number().optional(),
  state_size: z.number().optional(),
  checkpointed_size: z.number().optional(),
  end_to_end_duration: z.number().optional(),
  num_subtasks: z.number().optional(),
  num_acknowledged_subtasks: z.number().optional(),
  external_path: z.string().nullish(),
  discarded: z.boolean().optional(),
  failure_timestamp: z.number().optional(),
  failure_message: z.string().nullish(),
});

const toCheckpoint = (w: z.output<typeof CheckpointWire>) => ({
  id: w.id,
  status: w.status,
  isSavepoint: w.is_savepoint,
  type: w.checkpoint_type,
  savepointFormat: w.savepointFormat ?? undefined,
  triggeredAt: w.trigger_timestamp,
  latestAckAt: w.latest_ack_timestamp && w.latest_ack_timestamp > 0 ? w.latest_ack_timestamp : undefined,
  stateSize: w.state_size,
  checkpointedSize: w.checkpointed_size,
  durationMs: w.end_to_end_duration,
  subtasks: w.num_subtasks,
  acknowledgedSubtasks: w.num_acknowledged_subtasks,
  externalPath: w.external_path ?? undefined,
  discarded: w.discarded,
  failedAt: w.failure_timestamp && w.failure_timestamp > 0 ? w.failure_timestamp : undefined,
  failureMessage: w.failure_message ?? undefined,
});

/** `GET /jobs/:id/checkpoints/details/:checkpointId` (and each history entry). */
export const CheckpointDetails = CheckpointWire.transform(toCheckpoint);
/** One checkpoint or savepoint: id, status, size, duration, path, failure. */
export type Checkpoint = z.output<typeof CheckpointDetails>;

/** `latest.restored` of the checkpoint statistics. */
export const RestoredCheckpoint = z
  .object({
    id: z.number(),
    restore_timestamp: z.number(),
    is_savepoint: z.boolean(),
    external_path: z.string().nullish(),
  })
  .transform((w) => ({
    checkpointId: w.id,
    restoredAt: w.restore_timestamp,
    isSavepoint: w.is_savepoint,
    externalPath: w.external_path ?? undefined,
  }));
/** The checkpoint or savepoint the job last restored from. */
export type RestoredCheckpoint = z.output<typeof RestoredCheckpoint>;

/** `GET /jobs/:id/checkpoints`. */
export const CheckpointStats = z
  .object({
    counts: z.object({ restored: z.number(), total: z.number(), in_progress: z.number(), completed: z.number(), failed: z.number() }),
    latest: z
      .object({
        completed: CheckpointDetails.nullish(),
        savepoint: CheckpointDetails.nullish(),
        failed: CheckpointDetails.nullish(),
        restored: RestoredCheckpoint.nullish(),
      })
      .nullish(),
    history: z.array(CheckpointDetails).default([]),
  })
  .transform((w) => ({
    counts: {
      restored: w.counts.restored,
      total: w.counts.total,
      inProgress: w.counts.in_progress,
      completed: w.counts.completed,
      failed: w.counts.failed,
    },
    latest: {
      completed: w.latest?.completed ?? undefined,
      savepoint: w.latest?.savepoint ?? undefined,
      failed: w.latest?.failed ?? undefined,
      restored: w.latest?.restored ?? undefined,
    },
    /** Newest first, as many as `web.checkpoints.history` (10 by default). */
    history: w.history,
  }));
/** A job's checkpoint statistics: counts, latest completed/savepoint/failed/restored, recent history. */
export type CheckpointStats = z.output<typeof CheckpointStats>;

/** `GET /jobs/:id/checkpoints/config`. */
export const CheckpointConfig = z
  .looseObject({
    mode: z.string().optional(),
    interval: z.number().optional(),
    timeout: z.number().optional(),
    min_pause: z.number().optional(),
    max_concurrent: z.number().optional(),
    externalization: z.object({ enabled: z.boolean().optional(), delete_on_cancellation: z.boolean().optional() }).optional(),
    state_backend: z.string().optional(),
    checkpoint_storage: z.string().optional(),
    unaligned_checkpoints: z.boolean().optional(),
    tolerable_failed_checkpoints: z.number().optional(),
  })
  .transform((w) => ({
    mode: w.mode,
    /** 0x7fffffffffffffff (Long.MAX_VALUE) when periodic checkpoints are off. */
    intervalMs: w.interval,
    timeoutMs: w.timeout,
    minPauseMs: w.min_pause,
    maxConcurrent: w.max_concurrent,
    externalized: w.externalization?.enabled,
    deleteOnCancellation: w.externalization?.delete_on_cancellation,
    stateBackend: w.state_backend,
    checkpointStorage: w.checkpoint_storage,
    unalignedCheckpoints: w.unaligned_checkpoints,
    tolerableFailedCheckpoints: w.tolerable_failed_checkpoints,
  }));
/** A job's checkpointing configuration. */
export type CheckpointConfig = z.output<typeof CheckpointConfig>;
