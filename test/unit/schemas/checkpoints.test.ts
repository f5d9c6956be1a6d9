import { describe, expect, it } from 'vitest';
import { CheckpointConfig, CheckpointDetails, CheckpointStats } from '../../../src/schemas/checkpoints.js';
import {
  checkpointConfigReply,
  checkpointEntry,
  checkpointStats,
  JOB_ID,
  restoredEntry,
  SAVEPOINT_PATH,
} from '../../fakes/flink-replies.js';

/** `latest.completed` exactly as Flink 1.20.3 sent it. */
const REAL_COMPLETED = {
  className: 'completed',
  id: 5,
  status: 'COMPLETED',
  is_savepoint: false,
  savepointFormat: null,
  trigger_timestamp: 1_795_250_488_685,
  latest_ack_timestamp: 1_795_250_488_719,
  checkpointed_size: 2967,
  state_size: 2967,
  end_to_end_duration: 34,
  alignment_buffered: 0,
  processed_data: 0,
  persisted_data: 0,
  num_subtasks: 4,
  num_acknowledged_subtasks: 4,
  checkpoint_type: 'CHECKPOINT',
  tasks: {},
  external_path: `file:/tmp/x/checkpoints/${JOB_ID}/chk-5`,
  discarded: false,
};

describe('CheckpointDetails', () => {
  it('maps a completed checkpoint to camelCase', () => {
    expect(CheckpointDetails.parse(REAL_COMPLETED)).toEqual({
      id: 5,
      status: 'COMPLETED',
      isSavepoint: false,
      type: 'CHECKPOINT',
      savepointFormat: undefined,
      triggeredAt: 1_795_250_488_685,
      latestAckAt: 1_795_250_488_719,
      stateSize: 2967,
      checkpointedSize: 2967,
      durationMs: 34,
      subtasks: 4,
      acknowledgedSubtasks: 4,
      externalPath: `file:/tmp/x/checkpoints/${JOB_ID}/chk-5`,
      discarded: false,
      failedAt: undefined,
      failureMessage: undefined,
    });
  });

  it('maps a failed savepoint: failure time and message, no path', () => {
    const failed = CheckpointDetails.parse(checkpointEntry(3, 'FAILED', { savepoint: true, failureMessage: 'Checkpoint was declined.' }));
    expect(failed).toMatchObject({
      id: 3,
      status: 'FAILED',
      isSavepoint: true,
      type: 'SAVEPOINT',
      savepointFormat: 'CANONICAL',
      failureMessage: 'Checkpoint was declined.',
      externalPath: undefined,
    });
    expect(failed.failedAt).toBeGreaterThan(failed.triggeredAt);
  });

  it('an in-progress checkpoint has no ack time yet (-1 on the wire)', () => {
    expect(CheckpointDetails.parse(checkpointEntry(9, 'IN_PROGRESS')).latestAckAt).toBeUndefined();
  });

  it('accepts statuses and checkpoint types it does not know', () => {
    const parsed = CheckpointDetails.parse({ ...REAL_COMPLETED, status: 'SOMETHING_NEW', checkpoint_type: 'UNALIGNED_SAVEPOINT' });
    expect(parsed).toMatchObject({ status: 'SOMETHING_NEW', type: 'UNALIGNED_SAVEPOINT' });
  });
});

describe('CheckpointStats', () => {
  const history = [
    checkpointEntry(6, 'IN_PROGRESS'),
    checkpointEntry(5),
    checkpointEntry(4, 'COMPLETED', { savepoint: true }),
    checkpointEntry(3, 'FAILED', { savepoint: true }),
    checkpointEntry(2),
    checkpointEntry(1, 'FAILED'),
  ];

  it('maps counts, latest and history (newest first, as sent)', () => {
    const stats = CheckpointStats.parse(checkpointStats(history, { restored: restoredEntry(7) }));
    expect(stats.counts).toEqual({ restored: 1, total: 6, inProgress: 1, completed: 3, failed: 2 });
    expect(stats.latest.completed).toMatchObject({ id: 5, isSavepoint: false, durationMs: 34 });
    expect(stats.latest.savepoint).toMatchObject({ id: 4, isSavepoint: true, savepointFormat: 'CANONICAL', type: 'SAVEPOINT' });
    expect(stats.latest.failed).toMatchObject({ id: 3, failureMessage: 'Checkpoint expired before completing.' });
    expect(stats.latest.restored).toEqual({
      checkpointId: 7,
      restoredAt: 1_795_250_499_000,
      isSavepoint: true,
      externalPath: SAVEPOINT_PATH,
    });
    expect(stats.history.map((c) => c.id)).toEqual([6, 5, 4, 3, 2, 1]);
    expect(stats.history.map((c) => c.status)).toEqual(['IN_PROGRESS', 'COMPLETED', 'COMPLETED', 'FAILED', 'COMPLETED', 'FAILED']);
  });

  it('a job without checkpoints yet: null latest entries become undefined, the history is empty', () => {
    const stats = CheckpointStats.parse(checkpointStats([]));
    expect(stats.latest).toEqual({ completed: undefined, savepoint: undefined, failed: undefined, restored: undefined });
    expect(stats.history).toEqual([]);
    expect(stats.counts).toEqual({ restored: 0, total: 0, inProgress: 0, completed: 0, failed: 0 });
  });

  it('a reply without latest or history (older or trimmed replies) still parses', () => {
    const stats = CheckpointStats.parse({ counts: { restored: 0, total: 0, in_progress: 0, completed: 0, failed: 0 } });
    expect(stats.latest.restored).toBeUndefined();
    expect(stats.history).toEqual([]);
  });

  it('a restore without an external path keeps externalPath undefined', () => {
    const stats = CheckpointStats.parse(
      checkpointStats([], { restored: { id: 2, restore_timestamp: 1_795_250_499_000, is_savepoint: false, external_path: null } }),
    );
    expect(stats.latest.restored).toMatchObject({ checkpointId: 2, isSavepoint: false, externalPath: undefined });
  });

  it('rejects a reply without counts', () => {
    expect(CheckpointStats.safeParse({ history: [] }).success).toBe(false);
  });
});

describe('CheckpointConfig', () => {
  it('maps the configuration to camelCase with units in the names', () => {
    expect(CheckpointConfig.parse(checkpointConfigReply())).toEqual({
      mode: 'exactly_once',
      intervalMs: 2000,
      timeoutMs: 600_000,
      minPauseMs: 0,
      maxConcurrent: 1,
      externalized: true,
      deleteOnCancellation: false,
      stateBackend: 'HashMapStateBackend',
      checkpointStorage: 'FileSystemCheckpointStorage',
      unalignedCheckpoints: false,
      tolerableFailedCheckpoints: 0,
    });
  });

  it('tolerates missing optional fields', () => {
    expect(CheckpointConfig.parse({})).toMatchObject({ mode: undefined, intervalMs: undefined, externalized: undefined });
  });
});
