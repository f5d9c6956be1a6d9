import type { FlinkVersion } from '../compat/versions.js';
import type { RequestOptions } from '../options.js';
import type { DashboardConfig, Overview, TaskManager } from '../schemas/cluster.js';
import { lazy } from '../schemas/lazy.js';
import { path } from '../transport/path.js';
import { Resource } from './resource.js';

/** Capacity of the cluster: how much parallelism it can run. */
export interface Capacity {
  taskManagers: number;
  slotsTotal: number;
  slotsAvailable: number;
  /** Slots per TaskManager when all have the same number, else `undefined`. */
  slotsPerTaskManager: number | undefined;
}

/**
 * Cluster-wide reads: overview, TaskManagers, configuration, version and capacity.
 *
 * @example
 * ```ts
 * const { flinkVersion, slotsTotal } = await flink.cluster.overview();
 * ```
 */
export class ClusterResource extends Resource {
  /**
   * Version, TaskManagers, slots and job counts (`GET /overview`).
   * @example const o = await flink.cluster.overview(); console.log(o.taskManagers, o.slotsAvailable);
   */
  async overview(options?: RequestOptions): Promise<Overview> {
    return this.ctx.transport.request({ method: 'GET', path: '/overview', schema: lazy.cluster('Overview') }, options);
  }

  /**
   * The registered TaskManagers with their slots (`GET /taskmanagers`).
   * @example for (const tm of await flink.cluster.taskManagers()) console.log(tm.id, tm.slotsFree);
   */
  async taskManagers(options?: RequestOptions): Promise<TaskManager[]> {
    return this.ctx.transport.request({ method: 'GET', path: '/taskmanagers', schema: lazy.cluster('TaskManagers') }, options);
  }

  /**
   * Dashboard configuration: version and enabled web features such as jar submission (`GET /config`).
   * @example const { features } = await flink.cluster.config(); if (!features.webSubmit) console.log('no /jars');
   */
  async config(options?: RequestOptions): Promise<DashboardConfig> {
    return this.ctx.transport.request({ method: 'GET', path: '/config', schema: lazy.cluster('DashboardConfig') }, options);
  }

  /**
   * The JobManager's effective configuration as a key/value record (`GET /jobmanager/config`).
   * @example const conf = await flink.cluster.jobManagerConfig(); conf['state.savepoints.dir'];
   */
  async jobManagerConfig(options?: RequestOptions): Promise<Record<string, string>> {
    return this.ctx.transport.request({ method: 'GET', path: '/jobmanager/config', schema: lazy.cluster('JobManagerConfig') }, options);
  }

  /**
   * The connected Flink's version, read once per client and cached.
   * @example (await flink.cluster.version()).atLeast(1, 20)
   */
  version(options?: { signal?: AbortSignal }): Promise<FlinkVersion> {
    return this.ctx.version(options);
  }

  /**
   * How much parallelism the cluster can take now: TaskManagers x slots, and the free slots.
   * @example const { slotsAvailable } = await flink.cluster.capacity();
   */
  async capacity(options?: RequestOptions): Promise<Capacity> {
    const tms = await this.taskManagers(options);
    const sizes = new Set(tms.map((tm) => tm.slotsTotal));
    return {
      taskManagers: tms.length,
      slotsTotal: tms.reduce((n, tm) => n + tm.slotsTotal, 0),
      slotsAvailable: tms.reduce((n, tm) => n + tm.slotsFree, 0),
      slotsPerTaskManager: sizes.size === 1 ? [...sizes][0] : undefined,
    };
  }

  /**
   * The stdout of one TaskManager (what `print()` sinks write), as text.
   * @example const out = await flink.cluster.taskManagerStdout('tm-1');
   */
  async taskManagerStdout(taskManagerId: string, options?: RequestOptions): Promise<string> {
    return this.ctx.transport.request<string>({ method: 'GET', path: path`/taskmanagers/${taskManagerId}/stdout`, text: true }, options);
  }
}
