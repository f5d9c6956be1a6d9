import { createRequire } from 'node:module';
import type { Dispatcher } from 'undici';
import type { TlsOptions } from '../options.js';

/** One HTTP exchange as the transport hands it over. */
export interface SendInit {
  method: string;
  headers: Record<string, string>;
  body?: string | AsyncIterable<Uint8Array> | undefined;
  signal: AbortSignal;
}

/** What came back: status, headers, and the body to read. */
export interface Reply {
  status: number;
  header(name: string): string | null;
  text(): Promise<string>;
}

/** How the transport sends a request. @internal */
export interface Sender {
  /** Loads what sending needs (undici), so that `send` puts the request on its way at once. */
  prepare(): Promise<unknown>;
  send(url: URL, init: SendInit): Promise<Reply>;
  /**
   * Each body chunk is on the socket before the next is asked for, so a body may reuse its buffers.
   * True only for the Agent the transport made itself (see `Multipart.chunks`).
   */
  readonly writesThrough: boolean;
  close(): Promise<void>;
}

/** The two parts of undici the transport uses. Redirects are not followed: the transport reports them. @internal */
export interface UndiciParts {
  Agent: typeof import('undici').Agent;
  /** `Dispatcher.prototype.request`: call it with the dispatcher as `this`. */
  request: (this: Dispatcher, options: Dispatcher.RequestOptions) => Promise<Dispatcher.ResponseData>;
  /** Where they came from: undici's own modules, or the whole package when those moved. */
  source: 'modules' | 'package';
}

let parts: Promise<UndiciParts> | undefined;

/**
 * undici's Agent and request API. Loading just their modules takes about half
 * the time of loading the package (which also builds fetch, WebSocket, caches, mocks…): it counts in
 * every fresh process (a CLI command, a CI step). Measured with undici 8.12 on Node 24 (fresh
 * processes, medians of 15): the two modules add 46 ms of CPU to `node -e 0`, the package 110 ms
 * (42 vs 90 ms with Node's compile cache); a fresh `jobs.list()` costs 231 ms of CPU this way, 290 ms
 * with `import('undici')`. undici has no exports map, so these paths are reachable; if a release moves
 * them, the whole package is loaded instead.
 * @internal
 */
export function loadUndici(): Promise<UndiciParts> {
  parts ??= (async (): Promise<UndiciParts> => {
    try {
      const require = createRequire(import.meta.url);
      const loaded = {
        Agent: require('undici/lib/dispatcher/agent.js') as UndiciParts['Agent'],
        request: require('undici/lib/api/api-request.js') as UndiciParts['request'],
      };
      if (typeof loaded.Agent === 'function' && typeof loaded.request === 'function') {
        return { ...loaded, source: 'modules' };
      }
    } catch {
      // moved in this undici release: fall through to the package
    }
    const undici = await import('undici');
    return {
      Agent: undici.Agent,
      request: undici.Dispatcher.prototype.request as UndiciParts['request'],
      source: 'package',
    };
  })();
  return parts;
}

/**
 * undici's request API on the transport's own keep-alive Agent (or a given dispatcher): no
 * WHATWG Request/Response/stream layers between the body and the socket. undici itself is loaded
 * with the first request, so `import 'flink-kit'` does not pay for it.
 */
export class UndiciSender implements Sender {
  readonly writesThrough: boolean;
  private readonly given: Dispatcher | undefined;
  private readonly tls: TlsOptions | undefined;
  private ready: Promise<{ request: UndiciParts['request']; dispatcher: Dispatcher; own?: Dispatcher }> | undefined;

  constructor(dispatcher: Dispatcher | undefined, tls: TlsOptions | undefined) {
    this.given = dispatcher;
    this.tls = tls;
    this.writesThrough = dispatcher === undefined;
  }

  prepare(): Promise<unknown> {
    return this.load();
  }

  async send(url: URL, init: SendInit): Promise<Reply> {
    const { request, dispatcher } = await this.load();
    const res = await request.call(dispatcher, {
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: init.method as Dispatcher.HttpMethod,
      headers: init.headers,
      // undici writes an async iterable chunk by chunk, waiting for 'drain' (its fetch sends every
      // stream body this way); its types list only Readable.
      body: (init.body ?? null) as string | null,
      signal: init.signal,
    });
    return {
      status: res.statusCode,
      header: (name) => {
        const value = res.headers[name.toLowerCase()];
        return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
      },
      text: () => res.body.text(),
    };
  }

  async close(): Promise<void> {
    const ready = await this.ready?.catch(() => undefined);
    await ready?.own?.close();
  }

  private load() {
    this.ready ??= loadUndici().then(({ Agent, request }) => {
      if (this.given) return { request, dispatcher: this.given };
      const tls = this.tls;
      const own = new Agent({
        keepAliveTimeout: 10_000,
        connect: tls ? { ...tls, ca: tls.ca as string | Buffer | Array<string | Buffer> } : {},
      });
      return { request, dispatcher: own, own };
    });
    return this.ready;
  }
}

/** The shape of fetch the transport calls (undici's, or an injected one such as globalThis.fetch). */
type FetchLike = (url: URL, init: Record<string, unknown>) => Promise<Response>;

/** An injected fetch (e.g. `globalThis.fetch`, so msw can intercept), optionally with a dispatcher. */
export class FetchSender implements Sender {
  readonly writesThrough = false;
  private readonly fetchImpl: FetchLike;
  private readonly dispatcher: Dispatcher | undefined;

  constructor(fetchImpl: typeof globalThis.fetch, dispatcher: Dispatcher | undefined) {
    this.fetchImpl = fetchImpl as unknown as FetchLike;
    this.dispatcher = dispatcher;
  }

  async send(url: URL, init: SendInit): Promise<Reply> {
    const request: Record<string, unknown> = { method: init.method, headers: init.headers, signal: init.signal };
    if (init.body !== undefined) request['body'] = init.body;
    if (init.body !== undefined && typeof init.body !== 'string') request['duplex'] = 'half';
    if (this.dispatcher) request['dispatcher'] = this.dispatcher;
    // The transport reports a redirect rather than following it (a followed POST could act twice).
    request['redirect'] = 'manual';
    const res = await this.fetchImpl(url, request);
    return { status: res.status, header: (name) => res.headers.get(name), text: () => res.text() };
  }

  async prepare(): Promise<void> {}

  async close(): Promise<void> {}
}
