import type { z } from 'zod';
import { createContext, RunRegistry } from './core/context.js';
import { FlinkInputError } from './errors/flink-error.js';
import type { ClientOptions, RequestOptions } from './options.js';
import { CheckpointsResource } from './resources/checkpoints.js';
import { ClusterResource } from './resources/cluster.js';
import { JarsResource } from './resources/jars.js';
import { JobsResource } from './resources/jobs.js';
import { SavepointsResource } from './resources/savepoints.js';
import { Transport } from './transport/http.js';
import type { ClientParts } from './workflows/client-parts.js';
import type { RescaleOptions, RescaleResult } from './workflows/rescale.js';
import type { SubmitOptions, SubmitResult } from './workflows/submit.js';
import type { UpgradeOptions, UpgradeResult } from './workflows/upgrade.js';

/** Set by `withOptions()` for the constructor it calls: the client whose connections and runs the new one shares. */
let parentOfNext: FlinkClient | undefined;
let partsOf: (client: FlinkClient) => ClientParts;

/**
 * What a client's workflows drive: its resources and their shared context (transport, runs, version).
 * For flink-kit's own modules and tests; the package does not export it.
 * @internal
 */
export function clientParts(client: FlinkClient): ClientParts {
  return partsOf(client);
}

/** A raw call for routes flink-kit does not model yet (see {@link FlinkClient.request}). */
export interface RawRequest<T> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path below `/v1`, starting with `/`, e.g. `/jobs/<id>/config`. Encode ids yourself. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** zod schema for the reply; without one the parsed JSON is returned unchecked. */
  schema?: z.ZodType<T>;
}

/**
 * Typed client for the Flink REST API (JobManager, usually port 8081).
 *
 * @example
 * ```ts
 * import { FlinkClient } from 'flink-kit';
 * const flink = new FlinkClient({ url: 'http://localhost:8081' });
 * const { jobId } = await flink.submit({ jar: './app.jar', parallelism: 2 });
 * await flink.close();
 * ```
 */
export class FlinkClient implements AsyncDisposable {
  /** Overview, TaskManagers, configuration, version, capacity. */
  readonly cluster: ClusterResource;
  /** Upload, list, plan, run and delete jars. */
  readonly jars: JarsResource;
  /** List, inspect, wait for, cancel and stop jobs. */
  readonly jobs: JobsResource;
  /** Trigger, await and dispose savepoints. */
  readonly savepoints: SavepointsResource;
  /** Checkpoint statistics, configuration, triggers and a live watch. */
  readonly checkpoints: CheckpointsResource;

  readonly #options: ClientOptions;
  readonly #transport: Transport;
  /** What the workflows drive: the resources and their shared context (runs started, version). */
  readonly #parts: ClientParts;

  static {
    partsOf = (client) => client.#parts;
  }

  /**
   * @throws {@link FlinkInputError} for a URL without `http://` or `https://`.
   */
  constructor(options: ClientOptions = {}) {
    const parent = parentOfNext;
    parentOfNext = undefined;
    this.#options = options;
    this.#transport = new Transport(options, parent ? parent.#transport : undefined);
    const ctx = createContext(this.#transport, parent ? parent.#parts.ctx.runs : new RunRegistry());
    this.cluster = new ClusterResource(ctx);
    this.jars = new JarsResource(ctx);
    this.jobs = new JobsResource(ctx);
    this.savepoints = new SavepointsResource(ctx);
    this.checkpoints = new CheckpointsResource(ctx);
    this.#parts = { ctx, cluster: this.cluster, jars: this.jars, jobs: this.jobs, checkpoints: this.checkpoints };
  }

  /** The REST base URL this client talks to. */
  get url(): string {
    return this.#transport.baseUrl.href;
  }

  /**
   * A new client with some options changed, sharing this client's connections.
   * @example const patient = flink.withOptions({ timeoutMs: 120_000 });
   */
  withOptions(options: ClientOptions): FlinkClient {
    parentOfNext = this;
    try {
      return new FlinkClient({ ...this.#options, ...options });
    } finally {
      parentOfNext = undefined;
    }
  }

  /**
   * Upload (or reuse) a jar, check the parallelism against free slots, run it, and wait.
   * @throws {@link InsufficientSlotsError} before anything is uploaded when slots are short.
   * @throws {@link FlinkJobFailedError} when the job fails while awaited (the uploaded jar is deleted).
   * @example
   * ```ts
   * const { jobId } = await flink.submit({ jar: './app.jar', parallelism: 4, until: 'RUNNING' });
   * ```
   */
  async submit(options: SubmitOptions): Promise<SubmitResult> {
    // The workflows load with their first use, not with `import 'flink-kit'`.
    const { submit } = await import('./workflows/submit.js');
    return submit(this.#parts, options);
  }

  /**
   * Upgrades a running job: stop with savepoint, run the new jar (or the same at a new parallelism)
   * from it, wait until all tasks run, confirm the restore from checkpoint statistics. If the new job
   * fails to come up, the previous version is started again from the same savepoint.
   * @throws {@link InsufficientSlotsError} before stopping anything when the new parallelism does not fit.
   * @throws {@link FlinkUpgradeError} when the new job failed: says whether the rollback ran, carries the savepoint path.
   * @throws {@link FlinkOperationError} when the savepoint failed (the old job keeps running).
   * @example
   * ```ts
   * const next = await flink.upgrade(jobId, { jar: './app-v2.jar', parallelism: 4 });
   * // { previousJobId, savepointPath, jobId, restoredCheckpointId, jarId }
   * ```
   */
  async upgrade(jobId: string, options?: UpgradeOptions): Promise<UpgradeResult> {
    const { upgrade } = await import('./workflows/upgrade.js');
    return upgrade(this.#parts, jobId, options);
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
   * @throws {@link FlinkTimeoutError} when the job does not run at the new parallelism within `waitTimeoutMs`.
   * @throws {@link FlinkJobFailedError} when the job ends while it is rescaled.
   * @example
   * ```ts
   * const { previousParallelism, parallelism } = await flink.rescale(jobId, { parallelism: 4 });
   * ```
   */
  async rescale(jobId: string, options: RescaleOptions): Promise<RescaleResult> {
    const { rescale } = await import('./workflows/rescale.js');
    return rescale(this.#parts, jobId, options);
  }

  /**
   * A raw call for routes not modelled yet; same transport, retries and errors as everything else.
   * @example const cfg = await flink.request({ method: 'GET', path: `/jobs/${jobId}/config` });
   */
  async request<T = unknown>(raw: RawRequest<T>, options?: RequestOptions): Promise<T> {
    if (!raw.path.startsWith('/')) throw new FlinkInputError(`path must start with /, got ${JSON.stringify(raw.path)}`);
    return this.#transport.request<T>(
      { method: raw.method, path: raw.path, query: raw.query, json: raw.body, schema: (raw.schema ?? ANY) as z.ZodType<T> },
      options,
    );
  }

  /** Closes the keep-alive connections this client opened. */
  close(): Promise<void> {
    return this.#transport.close();
  }

  /** `await using flink = new FlinkClient()` closes it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

const ANY = { safeParse: (data: unknown) => ({ success: true as const, data }) } as unknown as z.ZodType<unknown>;
