import pRetry from 'p-retry';
import type { z } from 'zod';
import { FlinkApiError } from '../errors/api-errors.js';
import { isFlinkError } from '../errors/flink-error.js';
import { redactUrl } from '../internal/redact.js';
import { sleep } from '../internal/sleep.js';
import { type ClientOptions, DEFAULTS, type RequestOptions, type RetryOptions } from '../options.js';
import { isSchemaRef } from '../schemas/lazy.js';
import { checkHeaders, checkPositive, checkRetry, parseBaseUrl } from './check-options.js';
import { noReplyError, parseReply, type ReadReply, redirectError, replyError } from './reply-error.js';
import type { HttpRequest } from './request.js';
import { isRetryable } from './retry-policy.js';
import { FetchSender, type Sender, UndiciSender } from './send.js';

/**
 * The one HTTP transport: undici's request API on a keep-alive Agent (or an injected fetch),
 * per-attempt deadlines and the retry policy; replies become values or errors in `reply-error.ts`,
 * options are checked in `check-options.ts`. Resources describe calls ({@link HttpRequest});
 * this class performs them. Nothing is loaded or connected before the first call.
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
    const url = new URL(`v1${req.path}`, this.baseUrl);
    for (const [key, value] of Object.entries(req.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url;
  }

  private async attempt<T>(req: HttpRequest<T>, options: RequestOptions, attemptNumber: number): Promise<T> {
    req.onAttempt?.(attemptNumber);
    const url = this.url(req);
    const at = { url, shownPath: redactUrl(url.pathname + url.search) };
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
    let reply: ReadReply;
    try {
      await this.sender.prepare();
      const sent = this.sender.send(url, { method: req.method, headers, body, signal });
      if (req.schema && isSchemaRef(req.schema)) {
        // Load the schema (zod and the schema module, the first time) while Flink works on the request.
        schema = req.schema.load();
        schema.catch(() => undefined);
      }
      const res = await sent;
      reply = { status: res.status, header: (name) => res.header(name), text: await res.text() };
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      if (isFlinkError(error) && !timeout.aborted) throw error; // from the body, e.g. a jar file that shrank while uploading
      throw noReplyError(req, error, { ...at, timedOut: timeout.aborted, timeoutMs, clientCert: this.clientCert });
    }
    // Redirects are reported, never followed: a resent POST could act twice, a stream body cannot be resent.
    if (reply.status >= 300 && reply.status < 400) throw redirectError(req.method, reply, at);
    if (reply.status >= 400) throw replyError(req, reply, at);
    if (req.text) return reply.text as T;
    if (!req.schema) return undefined as T;
    return parseReply(req, await schema, reply, at);
  }
}
