import type { FlinkVersion } from '../compat/versions.js';
import type { Transport } from '../transport/http.js';

/** What every resource gets from its client: the transport and the server's version. */
export interface ResourceContext {
  readonly transport: Transport;
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
