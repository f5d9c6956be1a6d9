/** The pure part of an in-place rescale: the new resource requirements, and what Flink's refusals mean. */
import { jobErrors } from '../core/job-routes.js';
import { FlinkOperationError } from '../errors/domain-errors.js';
import { FlinkInputError } from '../errors/flink-error.js';
import type { JobDetails, ResourceRequirements } from '../schemas/jobs.js';
import type { ErrorRule } from '../transport/request.js';

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
 * The error rules of `/jobs/:id/resource-requirements`: the default scheduler cannot change
 * parallelism in place (it throws UnsupportedOperationException, a 500), which is a
 * {@link FlinkOperationError} that says which setting to change; then the rules of every job route.
 */
export function requirementsErrors(jobId: string): ErrorRule[] {
  return [
    {
      match: /does not support changing the parallelism|only expected to work with the AdaptiveScheduler/i,
      wrap: (error) =>
        new FlinkOperationError(
          `job ${jobId} cannot be rescaled in place: the cluster does not run the adaptive scheduler. ${ADAPTIVE_HINT}.`,
          {
            operation: 'rescale',
            rootCause: error.rootCause,
            cause: error,
          },
        ),
    },
    ...jobErrors(),
  ];
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
