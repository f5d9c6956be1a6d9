import { AsyncOperation } from '../core/async-operation.js';
import { poll, SDK_PAUSE_RATIO } from '../core/poll.js';
import { FlinkConflictError } from '../errors/api-errors.js';
import { FlinkJobFailedError, FlinkOperationError } from '../errors/domain-errors.js';
import { FlinkInputError } from '../errors/flink-error.js';
import { checkId, newFlinkId } from '../internal/ids.js';
import type { RequestOptions } from '../options.js';
import { type JobState, TERMINAL_JOB_STATES } from '../schemas/job-states.js';
import type { JobDetails, JobExceptions, JobSummary } from '../schemas/jobs.js';
import { lazy } from '../schemas/lazy.js';
import { path } from '../transport/path.js';
import { JOB_NOT_FOUND_HINT, readJobStatus } from './job-status.js';
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
    if (until !== 'TERMINAL' && typeof until !== 'string')
      throw new FlinkInputError('until must be a job state such as RUNNING or FINISHED, or TERMINAL');
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
        // Start at a tenth of the cap: short waits (a job coming up) are noticed quickly.
        minDelayMs: Math.min(100, (options.pollIntervalMs ?? 2_000) / 10),
        maxDelayMs: options.pollIntervalMs,
        pauseRatio: SDK_PAUSE_RATIO,
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
