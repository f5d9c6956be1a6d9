/**
 * msw set-up for the transport's unit tests of the `fetch` path: a fake Flink at
 * http://flink.test:8081 that only globalThis.fetch can reach (msw cannot see undici's own fetch),
 * a log of every request, and a client wired to it. Resources and workflows are tested on undici
 * instead (`mock-flink.ts`).
 */
import { type SetupServer, setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { FlinkClient } from '../../src/client.js';
import type { ClientOptions } from '../../src/options.js';

/** Base URL of the fake Flink. Not resolvable: a request msw does not handle fails the test. */
export const FLINK_URL = 'http://flink.test:8081';

/** Full URL of a REST route on the fake Flink, e.g. `api('/overview')`. */
export function api(route: string): string {
  return `${FLINK_URL}/v1${route}`;
}

/** A request as msw saw it. */
export interface SeenRequest {
  method: string;
  /** Path and query, e.g. `/v1/jobs/…?mode=cancel`. */
  path: string;
  headers: Headers;
}

/** The msw server and the requests it saw in the current test. */
export interface FakeFlink {
  server: SetupServer;
  requests: SeenRequest[];
  /** `METHOD /path` of every request in order, for short assertions. */
  calls(): string[];
}

/**
 * Starts msw for the calling test file (unhandled requests are errors), clears the request log
 * before each test and the per-test handlers after it.
 */
export function useFakeFlink(): FakeFlink {
  const server = setupServer();
  const requests: SeenRequest[] = [];
  server.events.on('request:start', ({ request }) => {
    const url = new URL(request.url);
    requests.push({ method: request.method, path: url.pathname + url.search, headers: request.headers });
  });
  beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
  beforeEach(() => {
    requests.length = 0;
  });
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());
  return { server, requests, calls: () => requests.map((r) => `${r.method} ${r.path}`) };
}

/** A client of the fake Flink: globalThis.fetch (so msw sees it) and fast retries (2 retries, 1–5 ms). */
export function fakeClient(options: ClientOptions = {}): FlinkClient {
  return new FlinkClient({ url: FLINK_URL, fetch: globalThis.fetch, retry: { retries: 2, minDelayMs: 1, maxDelayMs: 5 }, ...options });
}
