/**
 * A fake Flink at http://flink.test:8081 on undici's MockAgent, for unit tests of resources and
 * workflows (and, at another URL, of other servers the SDK talks to: the SQL Gateway): the client
 * sends through the transport users get (undici's request API on a dispatcher), only the socket is
 * replaced. Each test gets a fresh MockAgent with
 * `disableNetConnect()`, and `assertNoPendingInterceptors()` runs after it: a route a test
 * declares and never hits fails the test.
 *
 * Routes are described with web-standard `Response`s (`Response.json(body, { status })`,
 * `Response.error()` for a dropped connection); the newest route matching a request answers it
 * (as in msw: a later `use` first, then the order listed), a resolver returning `undefined` hands the request to the next older one.
 */
import { Dispatcher, errors, MockAgent } from 'undici';
import type { MockInterceptor } from 'undici/types/mock-interceptor.js';
import { afterEach, beforeEach } from 'vitest';
import { FlinkClient } from '../../src/client.js';
import type { ClientOptions } from '../../src/options.js';
import { JOB_ID, jobsOverviewReply } from './flink-replies.js';

/** Base URL of the fake Flink. */
export const FLINK_URL = 'http://flink.test:8081';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What a resolver gets: the request as a WHATWG `Request` (body readable) and the `:name` path parameters. */
export interface RouteRequest {
  request: Request;
  params: Record<string, string>;
}

/** Answers a request; `undefined` passes it to the next older route for the same method and path. */
export type Resolver = (info: RouteRequest) => Response | undefined | Promise<Response | undefined>;

/** Options of a route. */
export interface RouteOptions {
  /** Answer this many requests, then let older routes answer. Default: every request. */
  times?: number;
  /**
   * Part of a simulated cluster rather than an expectation of the test: a test need not hit it.
   * All optional routes share one interceptor, which the test must hit at least once.
   */
  optional?: boolean;
}

/** One route: method, a path below the fake's prefix (`/v1`; `:name` segments match one segment), and its resolver. */
export interface Route {
  method: Method;
  path: string;
  resolver: Resolver;
  options: RouteOptions;
}

function routeOf(method: Method) {
  return (path: string, resolver: Resolver, options: RouteOptions = {}): Route => ({ method, path, resolver, options });
}

/** Route builders: `route.get('/jobs/overview', () => Response.json(…))`. */
export const route = {
  get: routeOf('GET'),
  post: routeOf('POST'),
  put: routeOf('PUT'),
  patch: routeOf('PATCH'),
  delete: routeOf('DELETE'),
};

/**
 * Routes of a simulated cluster (a helper that answers whatever a workflow may ask): each test hits
 * some of them, and at least one.
 */
export function simulated(...routes: Route[]): Route[] {
  return routes.map((r) => ({ ...r, options: { ...r.options, optional: true } }));
}

/**
 * GET routes answering reply bodies by path (`/jobs/:id/metrics` → `(query) => body`), as JSON, or
 * as they are when a body is a `Response`; `before` runs first on each request (e.g. to delay it).
 */
export function replyRoutes(replies: Record<string, (query: URLSearchParams) => unknown>, before?: () => Promise<void>): Route[] {
  return Object.entries(replies).map(([p, reply]) =>
    route.get(p, async ({ request }) => {
      await before?.();
      const body = reply(new URL(request.url).searchParams);
      return body instanceof Response ? body : Response.json(body);
    }),
  );
}

/** A request as the fake Flink saw it (every request the client sent, answered or not). */
export interface SeenRequest {
  method: string;
  /** Path and query, e.g. `/v1/jobs/…?mode=cancel`. */
  path: string;
  headers: Headers;
}

/** The fake Flink of the current test file. */
export interface FakeFlink {
  /** Adds routes for the current test (newest first when several match). */
  use(...routes: Route[]): void;
  /** Every request of the current test, in the order they were sent. */
  requests: SeenRequest[];
  /** `METHOD /path` of every request in order, for short assertions. */
  calls(): string[];
}

interface Registered extends Route {
  pattern: RegExp;
  uses: number;
}

/** Where the fake of the current file listens. */
export interface FakeServerOptions {
  /** Its origin. Default: {@link FLINK_URL}. */
  url?: string;
  /** The prefix every route's path is below: `/v1` (Flink's REST API, the default); `''` for whole paths. */
  prefix?: string;
}

let server: Required<FakeServerOptions> = { url: FLINK_URL, prefix: '/v1' };
/** The current test's MockAgent and routes. */
let agent: MockAgent | undefined;
let routes: Registered[] = [];
let keys = new Set<string>();
let worldIntercepted = false;
/** The path the optional routes' interceptor last saw (undici matches path, then method, synchronously). */
let worldPath = '';
const requests: SeenRequest[] = [];

function patternOf(path: string): RegExp {
  const escaped = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:(\w+)/g, '(?<$1>[^/]+)');
  const prefix = server.prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${prefix}${escaped}$`);
}

function withoutQuery(path: string): string {
  const q = path.indexOf('?');
  return q === -1 ? path : path.slice(0, q);
}

/** The routes that may answer `method path`, newest first. */
function candidates(method: string, path: string): Registered[] {
  const bare = withoutQuery(path);
  return routes.filter((r) => r.method === method && (r.options.times === undefined || r.uses < r.options.times) && r.pattern.test(bare));
}

function keyOf(r: Route): string {
  return `${r.method} ${r.path}`;
}

async function bodyText(body: unknown): Promise<string | undefined> {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body;
  if (Buffer.isBuffer(body) || body instanceof Uint8Array) return Buffer.from(body).toString('latin1');
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('latin1');
}

/** Runs the resolvers for a dispatched request and turns the `Response` into MockAgent reply options. */
async function reply(opts: MockInterceptor.MockResponseCallbackOptions): Promise<MockInterceptor.MockReplyOptions> {
  const method = String(opts.method);
  const path = String(opts.path);
  const text = await bodyText(opts.body);
  const headers = new Headers(opts.headers as Record<string, string>);
  for (const r of candidates(method, path)) {
    const params = r.pattern.exec(withoutQuery(path))?.groups ?? {};
    const hasBody = text !== undefined && method !== 'GET';
    const request = new Request(`${server.url}${path}`, {
      method,
      headers,
      ...(hasBody ? { body: Buffer.from(text, 'latin1') } : {}),
    });
    r.uses++;
    const response = await r.resolver({ request, params: { ...params } });
    if (response === undefined) continue;
    // What undici reports for a connection closed before the reply (MockAgent hands a rejection to the request).
    if (response.type === 'error') throw new errors.SocketError('other side closed');
    return {
      statusCode: response.status,
      data: Buffer.from(await response.arrayBuffer()),
      responseOptions: { headers: Object.fromEntries(response.headers) },
    };
  }
  throw new Error(`the fake Flink has no route left for ${method} ${path}`);
}

/** A path matcher named after its route, so that a pending interceptor says which route it is. */
function named<F extends (p: string) => boolean>(name: string, matcher: F): F {
  return Object.defineProperty(matcher, 'name', { value: name });
}

function intercept(route: Registered): void {
  if (!agent) throw new Error('routes can only be added inside a test (useFakeFlink() starts a MockAgent per test)');
  const pool = agent.get(server.url);
  if (route.options.optional) {
    if (worldIntercepted) return;
    worldIntercepted = true;
    pool
      .intercept({
        path: named('the optional routes', (p: string) => {
          worldPath = p;
          return routes.some((r) => r.options.optional && r.pattern.test(withoutQuery(p)));
        }),
        method: (m: string) => candidates(m, worldPath)[0]?.options.optional === true,
      })
      .reply(reply)
      .persist();
    return;
  }
  const key = keyOf(route);
  if (keys.has(key)) return;
  keys.add(key);
  pool
    .intercept({
      path: named(key, (p: string) => {
        const first = candidates(route.method, p)[0];
        return first !== undefined && !first.options.optional && keyOf(first) === key;
      }),
      method: route.method,
    })
    .reply(reply)
    .persist();
}

/** A dispatcher that logs each request and hands it to the current test's MockAgent. */
class CurrentAgent extends Dispatcher {
  override dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    if (!agent) throw new Error('no MockAgent: a request was sent outside a test');
    requests.push({
      method: String(opts.method),
      path: String(opts.path),
      headers: new Headers(opts.headers as Record<string, string>),
    });
    return agent.dispatch(opts, handler);
  }

  override async close(): Promise<void> {}

  override async destroy(): Promise<void> {}
}

/** The dispatcher to give a client or transport of the fake Flink: it forwards to the current test's MockAgent. */
export const fakeDispatcher: Dispatcher = new CurrentAgent();

/**
 * A fresh MockAgent (no network) before each test of the calling file, its routes and request log
 * cleared after it, and a check that every interceptor was hit. One fake per file: `options` say
 * where it listens (Flink at {@link FLINK_URL} unless told).
 */
export function useFakeFlink(options: FakeServerOptions = {}): FakeFlink {
  server = { url: options.url ?? FLINK_URL, prefix: options.prefix ?? '/v1' };
  beforeEach(() => {
    agent = new MockAgent();
    agent.disableNetConnect();
    routes = [];
    keys = new Set();
    worldIntercepted = false;
    requests.length = 0;
  });
  afterEach(async () => {
    const done = agent;
    agent = undefined;
    try {
      done?.assertNoPendingInterceptors();
    } finally {
      await done?.close();
    }
  });
  return {
    use(...added: Route[]) {
      // As in msw: the routes of a later call come first; within one call, the first listed wins.
      const registered: Registered[] = added.map((r) => ({ ...r, pattern: patternOf(r.path), uses: 0 }));
      routes.unshift(...registered);
      for (const r of registered) intercept(r);
    },
    requests,
    calls: () => requests.map((r) => `${r.method} ${r.path}`),
  };
}

/** A client of the fake Flink on undici's request API, with fast retries (2 retries, 1–5 ms). */
export function fakeClient(options: ClientOptions = {}): FlinkClient {
  return new FlinkClient({ url: FLINK_URL, dispatcher: fakeDispatcher, retry: { retries: 2, minDelayMs: 1, maxDelayMs: 5 }, ...options });
}

/** A resolver answering with `bodies` as JSON one after another, repeating the last one. */
export function inOrder(...bodies: unknown[]): () => Response {
  let next = 0;
  return () => {
    const body = bodies[Math.min(next, bodies.length - 1)];
    next++;
    return Response.json(body);
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
  /** What `GET /jobs/:id` answers instead of the state last listed (e.g. stale cached details). */
  details?: () => Record<string, unknown>;
  /** Leave out `GET /jobs/:id` (for waits that never read the details). */
  noDetails?: boolean;
}

/**
 * One job as `jobs.waitFor` sees it, scripted as `jobDetails` replies: each `GET /jobs/overview`
 * lists it in the next state (the last one repeated; `null`: not listed yet), with the task counts of
 * that reply, and `GET /jobs/:id` answers the state last listed (404 before any).
 */
export function scriptedJob(states: ReadonlyArray<Record<string, unknown> | null>, options: ScriptedJobOptions = {}): Route[] {
  const jobId = options.jobId ?? (states.find((s) => s !== null)?.['jid'] as string | undefined) ?? JOB_ID;
  let look = 0;
  let listed: Record<string, unknown> | undefined;
  const overview = route.get('/jobs/overview', () => {
    options.onLook?.();
    const state = states[Math.min(look++, states.length - 1)] ?? null;
    if (state) listed = state;
    return Response.json(jobsOverviewReply(...(options.alongside ?? []), ...(state ? [state] : [])));
  });
  if (options.noDetails) return [overview];
  return [
    overview,
    route.get(`/jobs/${jobId}`, () => {
      if (options.details) return Response.json(options.details());
      return listed ? Response.json(listed) : Response.json({ errors: ['Job could not be found.'] }, { status: 404 });
    }),
  ];
}
