/** Options of {@link Backoff}. */
export interface BackoffOptions {
  /** The first delay, and the one `reset()` returns to, in milliseconds. */
  minMs: number;
  /** The longest delay, in milliseconds. */
  maxMs: number;
  /** How much each `grow()` multiplies the delay by. */
  factor: number;
}

/**
 * The one backoff of flink-kit's loops (the poller, the checkpoint watch, the port-forward's
 * reconnects): a delay that grows by `factor` per `grow()`, from `minMs` up to `maxMs`, and starts
 * over on `reset()`. Retries of single requests back off inside p-retry.
 *
 * @example
 * ```ts
 * const backoff = new Backoff({ minMs: 100, maxMs: 1_000, factor: 2 });
 * await sleep(backoff.delayMs); backoff.grow(); // 100, then 200, 400, 800, 1000, 1000, …
 * ```
 */
export class Backoff {
  private readonly options: BackoffOptions;
  private delay: number;

  constructor(options: BackoffOptions) {
    this.options = { ...options, minMs: Math.min(options.minMs, options.maxMs) };
    this.delay = this.options.minMs;
  }

  /** The delay to wait now, in milliseconds. */
  get delayMs(): number {
    return this.delay;
  }

  /** Makes the delay longer (up to `maxMs`) and returns it. */
  grow(): number {
    this.delay = Math.min(this.delay * this.options.factor, this.options.maxMs);
    return this.delay;
  }

  /** Back to `minMs` (after a success). */
  reset(): void {
    this.delay = this.options.minMs;
  }
}
