import type { z } from 'zod';
import type { FlinkApiError } from '../errors/api-errors.js';
import type { FlinkError } from '../errors/flink-error.js';
import type { SchemaRef } from '../schemas/lazy.js';
import type { Multipart } from './multipart.js';

/**
 * What an error reply means for one call, declared with the call: which replies it covers (a
 * status, a pattern in Flink's `errors[]`, or both) and what the error then says and is. The
 * transport applies the first rule that matches, in one place (`replyError`); resources never
 * rebuild errors.
 *
 * @example
 * ```ts
 * // Flink 1.18–1.20 answer an unknown job on /jobs/:id/status with 500 FlinkJobNotFoundException.
 * { status: 500, match: /FlinkJobNotFoundException/, hint: 'No job with that id', reportStatus: 404 }
 * ```
 */
export interface ErrorRule {
  /** The statuses it covers. Default: every error status. */
  status?: number | readonly number[];
  /** A pattern Flink's `errors[]` (joined by newlines) must contain. Default: any reply. */
  match?: RegExp;
  /** What to do, appended to the message. */
  hint?: string;
  /**
   * `not-found`: a {@link FlinkNotFoundError} whatever status Flink sent (Flink answers an unknown
   * jar with 400 or 500). Default: the class that fits the status (404, 409, or the base class).
   */
  is?: 'not-found';
  /** The status the error reports, when Flink's misleads (a 500 that means "no such job" reports 404). */
  reportStatus?: number;
  /** Turns the error into a domain error, e.g. a {@link FlinkOperationError} that names the setting to change. */
  wrap?: (error: FlinkApiError) => FlinkError;
}

/** One REST call as resources describe it: route, body, reply schema, retry safety and error rules. */
export interface HttpRequest<T> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path below `/v1`, built with the `path` tagged template. */
  path: string;
  query?: Record<string, string | number | boolean | undefined> | undefined;
  /** JSON body. */
  json?: unknown;
  /** One-shot multipart body (never retried). */
  multipart?: Multipart;
  /** Schema of the reply (or a ref, loaded while the request is on the wire); omit for replies without a body. */
  schema?: z.ZodType<T> | SchemaRef<T> | undefined;
  /** Safe to repeat. Default: every method but POST. */
  idempotent?: boolean;
  /** Reply is plain text (log files), returned as a string without a schema. */
  text?: boolean;
  /** What error replies of this call mean; the first that matches applies. */
  errors?: readonly ErrorRule[];
  /** Called before each attempt with its number (1 = first); lets callers tell a retried call. */
  onAttempt?: (attempt: number) => void;
  /**
   * For a call that is never repeated (a POST without a client-chosen id): what to check when the
   * connection broke after the request went out, so Flink may have carried it out.
   */
  lostReplyHint?: string;
}
