import { FlinkApiError } from '../errors/api-errors.js';
import { FlinkConnectionError, FlinkTimeoutError } from '../errors/transport-errors.js';

/** What the retry policy needs to know about a request. */
export interface RetryContext {
  /** The request is safe to repeat: GET/PUT/DELETE/PATCH-cancel, or a POST carrying a client-chosen job or trigger id. */
  idempotent: boolean;
  /** The body is a one-shot stream (a jar upload): it cannot be sent twice. */
  streamBody: boolean;
}

/** Connection failures that a later attempt can cure (the JobManager restarting, a dropped keep-alive socket). */
const RETRYABLE_CODES = new Set([
  'ECONNREFUSED', // JobManager not listening yet / restarting
  'ECONNRESET', // keep-alive socket closed under us
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN', // transient DNS failure (ENOTFOUND is final)
  'UND_ERR_SOCKET', // "other side closed"
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/**
 * Statuses worth another try. 503 is what Flink sends while the REST endpoint or leader is not ready
 * (and the only status Flink's own RestClusterClient retries); 502/504 come from proxies in front of
 * Flink; 429 from rate-limiting proxies; 408 when a cancel timed out inside the JobManager.
 */
const RETRYABLE_STATUSES = new Set([408, 429, 502, 503, 504]);

/**
 * The one retry policy: may this failed attempt be repeated?
 * Pure; tested as a table in test/unit/transport/retry-policy.test.ts.
 */
export function isRetryable(error: unknown, context: RetryContext): boolean {
  // A stream body is consumed by the first attempt: never resend it.
  if (context.streamBody) return false;
  // A non-idempotent POST (no job or trigger id) could run twice: never resend it.
  if (!context.idempotent) return false;
  // Our own per-attempt timeout: the server may just be slow.
  if (error instanceof FlinkTimeoutError) return true;
  // Nothing answered, but it may a moment later. A failure without a code is one whose fetch hid the
  // cause (an injected fetch reports a reset socket as a bare "fetch failed"): treat it as transient.
  if (error instanceof FlinkConnectionError) return error.code === undefined || RETRYABLE_CODES.has(error.code);
  if (error instanceof FlinkApiError) return RETRYABLE_STATUSES.has(error.status);
  // Bad input, wrong reply shapes and everything else are final.
  return false;
}

/**
 * A failed read that a later look may cure: the one rule of every wait and watch that polls, and
 * what the retry policy repeats for a GET. Nothing answering and our own timeout (a JobManager
 * restarting or failing over), 503 (Flink's REST endpoint or leader not ready), 502/504 (a proxy in
 * front of a JobManager that is away), 408 and 429. Not 500: Flink answers 500 when a handler threw
 * (a NullPointerException, an exception of the job), and the same read gets the same answer; a wait
 * that rode it out would hide the failure until its deadline. (The 500 that means "no such job" is
 * a not-found error by the job routes' rules.)
 */
export function isTransient(error: unknown): boolean {
  return isRetryable(error, { idempotent: true, streamBody: false });
}

/**
 * Milliseconds to wait according to a `Retry-After` header (seconds or an HTTP date), when it is
 * between 0 and 60 s; `undefined` otherwise.
 */
export function retryAfterMs(header: string | null | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - now;
  return Number.isFinite(ms) && ms >= 0 && ms <= 60_000 ? ms : undefined;
}
