import { FlinkError, type FlinkErrorOptions } from './flink-error.js';

/**
 * Nothing usable answered at the URL: connection refused, DNS failure, TLS mismatch, reset.
 * The message names the URL and, where it helps, a hint (e.g. "port 6123 is Flink's RPC port").
 */
export class FlinkConnectionError extends FlinkError {
  /** The base URL that could not be reached. */
  readonly url: string;
  /** undici / Node error code of the underlying failure, e.g. `ECONNREFUSED`, when known. */
  readonly code: string | undefined;

  constructor(message: string, init: FlinkErrorOptions & { url: string; code?: string | undefined }) {
    super(message, init);
    this.url = init.url;
    this.code = init.code;
  }
}

/** A request ran past its per-attempt deadline (`timeoutMs`), or a wait past its deadline (`waitTimeoutMs`). */
export class FlinkTimeoutError extends FlinkError {
  /** The deadline that passed, in milliseconds. */
  readonly timeoutMs: number;

  constructor(message: string, init: FlinkErrorOptions & { timeoutMs: number }) {
    super(message, init);
    this.timeoutMs = init.timeoutMs;
  }
}

/**
 * The HTTP call worked but the reply is not what Flink sends: HTML from a proxy or another server,
 * or JSON of the wrong shape. Carries the validation issues and the start of the raw body.
 */
export class FlinkResponseError extends FlinkError {
  /** HTTP status of the reply. */
  readonly status: number;
  /** The first 2,000 characters of the reply body. */
  readonly body: string;
  /** Schema validation issues, when the body was JSON of the wrong shape. */
  readonly issues: readonly unknown[];

  constructor(message: string, init: FlinkErrorOptions & { status: number; body: string; issues?: readonly unknown[] }) {
    super(message, init);
    this.status = init.status;
    this.body = init.body.slice(0, 2000);
    this.issues = init.issues ?? [];
  }
}
