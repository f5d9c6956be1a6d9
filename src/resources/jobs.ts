import { AsyncOperation } from '../core/async-operation.js';
import { poll, SDK_PAUSE_RATIO } from '../core/poll.js';
import { FlinkConflictError } from '../errors/api-errors.js';
import { FlinkJobFailedError, FlinkOperationError, InsufficientSlotsError } from '../errors/domain-errors.js';
import { FlinkInputError } from '../errors/flink-error.js';
import { FlinkTimeoutError } from '../errors/transport-errors.js';
import { checkId, newFlinkId } from '../internal/ids.js';
import type { RequestOptions } from '../options.js';
import type { HealthReport } from '../schemas/health-report.js';
import { JOB_STATES, type JobState, TERMINAL_JOB_STATES } from '../schemas/job-states.js';
import type { JobDetails, JobExceptions, JobSummary } from '../schemas/jobs.js';
import { lazy } from '../schemas/lazy.js';
import { path } from '../transport/path.js';
import { isTransient } from '../transport/retry-policy.js';
import { ClusterResource } from './cluster.js';
import type { HealthOptions } from './health.js';
import { checkParallelism } from './jar-input.js';
import { JOB_NOT_FOUND_HINT, readJobStatus } from './job-status.js';
import { describeParallelism, planRescale, rescaleError, slotsAllocatedTo, unsupportedVersion } from './rescale.js';
import { Resource } from './resource.js';
import { checkRunning, savepointFailure, triggerError } from './savepoint-failures.js';
import { checkDirectory, type SavepointFormat } from './savepoints.js';

/** Options of {@link JobsResource.stop}. */
export interface StopOptions extends RequestOptions {
  /** Where to write the savepoint. Default: the cluster's configured savepoint directory. */
  targetDirectory?: string;
  /** Emit MAX_WATERMARK first, firing all event-time timers (for a final stop, not an upgrade). @default false */
  drain?: boolean;
  /** @default 'CANONICAL' */
  formatType?: SavepointFormat;
  /** Trigger id (32 hex chars); generated when omitted. */
  triggerId?: string;
  /** Deadline for the savepoint and the job to finish, in milliseconds. @default 600000 */
  waitTimeoutMs?: number;
  /** Longest pause between two looks, in milliseconds. @default 1000 */
  pollIntervalMs?: number;
}

/** What {@link JobsResource.waitFor} waits for: a job state, or `TERMINAL` for any of FINISHED, CANCELED, FAILED. */
export type WaitUntil = JobState | 'TERMINAL';

/** Options of {@link JobsResource.waitFor}. */
export interface WaitForOptions {
  /** State to wait for. @default 'TERMINAL' */
  until?: WaitUntil;
  /** With `until: 'RUNNING'`, also wait until every task runs (not just scheduled). @default true */
  allTasksRunning?: boolean;
  /** Overall deadline in milliseconds. @default 300000 */
  timeoutMs?: number;
  /** Longest pause between two looks, in milliseconds. @default 2000 */
  pollIntervalMs?: number;
  /** Cancels the wait. */
  signal?: AbortSignal;
}

/** Options of {@link JobsResource.rescale}. */
export interface RescaleOptions {
  /** The new parallelism of every vertex (capped at each vertex's max parallelism). */
  parallelism: number;
  /** Deadline for the job to run at the new parallelism, in milliseconds. @default 300000 */
  timeoutMs?: number;
  /** Longest pause between two looks, in milliseconds. @default 1000 */
  pollIntervalMs?: number;
  /** Check the free slots before asking Flink. @default true */
  checkSlots?: boolean;
  /** Cancels the wait (the new requirements stay set). */
  signal?: AbortSignal;
}

/** What {@link JobsResource.rescale} returns. */
export interface RescaleResult {
  jobId: string;
  /** The largest vertex parallelism before. */
  previousParallelism: number;
  /** The largest vertex parallelism now. */
  parallelism: number;
  /** The job as it runs now: every vertex at its new parallelism, all tasks running. */
  job: JobDetails;
}

const HINT_404 = JOB_NOT_FOUND_HINT;

/**
 * Jobs: list, inspect, wait for, cancel.
 *
 * @example
 * ```ts
 * await flink.jobs.waitFor(jobId, { until: 'RUNNING' });
 * await flink.jobs.cancel(jobId);
 * ```
 */
export class JobsResource extends Resource {
  /**
   * All jobs the cluster knows, running and recently ended (`GET /jobs/overview`).
   * @example const running = (await flink.jobs.list()).filter((j) => j.state === 'RUNNING');
   */
  async list(options?: RequestOptions): Promise<JobSummary[]> {
    return this.ctx.transport.request({ method: 'GET', path: '/jobs/overview', schema: lazy.jobs('JobsOverview') }, options);
  }

  /**
   * One job with its vertices, their parallelism and task states (`GET /jobs/:id`).
   * @throws {@link FlinkNotFoundError} for an unknown job id.
   * @example const job = await flink.jobs.get(jobId); job.vertices.map((v) => v.parallelism);
   */
  async get(jobId: string, options?: RequestOptions): Promise<JobDetails> {
    return this.ctx.transport.request(
      { method: 'GET', path: path`/jobs/${checkId('jobId', jobId)}`, schema: lazy.jobs('JobDetails'), hints: { 404: HINT_404 } },
      options,
    );
  }

  /**
   * The job's state only (`GET /jobs/:id/status`), cheaper than {@link get}.
   * @example if ((await flink.jobs.status(jobId)) === 'FAILED') …
   */
  async status(jobId: string, options?: RequestOptions): Promise<JobState> {
    return readJobStatus(this.ctx, checkId('jobId', jobId), options);
  }

  /**
   * The job's failure history, newest first, with the root cause extracted from Flink's stack traces.
   * @example const { rootCause } = await flink.jobs.exceptions(jobId);
   */
  async exceptions(jobId: string, options?: RequestOptions & { maxExceptions?: number }): Promise<JobExceptions> {
    return this.ctx.transport.request(
      {
        method: 'GET',
        path: path`/jobs/${checkId('jobId', jobId)}/exceptions`,
        query: { maxExceptions: options?.maxExceptions },
        schema: lazy.jobs('JobExceptions'),
        hints: { 404: HINT_404 },
      },
      options,
    );
  }

  /**
   * The job's health in one call: `status` (`healthy`, `degraded`, `unhealthy`) with the `reasons`
   * (each a code and a message that says what was seen and what to look at), and the evidence: state,
   * restarts, uptime, checkpoints, every vertex's backpressure, busy and idle time, record rates,
   * watermark lag and pending records, and the newest exceptions. Thresholds are options (defaults:
   * the Flink Kubernetes Operator's rules and Flink's backpressure levels; see {@link HealthThresholds}).
   *
   * Cost: 6 + 3 x vertices GET requests (5 + 2 x vertices before Flink has fetched the job's
   * metrics; 6 when the job does not run), at most `concurrency` (4) at once. With `previous` (an
   * earlier report of the job) the checkpoint configuration is not read again, with `exceptions: 0`
   * too the exception history is not read, and `vertexMetrics: false` reads 1 route per vertex
   * instead of 3: 4 + vertices (what `flink-kit top` reads per job). Metric values are as fresh as
   * the JobManager's last fetch (`metrics.fetcher.update-interval`, 10 s); when that fetch is older,
   * the read waits up to 3 s for the fetch it started, a few more requests.
   * @throws {@link FlinkNotFoundError} for an unknown job id.
   * @throws {@link FlinkInputError} for a bad threshold or option.
   * @example
   * ```ts
   * const health = await flink.jobs.health(jobId, { maxRestarts: 0 });
   * if (health.status !== 'healthy') for (const r of health.reasons) console.log(r.code, r.message);
   * ```
   */
  async health(jobId: string, options: HealthOptions = {}): Promise<HealthReport> {
    checkId('jobId', jobId);
    // The health reader loads with the first call, not with `import 'flink-kit'`.
    const { readHealth } = await import('./health.js');
    return readHealth(this.ctx, jobId, options);
  }

  /**
   * Cancels a job (no savepoint; see `stop` for that). Returns once Flink accepted the request; a job
   * that already reached another terminal state is left as it is.
   * @throws {@link FlinkNotFoundError} for an unknown job id.
   * @example await flink.jobs.cancel(jobId); await flink.jobs.waitFor(jobId, { until: 'CANCELED' });
   */
  async cancel(jobId: string, options?: RequestOptions): Promise<void> {
    try {
      await this.ctx.transport.request(
        { method: 'PATCH', path: path`/jobs/${checkId('jobId', jobId)}`, query: { mode: 'cancel' }, hints: { 404: HINT_404 } },
        options,
      );
    } catch (error) {
      if (error instanceof FlinkConflictError) return; // already FINISHED / FAILED / CANCELED
      throw error;
    }
  }

  /**
   * Stops a job with a savepoint (the graceful stop before an upgrade) and waits until the savepoint
   * is written and the job FINISHED.
   * @returns the savepoint's location.
   * @throws {@link FlinkOperationError} when the savepoint failed (the job keeps running), or when the
   * job failed while stopping after writing it (`savepointPath` is set then).
   * @example const { savepointPath } = await flink.jobs.stop(jobId, { targetDirectory: 's3://b/sp' });
   */
  async stop(jobId: string, options: StopOptions = {}): Promise<{ savepointPath: string }> {
    return this.stopRunning(jobId, options, false);
  }

  /**
   * {@link stop}; `checked`: the caller has just seen the job RUNNING (live), so it is not read again.
   * @internal
   */
  async stopRunning(jobId: string, options: StopOptions, checked: boolean): Promise<{ savepointPath: string }> {
    checkId('jobId', jobId);
    const triggerId = options.triggerId === undefined ? newFlinkId() : checkId('triggerId', options.triggerId);
    const body: Record<string, unknown> = { drain: options.drain ?? false, triggerId };
    const dir = checkDirectory(options.targetDirectory);
    if (dir !== undefined) body['targetDirectory'] = dir;
    if (options.formatType !== undefined) body['formatType'] = options.formatType;
    if (!checked) await checkRunning('stop', jobId, this.ctx, options);
    await this.ctx.transport
      .request(
        {
          method: 'POST',
          path: path`/jobs/${jobId}/stop`,
          json: body,
          schema: lazy.common('TriggerResponse'),
          idempotent: true,
          hints: { 404: HINT_404 },
        },
        options,
      )
      .catch(triggerError);
    const wait = {
      timeoutMs: options.waitTimeoutMs ?? 600_000,
      pollIntervalMs: options.pollIntervalMs ?? 1_000,
      ...(options.signal ? { signal: options.signal } : {}),
    };
    const { location } = await new AsyncOperation(this.ctx.transport, {
      kind: 'stop',
      triggerId,
      jobId,
      statusPath: path`/jobs/${jobId}/savepoints/${triggerId}`,
      result: lazy.operations('SavepointResult'),
      onFailure: (failure) => savepointFailure('stop', jobId, failure, this.ctx, {}),
    }).result(wait);
    try {
      await this.waitForSummary(jobId, {
        until: 'FINISHED',
        timeoutMs: wait.timeoutMs,
        pollIntervalMs: wait.pollIntervalMs,
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (error) {
      if (!(error instanceof FlinkJobFailedError)) throw error;
      throw new FlinkOperationError(
        `the savepoint of job ${jobId} was written to ${location}, but the job then ended ${error.state} instead of FINISHED; restore from the savepoint`,
        { operation: 'stop', savepointPath: location, rootCause: error.rootCause, cause: error },
      );
    }
    return { savepointPath: location };
  }

  /**
   * Waits until the job reaches a state, polling with backoff. RUNNING counts only once all tasks run
   * (unless `allTasksRunning: false`), not while tasks still wait for slots. A job that is already
   * FINISHED also satisfies `until: 'RUNNING'` (a bounded job can finish before it is seen running):
   * check the returned `state`.
   *
   * Polls `/jobs/overview`, which the JobManager answers from live state: the job details route is
   * cached for `web.refresh-interval` (3 s) and would report changes late.
   * @returns the job's details, read once it reached the state (`state` and `allTasksRunning` are the
   * live ones; vertex details may lag by up to `web.refresh-interval`).
   * @throws {@link FlinkJobFailedError} when the job ends in another state (FAILED carries the root cause).
   * @throws {@link FlinkTimeoutError} when `timeoutMs` passes first.
   * @example await flink.jobs.waitFor(jobId, { until: 'RUNNING', timeoutMs: 60_000 });
   */
  async waitFor(jobId: string, options: WaitForOptions = {}): Promise<JobDetails> {
    const reached = await this.waitForSummary(jobId, options);
    // Details may come from Flink's cache (web.refresh-interval); state and task summary are the ones just seen live.
    const request = options.signal ? { signal: options.signal } : {};
    return { ...(await this.get(jobId, request)), state: reached.state, allTasksRunning: allTasksRunning(reached.tasks) };
  }

  /**
   * {@link waitFor} without reading the job's details at the end: the job's line of the live overview.
   * @internal
   */
  async waitForSummary(jobId: string, options: WaitForOptions = {}): Promise<JobSummary> {
    checkId('jobId', jobId);
    const until = options.until ?? 'TERMINAL';
    if (until !== 'TERMINAL' && !(JOB_STATES as readonly string[]).includes(until))
      throw new FlinkInputError(
        `until must be a job state (${JOB_STATES.join(', ')}) or TERMINAL, got ${JSON.stringify(until)}; a wait for a state Flink never reports would only end at its deadline`,
      );
    const needTasks = until === 'RUNNING' && options.allTasksRunning !== false;
    const request = options.signal ? { signal: options.signal } : {};
    return poll(
      async () => {
        const job = (await this.list(request)).find((j) => j.id === jobId);
        // Not listed: unknown (status answers 404), or just submitted and not listed yet.
        if (!job) return { done: false, seen: await this.status(jobId, request) };
        const done =
          until === 'TERMINAL'
            ? TERMINAL_JOB_STATES.has(job.state)
            : // A bounded job can finish between two looks: FINISHED has passed through RUNNING.
              (job.state === until && (!needTasks || allTasksRunning(job.tasks))) || (until === 'RUNNING' && job.state === 'FINISHED');
        if (done) return { done: true, value: job };
        if (TERMINAL_JOB_STATES.has(job.state)) throw await this.endedError(job, until, request);
        return { done: false, seen: describe(job) };
      },
      {
        what: `job ${jobId} to reach ${until}${needTasks ? ' with all tasks running' : ''}`,
        timeoutMs: options.timeoutMs,
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

  /**
   * Changes a running job's parallelism in place, keeping its id and state: `PUT
   * /jobs/:id/resource-requirements` (Flink 1.18+ with `jobmanager.scheduler: adaptive`). Checks the
   * free slots first, then waits until every vertex runs at `min(parallelism, its max parallelism)`
   * with all tasks running. The adaptive scheduler restarts the tasks from the latest checkpoint; it
   * rescales at most once per `jobmanager.adaptive-scheduler.scaling-interval.min` (30 s; 2.x:
   * `executing.cooldown-after-rescaling`) and, from 2.0, at a checkpoint.
   * @throws {@link InsufficientSlotsError} before anything changes, when the new parallelism does not fit.
   * @throws {@link FlinkOperationError} when the cluster does not run the adaptive scheduler (the
   * message names `jobmanager.scheduler: adaptive`), is older than 1.18, or the job has ended.
   * @throws {@link FlinkTimeoutError} when the job does not run at the new parallelism within `timeoutMs`.
   * @throws {@link FlinkJobFailedError} when the job ends while it is rescaled.
   * @example
   * ```ts
   * const { previousParallelism, parallelism } = await flink.jobs.rescale(jobId, { parallelism: 4 });
   * ```
   */
  async rescale(jobId: string, options: RescaleOptions): Promise<RescaleResult> {
    checkId('jobId', jobId);
    const parallelism = checkParallelism(options?.parallelism);
    const request = options.signal ? { signal: options.signal } : {};
    const version = await this.ctx.version(request);
    if (!version.atLeast(1, 18)) throw unsupportedVersion(jobId, version.raw);
    const requirementsPath = path`/jobs/${jobId}/resource-requirements`;
    const job = await this.liveDetails(jobId, request);
    if (TERMINAL_JOB_STATES.has(job.state)) {
      throw new FlinkOperationError(`job ${jobId} is ${job.state}: only a running job can be rescaled`, { operation: 'rescale' });
    }
    const current = await this.ctx.transport
      .request({ method: 'GET', path: requirementsPath, schema: lazy.jobs('ResourceRequirements'), hints: { 404: HINT_404 } }, request)
      .catch(rescaleError(jobId));
    const plan = planRescale(jobId, job, current, parallelism);
    if (options.checkSlots !== false && plan.slotsWanted > plan.slotsHeld) {
      const cluster = new ClusterResource(this.ctx);
      const capacity = await cluster.capacity(request);
      let held = plan.slotsHeld;
      if (plan.slotsWanted - held > capacity.slotsAvailable) {
        const taskManagers = (await cluster.taskManagers(request)).map((tm) => tm.id);
        held = Math.max(held, await slotsAllocatedTo(this.ctx, jobId, taskManagers, request));
      }
      if (plan.slotsWanted - held > capacity.slotsAvailable) {
        throw new InsufficientSlotsError({
          requested: plan.slotsWanted,
          available: capacity.slotsAvailable + held,
          total: capacity.slotsTotal,
          taskManagers: capacity.taskManagers,
          slotsPerTaskManager: capacity.slotsPerTaskManager,
        });
      }
    }
    await this.ctx.transport
      .request({ method: 'PUT', path: requirementsPath, json: plan.body, hints: { 404: HINT_404 } }, request)
      .catch(rescaleError(jobId));
    const timeoutMs = options.timeoutMs ?? 300_000;
    try {
      const rescaled = await this.liveDetails(jobId, request, {
        until: (details) =>
          details.state === 'RUNNING' && details.allTasksRunning && details.vertices.every((v) => plan.targets.get(v.id) === v.parallelism),
        what: `job ${jobId} to run at parallelism ${parallelism} with all tasks running`,
        timeoutMs,
        pollIntervalMs: options.pollIntervalMs ?? 1_000,
        signal: options.signal,
      });
      return { jobId, previousParallelism: plan.slotsHeld, parallelism: plan.slotsWanted, job: rescaled };
    } catch (error) {
      if (!(error instanceof FlinkTimeoutError)) throw error;
      throw new FlinkTimeoutError(
        `${error.message} The adaptive scheduler waits jobmanager.adaptive-scheduler.scaling-interval.min (2.x: executing.cooldown-after-rescaling, 30 s by default) between rescales, from 2.0 also for a checkpoint, and runs the job lower while slots are short; check cluster.capacity() and jobs.exceptions().`,
        { timeoutMs, cause: error },
      );
    }
  }

  /**
   * The job's details once they agree with the live task count of `/jobs/overview` (details are
   * cached for `web.refresh-interval` and lag behind a rescale), and `until` holds if given.
   */
  private async liveDetails(
    jobId: string,
    request: RequestOptions,
    wait: {
      until?: (job: JobDetails) => boolean;
      what?: string;
      timeoutMs?: number;
      pollIntervalMs?: number;
      signal?: AbortSignal | undefined;
    } = {},
  ): Promise<JobDetails> {
    return poll(
      async () => {
        const summary = (await this.list(request)).find((j) => j.id === jobId);
        if (!summary) return { done: false, seen: await this.status(jobId, request) };
        if (wait.until && TERMINAL_JOB_STATES.has(summary.state)) throw await this.endedError(summary, 'RUNNING', request);
        const details = { ...(await this.get(jobId, request)), state: summary.state, allTasksRunning: allTasksRunning(summary.tasks) };
        const fresh = details.vertices.reduce((sum, v) => sum + v.parallelism, 0) === (summary.tasks['TOTAL'] ?? -1);
        if (fresh && (!wait.until || wait.until(details))) return { done: true, value: details };
        return { done: false, seen: `${describe(summary)}, parallelism ${describeParallelism(details)}` };
      },
      {
        what: wait.what ?? `the details of job ${jobId} to catch up with its running tasks`,
        timeoutMs: wait.timeoutMs ?? 30_000,
        signal: wait.signal,
        tolerate: isTransient,
        pauseRatio: SDK_PAUSE_RATIO,
        minDelayMs: 200,
        maxDelayMs: wait.pollIntervalMs ?? 1_000,
      },
    );
  }

  private async endedError(job: JobSummary, until: string, options: RequestOptions): Promise<FlinkJobFailedError> {
    let rootCause: string | undefined;
    if (job.state === 'FAILED') rootCause = (await this.exceptions(job.id, options).catch(() => undefined))?.rootCause;
    const why = rootCause ? `: ${rootCause}` : '';
    return new FlinkJobFailedError(`job ${job.id} (${job.name}) ended ${job.state} while waiting for ${until}${why}`, {
      jobId: job.id,
      state: job.state,
      rootCause,
    });
  }
}

/** Every task RUNNING or FINISHED, and at least one RUNNING (task counts of `/jobs/overview`). */
function allTasksRunning(tasks: Record<string, number>): boolean {
  const waiting = Object.entries(tasks).some(([state, n]) => n > 0 && state !== 'TOTAL' && state !== 'RUNNING' && state !== 'FINISHED');
  return !waiting && (tasks['RUNNING'] ?? 0) > 0;
}

function describe(job: JobSummary): string {
  const tasks = Object.entries(job.tasks)
    .filter(([state, n]) => n > 0 && state !== 'TOTAL')
    .map(([state, n]) => `${n} ${state}`)
    .join(', ');
  return `${job.state}${tasks ? `, tasks: ${tasks}` : ''}`;
}
