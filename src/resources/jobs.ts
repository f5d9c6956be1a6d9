import { getJob, JOB_ERRORS, listJobs, readExceptions, readJobStatus } from '../core/job-routes.js';
import { type WaitForOptions, waitForJob } from '../core/job-wait.js';
import { type StopOptions, stopWithSavepoint } from '../core/stop-with-savepoint.js';
import { FlinkConflictError } from '../errors/api-errors.js';
import { checkId } from '../internal/ids.js';
import type { RequestOptions } from '../options.js';
import { allTasksRunning, type JobState } from '../schemas/job-states.js';
import type { JobDetails, JobExceptions, JobSummary } from '../schemas/jobs.js';
import { path } from '../transport/path.js';
import { Resource } from './resource.js';

export type { WaitForOptions, WaitUntil } from '../core/job-wait.js';
export type { StopOptions } from '../core/stop-with-savepoint.js';

/**
 * Jobs: list, inspect, wait for, cancel, stop.
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
    return listJobs(this.ctx, options);
  }

  /**
   * One job with its vertices, their parallelism and task states (`GET /jobs/:id`).
   * @throws {@link FlinkNotFoundError} for an unknown job id.
   * @example const job = await flink.jobs.get(jobId); job.vertices.map((v) => v.parallelism);
   */
  async get(jobId: string, options?: RequestOptions): Promise<JobDetails> {
    return getJob(this.ctx, checkId('jobId', jobId), options);
  }

  /**
   * The job's state only (`GET /jobs/:id/status`), cheaper than {@link get}.
   * @throws {@link FlinkNotFoundError} for an unknown job id (also for the 500 Flink 1.18–1.20 send then).
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
    return readExceptions(this.ctx, checkId('jobId', jobId), options);
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
        { method: 'PATCH', path: path`/jobs/${checkId('jobId', jobId)}`, query: { mode: 'cancel' }, errors: JOB_ERRORS },
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
    return stopWithSavepoint(this.ctx, jobId, options, false);
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
   * @throws {@link FlinkTimeoutError} when `waitTimeoutMs` passes first.
   * @example await flink.jobs.waitFor(jobId, { until: 'RUNNING', waitTimeoutMs: 60_000 });
   */
  async waitFor(jobId: string, options: WaitForOptions = {}): Promise<JobDetails> {
    const reached = await waitForJob(this.ctx, checkId('jobId', jobId), options);
    // Details may come from Flink's cache (web.refresh-interval); state and task summary are the ones just seen live.
    const request = options.signal ? { signal: options.signal } : {};
    return { ...(await this.get(jobId, request)), state: reached.state, allTasksRunning: allTasksRunning(reached.tasks) };
  }
}
