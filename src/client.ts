import type { z } from 'zod';
import type { FlinkVersion } from './compat/versions.js';
import { FlinkInputError } from './errors/flink-error.js';
import type { ClientOptions, RequestOptions } from './options.js';
import { CheckpointsResource } from './resources/checkpoints.js';
import { ClusterResource } from './resources/cluster.js';
import { JarsResource } from './resources/jars.js';
import { JobsResource } from './resources/jobs.js';
import { type ResourceContext, RunRegistry } from './resources/resource.js';
import { SavepointsResource } from './resources/savepoints.js';
import { Transport } from './transport/http.js';
import type { SubmitOptions, SubmitResult } from './workflows/submit.js';
import type { UpgradeOptions, UpgradeResult } from './workflows/upgrade.js';

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
  /** @internal How this client started its jobs, for `upgrade()` rollbacks. */
  readonly runs: RunRegistry;

  private readonly transport: Transport;
  private readonly options: ClientOptions;
  private versionPromise: Promise<FlinkVersion> | undefined;

  /**
   * @throws {@link FlinkInputError} for a URL without `http://` or `https://`.
   */
  constructor(options: ClientOptions = {}, shared?: FlinkClient) {
    this.options = options;
    this.transport = new Transport(options, shared?.transport);
    this.runs = shared?.runs ?? new RunRegistry();
    const ctx: ResourceContext = { transport: this.transport, runs: this.runs, version: (o) => this.version(o) };
    this.cluster = new ClusterResource(ctx);
    this.jars = new JarsResource(ctx);
    this.jobs = new JobsResource(ctx);
    this.savepoints = new SavepointsResource(ctx);
    this.checkpoints = new CheckpointsResource(ctx);
  }

  /** The REST base URL this client talks to. */
  get url(): string {
    return this.transport.baseUrl.href;
  }

  /**
   * A new client with some options changed, sharing this client's connections.
   * @example const patient = flink.withOptions({ timeoutMs: 120_000 });
   */
  withOptions(options: ClientOptions): FlinkClient {
    return new FlinkClient({ ...this.options, ...options }, this);
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
    return submit(this, options);
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
    return upgrade(this, jobId, options);
  }

  /**
   * A raw call for routes not modelled yet; same transport, retries and errors as everything else.
   * @example const cfg = await flink.request({ method: 'GET', path: `/jobs/${jobId}/config` });
   */
  async request<T = unknown>(raw: RawRequest<T>, options?: RequestOptions): Promise<T> {
    if (!raw.path.startsWith('/')) throw new FlinkInputError(`path must start with /, got ${JSON.stringify(raw.path)}`);
    return this.transport.request<T>(
      { method: raw.method, path: raw.path, query: raw.query, json: raw.body, schema: (raw.schema ?? ANY) as z.ZodType<T> },
      options,
    );
  }

  /** Closes the keep-alive connections this client opened. */
  close(): Promise<void> {
    return this.transport.close();
  }

  /** `await using flink = new FlinkClient()` closes it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  private version(options?: { signal?: AbortSignal }): Promise<FlinkVersion> {
    this.versionPromise ??= ClusterResource.readVersion(this.cluster, options).catch((error: unknown) => {
      this.versionPromise = undefined;
      throw error;
    });
    return this.versionPromise;
  }
}

const ANY = { safeParse: (data: unknown) => ({ success: true as const, data }) } as unknown as z.ZodType<unknown>;
