import pRetry from 'p-retry';
import type { z } from 'zod';
import { FlinkApiError } from '../errors/api-errors.js';
import { FlinkInputError, isFlinkError } from '../errors/flink-error.js';
import { FlinkConnectionError, FlinkResponseError, FlinkTimeoutError } from '../errors/transport-errors.js';
import { redactUrl } from '../internal/redact.js';
import { sleep } from '../internal/sleep.js';
import { type ClientOptions, DEFAULTS, type RequestOptions, type RetryOptions } from '../options.js';
import { isSchemaRef, type SchemaRef } from '../schemas/lazy.js';
import { portHint, toConnectionError } from './connection-error.js';
import type { Multipart } from './multipart.js';
import { isRetryable, retryAfterMs } from './retry-policy.js';
import { FetchSender, type Sender, UndiciSender } from './send.js';

/** One REST call as resources describe it. */
export interface HttpRequest<T> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path below the version prefix (`/v1`), built with the `path` tagged template. */
  path: string;
  /**
   * Version prefix of the path: `v1` (the JobManager's only one) unless given, e.g. `v3` for the SQL
   * Gateway's negotiated version, or `''` for an unversioned route such as `/api_versions`.
   */
  prefix?: string;
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
  /** Advice appended to the error message for a given HTTP status, e.g. `{ 404: 'Check the job id' }`. */
  hints?: Partial<Record<number, string>>;
  /** Called before each attempt with its number (1 = first); lets callers tell a retried call. */
  onAttempt?: (attempt: number) => void;
  /**
   * For a call that is never repeated (a POST without a client-chosen id): what to check when the
   * connection broke after the request went out, so Flink may have carried it out.
   */
  lostReplyHint?: string;
}

/**
 * The one HTTP transport: undici's request API on a keep-alive Agent (or an injected fetch),
 * per-attempt deadlines, the retry policy, reply validation and error mapping. Resources describe
 * calls; this class performs them. Nothing is loaded or connected before the first call.
 */
export class Transport {
  /** Base URL of the REST endpoint, with a trailing slash. */
  readonly baseUrl: URL;
  private readonly sender: Sender;
  private readonly ownsSender: boolean;
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;
  private readonly retry: RetryOptions | false;
  private readonly tls: ClientOptions['tls'];
  /** A client certificate is configured (tells "the server wants one" from "it refused ours"). */
  private readonly clientCert: boolean;

  constructor(options: ClientOptions = {}, shared?: Transport) {
    this.baseUrl = parseBaseUrl(options.url ?? process.env['FLINK_URL'] ?? DEFAULTS.url);
    checkHeaders(options.headers, 'headers');
    this.headers = { accept: 'application/json', ...options.headers };
    this.timeoutMs = checkPositive('timeoutMs', options.timeoutMs ?? DEFAULTS.timeoutMs);
    this.retry = options.retry === false ? false : checkRetry({ ...DEFAULTS.retry, ...options.retry }, 'retry');
    this.tls = options.tls;
    this.clientCert = options.tls?.cert !== undefined;
    // withOptions() passes the parent's options on: the same tls object still means the same connections.
    if (shared && !options.fetch && !options.dispatcher && (!options.tls || options.tls === shared.tls)) {
      this.sender = shared.sender;
      this.ownsSender = false;
    } else if (options.fetch) {
      this.sender = new FetchSender(options.fetch, options.dispatcher);
      this.ownsSender = false;
    } else {
      this.sender = new UndiciSender(options.dispatcher, options.tls);
      this.ownsSender = true;
    }
  }

  /**
   * Performs a call with retries (when allowed) and returns the validated reply.
   * @throws FlinkApiError, FlinkConnectionError, FlinkTimeoutError, FlinkResponseError
   */
  async request<T>(req: HttpRequest<T>, options: RequestOptions = {}): Promise<T> {
    checkHeaders(options.headers, 'headers of the call');
    const retry =
      options.retry === undefined
        ? this.retry
        : options.retry === false
          ? false
          : checkRetry({ ...DEFAULTS.retry, ...options.retry }, 'retry of the call');
    const context = { idempotent: req.idempotent ?? req.method !== 'POST', streamBody: req.multipart !== undefined };
    if (retry === false || retry.retries === 0) return this.attempt(req, options, 1);
    const signal = options.signal;
    return pRetry((attemptNumber) => this.attempt(req, options, attemptNumber), {
      retries: retry.retries ?? DEFAULTS.retry.retries,
      minTimeout: retry.minDelayMs ?? DEFAULTS.retry.minDelayMs,
      maxTimeout: retry.maxDelayMs ?? DEFAULTS.retry.maxDelayMs,
      factor: 2,
      randomize: true,
      ...(signal ? { signal } : {}),
      shouldRetry: ({ error }) => isRetryable(error, context),
      onFailedAttempt: async ({ error, retryDelay, retriesLeft }) => {
        // Honour Retry-After: wait what the server asked for, on top of what is left of the backoff.
        if (retriesLeft > 0 && error instanceof FlinkApiError && error.retryAfterMs !== undefined && isRetryable(error, context)) {
          await sleep(Math.max(0, error.retryAfterMs - retryDelay), signal);
        }
      },
    });
  }

  /** Releases the keep-alive connections of the Agent this transport created. */
  async close(): Promise<void> {
    if (this.ownsSender) await this.sender.close();
  }

  private url(req: HttpRequest<unknown>): URL {
    // Relative to the base URL, so that a path prefix (a proxy's `/flink/`) is kept.
    const prefix = req.prefix ?? 'v1';
    const url = new URL(prefix ? `${prefix}${req.path}` : req.path.replace(/^\//, ''), this.baseUrl);
    for (const [key, value] of Object.entries(req.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url;
  }

  private async attempt<T>(req: HttpRequest<T>, options: RequestOptions, attemptNumber: number): Promise<T> {
    req.onAttempt?.(attemptNumber);
    const url = this.url(req);
    const shownPath = redactUrl(url.pathname + url.search);
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    const headers: Record<string, string> = { ...this.headers, ...options.headers };
    let body: string | AsyncIterable<Uint8Array> | undefined;
    if (req.multipart) {
      Object.assign(headers, req.multipart.headers);
      body = req.multipart.chunks(this.sender.writesThrough);
    } else if (req.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(req.json);
    }
    let schema: Promise<z.ZodType<T> | undefined> = Promise.resolve(req.schema && !isSchemaRef(req.schema) ? req.schema : undefined);
    let status: number;
    let text: string;
    let header: (name: string) => string | null;
    try {
      await this.sender.prepare();
      const reply = this.sender.send(url, { method: req.method, headers, body, signal });
      if (req.schema && isSchemaRef(req.schema)) {
        // Load the schema (zod and the schema module, the first time) while Flink works on the request.
        schema = req.schema.load();
        schema.catch(() => undefined);
      }
      const res = await reply;
      status = res.status;
      header = (name) => res.header(name);
      text = await res.text();
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      if (isFlinkError(error) && !timeout.aborted) throw error; // from the body, e.g. a jar file that shrank while uploading
      const failure = timeout.aborted
        ? new FlinkTimeoutError(
            `${req.method} ${shownPath} got no complete reply within ${timeoutMs} ms. The JobManager may be overloaded; raise timeoutMs if this call is legitimately slow.`,
            { timeoutMs, cause: error },
          )
        : toConnectionError(error, url, { clientCert: this.clientCert });
      throw withNote(failure, afterBrokenCall(req, failure, shownPath));
    }
    // Redirects are reported, never followed: a resent POST could act twice, a stream body cannot be resent.
    if (status >= 300 && status < 400) throw redirectError(req.method, shownPath, status, text, header, url);
    if (status >= 400) throw this.apiError(req, shownPath, status, text, header, url);
    if (req.text) return text as T;
    if (!req.schema) return undefined as T;
    return this.parse(req, await schema, shownPath, status, text, header, url);
  }

  private apiError(
    req: HttpRequest<unknown>,
    shownPath: string,
    status: number,
    text: string,
    header: (name: string) => string | null,
    url: URL,
  ): FlinkApiError {
    const json = tryJson(text);
    const flinkErrors = (json as { errors?: unknown } | undefined)?.errors;
    const errors = Array.isArray(flinkErrors) ? flinkErrors.map(String) : text.trim() ? [describeNonJson(text, header)] : [];
    let hint: string | undefined;
    if (req.hints?.[status]) {
      hint = req.hints[status];
    } else if (status === 413) {
      hint =
        'The body is over the JobManager limit: raise rest.server.max-content-length (default 100 MiB) in the Flink configuration, and any proxy body limit in front of it';
    } else if (!Array.isArray(flinkErrors)) {
      hint = nonFlinkHint(url);
    }
    return FlinkApiError.from({
      status,
      method: req.method,
      path: shownPath,
      errors,
      hint,
      retryAfterMs: retryAfterMs(header('retry-after')),
    });
  }

  private parse<T>(
    req: HttpRequest<T>,
    schema: z.ZodType<T> | undefined,
    shownPath: string,
    status: number,
    text: string,
    header: (name: string) => string | null,
    url: URL,
  ): T {
    const json = tryJson(text);
    if (json === undefined) {
      throw new FlinkResponseError(
        `${req.method} ${shownPath} answered ${describeNonJson(text, header)}, not Flink's JSON. ${nonFlinkHint(url)}`,
        { status, body: text },
      );
    }
    const result = schema?.safeParse(json);
    if (!result || result.success) return (result?.data ?? json) as T;
    const issues = result.error.issues;
    const summary = issues
      .slice(0, 3)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    throw new FlinkResponseError(`${req.method} ${shownPath} answered JSON of an unexpected shape (${summary}). ${nonFlinkHint(url)}`, {
      status,
      body: text,
      issues,
    });
  }
}

/** Codes of a connection that broke after it was open: the request may have reached Flink. */
const BROKEN_AFTER_SEND = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/**
 * What a failed call that will not be repeated leaves unclear, said in its message: how far a cut
 * upload got (Flink keeps no partial upload), or that a POST without a client-chosen id may have
 * been carried out although no reply came.
 */
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

/** The same error with `note` added to its message (class, fields and cause kept). */
function withNote<E extends FlinkTimeoutError | FlinkConnectionError>(error: E, note: string | undefined): E {
  if (!note) return error;
  const message = `${error.message} ${note}`;
  if (error instanceof FlinkTimeoutError) return new FlinkTimeoutError(message, { timeoutMs: error.timeoutMs, cause: error.cause }) as E;
  return new FlinkConnectionError(message, { url: error.url, code: error.code, cause: error.cause }) as E;
}

function bytes(n: number): string {
  return n < 1024 * 1024 ? `${n} bytes` : `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** Retry settings p-retry can use (it throws a bare TypeError otherwise). */
function checkRetry(retry: RetryOptions, where: string): RetryOptions {
  const { retries, minDelayMs, maxDelayMs } = retry;
  if (typeof retries !== 'number' || !Number.isInteger(retries) || retries < 0) {
    throw new FlinkInputError(`${where}.retries must be a whole number of further attempts (0, 1, 2, …), got ${String(retries)}`);
  }
  for (const [name, value] of [
    ['minDelayMs', minDelayMs],
    ['maxDelayMs', maxDelayMs],
  ] as const) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new FlinkInputError(`${where}.${name} must be a number of milliseconds (0 or more), got ${String(value)}`);
    }
  }
  return retry;
}

/** Header names are tokens; values may not hold line breaks or other control characters (RFC 9110). */
function checkHeaders(headers: Record<string, string> | undefined, where: string): void {
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
      throw new FlinkInputError(
        `${where}: ${JSON.stringify(name.slice(0, 60))} is not an HTTP header name (letters, digits and !#$%&'*+-.^_\`|~)`,
      );
    }
    if (typeof value !== 'string') throw new FlinkInputError(`${where}: header ${name} must be a string, got ${typeof value}`);
    if (/[^\t\x20-\x7e\x80-\xff]/.test(value)) {
      // The value is not shown: it may be a token.
      throw new FlinkInputError(
        `${where}: header ${name} holds a line break or another control character, which no header value may carry; remove it (the value is not shown here, it may be a secret)`,
      );
    }
  }
}

/**
 * A 3xx reply. Flink itself sends one only when the REST endpoint speaks TLS: its
 * RedirectingSslHandler answers plain HTTP with 301 to the https:// URL.
 */
function redirectError(
  method: string,
  shownPath: string,
  status: number,
  body: string,
  header: (name: string) => string | null,
  url: URL,
): FlinkResponseError {
  const location = header('location') ?? undefined;
  let target: URL | undefined;
  try {
    target = location === undefined ? undefined : new URL(location, url);
  } catch {
    target = undefined;
  }
  const shown = target ? redactUrl(target.href) : 'no Location';
  let advice: string;
  if (target?.protocol === 'https:' && url.protocol === 'http:' && target.hostname === url.hostname) {
    const base = new URL(url.href);
    base.protocol = 'https:';
    if (target.port) base.port = target.port;
    advice = `The REST endpoint speaks TLS (security.ssl.rest.enabled): use ${redactUrl(base.origin)} as the URL, with tls.ca when Flink's certificate is signed by a private CA`;
  } else {
    advice = `flink-kit does not follow redirects (a POST would be sent twice); use the URL the reply points to as the client's url`;
  }
  return new FlinkResponseError(`${method} ${shownPath} answered HTTP ${status} redirecting to ${shown}. ${advice}.`, { status, body });
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

function parseBaseUrl(raw: string): URL {
  const hint = 'Give the JobManager REST URL with its scheme, e.g. http://localhost:8081';
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) throw new FlinkInputError(`URL ${JSON.stringify(redactUrl(raw))} has no scheme. ${hint}`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new FlinkInputError(`URL ${JSON.stringify(redactUrl(raw))} is not a valid URL. ${hint}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new FlinkInputError(`URL scheme ${url.protocol} is not supported. ${hint}`);
  }
  if (url.username || url.password) {
    // fetch refuses URLs with credentials, and its error would carry them into our messages.
    throw new FlinkInputError(
      `URL ${JSON.stringify(redactUrl(url.href))} holds credentials; pass them as headers instead, e.g. headers: { authorization: 'Basic …' }`,
    );
  }
  url.search = '';
  url.hash = '';
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url;
}

function checkPositive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new FlinkInputError(`${name} must be a positive number of milliseconds, got ${value}`);
  return value;
}
