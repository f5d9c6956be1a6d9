import type { CheckpointConfig, CheckpointStats } from '../../schemas/checkpoints.js';
import type { BackpressureReply, HealthJobReply, MetricAggregate } from '../../schemas/health.js';
import type { CheckpointHealth, HealthException, HealthReport, VertexHealth } from '../../schemas/health-report.js';
import type { JobExceptions } from '../../schemas/jobs.js';
import { readVertexMetrics } from './metrics.js';

/** Everything one health read fetched, as parsed replies: the input of {@link describeHealth}. */
export interface HealthFacts {
  job: HealthJobReply;
  /** The restart counter's value, when the job has the metric yet. */
  restarts: number | undefined;
  /** Checkpoint statistics; `undefined` when Flink has none for the job (batch). */
  checkpoints: CheckpointStats | undefined;
  checkpointConfig: CheckpointConfig | undefined;
  exceptions: JobExceptions | undefined;
  /** By vertex id; absent for a vertex not read (the job does not run). */
  vertices: ReadonlyMap<string, { backpressure?: BackpressureReply | undefined; metrics?: Record<string, MetricAggregate> | undefined }>;
}

/** What {@link describeHealth} needs besides the facts. */
export interface DescribeOptions {
  restartWindowMs: number;
  /** An earlier report of the same job: restarts in the window are counted as the metric's growth since it. */
  previous?: HealthReport | undefined;
  /** How many exceptions to keep. */
  exceptions: number;
  stackTraces: boolean;
}

/** The evidence of a report: all of it except the verdict (`status`, `reasons`) and the thresholds. */
export type HealthEvidence = Omit<HealthReport, 'status' | 'reasons' | 'thresholds'>;

/** Periodic checkpointing is off when the interval is Long.MAX_VALUE (what Flink reports then) or missing. */
const CHECKPOINTING_OFF = 2 ** 62;

/**
 * Turns the replies of one read into the report's evidence: vertices with backpressure, rates and
 * watermark lag; checkpoints with ages; restarts in the window; the newest exceptions. Pure.
 */
export function describeHealth(facts: HealthFacts, options: DescribeOptions): HealthEvidence {
  const { job } = facts;
  const observedAt = job.now ?? Date.now();
  const running = job.state === 'RUNNING' ? job.timestamps['RUNNING'] : undefined;
  const vertices = job.vertices.map((v) => vertexHealth(v, facts.vertices.get(v.id), observedAt));
  const fetched = [...facts.vertices.values()].map((r) => r.backpressure?.measuredAt).filter((t): t is number => t !== undefined && t > 0);
  return {
    jobId: job.id,
    name: job.name,
    state: job.state,
    observedAt,
    ...(fetched.length > 0 ? { metricsFetchedAt: Math.min(...fetched) } : {}),
    ...(facts.restarts === undefined ? {} : { restarts: facts.restarts }),
    recentRestarts: recentRestarts(facts, observedAt, options),
    ...(running ? { uptimeMs: Math.max(0, observedAt - running) } : {}),
    checkpoints: checkpointHealth(facts.checkpoints, facts.checkpointConfig, observedAt),
    vertices,
    exceptions: (facts.exceptions?.entries ?? []).slice(0, options.exceptions).map((e) => {
      const out: HealthException = { message: e.rootCause ?? e.message };
      if (e.exceptionName) out.name = e.exceptionName;
      if (e.timestamp) out.timestamp = e.timestamp;
      if (e.taskName) out.taskName = e.taskName;
      if (options.stackTraces && e.stacktrace) out.stackTrace = e.stacktrace;
      return out;
    }),
  };
}

function vertexHealth(
  v: HealthJobReply['vertices'][number],
  read: { backpressure?: BackpressureReply | undefined; metrics?: Record<string, MetricAggregate> | undefined } | undefined,
  observedAt: number,
): VertexHealth {
  const out: VertexHealth = {
    id: v.id,
    name: v.name,
    parallelism: v.parallelism,
    status: v.status,
    tasks: Object.fromEntries(Object.entries(v.tasks).filter(([, n]) => n > 0)),
    upstream: v.upstream,
  };
  const bp = read?.backpressure;
  if (bp?.measured && bp.level) {
    out.backpressure = {
      level: bp.level,
      backpressured: spread(bp.subtasks.map((s) => s.backpressured)),
      busy: spread(bp.subtasks.map((s) => s.busy)),
      idle: spread(bp.subtasks.map((s) => s.idle)),
    };
  }
  const metrics = readVertexMetrics(read?.metrics ?? {});
  Object.assign(out, metrics);
  if (metrics.watermark !== undefined) out.watermarkLagMs = Math.max(0, observedAt - metrics.watermark);
  return out;
}

function spread(values: (number | undefined)[]): { max: number; avg: number } {
  const known = values.filter((v): v is number => v !== undefined).map((v) => Math.min(1, Math.max(0, v)));
  if (known.length === 0) return { max: 0, avg: 0 };
  return { max: Math.max(...known), avg: known.reduce((s, v) => s + v, 0) / known.length };
}

function recentRestarts(facts: HealthFacts, observedAt: number, options: DescribeOptions): HealthReport['recentRestarts'] {
  const windowMs = options.restartWindowMs;
  const previous = options.previous;
  if (
    previous?.jobId === facts.job.id &&
    previous.restarts !== undefined &&
    facts.restarts !== undefined &&
    previous.restarts <= facts.restarts &&
    previous.observedAt < observedAt
  ) {
    // The operator's rule: the growth since the earlier read, scaled down when that read is older than the window.
    const scale = Math.min(1, windowMs / (observedAt - previous.observedAt));
    return { count: Math.floor((facts.restarts - previous.restarts) * scale), windowMs, basis: 'previous-report' };
  }
  const started = facts.job.startTime;
  if (facts.restarts !== undefined && started !== undefined && observedAt - started <= windowMs)
    return { count: facts.restarts, windowMs, basis: 'job-age' };
  // Each restart follows a failure the exception history records (it keeps web.exception-history-size, 16).
  const failures = (facts.exceptions?.entries ?? []).filter((e) => (e.timestamp ?? 0) >= observedAt - windowMs).length;
  return { count: Math.min(failures, facts.restarts ?? failures), windowMs, basis: 'exception-history' };
}

function checkpointHealth(stats: CheckpointStats | undefined, config: CheckpointConfig | undefined, observedAt: number): CheckpointHealth {
  const interval = config?.intervalMs;
  const enabled = interval !== undefined && interval > 0 && interval < CHECKPOINTING_OFF;
  const out: CheckpointHealth = {
    enabled,
    completed: stats?.counts.completed ?? 0,
    failed: stats?.counts.failed ?? 0,
    inProgress: stats?.counts.inProgress ?? 0,
  };
  if (enabled) {
    out.intervalMs = interval;
    if (config?.timeoutMs !== undefined) out.timeoutMs = config.timeoutMs;
    if (config?.tolerableFailedCheckpoints !== undefined) out.tolerableFailures = config.tolerableFailedCheckpoints;
  }
  const last = stats?.latest.completed;
  if (last) {
    const completedAt = last.latestAckAt ?? last.triggeredAt + (last.durationMs ?? 0);
    out.lastCompleted = { id: last.id, completedAt, ageMs: Math.max(0, observedAt - completedAt) };
    if (last.durationMs !== undefined && last.durationMs >= 0) out.lastCompleted.durationMs = last.durationMs;
    const size = last.checkpointedSize ?? last.stateSize;
    if (size !== undefined) out.lastCompleted.sizeBytes = size;
  }
  const failure = lastCheckpointFailure(stats);
  if (failure) {
    out.lastFailure = { id: failure.id };
    if (failure.failedAt !== undefined) out.lastFailure.failedAt = failure.failedAt;
    if (failure.failureMessage !== undefined) out.lastFailure.message = failure.failureMessage;
  }
  const restored = stats?.latest.restored;
  if (restored) {
    out.restoredFrom = { checkpointId: restored.checkpointId, isSavepoint: restored.isSavepoint, restoredAt: restored.restoredAt };
    if (restored.externalPath) out.restoredFrom.path = restored.externalPath;
  }
  return out;
}

/**
 * The newest checkpoint (not savepoint) that failed, if it is newer than the newest completed one:
 * a failed savepoint says nothing about checkpoints, and a failure followed by a success is over.
 */
function lastCheckpointFailure(stats: CheckpointStats | undefined) {
  if (!stats) return undefined;
  const settled = stats.history.filter((c) => !c.isSavepoint && c.status !== 'IN_PROGRESS');
  if (settled.length > 0) return settled[0]?.status === 'FAILED' ? settled[0] : undefined;
  const failed = stats.latest.failed;
  if (!failed || failed.isSavepoint) return undefined;
  return failed.id > (stats.latest.completed?.id ?? -1) ? failed : undefined;
}
