import { HttpResponse, http } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FlinkClient } from '../../../src/client.js';
import { FlinkApiError, FlinkConflictError, FlinkNotFoundError } from '../../../src/errors/api-errors.js';
import { FlinkInputError } from '../../../src/errors/flink-error.js';
import { FlinkConnectionError, FlinkResponseError, FlinkTimeoutError } from '../../../src/errors/transport-errors.js';
import { caught } from '../../fakes/caught.js';
import {
  CLASS_NOT_FOUND_TRACE,
  flinkErrors,
  internalServerError,
  JAR_ID,
  nginxPage,
  OTHER_JOB_ID,
  overview,
  ZIP_BYTES,
} from '../../fakes/flink-replies.js';
import { type LocalServer, startHttp, startTcp } from '../../fakes/local-servers.js';
import { api, FLINK_URL, fakeClient, useFakeFlink } from '../../fakes/msw.js';

const flink = useFakeFlink();
const { server } = flink;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function serve(local: LocalServer): LocalServer {
  cleanups.push(() => local.close());
  return local;
}

/** A client on undici's own fetch (the default transport), closed after the test. msw does not see it. */
function undiciClient(options: ConstructorParameters<typeof FlinkClient>[0]): FlinkClient {
  const client = new FlinkClient(options);
  cleanups.push(() => client.close());
  return client;
}

/** How many requests msw saw for `METHOD /v1/route`. */
function attempts(methodAndRoute: string): number {
  return flink.calls().filter((c) => c === methodAndRoute).length;
}

const html = (body: string, status: number) => new HttpResponse(body, { status, headers: { 'content-type': 'text/html' } });

describe('base URL', () => {
  it('without a scheme is a FlinkInputError that shows the http:// form', () => {
    expect(() => new FlinkClient({ url: 'localhost:8081' })).toThrow(FlinkInputError);
    expect(() => new FlinkClient({ url: 'localhost:8081' })).toThrow('URL "localhost:8081" has no scheme');
    expect(() => new FlinkClient({ url: 'localhost:8081' })).toThrow('http://localhost:8081');
  });

  it('with a scheme other than http(s) is a FlinkInputError', () => {
    expect(() => new FlinkClient({ url: 'ftp://jobmanager:8081' })).toThrow(FlinkInputError);
    expect(() => new FlinkClient({ url: 'ftp://jobmanager:8081' })).toThrow('URL scheme ftp: is not supported');
  });

  it('that does not parse is a FlinkInputError', () => {
    expect(() => new FlinkClient({ url: 'http://jobmanager:80x81' })).toThrow('is not a valid URL');
  });

  it('with credentials is refused without showing them', () => {
    const error = (() => {
      try {
        new FlinkClient({ url: 'http://admin:s3cret@jobmanager:8081' });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(FlinkInputError);
    expect((error as Error).message).toContain('headers');
    expect((error as Error).message).not.toContain('s3cret');
  });

  it('without a scheme but with a token does not show the token', () => {
    expect(() => new FlinkClient({ url: 'jobmanager:8081/?token=abc' })).toThrow(/token=\*\*\*/);
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('timeoutMs %d is a FlinkInputError', (timeoutMs) => {
    expect(() => new FlinkClient({ url: FLINK_URL, timeoutMs })).toThrow('timeoutMs must be a positive number of milliseconds');
  });

  it('keeps a path prefix (a gateway in front of Flink) and puts /v1 below it', async () => {
    server.use(http.get('http://gateway.test/flink/v1/overview', () => HttpResponse.json(overview())));
    const client = fakeClient({ url: 'http://gateway.test/flink' });
    expect(client.url).toBe('http://gateway.test/flink/');
    await expect(client.cluster.overview()).resolves.toMatchObject({ flinkVersion: '1.20.3' });
  });

  it('falls back to FLINK_URL from the environment', () => {
    vi.stubEnv('FLINK_URL', 'http://from-env.test:18081');
    try {
      expect(new FlinkClient({ fetch: globalThis.fetch }).url).toBe('http://from-env.test:18081/');
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe('Flink error replies', () => {
  it('404 {"errors":["Job … not found"]} is a FlinkNotFoundError with the hint of the call, not retried', async () => {
    server.use(
      http.get(api(`/jobs/${OTHER_JOB_ID}`), () => HttpResponse.json(flinkErrors(`Job ${OTHER_JOB_ID} not found`), { status: 404 })),
    );
    const error = await caught(fakeClient().jobs.get(OTHER_JOB_ID), FlinkNotFoundError);
    expect(error.status).toBe(404);
    expect(error.method).toBe('GET');
    expect(error.path).toBe(`/v1/jobs/${OTHER_JOB_ID}`);
    expect(error.errors).toEqual([`Job ${OTHER_JOB_ID} not found`]);
    expect(error.message).toContain(`HTTP 404: Job ${OTHER_JOB_ID} not found`);
    expect(error.message).toContain('jobstore.expiration-time');
    expect(attempts(`GET /v1/jobs/${OTHER_JOB_ID}`)).toBe(1);
  });

  it('409 is a FlinkConflictError', async () => {
    server.use(
      http.patch(api(`/jobs/${OTHER_JOB_ID}`), () =>
        HttpResponse.json(flinkErrors('Job has already reached a terminal state'), { status: 409 }),
      ),
    );
    const error = await caught(
      fakeClient().request({ method: 'PATCH', path: `/jobs/${OTHER_JOB_ID}`, query: { mode: 'cancel' } }),
      FlinkConflictError,
    );
    expect(error.status).toBe(409);
    expect(error.path).toBe(`/v1/jobs/${OTHER_JOB_ID}?mode=cancel`);
  });

  it("500 with Flink's two-element errors names the root cause of the Java trace, and is not retried", async () => {
    server.use(http.post(api(`/jars/${JAR_ID}/run`), () => HttpResponse.json(internalServerError(CLASS_NOT_FOUND_TRACE), { status: 500 })));
    const error = await caught(fakeClient().jars.run(JAR_ID), FlinkApiError);
    expect(error.status).toBe(500);
    expect(error.rootCause).toBe('ClassNotFoundException: com.acme.Main');
    expect(error.message).toContain('ClassNotFoundException: com.acme.Main');
    expect(error.errors).toHaveLength(2);
    expect(attempts(`POST /v1/jars/${JAR_ID}/run`)).toBe(1);
  });

  it('413 on an upload names rest.server.max-content-length', async () => {
    server.use(
      http.post(api('/jars/upload'), () =>
        HttpResponse.json(flinkErrors('Request entity too large: max content length 104857600 exceeded'), { status: 413 }),
      ),
    );
    const error = await caught(fakeClient().jars.upload(ZIP_BYTES), FlinkApiError);
    expect(error.status).toBe(413);
    expect(error.message).toContain('rest.server.max-content-length');
    expect(error.message).toContain('proxy');
    expect(attempts('POST /v1/jars/upload')).toBe(1);
  });

  it('413 from a proxy (HTML, no Flink errors) names rest.server.max-content-length too', async () => {
    server.use(http.post(api('/jars/upload'), () => html(nginxPage('413 Request Entity Too Large'), 413)));
    const error = await caught(fakeClient().jars.upload(ZIP_BYTES), FlinkApiError);
    expect(error.message).toContain('rest.server.max-content-length');
    expect(error.errors[0]).toContain('HTML page ("413 Request Entity Too Large")');
  });
});

describe('replies that are not Flink', () => {
  it('an HTML page with 200 is a FlinkResponseError that asks whether this is the Flink REST endpoint', async () => {
    server.use(http.get(api('/overview'), () => html(nginxPage('Welcome to nginx!'), 200)));
    const error = await caught(fakeClient().cluster.overview(), FlinkResponseError);
    expect(error.message).toContain('an HTML page ("Welcome to nginx!")');
    expect(error.message).toContain("not Flink's JSON");
    expect(error.message).toContain(`Is ${FLINK_URL} the Flink JobManager REST endpoint`);
    expect(error.status).toBe(200);
    expect(error.body).toMatch(/^<!DOCTYPE html>/);
    expect(attempts('GET /v1/overview')).toBe(1);
  });

  it('an HTML 502 from a proxy is a FlinkApiError 502, retried for GET', async () => {
    server.use(http.get(api('/overview'), () => html(nginxPage('502 Bad Gateway'), 502)));
    const error = await caught(fakeClient().cluster.overview(), FlinkApiError);
    expect(error.status).toBe(502);
    expect(error.message).toContain('HTML page ("502 Bad Gateway")');
    expect(error.message).toContain('the Flink JobManager REST endpoint');
    expect(attempts('GET /v1/overview')).toBe(3);
  });

  it('an HTML 502 answers a POST without a job id once', async () => {
    server.use(http.post(api('/jars/x.jar/plan'), () => html(nginxPage('502 Bad Gateway'), 502)));
    await caught(fakeClient().request({ method: 'POST', path: '/jars/x.jar/plan', body: {} }), FlinkApiError);
    expect(attempts('POST /v1/jars/x.jar/plan')).toBe(1);
  });

  it('JSON of the wrong shape is a FlinkResponseError with the schema issues', async () => {
    server.use(http.get(api('/overview'), () => HttpResponse.json({ foo: 1 })));
    const error = await caught(fakeClient().cluster.overview(), FlinkResponseError);
    expect(error.issues.length).toBeGreaterThan(0);
    expect(error.issues.map((i) => (i as { path: unknown[] }).path.join('.'))).toContain('flink-version');
    expect(error.message).toContain('answered JSON of an unexpected shape');
    expect(error.message).toContain('flink-version');
    expect(error.body).toBe('{"foo":1}');
    expect(attempts('GET /v1/overview')).toBe(1);
  });

  it('plain text is quoted', async () => {
    server.use(http.get(api('/overview'), () => HttpResponse.text('404 page not found', { status: 200 })));
    const error = await caught(fakeClient().cluster.overview(), FlinkResponseError);
    expect(error.message).toContain('answered "404 page not found" (text/plain');
  });

  it('an empty body where JSON is expected says so', async () => {
    server.use(http.get(api('/overview'), () => new HttpResponse(null, { status: 200 })));
    const error = await caught(fakeClient().cluster.overview(), FlinkResponseError);
    expect(error.message).toContain('answered an empty body');
  });

  it("on port 6123 the hint is the RPC port, not Flink's REST endpoint", async () => {
    server.use(http.get('http://flink.test:6123/v1/overview', () => html(nginxPage('x'), 200)));
    const error = await caught(fakeClient({ url: 'http://flink.test:6123' }).cluster.overview(), FlinkResponseError);
    expect(error.message).toContain("Port 6123 is Flink's RPC port");
  });

  it('a real nginx-like server answering HTML 200 is a FlinkResponseError (default undici transport)', async () => {
    const nginx = serve(
      await startHttp((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html', server: 'nginx/1.27.2' });
        res.end(nginxPage('Welcome to nginx!'));
      }),
    );
    const error = await caught(undiciClient({ url: nginx.url }).cluster.overview(), FlinkResponseError);
    expect(error.message).toContain('HTML');
    expect(error.message).toContain(`Is ${nginx.url} the Flink JobManager REST endpoint`);
    expect(nginx.hits).toBe(1);
  });

  it('a real proxy answering HTML 502 is retried for GET, then a FlinkApiError 502 (default undici transport)', async () => {
    const proxy = serve(
      await startHttp((_req, res) => {
        res.writeHead(502, { 'content-type': 'text/html' });
        res.end(nginxPage('502 Bad Gateway'));
      }),
    );
    const error = await caught(
      undiciClient({ url: proxy.url, retry: { retries: 2, minDelayMs: 1, maxDelayMs: 5 } }).cluster.overview(),
      FlinkApiError,
    );
    expect(error.status).toBe(502);
    expect(proxy.hits).toBe(3);
  });
});

describe('redirects (reported, never followed)', () => {
  it("Flink's 301 from http:// to https:// (a TLS REST endpoint) says to use https:// with tls.ca, sent once", async () => {
    const tlsPort = serve(await startHttp(() => undefined)).port; // only its number matters
    const flinkTls = serve(
      await startHttp((req, res) => {
        res.writeHead(301, { location: `https://127.0.0.1:${tlsPort}${req.url}`, 'content-length': '0' });
        res.end();
      }),
    );
    const error = await caught(undiciClient({ url: flinkTls.url }).jars.run(JAR_ID), FlinkResponseError);
    expect(error.status).toBe(301);
    expect(error.message).toContain(`redirecting to https://127.0.0.1:${tlsPort}/v1/jars/${JAR_ID}/run`);
    expect(error.message).toContain(`use https://127.0.0.1:${tlsPort} as the URL`);
    expect(error.message).toContain('security.ssl.rest.enabled');
    expect(error.message).toContain('tls.ca');
    expect(flinkTls.hits).toBe(1);
  });

  it('a redirect elsewhere names where it points, without credentials, and is not followed', async () => {
    server.use(
      http.get(
        api('/overview'),
        () => new HttpResponse(null, { status: 302, headers: { location: 'https://u:pw@sso.test/login?token=abc' } }),
      ),
    );
    const error = await caught(fakeClient().cluster.overview(), FlinkResponseError);
    expect(error.status).toBe(302);
    expect(error.message).toContain('redirecting to https://***@sso.test/login?token=***');
    expect(error.message).toContain('does not follow redirects');
    expect(error.message).not.toContain('pw');
    expect(attempts('GET /v1/overview')).toBe(1);
  });
});

describe('retries', () => {
  /** A handler answering 503 (Flink's "leader not ready") `failures` times, then the overview. */
  function unavailableThenOk(failures: number, headers: Record<string, string> = {}) {
    let calls = 0;
    return http.get(api('/overview'), () =>
      ++calls <= failures
        ? HttpResponse.json(flinkErrors('Service temporarily unavailable due to an ongoing leader election. Please refresh.'), {
            status: 503,
            headers,
          })
        : HttpResponse.json(overview()),
    );
  }

  it('a GET answered 503 twice, then 200, succeeds on the third attempt', async () => {
    server.use(unavailableThenOk(2));
    await expect(fakeClient().cluster.overview()).resolves.toMatchObject({ flinkVersion: '1.20.3', slotsTotal: 4 });
    expect(attempts('GET /v1/overview')).toBe(3);
  });

  it('a GET that stays 503 fails after 1 + retries attempts', async () => {
    server.use(unavailableThenOk(99));
    const error = await caught(fakeClient().cluster.overview(), FlinkApiError);
    expect(error.status).toBe(503);
    expect(error.message).toContain('leader election');
    expect(attempts('GET /v1/overview')).toBe(3);
  });

  it('a GET whose connection failed is retried', async () => {
    let calls = 0;
    server.use(http.get(api('/overview'), () => (++calls === 1 ? HttpResponse.error() : HttpResponse.json(overview()))));
    await expect(fakeClient().cluster.overview()).resolves.toMatchObject({ taskManagers: 2 });
    expect(attempts('GET /v1/overview')).toBe(2);
  });

  it('a connection failure that persists is a FlinkConnectionError naming the URL', async () => {
    server.use(http.get(api('/overview'), () => HttpResponse.error()));
    const error = await caught(fakeClient().cluster.overview(), FlinkConnectionError);
    expect(error.message).toContain(`no HTTP reply from ${FLINK_URL}/`);
    expect(attempts('GET /v1/overview')).toBe(3);
  });

  it('a POST without a job or trigger id is not retried', async () => {
    server.use(http.post(api('/jars/x.jar/plan'), () => HttpResponse.json(flinkErrors('unavailable'), { status: 503 })));
    await caught(fakeClient().request({ method: 'POST', path: '/jars/x.jar/plan', body: {} }), FlinkApiError);
    expect(attempts('POST /v1/jars/x.jar/plan')).toBe(1);
  });

  it('a POST whose connection failed is not retried either', async () => {
    server.use(http.post(api('/jars/x.jar/plan'), () => HttpResponse.error()));
    await caught(fakeClient().request({ method: 'POST', path: '/jars/x.jar/plan', body: {} }), FlinkConnectionError);
    expect(attempts('POST /v1/jars/x.jar/plan')).toBe(1);
  });

  it('retry: false on the client means one attempt', async () => {
    server.use(unavailableThenOk(1));
    await caught(fakeClient({ retry: false }).cluster.overview(), FlinkApiError);
    expect(attempts('GET /v1/overview')).toBe(1);
  });

  it('retry: false on the call means one attempt', async () => {
    server.use(unavailableThenOk(1));
    await caught(fakeClient().cluster.overview({ retry: false }), FlinkApiError);
    expect(attempts('GET /v1/overview')).toBe(1);
  });

  it('retries: 0 on the call means one attempt', async () => {
    server.use(unavailableThenOk(1));
    await caught(fakeClient().cluster.overview({ retry: { retries: 0 } }), FlinkApiError);
    expect(attempts('GET /v1/overview')).toBe(1);
  });

  it('more retries on the call than on the client are used', async () => {
    server.use(unavailableThenOk(3));
    await expect(fakeClient().cluster.overview({ retry: { retries: 3, minDelayMs: 1, maxDelayMs: 5 } })).resolves.toBeDefined();
    expect(attempts('GET /v1/overview')).toBe(4);
  });

  it('Retry-After: 0 is honoured: read as 0 ms (not as "absent") and the retry goes out', async () => {
    server.use(unavailableThenOk(1, { 'retry-after': '0' }));
    await expect(fakeClient().cluster.overview()).resolves.toMatchObject({ taskManagers: 2 });
    expect(attempts('GET /v1/overview')).toBe(2);
  });

  it('Retry-After is kept on the error', async () => {
    server.use(unavailableThenOk(99, { 'retry-after': '0' }));
    const error = await caught(fakeClient().cluster.overview(), FlinkApiError);
    expect(error.retryAfterMs).toBe(0);
  });

  it('an abort during a Retry-After wait rejects at once with the reason, without another attempt', async () => {
    const controller = new AbortController();
    const reason = new Error('user cancelled');
    server.use(
      http.get(api('/overview'), () => {
        setTimeout(() => controller.abort(reason), 20);
        return HttpResponse.json(flinkErrors('unavailable'), { status: 503, headers: { 'retry-after': '30' } });
      }),
    );
    await expect(fakeClient().cluster.overview({ signal: controller.signal })).rejects.toBe(reason);
    expect(attempts('GET /v1/overview')).toBe(1);
  });

  it('an abort during the backoff wait rejects at once with the reason, without another attempt', async () => {
    // Fake setTimeout (p-retry's backoff timer), so the abort lands in the 60 s wait and nowhere else.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const controller = new AbortController();
      const reason = new Error('user cancelled');
      server.use(http.get(api('/overview'), () => HttpResponse.json(flinkErrors('unavailable'), { status: 503 })));
      const client = fakeClient({ retry: { retries: 2, minDelayMs: 60_000, maxDelayMs: 60_000 } });
      const call = client.cluster.overview({ signal: controller.signal });
      call.catch(() => undefined);
      // The 503 came back (vi.waitFor moves fake time on by at most 1 s), then 59 s of the 60 s backoff pass.
      await vi.waitFor(() => expect(attempts('GET /v1/overview')).toBe(1));
      await vi.advanceTimersByTimeAsync(59_000);
      expect(attempts('GET /v1/overview')).toBe(1);
      // No more time passes: only the abort can settle the call now.
      controller.abort(reason);
      await expect(call).rejects.toBe(reason);
      await vi.advanceTimersByTimeAsync(120_000);
      expect(attempts('GET /v1/overview')).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('an already aborted signal sends nothing', async () => {
    const reason = new Error('too late');
    await expect(fakeClient().cluster.overview({ signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(flink.requests).toHaveLength(0);
  });
});

describe('deadlines (a real server that never answers)', () => {
  /** A TCP server that accepts connections and never writes. */
  async function silentServer(): Promise<LocalServer> {
    return serve(await startTcp(() => undefined));
  }

  it('a per-attempt timeout is a FlinkTimeoutError that says what to raise', async () => {
    const silent = await silentServer();
    const error = await caught(
      undiciClient({ url: silent.url.replace('tcp:', 'http:'), timeoutMs: 200, retry: false }).cluster.overview(),
      FlinkTimeoutError,
    );
    expect(error.timeoutMs).toBe(200);
    expect(error.message).toBe(
      'GET /v1/overview got no complete reply within 200 ms. The JobManager may be overloaded; raise timeoutMs if this call is legitimately slow.',
    );
    expect(silent.hits).toBe(1);
  });

  it('a timed-out GET is retried, each attempt with its own deadline', async () => {
    const silent = await silentServer();
    const client = undiciClient({
      url: silent.url.replace('tcp:', 'http:'),
      timeoutMs: 200,
      retry: { retries: 2, minDelayMs: 1, maxDelayMs: 5 },
    });
    await caught(client.cluster.overview(), FlinkTimeoutError);
    expect(silent.hits).toBe(3);
  });

  it("the call's timeoutMs overrides the client's", async () => {
    const silent = await silentServer();
    const client = undiciClient({ url: silent.url.replace('tcp:', 'http:'), timeoutMs: 600_000, retry: false });
    const error = await caught(client.cluster.overview({ timeoutMs: 200 }), FlinkTimeoutError);
    expect(error.timeoutMs).toBe(200);
  });

  it('a reply whose body never ends times out too', async () => {
    const slow = serve(
      await startHttp((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"taskmanagers":');
      }),
    );
    const error = await caught(undiciClient({ url: slow.url, timeoutMs: 200, retry: false }).cluster.overview(), FlinkTimeoutError);
    expect(error.message).toContain('no complete reply within 200 ms');
  });

  it.each([
    ['with retries', { retries: 2, minDelayMs: 1, maxDelayMs: 5 }],
    ['without retries', false],
  ] as const)('an abort while waiting for the reply rejects with the reason, not a timeout (%s)', async (_label, retry) => {
    const silent = await silentServer();
    const controller = new AbortController();
    const reason = new Error('user cancelled');
    setTimeout(() => controller.abort(reason), 50);
    const client = undiciClient({ url: silent.url.replace('tcp:', 'http:'), timeoutMs: 600_000, retry });
    await expect(client.cluster.overview({ signal: controller.signal })).rejects.toBe(reason);
    expect(silent.hits).toBe(1);
  });
});

describe('secrets', () => {
  const SECRET = 's3cret';
  const TOKEN = 'abc';

  /** Everything of an error a user might print or log. */
  function shown(error: unknown): string {
    const e = error as Error & { details?: unknown; path?: unknown; url?: unknown; errors?: unknown; body?: unknown };
    return JSON.stringify({
      message: e.message,
      details: e.details,
      path: e.path,
      url: e.url,
      errors: e.errors,
      body: e.body,
      stack: e.stack,
    });
  }

  it('the Authorization header and a ?token= never appear in any error', async () => {
    server.use(
      http.get(api(`/jobs/${OTHER_JOB_ID}`), () => HttpResponse.json(flinkErrors('Job not found'), { status: 404 })),
      http.get(api('/overview'), () => HttpResponse.json({ foo: 1 })),
      http.get(api('/config'), () => html(nginxPage('401 Authorization Required'), 401)),
      http.get(api('/jars'), () => html(nginxPage('Login'), 200)),
      http.get(api('/jobs/overview'), () => HttpResponse.json(internalServerError(CLASS_NOT_FOUND_TRACE), { status: 500 })),
      http.get(api('/taskmanagers'), () => HttpResponse.error()),
      http.get(api('/custom'), () => HttpResponse.json(flinkErrors('Bad request'), { status: 400 })),
    );
    const client = fakeClient({ url: `${FLINK_URL}/?token=${TOKEN}`, headers: { authorization: `Bearer ${SECRET}` } });
    const calls: Array<Promise<unknown>> = [
      client.jobs.get(OTHER_JOB_ID),
      client.cluster.overview(),
      client.cluster.config(),
      client.jars.list(),
      client.jobs.list(),
      client.cluster.taskManagers(),
      client.request({ method: 'GET', path: '/custom', query: { token: TOKEN, access_token: TOKEN } }),
    ];
    const errors = await Promise.all(
      calls.map((c) =>
        c.then(
          () => expect.fail('should fail'),
          (e: unknown) => e,
        ),
      ),
    );
    for (const error of errors) {
      expect(error).toBeInstanceOf(Error);
      expect(shown(error)).not.toContain(SECRET);
      expect(shown(error)).not.toContain(TOKEN);
    }
    // The header did go out: the test would prove nothing otherwise.
    expect(flink.requests.length).toBeGreaterThanOrEqual(calls.length);
    for (const request of flink.requests) expect(request.headers.get('authorization')).toBe(`Bearer ${SECRET}`);
    // The query of the raw call was sent as given, and shown redacted.
    expect(flink.requests.some((r) => r.path === `/v1/custom?token=${TOKEN}&access_token=${TOKEN}`)).toBe(true);
    expect((errors[6] as FlinkApiError).path).toBe('/v1/custom?token=***&access_token=***');
  });

  it('a per-call header is sent and never shown', async () => {
    server.use(http.get(api('/overview'), () => HttpResponse.json(flinkErrors('nope'), { status: 403 })));
    const error = await caught(fakeClient().cluster.overview({ headers: { 'x-api-key': SECRET } }), FlinkApiError);
    expect(flink.requests[0]?.headers.get('x-api-key')).toBe(SECRET);
    expect(shown(error)).not.toContain(SECRET);
  });
});
