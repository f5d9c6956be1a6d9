import { FlinkVersion } from '../compat/versions.js';
import { lazy } from '../schemas/lazy.js';
import type { Transport } from '../transport/http.js';

/** How a job was started by this client: what `upgrade()` needs to roll back to it. */
export interface RunRecord {
  jarId: string;
  entryClass?: string | undefined;
  args?: readonly string[] | undefined;
  parallelism?: number | undefined;
  config?: Record<string, string> | undefined;
}

/** What resources and workflows share of their client: the transport, the runs it started, the server's version. */
export interface ResourceContext {
  readonly transport: Transport;
  /** Jobs this client started, by job id (Flink does not say which jar a job came from). */
  readonly runs: RunRegistry;
  /** The connected Flink's version, read once per client. */
  version(options?: { signal?: AbortSignal }): Promise<FlinkVersion>;
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

/** A client's context: the version is read from `/config` with the first call that needs it, and kept unless that read failed. */
export function createContext(transport: Transport, runs: RunRegistry): ResourceContext {
  let version: Promise<FlinkVersion> | undefined;
  return {
    transport,
    runs,
    version(options) {
      version ??= transport
        .request({ method: 'GET', path: '/config', schema: lazy.cluster('DashboardConfig') }, options)
        .then((config) => FlinkVersion.parse(config.flinkVersion))
        .catch((error: unknown) => {
          version = undefined;
          throw error;
        });
      return version;
    },
  };
}
