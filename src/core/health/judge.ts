import type { HealthReason, HealthReport, HealthStatus, ResolvedHealthThresholds } from '../../schemas/health-report.js';
import { waitingTasks } from '../../schemas/job-states.js';
import { backpressureReasons } from './backpressure.js';
import type { HealthEvidence } from './describe.js';
import { checkpointProgressWindow, type HealthThresholds, resolveThresholds } from './thresholds.js';
import { plural, span } from './words.js';

/** Job states in which a job is on its way up, not down. */
const STARTING = new Set(['INITIALIZING', 'CREATED', 'RECONCILING']);
/** Task states of a task that is coming up (not waiting for a slot, not failing). */
const COMING_UP = new Set(['DEPLOYING', 'INITIALIZING']);
const CODE_ORDER = [
  'NOT_RUNNING',
  'RESTARTING',
  'TASKS_NOT_RUNNING',
  'RESTARTS',
  'CHECKPOINTS_STALLED',
  'CHECKPOINTS_FAILING',
  'BACKPRESSURE',
  'WATERMARK_LAG',
];

/**
 * Judges health evidence (or a whole report, to judge it again with other thresholds, without a
 * request): the reasons, worst first, and the status they add up to. Pure.
 * @example
 * ```ts
 * const strict = judgeHealth(await flink.jobs.health(jobId), { maxRestarts: 0 });
 * if (strict.status !== 'healthy') console.log(strict.reasons.map((r) => r.message));
 * ```
 */
export function judgeHealth(evidence: HealthEvidence, thresholds: HealthThresholds | ResolvedHealthThresholds = {}): HealthReport {
  const t = resolveThresholds(thresholds);
  const reasons: HealthReason[] = [];
  const cause = evidence.exceptions[0]?.message;
  const seeExceptions = `see \`flink-kit exceptions ${evidence.jobId}\``;
  const running = evidence.state === 'RUNNING';

  if (evidence.state === 'RESTARTING' || evidence.state === 'FAILING') {
    reasons.push({
      code: 'RESTARTING',
      severity: 'unhealthy',
      message: `the job is ${evidence.state} after a failure${evidence.restarts === undefined ? '' : ` (${plural(evidence.restarts, 'restart')} so far)`}${cause ? `: ${cause}` : ''}; ${seeExceptions}`,
    });
  } else if (!running) {
    const starting = STARTING.has(evidence.state);
    reasons.push({
      code: 'NOT_RUNNING',
      severity: starting ? 'degraded' : 'unhealthy',
      message: starting
        ? `the job is ${evidence.state}: it does not run yet`
        : `the job is ${evidence.state}: it does not run${evidence.state === 'FAILED' && cause ? `; it failed with ${cause}` : ''}`,
    });
  }

  if (running) {
    for (const v of evidence.vertices) {
      const waiting = waitingTasks(v.tasks);
      if (waiting.length === 0) continue;
      const comingUp = waiting.every(([state]) => COMING_UP.has(state));
      const slots = waiting.some(([state]) => state === 'CREATED' || state === 'SCHEDULED');
      reasons.push({
        code: 'TASKS_NOT_RUNNING',
        severity: comingUp ? 'degraded' : 'unhealthy',
        message: `vertex ${v.name}: ${waiting.map(([state, n]) => `${n} of ${v.parallelism} subtasks ${state}`).join(', ')}${
          slots ? ': they wait for slots; add TaskManagers or slots, or lower the parallelism' : comingUp ? ': still coming up' : ''
        }`,
        vertexId: v.id,
        vertexName: v.name,
      });
    }
  }

  const recent = evidence.recentRestarts;
  if (recent.count > 0) {
    const over = recent.count > t.maxRestarts;
    reasons.push({
      code: 'RESTARTS',
      severity: over ? 'unhealthy' : 'degraded',
      message: `the job restarted ${recent.count === 1 ? 'once' : `${recent.count} times`} in the last ${span(recent.windowMs)}${
        over ? ` (more than ${t.maxRestarts}: a restart loop)` : ''
      }${evidence.restarts === undefined ? '' : `, ${evidence.restarts} in total`}${cause ? `; the latest failure: ${cause}` : ''}; ${seeExceptions}`,
    });
  }

  const cp = evidence.checkpoints;
  const allowedAgeMs =
    cp.enabled && cp.intervalMs !== undefined
      ? (t.checkpointAgeMs ?? checkpointProgressWindow(cp.intervalMs, cp.timeoutMs, cp.tolerableFailures))
      : undefined;
  if (running && allowedAgeMs !== undefined) {
    const since = Math.max(cp.lastCompleted?.completedAt ?? 0, evidence.observedAt - (evidence.uptimeMs ?? 0));
    const age = evidence.observedAt - since;
    const failure = cp.lastFailure?.message ? `; the latest failed with "${cp.lastFailure.message}"` : '';
    if (age > allowedAgeMs) {
      reasons.push({
        code: 'CHECKPOINTS_STALLED',
        severity: 'unhealthy',
        message: `no checkpoint completed for ${span(age)} (${cp.lastCompleted ? `the last, ${cp.lastCompleted.id}, ${span(cp.lastCompleted.ageMs)} ago` : 'none since the job runs'}; allowed ${span(allowedAgeMs)})${failure}: look at checkpoint durations against the timeout${cp.timeoutMs === undefined ? '' : ` (${span(cp.timeoutMs)}, execution.checkpointing.timeout)`}, backpressure (barriers wait behind records) and slow snapshots`,
      });
    }
  }
  if (running && cp.enabled && cp.lastFailure) {
    reasons.push({
      code: 'CHECKPOINTS_FAILING',
      severity: 'degraded',
      message: `checkpoint ${cp.lastFailure.id} failed${cp.lastFailure.message ? `: ${cp.lastFailure.message}` : ''} (${cp.failed} failed, ${cp.completed} completed since the job started${
        cp.tolerableFailures === undefined ? '' : `; ${cp.tolerableFailures} failures in a row tolerated`
      }): ${/expired/i.test(cp.lastFailure.message ?? '') ? `a checkpoint takes longer than the timeout${cp.timeoutMs === undefined ? '' : ` of ${span(cp.timeoutMs)}`}: raise execution.checkpointing.timeout, or find the slow snapshot or backpressure` : 'see the JobManager log for the cause'}`,
    });
  }

  if (running) reasons.push(...backpressureReasons(evidence.vertices, t.backpressure));

  if (running && t.watermarkLagMs !== undefined) {
    const lagging = evidence.vertices.filter((v) => (v.watermarkLagMs ?? -1) > (t.watermarkLagMs as number));
    const worst = lagging.sort((a, b) => (b.watermarkLagMs ?? 0) - (a.watermarkLagMs ?? 0))[0];
    if (worst?.watermarkLagMs !== undefined && worst.watermark !== undefined) {
      reasons.push({
        code: 'WATERMARK_LAG',
        severity: 'degraded',
        message: `the watermark of ${worst.name} trails the clock by ${span(worst.watermarkLagMs)} (allowed ${span(t.watermarkLagMs)}; at ${new Date(worst.watermark).toISOString()})${
          lagging.length > 1 ? `, ${lagging.length - 1} more ${lagging.length === 2 ? 'vertex' : 'vertices'} too` : ''
        }: event-time results are that late. Look at the sources (a partition that lags or is idle holds the watermark back), backpressure, and the out-of-orderness the watermark strategy allows`,
        vertexId: worst.id,
        vertexName: worst.name,
      });
    }
  }

  reasons.sort(
    (a, b) =>
      (a.severity === b.severity ? 0 : a.severity === 'unhealthy' ? -1 : 1) || CODE_ORDER.indexOf(a.code) - CODE_ORDER.indexOf(b.code),
  );
  const status: HealthStatus = reasons.some((r) => r.severity === 'unhealthy') ? 'unhealthy' : reasons.length > 0 ? 'degraded' : 'healthy';
  const checkpoints = { ...cp };
  if (allowedAgeMs === undefined) delete checkpoints.allowedAgeMs;
  else checkpoints.allowedAgeMs = allowedAgeMs;
  return { ...evidence, checkpoints, status, reasons, thresholds: t };
}
