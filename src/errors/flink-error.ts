const FLINK_ERROR = Symbol.for('flink-kit.FlinkError');

/** Options accepted by every {@link FlinkError} constructor. */
export interface FlinkErrorOptions {
  /** The underlying error (kept as the standard `cause`). */
  cause?: unknown;
  /** Extra diagnostic text too long for the message, e.g. the tail of a JVM log. */
  details?: string | undefined;
}

/**
 * Root of every error flink-kit throws. Messages say what went wrong and what to do about it.
 *
 * Use {@link isFlinkError} rather than `instanceof` when several copies of flink-kit may be loaded.
 *
 * @example
 * ```ts
 * try { await flink.jobs.get(id); } catch (e) { if (isFlinkError(e)) console.error(e.message); }
 * ```
 */
export class FlinkError extends Error {
  /** Extra diagnostic text, e.g. the tail of a JVM log, or Flink's full stack trace. */
  readonly details: string | undefined;

  constructor(message: string, options: FlinkErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.details = options.details;
    Object.defineProperty(this, FLINK_ERROR, { value: true });
  }
}

/**
 * True when `value` is a {@link FlinkError} from any copy of flink-kit.
 *
 * @example
 * ```ts
 * if (isFlinkError(err)) console.error(err.message);
 * ```
 */
export function isFlinkError(value: unknown): value is FlinkError {
  return typeof value === 'object' && value !== null && FLINK_ERROR in value;
}

/**
 * Bad input caught before any request was sent (an invalid id, a parallelism of 0, a missing file, …).
 * The message names the argument and the value it expects.
 */
export class FlinkInputError extends FlinkError {}
