import { FlinkInputError } from '../../errors/flink-error.js';
import type { ResolvedHealthThresholds } from '../../schemas/health-report.js';

/**
 * When a job stops being healthy. The defaults follow the Flink Kubernetes Operator's cluster health
 * check (`kubernetes.operator.cluster.health-check.*`) where it has a rule, and Flink's own
 * backpressure levels.
 */
export interface HealthThresholds {
  /**
   * The window restarts are counted over (the operator's `restarts.window`). Any restart in it makes
   * the job `degraded` (code `RESTARTS`); more than {@link maxRestarts} make it `unhealthy`.
   * @default 120000 (2 minutes)
   */
  restartWindowMs?: number | undefined;
  /** Restarts within the window that are still only `degraded` (the operator's `restarts.threshold`). @default 64 */
  maxRestarts?: number | undefined;
  /**
   * The age the last completed checkpoint (or, before the first one, the time since the job reached
   * RUNNING) may reach while checkpointing is on, else `CHECKPOINTS_STALLED` (`unhealthy`).
   * @default max(interval, checkpoint timeout) x (tolerable failed checkpoints + 2): the operator's
   * checkpoint-progress window, the shortest in which a working job surely completes one.
   */
  checkpointAgeMs?: number | undefined;
  /** The backpressure level of a vertex that raises `BACKPRESSURE` (`degraded`). @default 'high' */
  backpressure?: 'low' | 'high' | undefined;
  /**
   * How far a vertex's watermark may trail the JobManager's clock before `WATERMARK_LAG` (`degraded`).
   * Off by default: what lag is normal depends on the data (a replay of last week lags by a week).
   * Metrics are fetched every `metrics.fetcher.update-interval` (10 s), so allow for that much.
   */
  watermarkLagMs?: number | undefined;
}

/** The defaults of {@link HealthThresholds}. */
export const DEFAULT_HEALTH_THRESHOLDS = {
  restartWindowMs: 120_000,
  maxRestarts: 64,
  backpressure: 'high',
} as const satisfies HealthThresholds;

/**
 * Thresholds with defaults filled in.
 * @throws {@link FlinkInputError} for a negative or non-numeric value, or an unknown level.
 */
export function resolveThresholds(options: HealthThresholds = {}): ResolvedHealthThresholds {
  const positive = (name: keyof HealthThresholds, value: unknown, zero = false) => {
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (!zero && value === 0))
      throw new FlinkInputError(
        `${name} must be a ${zero ? 'non-negative' : 'positive'} number of ${name.endsWith('Ms') ? 'milliseconds' : 'restarts'}, got ${JSON.stringify(value)}`,
      );
    return value;
  };
  const backpressure = options.backpressure ?? DEFAULT_HEALTH_THRESHOLDS.backpressure;
  if (backpressure !== 'low' && backpressure !== 'high')
    throw new FlinkInputError(`backpressure must be 'low' or 'high' (Flink's levels above ok), got ${JSON.stringify(backpressure)}`);
  const resolved: ResolvedHealthThresholds = {
    restartWindowMs: positive('restartWindowMs', options.restartWindowMs) ?? DEFAULT_HEALTH_THRESHOLDS.restartWindowMs,
    maxRestarts: positive('maxRestarts', options.maxRestarts, true) ?? DEFAULT_HEALTH_THRESHOLDS.maxRestarts,
    backpressure,
  };
  const age = positive('checkpointAgeMs', options.checkpointAgeMs);
  if (age !== undefined) resolved.checkpointAgeMs = age;
  const lag = positive('watermarkLagMs', options.watermarkLagMs, true);
  if (lag !== undefined) resolved.watermarkLagMs = lag;
  return resolved;
}

/**
 * The operator's checkpoint-progress window: max(interval, timeout) x (tolerable failures + 2).
 * A job that completes no checkpoint within it fails checkpoints beyond what it tolerates.
 */
export function checkpointProgressWindow(intervalMs: number, timeoutMs: number | undefined, tolerableFailures: number | undefined): number {
  return Math.max(intervalMs, timeoutMs ?? 0) * (Math.min(tolerableFailures ?? 0, 1_000_000) + 2);
}
