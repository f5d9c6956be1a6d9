import type { HealthReport } from '../../schemas/health-report.js';

/**
 * What changed between two health reports of the same job, read at different times: the evidence a
 * stability gate compares (did it restart, did it checkpoint since).
 */
export interface HealthChange {
  /** Milliseconds between the two reads (JobManager clock). */
  elapsedMs: number;
  /** Growth of the restart counter; `undefined` when either report lacks it. */
  restarts: number | undefined;
  /** Checkpoints completed in between (from the completed counts). */
  checkpointsCompleted: number;
  /** Checkpoints failed in between. */
  checkpointsFailed: number;
  /** The job left RUNNING in between, as far as two reads can tell: its uptime restarted or it does not run now. */
  leftRunning: boolean;
}

/**
 * Compares an earlier and a later report of one job.
 * @throws TypeError when the reports are of different jobs, or `later` was read before `earlier`.
 * @example
 * ```ts
 * const before = await flink.jobs.health(jobId);
 * // … a minute later
 * const change = healthChange(before, await flink.jobs.health(jobId));
 * if (change.restarts || change.checkpointsCompleted === 0) console.log('not stable yet');
 * ```
 */
export function healthChange(earlier: HealthReport, later: HealthReport): HealthChange {
  if (earlier.jobId !== later.jobId) throw new TypeError(`reports of two jobs (${earlier.jobId}, ${later.jobId}) cannot be compared`);
  if (later.observedAt < earlier.observedAt) throw new TypeError('the later report was read before the earlier one: swap them');
  const elapsedMs = later.observedAt - earlier.observedAt;
  const restarts =
    earlier.restarts !== undefined && later.restarts !== undefined ? Math.max(0, later.restarts - earlier.restarts) : undefined;
  const uptimeRestarted =
    earlier.uptimeMs !== undefined && later.uptimeMs !== undefined && later.uptimeMs < earlier.uptimeMs + elapsedMs - 1_000;
  return {
    elapsedMs,
    restarts,
    checkpointsCompleted: Math.max(0, later.checkpoints.completed - earlier.checkpoints.completed),
    checkpointsFailed: Math.max(0, later.checkpoints.failed - earlier.checkpoints.failed),
    leftRunning: later.state !== 'RUNNING' || earlier.state !== 'RUNNING' || uptimeRestarted || (restarts ?? 0) > 0,
  };
}
