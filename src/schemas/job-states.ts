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

/**
 * The tasks that neither run nor finished, as `[state, count]` (the `TOTAL` key of `/jobs/overview`
 * aside): the one "tasks still waiting" rule. Flink calls a job, and a vertex, RUNNING as soon as one
 * subtask runs, while others may still wait for a slot (SCHEDULED), deploy or initialize.
 * @example waitingTasks({ RUNNING: 2, SCHEDULED: 1, TOTAL: 3 }) // [['SCHEDULED', 1]]
 */
export function waitingTasks(tasks: Readonly<Record<string, number>>): Array<[state: string, count: number]> {
  return Object.entries(tasks).filter(([state, n]) => n > 0 && state !== 'TOTAL' && state !== 'RUNNING' && state !== 'FINISHED');
}

/**
 * Every task RUNNING or FINISHED, and at least one RUNNING: what `waitFor` counts as RUNNING.
 * @example allTasksRunning({ RUNNING: 2, FINISHED: 1 }) // true
 */
export function allTasksRunning(tasks: Readonly<Record<string, number>>): boolean {
  return waitingTasks(tasks).length === 0 && (tasks['RUNNING'] ?? 0) > 0;
}
