/**
 * The reads of one job that resources and workflows share (state, details, failures, the live
 * overview), with the error rules of every route below `/jobs/:id`.
 */
import type { RequestOptions } from '../options.js';
import type { JobState } from '../schemas/job-states.js';
import type { JobDetails, JobExceptions, JobSummary } from '../schemas/jobs.js';
import { lazy } from '../schemas/lazy.js';
import { path } from '../transport/path.js';
import type { ErrorRule } from '../transport/request.js';
import type { ResourceContext } from './context.js';

/** What to do about an unknown job. */
export const JOB_NOT_FOUND_HINT =
  'No job with that id on this cluster (finished jobs are kept only for jobstore.expiration-time, 1 hour by default)';

/**
 * The error rules of a route below `/jobs/:id`: 404 is an unknown job, and so is the 500
 * FlinkJobNotFoundException that Flink 1.18–1.20 send on some of them (`/status`), reported as a 404.
 */
export function jobErrors(hint = JOB_NOT_FOUND_HINT): ErrorRule[] {
  return [
    { status: 404, hint },
    { status: 500, match: /FlinkJobNotFoundException/, reportStatus: 404, hint },
  ];
}

/** {@link jobErrors} with the general hint. */
export const JOB_ERRORS: readonly ErrorRule[] = jobErrors();

/** `GET /jobs/overview`: every job with its live state and task counts (not cached, unlike the details). */
export function listJobs(ctx: ResourceContext, options?: RequestOptions): Promise<JobSummary[]> {
  return ctx.transport.request({ method: 'GET', path: '/jobs/overview', schema: lazy.jobs('JobsOverview') }, options);
}

/** `GET /jobs/:id`: the job with its vertices (cached by Flink for `web.refresh-interval`). */
export function getJob(ctx: ResourceContext, jobId: string, options?: RequestOptions): Promise<JobDetails> {
  return ctx.transport.request({ method: 'GET', path: path`/jobs/${jobId}`, schema: lazy.jobs('JobDetails'), errors: JOB_ERRORS }, options);
}

/** `GET /jobs/:id/status`: the job's state only. */
export function readJobStatus(ctx: ResourceContext, jobId: string, options?: RequestOptions): Promise<JobState> {
  return ctx.transport.request(
    { method: 'GET', path: path`/jobs/${jobId}/status`, schema: lazy.jobs('JobStatusReply'), errors: JOB_ERRORS },
    options,
  );
}

/** `GET /jobs/:id/exceptions`: the failure history, newest first. */
export function readExceptions(
  ctx: ResourceContext,
  jobId: string,
  options?: RequestOptions & { maxExceptions?: number | undefined },
): Promise<JobExceptions> {
  return ctx.transport.request(
    {
      method: 'GET',
      path: path`/jobs/${jobId}/exceptions`,
      query: { maxExceptions: options?.maxExceptions },
      schema: lazy.jobs('JobExceptions'),
      errors: JOB_ERRORS,
    },
    options,
  );
}
