import type { Dispatcher } from 'undici';

/** Retry settings of the one retry policy (exponential backoff with jitter; `Retry-After` honoured). */
export interface RetryOptions {
  /** Further attempts after the first. @default 3 */
  retries?: number;
  /** Delay before the first retry, in milliseconds. @default 250 */
  minDelayMs?: number;
  /** Upper bound of any retry delay, in milliseconds. @default 8000 */
  maxDelayMs?: number;
}

/** TLS settings for an `https://` Flink endpoint. */
export interface TlsOptions {
  /** PEM CA certificate(s) to trust instead of the system store. */
  ca?: string | Buffer | ReadonlyArray<string | Buffer>;
  /** PEM client certificate (mutual TLS, `security.ssl.rest.authentication-enabled`). */
  cert?: string | Buffer;
  /** PEM client key. Never logged. */
  key?: string | Buffer;
  /** Verify the server certificate. Turn off only for throw-away test clusters. @default true */
  rejectUnauthorized?: boolean;
}

/** Options of {@link FlinkClient}. Every field is optional. */
export interface ClientOptions {
  /**
   * Base URL of the JobManager's REST endpoint (scheme required), e.g. `http://localhost:8081` or
   * `https://gateway/flink/` behind a proxy.
   * @default process.env.FLINK_URL ?? 'http://127.0.0.1:8081'
   */
  url?: string;
  /** Deadline of one HTTP attempt, in milliseconds (uploads have their own, see `jars.upload`). @default 30000 */
  timeoutMs?: number;
  /** Retry settings for idempotent calls, or `false` to never retry. */
  retry?: RetryOptions | false;
  /** Headers sent with every request, e.g. `{ authorization: 'Bearer …' }` for a proxy. Never shown in errors. */
  headers?: Record<string, string>;
  /** TLS settings for `https://` URLs (ignored when a `dispatcher` or `fetch` is given). */
  tls?: TlsOptions;
  /**
   * A fetch implementation to use instead of undici's, e.g. `globalThis.fetch` so msw can intercept.
   * When given, `tls` and keep-alive are the injected fetch's business.
   */
  fetch?: typeof globalThis.fetch;
  /** An undici dispatcher (Agent, ProxyAgent, MockAgent) from the same undici package flink-kit uses. */
  dispatcher?: Dispatcher;
}

/** Per-call options, accepted as the last parameter of every method. */
export interface RequestOptions {
  /** Cancels the call, including retry waits and polling. */
  signal?: AbortSignal;
  /** Deadline of one HTTP attempt, in milliseconds. Overrides the client's. */
  timeoutMs?: number;
  /** Retry settings for this call, or `false`. Overrides the client's. */
  retry?: RetryOptions | false;
  /** Extra headers for this call. */
  headers?: Record<string, string>;
}

/**
 * Defaults applied by the client: the URL when neither `url` nor `FLINK_URL` gives one, the
 * per-attempt request timeout, and the retry settings.
 * @example
 * ```ts
 * import { DEFAULTS, FlinkClient } from 'flink-kit';
 * const flink = new FlinkClient({ url: process.env.JOBMANAGER_URL || DEFAULTS.url });
 * ```
 */
export const DEFAULTS = {
  url: 'http://127.0.0.1:8081',
  timeoutMs: 30_000,
  retry: { retries: 3, minDelayMs: 250, maxDelayMs: 8_000 },
} as const;
