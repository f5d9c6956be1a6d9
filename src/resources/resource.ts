import type { ResourceContext } from '../core/context.js';

/** Base of the resource namespaces (`client.jobs`, `client.jars`, …). */
export abstract class Resource {
  /** @internal */
  protected readonly ctx: ResourceContext;

  /** @internal */
  constructor(ctx: ResourceContext) {
    this.ctx = ctx;
  }
}
