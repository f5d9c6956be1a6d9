/**
 * Checks of the client's and each call's options, made before anything is sent: each names the
 * option, what it got and what it takes.
 */
import { FlinkInputError } from '../errors/flink-error.js';
import { redactUrl } from '../internal/redact.js';
import type { RetryOptions } from '../options.js';

/** Retry settings p-retry can use (it throws a bare TypeError otherwise). */
export function checkRetry(retry: RetryOptions, where: string): RetryOptions {
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
export function checkHeaders(headers: Record<string, string> | undefined, where: string): void {
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

/** The REST base URL from the client's `url`, with a trailing slash and without query or credentials. */
export function parseBaseUrl(raw: string): URL {
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

/** A positive number of milliseconds, e.g. `timeoutMs`. */
export function checkPositive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new FlinkInputError(`${name} must be a positive number of milliseconds, got ${value}`);
  return value;
}
