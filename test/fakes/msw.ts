/**
 * msw set-up for unit tests: a fake Flink at http://flink.test:8081 that only globalThis.fetch can
 * reach (msw cannot see undici's own fetch), a log of every request, and a client wired to it.
 */
import { type HttpHandler, HttpResponse, http, type JsonBodyType } from 'msw';
import { type SetupServer, setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { FlinkClient } from '../../src/client.js';
import type { ClientOptions } from '../../src/options.js';
import { JOB_ID, jobsOverviewReply } from './flink-replies.js';

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

/** A resolver answering with `bodies` as JSON one after another, repeating the last one. */
export function inOrder(...bodies: unknown[]): () => Response {
  let next = 0;
  return () => {
    const body = bodies[Math.min(next, bodies.length - 1)];
    next++;
    return HttpResponse.json(body as JsonBodyType);
  };
}

/** Options of {@link scriptedJob}. */
export interface ScriptedJobOptions {
  /** The job's id. Default: the `jid` of the first state, else JOB_ID. */
  jobId?: string;
  /** Other jobs (`jobDetails` replies) the overview lists alongside. */
  alongside?: ReadonlyArray<Record<string, unknown>>;
  /** Runs at each `GET /jobs/overview` (lets a test act at a given moment). */
  onLook?: () => void;
}

/**
 * One job as `jobs.waitFor` sees it, scripted as `jobDetails` replies: each `GET /jobs/overview`
 * lists it in the next state (the last one repeated; `null`: not listed yet), with the task counts of
 * that reply, and `GET /jobs/:id` answers the state last listed (404 before any). Add a later
 * `server.use` to make the details route answer something else (e.g. a stale state).
 */
export function scriptedJob(states: ReadonlyArray<Record<string, unknown> | null>, options: ScriptedJobOptions = {}): HttpHandler[] {
  const jobId = options.jobId ?? (states.find((s) => s !== null)?.['jid'] as string | undefined) ?? JOB_ID;
  let look = 0;
  let listed: Record<string, unknown> | undefined;
  return [
    http.get(api('/jobs/overview'), () => {
      options.onLook?.();
      const state = states[Math.min(look++, states.length - 1)] ?? null;
      if (state) listed = state;
      return HttpResponse.json(jobsOverviewReply(...(options.alongside ?? []), ...(state ? [state] : [])));
    }),
    http.get(api(`/jobs/${jobId}`), () =>
      listed ? HttpResponse.json(listed as JsonBodyType) : HttpResponse.json({ errors: ['Job could not be found.'] }, { status: 404 }),
    ),
  ];
}
