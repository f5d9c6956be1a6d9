import { describe, expect, it, vi } from 'vitest';
import { FlinkApiError } from '../../../src/errors/api-errors.js';
import { FlinkInputError } from '../../../src/errors/flink-error.js';
import { FlinkConnectionError, FlinkResponseError, FlinkTimeoutError } from '../../../src/errors/transport-errors.js';
import { isRetryable, type RetryContext, retryAfterMs } from '../../../src/transport/retry-policy.js';

const GET: RetryContext = { idempotent: true, streamBody: false };
const POST: RetryContext = { idempotent: false, streamBody: false };
/** A POST carrying a client-chosen job or trigger id. */
const IDEMPOTENT_POST: RetryContext = { idempotent: true, streamBody: false };
/** A jar upload: a POST with a one-shot stream body. */
const UPLOAD: RetryContext = { idempotent: false, streamBody: true };
/** Even an idempotent call is not repeated when its body was a stream. */
const IDEMPOTENT_STREAM: RetryContext = { idempotent: true, streamBody: true };

const connection = (code: string | undefined) => new FlinkConnectionError('no reply', { url: 'http://jm:8081/', code });
const status = (s: number) => FlinkApiError.from({ status: s, method: 'GET', path: '/v1/overview', errors: [] });
const timeout = () => new FlinkTimeoutError('slow', { timeoutMs: 200 });

type Row = [label: string, error: unknown, expected: { get: boolean; post: boolean; idempotentPost: boolean; upload: boolean }];

const repeatable = { get: true, post: false, idempotentPost: true, upload: false };
const final = { get: false, post: false, idempotentPost: false, upload: false };

const rows: Row[] = [
  ['ECONNREFUSED (JobManager restarting)', connection('ECONNREFUSED'), repeatable],
  ['ECONNRESET (keep-alive socket closed)', connection('ECONNRESET'), repeatable],
  ['EPIPE', connection('EPIPE'), repeatable],
  ['ETIMEDOUT', connection('ETIMEDOUT'), repeatable],
  ['EAI_AGAIN (transient DNS)', connection('EAI_AGAIN'), repeatable],
  ['UND_ERR_SOCKET (other side closed)', connection('UND_ERR_SOCKET'), repeatable],
  ['UND_ERR_CONNECT_TIMEOUT', connection('UND_ERR_CONNECT_TIMEOUT'), repeatable],
  ['UND_ERR_HEADERS_TIMEOUT', connection('UND_ERR_HEADERS_TIMEOUT'), repeatable],
  ['UND_ERR_BODY_TIMEOUT', connection('UND_ERR_BODY_TIMEOUT'), repeatable],
  ['a network failure without a code (fetch hid the cause)', connection(undefined), repeatable],
  ['ENOTFOUND (host does not exist)', connection('ENOTFOUND'), final],
  ['DEPTH_ZERO_SELF_SIGNED_CERT', connection('DEPTH_ZERO_SELF_SIGNED_CERT'), final],
  ['ERR_SSL_WRONG_VERSION_NUMBER', connection('ERR_SSL_WRONG_VERSION_NUMBER'), final],
  ['ERR_TLS_CERT_ALTNAME_INVALID', connection('ERR_TLS_CERT_ALTNAME_INVALID'), final],
  ['HPE_INVALID_CONSTANT (not HTTP)', connection('HPE_INVALID_CONSTANT'), final],
  ['our per-attempt timeout', timeout(), repeatable],
  ['HTTP 408', status(408), repeatable],
  ['HTTP 429', status(429), repeatable],
  ['HTTP 502', status(502), repeatable],
  ['HTTP 503 (leader not ready)', status(503), repeatable],
  ['HTTP 504', status(504), repeatable],
  ['HTTP 400', status(400), final],
  ['HTTP 401', status(401), final],
  ['HTTP 404', status(404), final],
  ['HTTP 409', status(409), final],
  ['HTTP 413', status(413), final],
  ['HTTP 500', status(500), final],
  ['HTTP 501', status(501), final],
  ['HTTP 308 (mode=stop refused)', status(308), final],
  ['a reply of the wrong shape', new FlinkResponseError('bad', { status: 200, body: '{}' }), final],
  ['bad input', new FlinkInputError('bad id'), final],
  ['a TypeError from a bug', new TypeError('x is not a function'), final],
  ['a thrown string', 'boom', final],
  ['undefined', undefined, final],
];

describe('isRetryable', () => {
  it.each(rows)('%s', (_label, error, expected) => {
    expect({
      get: isRetryable(error, GET),
      post: isRetryable(error, POST),
      idempotentPost: isRetryable(error, IDEMPOTENT_POST),
      upload: isRetryable(error, UPLOAD),
    }).toEqual(expected);
  });

  it.each(rows)('never repeats a stream body, even when idempotent: %s', (_label, error) => {
    expect(isRetryable(error, IDEMPOTENT_STREAM)).toBe(false);
  });
});

describe('retryAfterMs', () => {
  const now = Date.parse('Wed, 21 Oct 2026 07:28:00 GMT');

  it.each<[string | null | undefined, number | undefined]>([
    ['0', 0],
    ['1', 1000],
    ['2.5', 2500],
    ['60', 60_000],
    ['61', undefined],
    ['3600', undefined],
    ['-1', undefined],
    ['soon', undefined],
    ['', undefined],
    [null, undefined],
    [undefined, undefined],
  ])('seconds: %j -> %j', (header, expected) => {
    expect(retryAfterMs(header, now)).toBe(expected);
  });

  it.each<[string, number | undefined]>([
    ['Wed, 21 Oct 2026 07:28:30 GMT', 30_000],
    ['Wed, 21 Oct 2026 07:29:00 GMT', 60_000],
    ['Wed, 21 Oct 2026 07:28:00 GMT', 0],
    ['Wed, 21 Oct 2026 07:29:01 GMT', undefined],
    ['Wed, 21 Oct 2026 07:27:59 GMT', undefined],
    ['Thu, 01 Jan 1970 00:00:00 GMT', undefined],
  ])('HTTP date: %s -> %j', (header, expected) => {
    expect(retryAfterMs(header, now)).toBe(expected);
  });

  it('reads an HTTP date against the current time by default', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(now);
      expect(retryAfterMs('Wed, 21 Oct 2026 07:28:10 GMT')).toBe(10_000);
    } finally {
      vi.useRealTimers();
    }
  });
});
