import { FlinkApiError } from '../errors/api-errors.js';
import { FlinkOperationError } from '../errors/domain-errors.js';
import { FlinkInputError } from '../errors/flink-error.js';
import type { RequestOptions } from '../options.js';
import type { JobDetails, ResourceRequirements } from '../schemas/jobs.js';
import { lazy } from '../schemas/lazy.js';
import { path } from '../transport/path.js';
import type { ResourceContext } from './resource.js';

/** Where a rescale takes each vertex: `min(parallelism, its max parallelism)`, keyed by vertex id. */
export interface RescalePlan {
  /** The `PUT /jobs/:id/resource-requirements` body. */
  body: ResourceRequirements;
  /** Parallelism each vertex should run at, by vertex id. */
  targets: Map<string, number>;
  /** Slots the job holds now (its largest vertex parallelism: one slot-sharing group). */
  slotsHeld: number;
  /** Slots the job will hold (the largest target). */
  slotsWanted: number;
}

const ADAPTIVE_HINT =
  'In-place rescaling needs the adaptive scheduler: set jobmanager.scheduler: adaptive in the Flink configuration and restart the JobManager, ' +
  'or rescale through a savepoint with flink.upgrade(jobId, { parallelism })';

/**
 * The new resource requirements: every vertex (Flink refuses a request that leaves one out) gets
 * `upperBound = min(parallelism, maxParallelism)`; lower bounds stay (capped at the new upper bound),
 * so the adaptive scheduler may still run a vertex lower when slots are lost later.
 * @throws {@link FlinkInputError} when `parallelism` exceeds every vertex's max parallelism.
 */
export function planRescale(jobId: string, job: JobDetails, current: ResourceRequirements, parallelism: number): RescalePlan {
  const body: ResourceRequirements = {};
  const targets = new Map<string, number>();
  const maxOf = new Map(job.vertices.map((v) => [v.id, v.maxParallelism]));
  for (const [vertexId, { parallelism: bounds }] of Object.entries(current)) {
    const upperBound = Math.min(parallelism, maxOf.get(vertexId) ?? parallelism);
    body[vertexId] = { parallelism: { lowerBound: Math.min(Math.max(1, bounds.lowerBound), upperBound), upperBound } };
    targets.set(vertexId, upperBound);
  }
  const slotsWanted = Math.max(0, ...targets.values());
  if (slotsWanted < parallelism) {
    throw new FlinkInputError(
      `job ${jobId} cannot run at parallelism ${parallelism}: its max parallelism is ${slotsWanted} (pipeline.max-parallelism, fixed when the job first started). Rescale to at most ${slotsWanted}, or restart it with a higher max parallelism from a savepoint.`,
    );
  }
  return { body, targets, slotsHeld: Math.max(0, ...job.vertices.map((v) => v.parallelism)), slotsWanted };
}

/**
 * Flink's answer when the job's scheduler cannot change parallelism in place (the default
 * scheduler throws UnsupportedOperationException, a 500) as a {@link FlinkOperationError} that
 * says which setting to change; other errors pass through.
 */
export function rescaleError(jobId: string) {
  return (error: unknown): never => {
    if (
      error instanceof FlinkApiError &&
      error.errors.some((e) => /does not support changing the parallelism|only expected to work with the AdaptiveScheduler/i.test(e))
    ) {
      throw new FlinkOperationError(
        `job ${jobId} cannot be rescaled in place: the cluster does not run the adaptive scheduler. ${ADAPTIVE_HINT}.`,
        {
          operation: 'rescale',
          rootCause: error.rootCause,
          cause: error,
        },
      );
    }
    throw error;
  };
}

/** @throws {@link FlinkOperationError} for a Flink before 1.18 (no `resource-requirements` route). */
export function unsupportedVersion(jobId: string, version: string): FlinkOperationError {
  return new FlinkOperationError(
    `job ${jobId} cannot be rescaled in place: Flink ${version} has no resource-requirements API (1.18+). Rescale through a savepoint with flink.upgrade(jobId, { parallelism }).`,
    { operation: 'rescale' },
  );
}

/** The parallelisms a job runs at, for messages: `2` or `2, 1` (distinct, largest first). */
export function describeParallelism(job: Pick<JobDetails, 'vertices'>): string {
  return [...new Set(job.vertices.map((v) => v.parallelism))].sort((a, b) => b - a).join(', ');
}

/**
 * Slots allocated to a job on all TaskManagers (`GET /taskmanagers/:id`, 8 at a time). After a
 * downscale the adaptive scheduler keeps the freed slots (idle, until `slot.idle.timeout`), so a
 * job may hold more slots than its parallelism, and can scale up into them again.
 */
export async function slotsAllocatedTo(
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
