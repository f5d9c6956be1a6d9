import type { HealthOptions } from '../core/health/read.js';
import { getJob, JOB_ERRORS, listJobs, readExceptions, readJobStatus } from '../core/job-routes.js';
import { type WaitForOptions, waitForJob } from '../core/job-wait.js';
import { type StopOptions, stopWithSavepoint } from '../core/stop-with-savepoint.js';
import { FlinkConflictError } from '../errors/api-errors.js';
import { checkId } from '../internal/ids.js';
import type { RequestOptions } from '../options.js';
import type { HealthReport } from '../schemas/health-report.js';
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
    const { readHealth } = await import('../core/health/read.js');
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
