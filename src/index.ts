/**
 * flink-kit: a typed client for the Apache Flink REST API. The zod schemas behind its types are in
 * `flink-kit/schemas`; this entry point loads neither zod, undici nor form-data until a call needs them.
 * @packageDocumentation
 */
// First: on Node.js < 22.19 fail with one clear line before undici loads (and dies obscurely).
import './internal/node-check.js';

export { FlinkClient, type RawRequest } from './client.js';
export { FlinkVersion } from './compat/versions.js';
export type { AsyncOperation, OperationKind, OperationStatus, OperationWaitOptions } from './core/async-operation.js';
export type { CheckpointEvent, WatchOptions } from './core/checkpoint-watch.js';
export { type HealthChange, healthChange } from './core/health/compare.js';
export type { HealthEvidence } from './core/health/describe.js';
export { judgeHealth } from './core/health/judge.js';
export type { HealthOptions } from './core/health/read.js';
export { DEFAULT_HEALTH_THRESHOLDS, type HealthThresholds } from './core/health/thresholds.js';
export * from './errors/index.js';
export { type ClientOptions, DEFAULTS, type RequestOptions, type RetryOptions, type TlsOptions } from './options.js';
export type { CheckpointsResource, CheckpointTriggerType } from './resources/checkpoints.js';
export type { Capacity, ClusterResource } from './resources/cluster.js';
export type { ClaimMode, JarsResource, RunOptions, UploadOptions } from './resources/jars.js';
export type { JobsResource, StopOptions, WaitForOptions, WaitUntil } from './resources/jobs.js';
export type { SavepointFormat, SavepointsResource, SavepointTriggerOptions } from './resources/savepoints.js';
export type { Checkpoint, CheckpointConfig, CheckpointStats, RestoredCheckpoint } from './schemas/checkpoints.js';
export type { DashboardConfig, Overview, TaskManager } from './schemas/cluster.js';
export type {
  CheckpointHealth,
  HealthCode,
  HealthException,
  HealthReason,
  HealthReport,
  HealthStatus,
  ResolvedHealthThresholds,
  VertexHealth,
} from './schemas/health-report.js';
export type { JarInfo, JarPlan, UploadedJar } from './schemas/jars.js';
export { JOB_STATES, type JobState, TASK_STATES, type TaskState, TERMINAL_JOB_STATES } from './schemas/job-states.js';
export type { JobDetails, JobExceptions, JobSummary, ResourceRequirements } from './schemas/jobs.js';
export type { OperationFailure } from './schemas/operations.js';
export type { UploadProgress } from './transport/multipart.js';
export {
  type CheckStatus,
  type DoctorCheck,
  type DoctorContext,
  type DoctorDeps,
  type DoctorOptions,
  type DoctorReport,
  type DoctorSection,
  doctor,
} from './workflows/doctor.js';
export type { JarSource } from './workflows/jar-source.js';
export type { RescaleOptions, RescaleResult } from './workflows/rescale.js';
export type { SubmitOptions, SubmitResult } from './workflows/submit.js';
export type { PreviousRun, UpgradeOptions, UpgradeResult } from './workflows/upgrade.js';
