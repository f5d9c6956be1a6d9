import type { FlinkVersion } from '../compat/versions.js';
import type { Transport } from '../transport/http.js';

/** How a job was started by this client: what `upgrade()` needs to roll back to it. */
export interface RunRecord {
  jarId: string;
  entryClass?: string | undefined;
  args?: readonly string[] | undefined;
  parallelism?: number | undefined;
  config?: Record<string, string> | undefined;
}

/** What every resource gets from its client: the transport and the server's version. */
export interface ResourceContext {
  readonly transport: Transport;
  /** Jobs this client started, by job id (Flink does not say which jar a job came from). */
  readonly runs: RunRegistry;
  /** The connected Flink's version, read once per client. */
  version(options?: { signal?: AbortSignal }): Promise<FlinkVersion>;
}

/** Base of the resource namespaces (`client.jobs`, `client.jars`, …). */
export abstract class Resource {
  /** @internal */
  protected readonly ctx: ResourceContext;

  /** @internal */
  constructor(ctx: ResourceContext) {
    this.ctx = ctx;
  }
}

/** A bounded memory of the runs a client started (the newest 1,000). */
export class RunRegistry {
  private readonly runs = new Map<string, RunRecord>();

  /** Remembers how `jobId` was started. */
  record(jobId: string, run: RunRecord): void {
    this.runs.delete(jobId);
    this.runs.set(jobId, run);
    if (this.runs.size > 1_000) this.runs.delete(this.runs.keys().next().value as string);
  }

  /** How `jobId` was started, when this client started it. */
  get(jobId: string): RunRecord | undefined {
    return this.runs.get(jobId);
  }
}
