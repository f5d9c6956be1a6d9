/** Every `JobStatus` Flink 1.16–2.3 knows. Note the spelling: CANCELLING but CANCELED. */
export const JOB_STATES = [
  'INITIALIZING',
  'CREATED',
  'RUNNING',
  'FAILING',
  'FAILED',
  'CANCELLING',
  'CANCELED',
  'FINISHED',
  'RESTARTING',
  'SUSPENDED',
  'RECONCILING',
] as const;
/** A job's state (unknown future states come through as plain strings). */
export type JobState = (typeof JOB_STATES)[number] | (string & {});

/** States a job never leaves. */
export const TERMINAL_JOB_STATES: ReadonlySet<string> = new Set(['FAILED', 'CANCELED', 'FINISHED']);

/** `ExecutionState` of tasks (CANCELING with one L here). */
export const TASK_STATES = [
  'CREATED',
  'SCHEDULED',
  'DEPLOYING',
  'RUNNING',
  'FINISHED',
  'CANCELING',
  'CANCELED',
  'FAILED',
  'RECONCILING',
  'INITIALIZING',
] as const;
/** A task's execution state. */
export type TaskState = (typeof TASK_STATES)[number] | (string & {});
