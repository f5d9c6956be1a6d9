import { z } from 'zod';
import { rootCauseOf } from '../errors/java-trace.js';
import { epochMs, openEnum } from './common.js';
import { JOB_STATES, type JobState, TASK_STATES, type TaskState, waitingTasks } from './job-states.js';

// The states live in a module without zod, so `import 'flink-kit'` does not load zod for them.
export { JOB_STATES, type JobState, TASK_STATES, type TaskState, TERMINAL_JOB_STATES } from './job-states.js';

const JobStateSchema = openEnum(JOB_STATES);

const TaskCounts = z.record(z.string(), z.number());

/** The wire fields `/jobs/overview` and `/jobs/:id` share. */
const JobWireCore = z.object({
  jid: z.string(),
  name: z.string(),
  state: JobStateSchema,
  'start-time': epochMs,
  'end-time': epochMs,
  duration: z.number(),
});

/** `GET /jobs/overview`. */
export const JobsOverview = z.object({ jobs: z.array(JobWireCore.extend({ tasks: TaskCounts.optional() })) }).transform((w) =>
  w.jobs.map((j) => ({
    id: j.jid,
    name: j.name,
    state: j.state,
    startTime: j['start-time'],
    endTime: j['end-time'],
    durationMs: j.duration,
    tasks: upperCaseKeys(j.tasks ?? {}),
  })),
);
/** One line of the job list. */
export type JobSummary = z.output<typeof JobsOverview>[number];

/** `GET /jobs/:id` as Flink writes it: what {@link JobDetails} reads, and what other readers of the route extend. */
export const JobDetailsWire = JobWireCore.extend({
  maxParallelism: z.number().optional(),
  'job-type': z.string().optional(),
  timestamps: z.record(z.string(), z.number()).optional(),
  vertices: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      parallelism: z.number().int(),
      maxParallelism: z.number().int().optional(),
      status: openEnum(TASK_STATES),
      'start-time': epochMs,
      'end-time': epochMs,
      duration: z.number().optional(),
      tasks: TaskCounts,
    }),
  ),
  'status-counts': TaskCounts.optional(),
});

/** `GET /jobs/:id`. */
export const JobDetails = JobDetailsWire.transform((w) => {
  const vertices = w.vertices.map((v) => ({
    id: v.id,
    name: v.name,
    parallelism: v.parallelism,
    maxParallelism: v.maxParallelism,
    status: v.status as TaskState,
    startTime: v['start-time'],
    endTime: v['end-time'],
    tasks: upperCaseKeys(v.tasks),
  }));
  return {
    id: w.jid,
    name: w.name,
    state: w.state,
    jobType: w['job-type'],
    startTime: w['start-time'],
    endTime: w['end-time'],
    durationMs: w.duration,
    maxParallelism: w.maxParallelism,
    vertices,
    /** Every task of every vertex is RUNNING or FINISHED (and there is at least one RUNNING). */
    allTasksRunning:
      vertices.length > 0 &&
      vertices.every((v) => (v.status === 'RUNNING' || v.status === 'FINISHED') && waitingTasks(v.tasks).length === 0) &&
      vertices.some((v) => v.status === 'RUNNING'),
  };
});
/** A job with its vertices (operators chains), their parallelism and task states. */
export type JobDetails = z.output<typeof JobDetails>;

/** `GET /jobs/:id/status`. */
export const JobStatusReply = z.object({ status: JobStateSchema }).transform((w) => w.status as JobState);

const ExceptionInfo = z.object({
  exceptionName: z.string().optional(),
  stacktrace: z.string().optional(),
  timestamp: z.number().optional(),
  taskName: z.string().nullish(),
  endpoint: z.string().nullish(),
  location: z.string().nullish(),
  taskManagerId: z.string().nullish(),
  failureLabels: z.record(z.string(), z.string()).optional(),
});

/** `GET /jobs/:id/exceptions` (old fields ignored; `exceptionHistory` exists from 1.16 on). */
export const JobExceptions = z
  .object({
    'root-exception': z.string().nullish(),
    exceptionHistory: z
      .object({
        entries: z.array(ExceptionInfo.extend({ concurrentExceptions: z.array(ExceptionInfo).optional() })),
        truncated: z.boolean().optional(),
      })
      .optional(),
  })
  .transform((w) => {
    const entries = (w.exceptionHistory?.entries ?? []).map((e) => ({
      exceptionName: e.exceptionName,
      message: (e.stacktrace ?? '').split('\n')[0] ?? '',
      rootCause: rootCauseOf(e.stacktrace),
      stacktrace: e.stacktrace,
      timestamp: e.timestamp,
      taskName: e.taskName ?? undefined,
      endpoint: e.endpoint ?? e.location ?? undefined,
      failureLabels: e.failureLabels ?? {},
    }));
    const latest = entries[0];
    return {
      /** Root cause of the newest failure, in short form (e.g. `ArithmeticException: / by zero`). */
      rootCause: latest?.rootCause ?? rootCauseOf(w['root-exception'] ?? undefined),
      entries,
      truncated: w.exceptionHistory?.truncated ?? false,
    };
  });
/** A job's failure history, newest first, each with its root cause. */
export type JobExceptions = z.output<typeof JobExceptions>;

/** Task counts come as `running`/`RUNNING` depending on the route; use the ExecutionState spelling. */
export function upperCaseKeys(record: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k.toUpperCase(), v]));
}

/**
 * `GET /jobs/:id/resource-requirements` (1.18+, adaptive scheduler): the parallelism bounds of each
 * job vertex, by vertex id. The `PUT` takes the same shape and must name every vertex.
 */
export const ResourceRequirements = z.record(
  z.string(),
  z.object({ parallelism: z.object({ lowerBound: z.number().int(), upperBound: z.number().int() }) }),
);
/** Parallelism bounds by job vertex id. */
export type ResourceRequirements = z.output<typeof ResourceRequirements>;
