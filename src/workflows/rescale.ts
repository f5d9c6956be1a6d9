import type { ResourceContext } from '../core/context.js';
import { checkParallelism } from '../core/jar-input.js';
import { getJob, listJobs, readJobStatus } from '../core/job-routes.js';
import { describeJob, endedError } from '../core/job-wait.js';
import { poll, SDK_PAUSE_RATIO } from '../core/poll.js';
import { FlinkOperationError, InsufficientSlotsError } from '../errors/domain-errors.js';
import { FlinkTimeoutError } from '../errors/transport-errors.js';
import { checkId } from '../internal/ids.js';
import type { RequestOptions } from '../options.js';
import { allTasksRunning, TERMINAL_JOB_STATES } from '../schemas/job-states.js';
import type { JobDetails } from '../schemas/jobs.js';
import { lazy } from '../schemas/lazy.js';
import { path } from '../transport/path.js';
import { isTransient } from '../transport/retry-policy.js';
import type { ClientParts } from './client-parts.js';
import { describeParallelism, planRescale, requirementsErrors, unsupportedVersion } from './rescale-plan.js';

/** Options of `client.rescale()`. */
export interface RescaleOptions {
  /** The new parallelism of every vertex (capped at each vertex's max parallelism). */
  parallelism: number;
  /** Deadline for the job to run at the new parallelism, in milliseconds. @default 300000 */
  waitTimeoutMs?: number;
  /** Longest pause between two looks, in milliseconds. @default 1000 */
  pollIntervalMs?: number;
  /** Check the free slots before asking Flink. @default true */
  checkSlots?: boolean;
  /** Cancels the wait (the new requirements stay set). */
  signal?: AbortSignal;
}

/** What `client.rescale()` returns. */
export interface RescaleResult {
  jobId: string;
  /** The largest vertex parallelism before. */
  previousParallelism: number;
  /** The largest vertex parallelism now. */
  parallelism: number;
  /** The job as it runs now: every vertex at its new parallelism, all tasks running. */
  job: JobDetails;
}

/**
 * In-place rescale: read the job's resource requirements, check the slots, `PUT` the new ones,
 * and wait until every vertex runs at its target with all tasks running.
 */
export async function rescale(deps: ClientParts, jobId: string, options: RescaleOptions): Promise<RescaleResult> {
  checkId('jobId', jobId);
  const parallelism = checkParallelism(options?.parallelism);
  const { ctx } = deps;
  const request = options.signal ? { signal: options.signal } : {};
  const version = await ctx.version(request);
  if (!version.atLeast(1, 18)) throw unsupportedVersion(jobId, version.raw);
  const requirements = { path: path`/jobs/${jobId}/resource-requirements`, errors: requirementsErrors(jobId) };
  const job = await liveDetails(ctx, jobId, request);
  if (TERMINAL_JOB_STATES.has(job.state)) {
    throw new FlinkOperationError(`job ${jobId} is ${job.state}: only a running job can be rescaled`, { operation: 'rescale' });
  }
  const current = await ctx.transport.request({ method: 'GET', ...requirements, schema: lazy.jobs('ResourceRequirements') }, request);
  const plan = planRescale(jobId, job, current, parallelism);
  if (options.checkSlots !== false && plan.slotsWanted > plan.slotsHeld) {
    const capacity = await deps.cluster.capacity(request);
    let held = plan.slotsHeld;
    if (plan.slotsWanted - held > capacity.slotsAvailable) {
      const taskManagers = (await deps.cluster.taskManagers(request)).map((tm) => tm.id);
      held = Math.max(held, await slotsAllocatedTo(ctx, jobId, taskManagers, request));
    }
    InsufficientSlotsError.check(capacity, plan.slotsWanted, held);
  }
  await ctx.transport.request({ method: 'PUT', ...requirements, json: plan.body }, request);
  const waitTimeoutMs = options.waitTimeoutMs ?? 300_000;
  try {
    const rescaled = await liveDetails(ctx, jobId, request, {
      until: (details) =>
        details.state === 'RUNNING' && details.allTasksRunning && details.vertices.every((v) => plan.targets.get(v.id) === v.parallelism),
      what: `job ${jobId} to run at parallelism ${parallelism} with all tasks running`,
      waitTimeoutMs,
      pollIntervalMs: options.pollIntervalMs ?? 1_000,
      signal: options.signal,
    });
    return { jobId, previousParallelism: plan.slotsHeld, parallelism: plan.slotsWanted, job: rescaled };
  } catch (error) {
    if (!(error instanceof FlinkTimeoutError)) throw error;
    throw new FlinkTimeoutError(
      `${error.message} The adaptive scheduler waits jobmanager.adaptive-scheduler.scaling-interval.min (2.x: executing.cooldown-after-rescaling, 30 s by default) between rescales, from 2.0 also for a checkpoint, and runs the job lower while slots are short; check cluster.capacity() and jobs.exceptions().`,
      { timeoutMs: waitTimeoutMs, cause: error },
    );
  }
}

/**
 * The job's details once they agree with the live task count of `/jobs/overview` (details are
 * cached for `web.refresh-interval` and lag behind a rescale), and `until` holds if given.
 */
async function liveDetails(
  ctx: ResourceContext,
  jobId: string,
  request: RequestOptions,
  wait: {
    until?: (job: JobDetails) => boolean;
    what?: string;
    waitTimeoutMs?: number;
    pollIntervalMs?: number;
    signal?: AbortSignal | undefined;
  } = {},
): Promise<JobDetails> {
  return poll(
    async () => {
      const summary = (await listJobs(ctx, request)).find((j) => j.id === jobId);
      if (!summary) return { done: false, seen: await readJobStatus(ctx, jobId, request) };
      if (wait.until && TERMINAL_JOB_STATES.has(summary.state)) throw await endedError(ctx, summary, 'RUNNING', request);
      const details = { ...(await getJob(ctx, jobId, request)), state: summary.state, allTasksRunning: allTasksRunning(summary.tasks) };
      const fresh = details.vertices.reduce((sum, v) => sum + v.parallelism, 0) === (summary.tasks['TOTAL'] ?? -1);
      if (fresh && (!wait.until || wait.until(details))) return { done: true, value: details };
      return { done: false, seen: `${describeJob(summary)}, parallelism ${describeParallelism(details)}` };
    },
    {
      what: wait.what ?? `the details of job ${jobId} to catch up with its running tasks`,
      waitTimeoutMs: wait.waitTimeoutMs ?? 30_000,
      signal: wait.signal,
      tolerate: isTransient,
      pauseRatio: SDK_PAUSE_RATIO,
      minDelayMs: 200,
      maxDelayMs: wait.pollIntervalMs ?? 1_000,
    },
  );
}

/**
 * Slots allocated to a job on all TaskManagers (`GET /taskmanagers/:id`, 8 at a time). After a
 * downscale the adaptive scheduler keeps the freed slots (idle, until `slot.idle.timeout`), so a
 * job may hold more slots than its parallelism, and can scale up into them again.
 */
async function slotsAllocatedTo(
  ctx: ResourceContext,
  jobId: string,
  taskManagerIds: readonly string[],
  options: RequestOptions,
): Promise<number> {
  let count = 0;
  for (let i = 0; i < taskManagerIds.length; i += 8) {
    const batch = await Promise.all(
      taskManagerIds
        .slice(i, i + 8)
        .map((id) =>
          ctx.transport.request({ method: 'GET', path: path`/taskmanagers/${id}`, schema: lazy.cluster('TaskManagerSlots') }, options),
        ),
    );
    for (const tm of batch) count += tm.allocatedSlots.filter((slot) => slot.jobId === jobId).length;
  }
  return count;
}
