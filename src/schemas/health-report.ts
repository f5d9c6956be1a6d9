import { z } from 'zod';

/**
 * The report of `jobs.health()`, as a schema: the TypeScript types come from it, and a stored
 * report (e.g. `flink-kit health --json` output) can be checked with `HealthReport.parse(json)`.
 */

/** What a reason is about; see docs/health.md for each code and what raises it. */
export const HEALTH_CODES = [
  'NOT_RUNNING',
  'TASKS_NOT_RUNNING',
  'RESTARTING',
  'RESTARTS',
  'CHECKPOINTS_STALLED',
  'CHECKPOINTS_FAILING',
  'BACKPRESSURE',
  'WATERMARK_LAG',
] as const;
/** One of {@link HEALTH_CODES}. */
export type HealthCode = (typeof HEALTH_CODES)[number];

/** `healthy` (no reason), `degraded` (works, but look at it) or `unhealthy` (not doing its job: page someone). */
export const HEALTH_STATUSES = ['healthy', 'degraded', 'unhealthy'] as const;
/** One of {@link HEALTH_STATUSES}. */
export type HealthStatus = (typeof HEALTH_STATUSES)[number];

const ms = z.number();
const ratio = z.number().min(0).max(1);
const spread = z.object({ max: ratio, avg: ratio });

/** The schema of one part of {@link HealthReport}. */
export const HealthReasonSchema = z.object({
  code: z.enum(HEALTH_CODES),
  severity: z.enum(['degraded', 'unhealthy']),
  /** What was seen and what to look at. */
  message: z.string(),
  vertexId: z.string().optional(),
  vertexName: z.string().optional(),
});
/** Why a job is not healthy: one finding. */
export type HealthReason = z.output<typeof HealthReasonSchema>;

/** The schema of one part of {@link HealthReport}. */
export const ResolvedHealthThresholdsSchema = z.object({
  restartWindowMs: ms,
  maxRestarts: z.number(),
  checkpointAgeMs: ms.optional(),
  backpressure: z.enum(['low', 'high']),
  watermarkLagMs: ms.optional(),
});
/** The thresholds a report was judged by (defaults filled in). */
export type ResolvedHealthThresholds = z.output<typeof ResolvedHealthThresholdsSchema>;

/** The schema of one part of {@link HealthReport}. */
export const VertexHealthSchema = z.object({
  id: z.string(),
  name: z.string(),
  parallelism: z.number(),
  status: z.string(),
  /** Subtasks by state, states with none left out (`{ RUNNING: 4 }`). */
  tasks: z.record(z.string(), z.number()),
  /** Ids of the vertices that feed this one. */
  upstream: z.array(z.string()),
  /** Flink's verdict from the backpressure route; absent while Flink has no metrics for the vertex (just started). */
  backpressure: z
    .object({
      level: z.enum(['ok', 'low', 'high']),
      /** Share of time the subtasks were backpressured (waiting for output buffers), max and mean over subtasks. */
      backpressured: spread,
      busy: spread,
      idle: spread,
    })
    .optional(),
  /** Records per second over all subtasks (absent until Flink fetched the metrics). */
  recordsInPerSecond: z.number().optional(),
  recordsOutPerSecond: z.number().optional(),
  /** Lowest current input watermark over the subtasks (a source: its output watermark), epoch ms; absent without event time. */
  watermark: z.number().optional(),
  /** How far the watermark trails the JobManager's clock. */
  watermarkLagMs: ms.optional(),
  /** Records the source's connector says are still waiting (FLIP-33 `pendingRecords`), summed over subtasks. */
  pendingRecords: z.number().optional(),
});
/** One vertex (operator chain) of a health report. */
export type VertexHealth = z.output<typeof VertexHealthSchema>;

/** The schema of one part of {@link HealthReport}. */
export const CheckpointHealthSchema = z.object({
  /** Periodic checkpoints are on. */
  enabled: z.boolean(),
  intervalMs: ms.optional(),
  timeoutMs: ms.optional(),
  /** `execution.checkpointing.tolerable-failed-checkpoints`. */
  tolerableFailures: z.number().optional(),
  /** The age the last completed checkpoint may reach before CHECKPOINTS_STALLED (the threshold, or its default). */
  allowedAgeMs: ms.optional(),
  completed: z.number(),
  failed: z.number(),
  inProgress: z.number(),
  lastCompleted: z
    .object({
      id: z.number(),
      completedAt: ms,
      ageMs: ms,
      durationMs: ms.optional(),
      sizeBytes: z.number().optional(),
    })
    .optional(),
  lastFailure: z.object({ id: z.number(), failedAt: ms.optional(), message: z.string().optional() }).optional(),
  restoredFrom: z.object({ checkpointId: z.number(), isSavepoint: z.boolean(), path: z.string().optional(), restoredAt: ms }).optional(),
});
/** A job's checkpointing as a health report sees it. */
export type CheckpointHealth = z.output<typeof CheckpointHealthSchema>;

/** The schema of one part of {@link HealthReport}. */
export const HealthExceptionSchema = z.object({
  /** The exception class, e.g. `java.lang.ArithmeticException`. */
  name: z.string().optional(),
  /** The root cause in short form (`ArithmeticException: / by zero`). */
  message: z.string(),
  timestamp: ms.optional(),
  taskName: z.string().optional(),
  /** Only with `stackTraces: true`. */
  stackTrace: z.string().optional(),
});
/** One failure from the job's exception history. */
export type HealthException = z.output<typeof HealthExceptionSchema>;

/** The report of `jobs.health()`. */
export const HealthReport = z.object({
  jobId: z.string(),
  name: z.string(),
  status: z.enum(HEALTH_STATUSES),
  /** Worst first; empty when healthy. */
  reasons: z.array(HealthReasonSchema),
  state: z.string(),
  /** The JobManager's clock at the read: ages and lags are measured against it. */
  observedAt: ms,
  /** When the JobManager last fetched the metrics this report shows (they are that old; absent before its first fetch). */
  metricsFetchedAt: ms.optional(),
  /** The `numRestarts` job metric (`fullRestarts` where only that exists); absent until Flink fetched the job's metrics. */
  restarts: z.number().optional(),
  /** Restarts within the window, and what they were counted from. */
  recentRestarts: z.object({
    count: z.number(),
    windowMs: ms,
    /** `previous-report`: the metric's growth since `options.previous`; `job-age`: the job is younger than the window; `exception-history`: failures recorded in the window (at most `web.exception-history-size`). */
    basis: z.enum(['previous-report', 'job-age', 'exception-history']),
  }),
  /** Since the job last reached RUNNING (absent when not running). */
  uptimeMs: ms.optional(),
  checkpoints: CheckpointHealthSchema,
  vertices: z.array(VertexHealthSchema),
  /** The most recent failures, newest first. */
  exceptions: z.array(HealthExceptionSchema),
  thresholds: ResolvedHealthThresholdsSchema,
});
/** A job's health: status, reasons, and the evidence. */
export type HealthReport = z.output<typeof HealthReport>;
