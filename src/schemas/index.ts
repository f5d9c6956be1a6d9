/**
 * The zod schemas behind every public type: wire shape in, camelCase out. Useful with
 * `client.request({ …, schema })` and for validating stored replies.
 *
 * A subpath of its own (`import { JobsOverview } from 'flink-kit/schemas'`) so that
 * `import 'flink-kit'` does not load zod: the client loads these with its first reply.
 * @packageDocumentation
 */

export { CheckpointConfig, CheckpointDetails, CheckpointStats, RestoredCheckpoint } from './checkpoints.js';
export { DashboardConfig, JobManagerConfig, Overview, TaskManagers } from './cluster.js';
export { ErrorBody, epochMs, openEnum, TriggerResponse } from './common.js';
export { AggregatedMetrics, BackpressureReply, HealthJobReply, type MetricAggregate, MetricNames, MetricValues } from './health.js';
export {
  CheckpointHealthSchema,
  HEALTH_CODES,
  HEALTH_STATUSES,
  HealthExceptionSchema,
  HealthReasonSchema,
  HealthReport,
  ResolvedHealthThresholdsSchema,
  VertexHealthSchema,
} from './health-report.js';
export { JarList, JarPlan, JarRun, JarUpload } from './jars.js';
export {
  JOB_STATES,
  JobDetails,
  JobExceptions,
  JobStatusReply,
  JobsOverview,
  ResourceRequirements,
  TASK_STATES,
  TERMINAL_JOB_STATES,
} from './jobs.js';
export { AsyncOperationReply, CheckpointResult, SavepointResult } from './operations.js';
