import { FlinkApiError, FlinkNotFoundError } from '../errors/api-errors.js';
import type { RequestOptions } from '../options.js';
import type { JobState } from '../schemas/job-states.js';
import { lazy } from '../schemas/lazy.js';
import { path } from '../transport/path.js';
import type { ResourceContext } from './resource.js';

/** What to do about a 404 on a job route. */
export const JOB_NOT_FOUND_HINT =
  'No job with that id on this cluster (finished jobs are kept only for jobstore.expiration-time, 1 hour by default)';

/**
 * `GET /jobs/:id/status`. Flink 1.18–1.20 answer an unknown job here with 500
 * (FlinkJobNotFoundException), unlike the 404 of the other job routes: map it to a 404.
 * Its own module so that `jobs`, `savepoints` and the checkpoint watch share it without importing each other.
 * @internal
 */
export async function readJobStatus(ctx: ResourceContext, jobId: string, options?: RequestOptions): Promise<JobState> {
  try {
    return await ctx.transport.request(
      { method: 'GET', path: path`/jobs/${jobId}/status`, schema: lazy.jobs('JobStatusReply'), hints: { 404: JOB_NOT_FOUND_HINT } },
      options,
    );
  } catch (error) {
    if (error instanceof FlinkApiError && error.status === 500 && error.errors.some((e) => e.includes('FlinkJobNotFoundException'))) {
      throw new FlinkNotFoundError({
        status: 404,
        method: error.method,
        path: error.path,
        errors: error.errors,
        hint: JOB_NOT_FOUND_HINT,
        cause: error,
      });
    }
    throw error;
  }
}
