import type { ResourceContext } from '../core/context.js';
import type { CheckpointsResource } from '../resources/checkpoints.js';
import type { ClusterResource } from '../resources/cluster.js';
import type { JarsResource } from '../resources/jars.js';
import type { JobsResource } from '../resources/jobs.js';

/**
 * What a workflow gets from its client: the resources, and the context they share (transport,
 * the runs this client started, the server's version) for the steps only workflows take.
 */
export interface ClientParts {
  readonly ctx: ResourceContext;
  readonly cluster: ClusterResource;
  readonly jars: JarsResource;
  readonly jobs: JobsResource;
  readonly checkpoints: CheckpointsResource;
}
