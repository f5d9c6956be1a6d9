/**
 * A fault proxy: an HTTP relay on 127.0.0.1 in front of a real Flink REST endpoint that breaks
 * chosen requests the way networks and proxies do. Rules pick requests (method, path, body) and a
 * fault; everything else is relayed unchanged. The log records what each request met and what Flink
 * answered, so a test can tell "Flink acted, the client never heard" from "never reached Flink".
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What a rule does to a request it matches. */
export type Fault =
  /** Relay the request; Flink acts on it; drop its reply and close the client's connection. */
  | { kind: 'lose-reply' }
  /** Reset (RST) the client's connection before anything reaches Flink. */
  | { kind: 'reset' }
  /** Answer this status (503 with Flink's leader-election body) without asking Flink; `Retry-After` when given. */
  | { kind: 'status'; status: number; retryAfter?: string }
  /** Never answer: hold the request until the client gives up (its timeout) or the proxy closes. */
  | { kind: 'stall' }
  /** Relay the first `afterBytes` bytes of the body, then cut both connections (a dropped upload). */
  | { kind: 'cut-body'; afterBytes: number };

/** One request as `when` sees it. */
export interface Seen {
  method: string;
  /** Path and query, e.g. `/v1/jars/…/run`. */
  path: string;
  /** The body, for JSON requests (read before the rule decides). */
  body: string | undefined;
  /** How many requests this rule matched before this one. */
  matched: number;
}

/** Which requests a rule breaks, and how. */
export interface FaultRule {
  method?: string;
  /** Tested against the path and query. */
  path?: RegExp;
  /** Decides per matching request; default: every one. */
  when?: (seen: Seen) => boolean;
  /** Applies to at most this many requests (those `when` accepted); default: no limit. */
  times?: number;
  fault: Fault;
}

/** What happened to one request. */
export interface ProxyLogEntry {
  method: string;
  path: string;
  /** The fault applied, if any. */
  fault: Fault['kind'] | undefined;
  /** The request reached Flink (relayed, in part for `cut-body`). */
  reachedFlink: boolean;
  /** Flink's status, when it answered (also for a reply then lost). */
  flinkStatus?: number;
  /** Flink's body when it answered with an error status (first 50,000 characters). */
  flinkError?: string;
  /** The JSON body the client sent. */
  body?: string;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'proxy-connection', 'upgrade']);

/** A running fault proxy. */
export class FaultProxy {
  /** `http://127.0.0.1:<port>`: give it to a FlinkClient instead of Flink's URL. */
  readonly url: string;
  readonly port: number;
  /** Every request, in arrival order. */
  readonly log: ProxyLogEntry[] = [];
  private readonly target: URL;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private rules: Array<{ rule: FaultRule; matched: number; applied: number }> = [];
  private down = false;

  private constructor(target: URL, server: Server, port: number) {
    this.target = target;
    this.server = server;
    this.port = port;
    this.url = `http://127.0.0.1:${port}`;
  }

  /** Starts a proxy on a free port of 127.0.0.1 in front of `target` (an `http://` REST URL). */
  static async start(target: string): Promise<FaultProxy> {
    let proxy: FaultProxy | undefined;
    const server = createServer((req, res) => {
      void proxy?.handle(req, res);
    });
    server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    proxy = new FaultProxy(new URL(target), server, (server.address() as AddressInfo).port);
    server.on('connection', (socket: Socket) => proxy?.track(socket));
    return proxy;
  }

  /** Adds a rule (rules are tried in the order added); returns a function that removes it. */
  add(rule: FaultRule): () => void {
    const entry = { rule, matched: 0, applied: 0 };
    this.rules.push(entry);
    return () => {
      this.rules = this.rules.filter((r) => r !== entry);
    };
  }

  /** Removes every rule. */
  clear(): void {
    this.rules = [];
  }

  /** The log entries of requests matching `method` and `path`. */
  requests(method: string, path: RegExp): ProxyLogEntry[] {
    return this.log.filter((e) => e.method === method && path.test(e.path));
  }

  /**
   * An outage: every open connection is cut and new ones are refused (the port stops listening),
   * until {@link restore}. Like a JobManager that went away.
   */
  async cut(): Promise<void> {
    this.down = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  /** Ends an outage: listens on the same port again. */
  async restore(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.down = false;
  }

  /** Stops the proxy and cuts every connection. */
  async close(): Promise<void> {
    this.rules = [];
    for (const socket of this.sockets) socket.destroy();
    if (!this.down) await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private track(socket: Socket): void {
    if (this.down) {
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    const json = /json/.test(String(req.headers['content-type'] ?? ''));
    const body = json ? await readAll(req) : undefined;
    const entry: ProxyLogEntry = { method, path, fault: undefined, reachedFlink: false, ...(body === undefined ? {} : { body }) };
    this.log.push(entry);
    const fault = this.decide({ method, path, body });
    entry.fault = fault?.kind;
    const socket = req.socket;
    switch (fault?.kind) {
      case 'reset':
        socket.resetAndDestroy();
        return;
      case 'stall':
        req.resume(); // hold the request; the client's timeout or close() ends it
        return;
      case 'status': {
        req.resume();
        const headers: Record<string, string> = { 'content-type': 'application/json; charset=UTF-8' };
        if (fault.retryAfter !== undefined) headers['retry-after'] = fault.retryAfter;
        res.writeHead(fault.status, headers);
        res.end(JSON.stringify({ errors: ['Service temporarily unavailable due to an ongoing leader election. Please refresh.'] }));
        return;
      }
      default:
        this.relay(req, res, entry, body, fault);
    }
  }

  private decide(seen: Omit<Seen, 'matched'>): Fault | undefined {
    for (const r of this.rules) {
      const { rule } = r;
      if (rule.method !== undefined && rule.method !== seen.method) continue;
      if (rule.path !== undefined && !rule.path.test(seen.path)) continue;
      if (rule.times !== undefined && r.applied >= rule.times) continue;
      const yes = rule.when ? rule.when({ ...seen, matched: r.matched }) : true;
      r.matched++;
      if (!yes) continue;
      r.applied++;
      return rule.fault;
    }
    return undefined;
  }

  private relay(req: IncomingMessage, res: ServerResponse, entry: ProxyLogEntry, body: string | undefined, fault: Fault | undefined): void {
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => !HOP_BY_HOP.has(name)));
    headers['host'] = this.target.host;
    const upstream = httpRequest({
      host: this.target.hostname,
      port: this.target.port,
      method: req.method,
      path: req.url,
      headers,
    });
    const cutClient = () => req.socket.destroy();
    upstream.on('error', cutClient);
    req.on('error', () => upstream.destroy());
    res.on('close', () => {
      // The client went away before the reply was through: so does the request to Flink.
      if (!res.writableFinished && fault?.kind !== 'lose-reply') upstream.destroy();
    });
    upstream.on('response', (reply) => {
      entry.flinkStatus = reply.statusCode ?? 0;
      const chunks: Buffer[] = [];
      const isError = (reply.statusCode ?? 0) >= 400;
      if (fault?.kind === 'lose-reply' || isError) reply.on('data', (c: Buffer) => chunks.push(c));
      if (isError) reply.on('end', () => (entry.flinkError = Buffer.concat(chunks).toString('utf8').slice(0, 50_000)));
      if (fault?.kind === 'lose-reply') {
        // Flink acted and answered: the client never hears of it.
        reply.on('end', cutClient);
        reply.on('error', cutClient);
        return;
      }
      const out = Object.fromEntries(Object.entries(reply.headers).filter(([name]) => !HOP_BY_HOP.has(name)));
      res.writeHead(reply.statusCode ?? 502, out as Record<string, string | string[]>);
      reply.pipe(res);
    });
    entry.reachedFlink = true;
    if (body !== undefined) {
      upstream.end(body);
      return;
    }
    if (fault?.kind === 'cut-body') {
      let relayed = 0;
      const onData = (chunk: Buffer) => {
        const part = chunk.subarray(0, fault.afterBytes - relayed);
        relayed += part.length;
        if (relayed < fault.afterBytes) {
          upstream.write(part);
          return;
        }
        // Read no more of the client's body; give Flink its part, then drop both connections.
        req.off('data', onData);
        req.pause();
        upstream.write(part, () => {
          upstream.destroy();
          req.socket.resetAndDestroy();
        });
      };
      req.on('data', onData);
      return;
    }
    req.pipe(upstream);
  }
}

function readAll(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
