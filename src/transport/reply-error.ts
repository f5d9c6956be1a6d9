/**
 * From what came back (or did not) to the value or the error a call ends with: the one factory of
 * API errors (status, Flink's `errors[]`, the call's error rules), redirects, replies that are not
 * Flink's JSON, and what a broken call leaves unclear.
 */
import type { z } from 'zod';
import { FlinkApiError, FlinkNotFoundError } from '../errors/api-errors.js';
import type { FlinkError } from '../errors/flink-error.js';
import { FlinkConnectionError, FlinkResponseError, FlinkTimeoutError } from '../errors/transport-errors.js';
import { redactUrl } from '../internal/redact.js';
import { portHint, toConnectionError } from './connection-error.js';
import type { ErrorRule, HttpRequest } from './request.js';
import { retryAfterMs } from './retry-policy.js';

/** A reply as the transport read it. */
export interface ReadReply {
  status: number;
  text: string;
  header: (name: string) => string | null;
}

/** What the transport knows of the call, for messages. */
export interface CallSite {
  url: URL;
  /** Method-less path and query without credentials, as messages show it. */
  shownPath: string;
}

/**
 * The error for an error status: Flink's `errors[]` (or what the body was instead), the first of the
 * call's rules that covers it (hint, class, reported status, domain error), else the class that fits
 * the status and a general hint (413: the body limit; a body that is not Flink's: is this Flink?).
 */
export function replyError(req: HttpRequest<unknown>, reply: ReadReply, at: CallSite): FlinkError {
  const flinkErrors = (tryJson(reply.text) as { errors?: unknown } | undefined)?.errors;
  const fromFlink = Array.isArray(flinkErrors);
  const errors = fromFlink ? flinkErrors.map(String) : reply.text.trim() ? [describeNonJson(reply.text, reply.header)] : [];
  const rule = req.errors?.find((r) => covers(r, reply.status, errors));
  const init = {
    status: rule?.reportStatus ?? reply.status,
    method: req.method,
    path: at.shownPath,
    errors,
    hint: rule?.hint ?? generalHint(reply.status, fromFlink, at.url),
    retryAfterMs: retryAfterMs(reply.header('retry-after')),
  };
  const error = rule?.is === 'not-found' ? new FlinkNotFoundError(init) : FlinkApiError.from(init);
  return rule?.wrap ? rule.wrap(error) : error;
}

function covers(rule: ErrorRule, status: number, errors: readonly string[]): boolean {
  if (rule.status !== undefined && !(typeof rule.status === 'number' ? [rule.status] : rule.status).includes(status)) return false;
  return rule.match === undefined || rule.match.test(errors.join('\n'));
}

function generalHint(status: number, fromFlink: boolean, url: URL): string | undefined {
  if (status === 413) {
    return 'The body is over the JobManager limit: raise rest.server.max-content-length (default 100 MiB) in the Flink configuration, and any proxy body limit in front of it';
  }
  return fromFlink ? undefined : nonFlinkHint(url);
}

/** The reply body as `T`: parsed JSON checked against the schema (Flink's unknown keys kept). */
export function parseReply<T>(req: HttpRequest<T>, schema: z.ZodType<T> | undefined, reply: ReadReply, at: CallSite): T {
  const json = tryJson(reply.text);
  if (json === undefined) {
    throw new FlinkResponseError(
      `${req.method} ${at.shownPath} answered ${describeNonJson(reply.text, reply.header)}, not Flink's JSON. ${nonFlinkHint(at.url)}`,
      { status: reply.status, body: reply.text },
    );
  }
  const result = schema?.safeParse(json);
  if (!result || result.success) return (result?.data ?? json) as T;
  const issues = result.error.issues;
  const summary = issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
  throw new FlinkResponseError(`${req.method} ${at.shownPath} answered JSON of an unexpected shape (${summary}). ${nonFlinkHint(at.url)}`, {
    status: reply.status,
    body: reply.text,
    issues,
  });
}

/**
 * A 3xx reply. Flink itself sends one only when the REST endpoint speaks TLS: its
 * RedirectingSslHandler answers plain HTTP with 301 to the https:// URL.
 */
export function redirectError(method: string, reply: ReadReply, at: CallSite): FlinkResponseError {
  const location = reply.header('location') ?? undefined;
  let target: URL | undefined;
  try {
    target = location === undefined ? undefined : new URL(location, at.url);
  } catch {
    target = undefined;
  }
  const shown = target ? redactUrl(target.href) : 'no Location';
  let advice: string;
  if (target?.protocol === 'https:' && at.url.protocol === 'http:' && target.hostname === at.url.hostname) {
    const base = new URL(at.url.href);
    base.protocol = 'https:';
    if (target.port) base.port = target.port;
    advice = `The REST endpoint speaks TLS (security.ssl.rest.enabled): use ${redactUrl(base.origin)} as the URL, with tls.ca when Flink's certificate is signed by a private CA`;
  } else {
    advice = `flink-kit does not follow redirects (a POST would be sent twice); use the URL the reply points to as the client's url`;
  }
  return new FlinkResponseError(`${method} ${at.shownPath} answered HTTP ${reply.status} redirecting to ${shown}. ${advice}.`, {
    status: reply.status,
    body: reply.text,
  });
}

/** Codes of a connection that broke after it was open: the request may have reached Flink. */
const BROKEN_AFTER_SEND = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/**
 * No (complete) reply: our per-attempt deadline passed, or the connection failed. Says what a call
 * that will not be repeated leaves unclear: how far a cut upload got (Flink keeps no partial
 * upload), or that a POST without a client-chosen id may have been carried out.
 */
export function noReplyError(
  req: HttpRequest<unknown>,
  cause: unknown,
  at: CallSite & { timedOut: boolean; timeoutMs: number; clientCert: boolean },
): FlinkTimeoutError | FlinkConnectionError {
  const failure = at.timedOut
    ? new FlinkTimeoutError(
        `${req.method} ${at.shownPath} got no complete reply within ${at.timeoutMs} ms. The JobManager may be overloaded; raise timeoutMs if this call is legitimately slow.`,
        { timeoutMs: at.timeoutMs, cause },
      )
    : toConnectionError(cause, at.url, { clientCert: at.clientCert });
  const note = afterBrokenCall(req, failure, at.shownPath);
  if (!note) return failure;
  const message = `${failure.message} ${note}`;
  if (failure instanceof FlinkTimeoutError) return new FlinkTimeoutError(message, { timeoutMs: failure.timeoutMs, cause });
  return new FlinkConnectionError(message, { url: failure.url, code: failure.code, cause: failure.cause });
}

function afterBrokenCall(
  req: HttpRequest<unknown>,
  failure: FlinkTimeoutError | FlinkConnectionError,
  shownPath: string,
): string | undefined {
  const broken = failure instanceof FlinkTimeoutError || (failure.code !== undefined && BROKEN_AFTER_SEND.has(failure.code));
  if (!broken) return undefined;
  if (req.multipart) {
    const { sent, length } = req.multipart;
    if (sent === 0) return undefined;
    if (length === undefined || sent < length) {
      return `The upload was cut off after ${bytes(sent)}${length === undefined ? '' : ` of ${bytes(length)}`} had been sent. Flink stores no jar from an upload it did not receive whole, so ${length === undefined ? 'unless that was the whole jar ' : ''}no jar was stored: upload it again.`;
    }
    return `The whole jar (${bytes(length)}) was sent but no reply came: Flink may have stored it. Check jars.list() before uploading it again.`;
  }
  if (req.method !== 'POST' || req.idempotent) return undefined;
  return `${req.method} ${shownPath} may have been carried out although no reply came; it was not repeated, as it carries no id that would make a repeat safe.${req.lostReplyHint ? ` ${req.lostReplyHint}` : ''}`;
}

function bytes(n: number): string {
  return n < 1024 * 1024 ? `${n} bytes` : `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

function nonFlinkHint(url: URL): string {
  return (
    portHint(url) ??
    `Is ${redactUrl(url.origin)} the Flink JobManager REST endpoint (usually port 8081), of a version flink-kit supports (1.18 to 2.x)?`
  );
}

function describeNonJson(text: string, header: (name: string) => string | null): string {
  const type = header('content-type') ?? 'no content type';
  const title = /<title>([^<]*)<\/title>/i.exec(text)?.[1]?.trim();
  if (/<html|<!doctype html/i.test(text)) return `an HTML page${title ? ` ("${title}")` : ''} (${type})`;
  const start = text.trim().slice(0, 120);
  return start ? `"${start}" (${type})` : `an empty body (${type})`;
}

function tryJson(text: string): unknown {
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
