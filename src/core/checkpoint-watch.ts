import { FlinkNotFoundError } from '../errors/api-errors.js';
import { FlinkInputError } from '../errors/flink-error.js';
import { sleep } from '../internal/sleep.js';
import type { Checkpoint, CheckpointStats } from '../schemas/checkpoints.js';
import { type JobState, TERMINAL_JOB_STATES } from '../schemas/job-states.js';
import { lazy } from '../schemas/lazy.js';
import { path } from '../transport/path.js';
import { isTransient } from '../transport/retry-policy.js';
import { Backoff } from './backoff.js';
import type { ResourceContext } from './context.js';
import { JOB_ERRORS, readJobStatus } from './job-routes.js';

/** Something that happened to a job's checkpoints, as `checkpoints.watch()` yields it. */
export type CheckpointEvent =
  | {
      type: 'completed';
      checkpointId: number;
      isSavepoint: boolean;
      externalPath: string | undefined;
      stateSize: number | undefined;
      checkpointedSize: number | undefined;
      durationMs: number | undefined;
      triggeredAt: number;
      completedAt: number | undefined;
    }
  | {
      type: 'failed';
      checkpointId: number;
      isSavepoint: boolean;
      failureMessage: string | undefined;
      triggeredAt: number;
      failedAt: number | undefined;
    }
  | { type: 'restored'; checkpointId: number; isSavepoint: boolean; externalPath: string | undefined; restoredAt: number }
  /**
   * Checkpoints completed that the watch could not see: more between two looks than Flink's history
   * holds (`web.checkpoints.history`), or on a JobManager that failed before the watch looked again
   * (its successor restored from one of them). `count` is how many are known to have completed.
   */
  | { type: 'missed'; count: number }
  /** The job changed state, e.g. RUNNING -> RESTARTING after a TaskManager loss. */
  | { type: 'state'; state: JobState; previous: JobState | undefined };

/** Options of `checkpoints.watch()`. */
export interface WatchOptions {
  /** Time between two looks, in milliseconds; each look is two requests (checkpoint statistics, then job status). @default 1000 */
  intervalMs?: number;
  /** Ends the watch (the loop ends normally). */
  signal?: AbortSignal;
  /** Report checkpoints with a higher id than this. Default: those that complete or fail after the watch starts. */
  afterCheckpointId?: number;
  /** How long the job may be unknown (404, e.g. during a JobManager failover) before the watch throws. @default 60000 */
  notFoundGraceMs?: number;
}

/** The loop behind `checkpoints.watch()`: checkpoint statistics, then job status, then a pause of the interval. */
export async function* watchCheckpoints(ctx: ResourceContext, jobId: string, options: WatchOptions): AsyncGenerator<CheckpointEvent> {
  const interval = options.intervalMs ?? 1_000;
  if (!Number.isFinite(interval) || interval < 50) throw new FlinkInputError(`intervalMs must be at least 50, got ${interval}`);
  const grace = options.notFoundGraceMs ?? 60_000;
  const signal = options.signal;
  const request = { retry: false as const, timeoutMs: Math.max(5_000, interval), ...(signal ? { signal } : {}) };

  const reported = new Set<number>();
  let after = options.afterCheckpointId;
  let completedCount: number | undefined;
  let totalCount: number | undefined;
  let firstCounted: number | undefined;
  let highestSeen = -1;
  let restoredAt: number | undefined;
  let state: JobState | undefined;
  let finalLook = false;
  // Keep looking every few seconds at most after failures: a failover is over in seconds, and a late look misses more.
  const backoff = new Backoff({ minMs: interval, maxMs: Math.max(interval, 5_000), factor: 2 });
  let notFoundSince: number | undefined;

  for (let tick = 0; !signal?.aborted; tick++) {
    try {
      if (finalLook || tick % 2 === 0) {
        const stats = await ctx.transport.request(
          { method: 'GET', path: path`/jobs/${jobId}/checkpoints`, schema: lazy.checkpoints('CheckpointStats'), errors: JOB_ERRORS },
          request,
        );
        if (after === undefined) {
          // First look: start from what is settled now. A checkpoint still in progress is reported when
          // it settles, even below one that already settled (concurrent checkpoints, a savepoint taken
          // while a checkpoint runs), so start below it and count the settled ones above it as reported.
          const settled = stats.history.filter((c) => c.status !== 'IN_PROGRESS').map((c) => c.id);
          const pending = stats.history.filter((c) => c.status === 'IN_PROGRESS').map((c) => c.id);
          after = Math.min(Math.max(-1, ...settled), Math.min(Number.POSITIVE_INFINITY, ...pending) - 1);
          for (const id of settled) if (id > after) reported.add(id);
          completedCount = stats.counts.completed;
          totalCount = stats.counts.total;
          firstCounted = firstCountedId(stats);
          restoredAt = stats.latest.restored?.restoredAt;
          highestSeen = Math.max(after, ...settled);
        }
        // A new JobManager (a failover) keeps statistics of its own, counted from zero: fewer in total,
        // or counting from a later checkpoint id.
        const first = firstCountedId(stats);
        const reset =
          (totalCount !== undefined && stats.counts.total < totalCount) ||
          (first !== undefined && firstCounted !== undefined && first > firstCounted);
        const fresh = stats.history
          .filter((c) => c.status !== 'IN_PROGRESS' && c.id > (after as number) && !reported.has(c.id))
          .sort((a, b) => a.id - b.id);
        // One look can span a restore (Flink caches the statistics for web.refresh-interval): yield
        // its checkpoints and the restore in the order they happened.
        const timed: Array<{ at: number; event: CheckpointEvent }> = fresh.map((c) => ({
          at: c.latestAckAt ?? c.failedAt ?? c.triggeredAt,
          event: toEvent(c),
        }));
        for (const c of fresh) reported.add(c.id);
        const restored = stats.latest.restored;
        // The checkpoint a new JobManager restored completed on the old one, unseen by this watch.
        let unseenRestore = 0;
        if (restored && restored.restoredAt !== restoredAt) {
          restoredAt = restored.restoredAt;
          timed.push({ at: restored.restoredAt, event: { type: 'restored', ...restored } });
          if (reset && restored.checkpointId > highestSeen && !stats.history.some((c) => c.id === restored.checkpointId)) unseenRestore = 1;
        }
        for (const { event } of timed.sort((a, b) => a.at - b.at)) yield event;
        const newlyCompleted = completedCount === undefined ? 0 : stats.counts.completed - (reset ? 0 : completedCount);
        const seen = fresh.filter((c) => c.status === 'COMPLETED').length;
        const missed = Math.max(0, newlyCompleted - seen) + unseenRestore;
        if (missed > 0) yield { type: 'missed', count: missed };
        completedCount = stats.counts.completed;
        totalCount = stats.counts.total;
        firstCounted = first ?? firstCounted;
        highestSeen = Math.max(highestSeen, ...fresh.map((c) => c.id), restored?.checkpointId ?? -1);
        // Forget ids that fell out of the history; they cannot come back.
        const oldest = Math.min(...stats.history.map((c) => c.id));
        for (const id of reported) if (id < oldest) reported.delete(id);
        if (finalLook) return;
      } else {
        const now = await readJobStatus(ctx, jobId, request);
        if (now !== state) {
          yield { type: 'state', state: now, previous: state };
          state = now;
        }
        // One last look at the checkpoints (e.g. the savepoint of a stop), then end.
        if (TERMINAL_JOB_STATES.has(now)) finalLook = true;
      }
      backoff.reset();
      notFoundSince = undefined;
    } catch (error) {
      if (signal?.aborted) return;
      if (error instanceof FlinkNotFoundError) {
        notFoundSince ??= Date.now();
        if (Date.now() - notFoundSince > grace) throw error;
      } else if (!isTransient(error)) {
        throw error;
      }
      backoff.grow();
    }
    // A tick is a statistics look and a status look, back to back, then the pause. Statistics are
    // read every interval: Flink caches them for web.refresh-interval, and reading them only every
    // second interval added up to a whole interval to each report.
    if (tick % 2 === 0) continue;
    try {
      await sleep(backoff.delayMs, signal);
    } catch {
      return; // aborted
    }
  }
}

/**
 * The id of the first checkpoint these statistics count: every triggered checkpoint takes the next
 * id and counts in `total`, so it stays put for one JobManager and moves up on its successor.
 */
function firstCountedId(stats: CheckpointStats): number | undefined {
  if (stats.history.length === 0) return undefined;
  return Math.max(...stats.history.map((c) => c.id)) - stats.counts.total + 1;
}

function toEvent(c: Checkpoint): CheckpointEvent {
  if (c.status === 'FAILED') {
    return {
      type: 'failed',
      checkpointId: c.id,
      isSavepoint: c.isSavepoint,
      failureMessage: c.failureMessage,
      triggeredAt: c.triggeredAt,
      failedAt: c.failedAt,
    };
  }
  return {
    type: 'completed',
    checkpointId: c.id,
    isSavepoint: c.isSavepoint,
    externalPath: c.externalPath,
    stateSize: c.stateSize,
    checkpointedSize: c.checkpointedSize,
    durationMs: c.durationMs,
    triggeredAt: c.triggeredAt,
    completedAt: c.latestAckAt,
  };
}
