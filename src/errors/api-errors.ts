import { clip } from './clip.js';
import { FlinkError } from './flink-error.js';
import { rootCauseOf } from './java-trace.js';

/** What the SDK keeps of a failed HTTP exchange (secrets redacted). */
export interface FlinkApiErrorInit {
  status: number;
  method: string;
  /** Path and query of the request, without credentials. */
  path: string;
  /** Flink's `errors[]` from the reply body (may be empty for non-Flink replies). */
  errors: readonly string[];
  /** A hint on what to do, appended to the message. */
  hint?: string | undefined;
  /** Delay the server asked for in `Retry-After`, in milliseconds. */
  retryAfterMs?: number | undefined;
  cause?: unknown;
}

/**
 * Flink answered with an HTTP error status. Carries Flink's own `errors[]` and `rootCause`: the last
 * "Caused by:" of the Java stack trace in short form, e.g. `ClassNotFoundException: com.acme.Main`.
 *
 * Thrown by every resource method. 404 is {@link FlinkNotFoundError}, 409 is {@link FlinkConflictError}.
 */
export class FlinkApiError extends FlinkError {
  /** HTTP status code. */
  readonly status: number;
  /** HTTP method of the failed request. */
  readonly method: string;
  /** Path (and query) of the failed request. */
  readonly path: string;
  /** Flink's `errors[]` as sent, including any Java stack trace. */
  readonly errors: readonly string[];
  /** The innermost cause from Flink's stack trace, in short form, when there was one. */
  readonly rootCause: string | undefined;
  /** Delay the server asked for in `Retry-After`, in milliseconds, when it sent one. */
  readonly retryAfterMs: number | undefined;

  constructor(init: FlinkApiErrorInit) {
    const rootCause = rootCauseOf(init.errors);
    super(apiErrorMessage(init, rootCause), {
      cause: init.cause,
      details: init.errors.length > 0 ? init.errors.join('\n') : undefined,
    });
    this.status = init.status;
    this.method = init.method;
    this.path = init.path;
    this.errors = init.errors;
    this.rootCause = rootCause;
    this.retryAfterMs = init.retryAfterMs;
  }

  /** Builds the subclass that fits the status (404, 409) or the base class. */
  static from(init: FlinkApiErrorInit): FlinkApiError {
    if (init.status === 404) return new FlinkNotFoundError(init);
    if (init.status === 409) return new FlinkConflictError(init);
    return new FlinkApiError(init);
  }
}

/** Flink answered 404: unknown job, jar, trigger id (or an expired async result), or route. */
export class FlinkNotFoundError extends FlinkApiError {}

/** Flink answered 409, e.g. cancelling a job that already reached another terminal state. */
export class FlinkConflictError extends FlinkApiError {}

function apiErrorMessage(init: FlinkApiErrorInit, rootCause: string | undefined): string {
  const first = init.errors.map(firstLine).find((line) => line.length > 0 && line !== 'Internal server error.');
  let message = `${init.method} ${init.path} failed with HTTP ${init.status}`;
  if (first) message += `: ${clip(first)}`;
  if (rootCause && rootCause !== first) message += ` (root cause: ${clip(rootCause)})`;
  if (init.hint) message += `. ${init.hint}`;
  return message;
}

function firstLine(text: string): string {
  // A 500's second element reads "<Exception on server side:\n<trace>>": its message is on the next line.
  const body = text.replace(/^<Exception on server side:\s*/, '');
  const line = (body.split('\n').find((l) => l.trim().length > 0) ?? '').trim();
  // Flink prefixes messages with the Java class name, sometimes several wrapped in each other
  // (`CompletionException: …ProgramInvocationException: Neither a 'Main-Class' …`); keep the message.
  return line.replace(/^(?:(?:[\w$]+\.)+[\w$]*(?:Exception|Error):\s*)+/, '');
}
