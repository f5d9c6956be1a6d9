import { FlinkJobFailedError } from '../errors/domain-errors.js';
import { FlinkInputError } from '../errors/flink-error.js';
import type { RequestOptions } from '../options.js';
import { allTasksRunning, JOB_STATES, type JobState, TERMINAL_JOB_STATES } from '../schemas/job-states.js';
import type { JobSummary } from '../schemas/jobs.js';
import { isTransient } from '../transport/retry-policy.js';
import type { ResourceContext } from './context.js';
import { listJobs, readExceptions, readJobStatus } from './job-routes.js';
import { poll, SDK_PAUSE_RATIO } from './poll.js';

/** What `jobs.waitFor` waits for: a job state, or `TERMINAL` for any of FINISHED, CANCELED, FAILED. */
export type WaitUntil = JobState | 'TERMINAL';

/** Options of `jobs.waitFor`. */
export interface WaitForOptions {
  /** State to wait for. @default 'TERMINAL' */
  until?: WaitUntil;
  /** With `until: 'RUNNING'`, also wait until every task runs (not just scheduled). @default true */
  allTasksRunning?: boolean;
  /** Overall deadline of the wait, in milliseconds. @default 300000 */
  waitTimeoutMs?: number;
  /** Longest pause between two looks, in milliseconds. @default 2000 */
  pollIntervalMs?: number;
  /** Cancels the wait. */
  signal?: AbortSignal;
}

/**
 * Polls the live overview until the job reaches `until` (RUNNING: with all tasks running, unless
 * `allTasksRunning: false`; a FINISHED job satisfies it too) and returns the job's line of it.
 * Rides out a JobManager that does not answer for a while (a failover) until the deadline.
 * @throws {@link FlinkJobFailedError} when the job ends in another state, {@link FlinkTimeoutError} at the deadline.
 */
export async function waitForJob(ctx: ResourceContext, jobId: string, options: WaitForOptions = {}): Promise<JobSummary> {
  const until = options.until ?? 'TERMINAL';
  if (until !== 'TERMINAL' && !(JOB_STATES as readonly string[]).includes(until))
    throw new FlinkInputError(
      `until must be a job state (${JOB_STATES.join(', ')}) or TERMINAL, got ${JSON.stringify(until)}; a wait for a state Flink never reports would only end at its deadline`,
    );
  const needTasks = until === 'RUNNING' && options.allTasksRunning !== false;
  const request = options.signal ? { signal: options.signal } : {};
  return poll(
    async () => {
      const job = (await listJobs(ctx, request)).find((j) => j.id === jobId);
      // Not listed: unknown (status answers 404), or just submitted and not listed yet.
      if (!job) return { done: false, seen: await readJobStatus(ctx, jobId, request) };
      const done =
        until === 'TERMINAL'
          ? TERMINAL_JOB_STATES.has(job.state)
          : // A bounded job can finish between two looks: FINISHED has passed through RUNNING.
            (job.state === until && (!needTasks || allTasksRunning(job.tasks))) || (until === 'RUNNING' && job.state === 'FINISHED');
      if (done) return { done: true, value: job };
      if (TERMINAL_JOB_STATES.has(job.state)) throw await endedError(ctx, job, until, request);
      return { done: false, seen: describeJob(job) };
    },
    {
      what: `job ${jobId} to reach ${until}${needTasks ? ' with all tasks running' : ''}`,
      waitTimeoutMs: options.waitTimeoutMs,
      signal: options.signal,
      // A JobManager failing over is unreachable for a while: keep looking until the deadline.
      tolerate: isTransient,
      // Start at a tenth of the cap: short waits (a job coming up) are noticed quickly.
      minDelayMs: Math.min(100, (options.pollIntervalMs ?? 2_000) / 10),
      maxDelayMs: options.pollIntervalMs,
      pauseRatio: SDK_PAUSE_RATIO,
    },
  );
}

/** The error for a job that ended while it was awaited; a FAILED one carries the root cause of its exception history. */
export async function endedError(
  ctx: ResourceContext,
  job: JobSummary,
  until: string,
  options: RequestOptions,
): Promise<FlinkJobFailedError> {
  let rootCause: string | undefined;
  if (job.state === 'FAILED') rootCause = (await readExceptions(ctx, job.id, options).catch(() => undefined))?.rootCause;
  const why = rootCause ? `: ${rootCause}` : '';
  return new FlinkJobFailedError(`job ${job.id} (${job.name}) ended ${job.state} while waiting for ${until}${why}`, {
    jobId: job.id,
    state: job.state,
    rootCause,
  });
}

/** A job's state and task counts for messages: `RUNNING, tasks: 1 SCHEDULED, 1 RUNNING`. */
export function describeJob(job: JobSummary): string {
  const tasks = Object.entries(job.tasks)
    .filter(([state, n]) => n > 0 && state !== 'TOTAL')
    .map(([state, n]) => `${n} ${state}`)
    .join(', ');
  return `${job.state}${tasks ? `, tasks: ${tasks}` : ''}`;
}
