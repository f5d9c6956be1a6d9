import { createServer, type Server, type Socket } from 'node:net';
import { PassThrough, type Readable, Writable } from 'node:stream';
import { Backoff } from '../core/backoff.js';
import { FlinkKubernetesError } from '../errors/kube-errors.js';
import { sleep } from '../internal/sleep.js';
import { type KubeApi, scrub, statusOf, toKubeError } from './api.js';
import type { ForwardTarget } from './pods.js';

/** The parts of client-node's WebSocket (the `ws` package) the forward uses. */
interface PodStream {
  readonly readyState: number;
  close(): void;
  terminate(): void;
  ping(): void;
  on(event: 'close' | 'error' | 'pong' | 'message', listener: () => void): unknown;
}

/** Settings of a {@link PortForwardServer}. */
export interface PortForwardSettings {
  api: KubeApi;
  namespace: string;
  /** Finds a Ready pod (re-run for every connection). */
  resolve: (previous: string | undefined) => Promise<ForwardTarget>;
  /** Local port on 127.0.0.1; 0 picks a free one. */
  localPort: number;
  /** How long a connection waits for a Ready pod (e.g. while the JobManager is replaced). */
  reconnectTimeoutMs: number;
  /** Interval of WebSocket pings on open streams. */
  keepAliveMs: number;
  /** Deadline of one WebSocket upgrade. */
  upgradeTimeoutMs: number;
}

/**
 * A TCP listener on 127.0.0.1 that gives every accepted connection its own port-forward stream to
 * a Ready pod, resolved afresh per connection, so the next connection after a JobManager
 * replacement reaches the new pod. A stream that fails before the pod answered is turned into an
 * HTTP 502/503 reply whose body says why (the forward carries Flink's REST API); one that fails
 * later closes its local socket at once.
 */
export class PortForwardServer {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly streams = new Set<PodStream>();
  private resolving: Promise<ForwardTarget> | undefined;
  private lastPod: string | undefined;
  private closed: Promise<void> | undefined;
  private readonly settings: PortForwardSettings;

  private constructor(settings: PortForwardSettings) {
    this.settings = settings;
    this.server = createServer({ noDelay: true }, (socket) => this.accept(socket));
  }

  /** Starts listening on 127.0.0.1. */
  static async start(settings: PortForwardSettings, firstPod: string): Promise<PortForwardServer> {
    const forward = new PortForwardServer(settings);
    forward.lastPod = firstPod;
    await new Promise<void>((resolve, reject) => {
      forward.server.once('error', (error: NodeJS.ErrnoException) => {
        reject(
          error.code === 'EADDRINUSE'
            ? new FlinkKubernetesError(`local port ${settings.localPort} is in use; pass another localPort, or 0 for any free port.`, {
                reason: 'local-port-in-use',
                cause: error,
              })
            : error,
        );
      });
      forward.server.listen(settings.localPort, '127.0.0.1', () => resolve());
    });
    return forward;
  }

  /** The local port. */
  get port(): number {
    const address = this.server.address();
    return typeof address === 'object' && address ? address.port : 0;
  }

  /** The pod the latest connection went to. */
  get pod(): string | undefined {
    return this.lastPod;
  }

  /** Stops listening, closes every local socket and pod stream. Safe to call twice. */
  close(): Promise<void> {
    this.closed ??= new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
      for (const stream of this.streams) stream.terminate();
    });
    return this.closed;
  }

  /**
   * Opens one stream to the target and closes it again: proves the port-forward is allowed (RBAC
   * `create pods/portforward`) and possible before the caller gets a URL.
   */
  async probe(target: ForwardTarget): Promise<void> {
    const stream = await this.open(target, new PassThrough(), new PassThrough(), new Writable({ write: (_c, _e, cb) => cb() }));
    stream.close();
  }

  private async accept(socket: Socket): Promise<void> {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const deadline = performance.now() + this.settings.reconnectTimeoutMs;
    const backoff = new Backoff({ minMs: 100, maxMs: 1_000, factor: 2 });
    for (;;) {
      if (socket.destroyed || this.closed) return;
      try {
        const target = await this.resolveShared();
        await this.relay(socket, target);
        return;
      } catch (error) {
        if (!retryable(error) || performance.now() + backoff.delayMs > deadline) {
          answerError(socket, error);
          return;
        }
        await sleep(backoff.delayMs);
        backoff.grow();
      }
    }
  }

  /** One resolution at a time, shared by connections that arrive together. */
  private resolveShared(): Promise<ForwardTarget> {
    this.resolving ??= this.settings.resolve(this.lastPod).finally(() => {
      this.resolving = undefined;
    });
    return this.resolving;
  }

  /** Wires a local socket to a new pod stream; resolves once data flows. */
  private async relay(socket: Socket, target: ForwardTarget): Promise<void> {
    let answered = false;
    let podError = '';
    const output = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        if (chunk.length === 0) return callback(); // what is left of the port prefix frame
        answered = true;
        if (!socket.destroyed) socket.write(chunk);
        callback();
      },
    });
    const errors = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        podError += chunk.toString('utf8');
        callback();
      },
    });
    const stream = await this.open(target, socket, output, errors);
    if (socket.destroyed || this.closed) {
      stream.close();
      return;
    }
    this.lastPod = target.pod;
    this.streams.add(stream);
    let lastSeen = performance.now();
    const seen = () => {
      lastSeen = performance.now();
    };
    stream.on('pong', seen);
    stream.on('message', seen);
    // Pings keep idle streams alive through load balancers; a stream silent for 3 intervals is dead.
    const keepAlive = setInterval(() => {
      if (performance.now() - lastSeen > 3 * this.settings.keepAliveMs) stream.terminate();
      else if (stream.readyState === 1) stream.ping();
    }, this.settings.keepAliveMs);
    keepAlive.unref();
    const finish = () => {
      clearInterval(keepAlive);
      this.streams.delete(stream);
      const text = podError.trim();
      if (text && !answered) {
        const reason = `pod ${target.pod} could not open port ${target.port}: ${scrub(text)}. Is Flink's REST endpoint listening there?`;
        answerError(socket, new FlinkKubernetesError(reason, { reason: 'port-forward-failed' }));
      } else {
        socket.end();
      }
    };
    stream.on('close', finish);
    stream.on('error', () => stream.terminate());
    socket.on('close', () => stream.close());
  }

  /** A port-forward WebSocket to the target, open, or a typed error (404 = the pod is gone). */
  private async open(target: ForwardTarget, input: Readable, output: Writable, errors: Writable): Promise<PodStream> {
    const { api, namespace, upgradeTimeoutMs } = this.settings;
    const what = { verb: 'create', resource: 'pods/portforward', namespace, name: target.pod } as const;
    const opening = api.portForward.portForward(
      namespace,
      target.pod,
      [target.port],
      output,
      errors,
      input,
    ) as Promise<unknown> as Promise<PodStream>;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        // Too slow: give up, and close the stream if it opens after all.
        opening.then(
          (s) => s.close(),
          () => undefined,
        );
        reject(
          new FlinkKubernetesError(
            `the port-forward to pod ${namespace}/${target.pod} did not open within ${upgradeTimeoutMs} ms (API server ${api.server}).`,
            { reason: 'unreachable' },
          ),
        );
      }, upgradeTimeoutMs);
    });
    try {
      return await Promise.race([opening, timeout]);
    } catch (error) {
      if (error instanceof FlinkKubernetesError) throw error;
      const status = statusOf(error);
      if (status === 404) {
        throw new FlinkKubernetesError(`pod ${namespace}/${target.pod} is gone (HTTP 404 on port-forward); looking for another.`, {
          reason: 'no-ready-pod',
          status,
          cause: error,
        });
      }
      if (status === 403) {
        throw new FlinkKubernetesError(
          `Kubernetes RBAC forbids the port-forward to pod ${namespace}/${target.pod} (HTTP 403, context ${api.context}). ` +
            `Grant verb create on pods/portforward in namespace ${namespace} (Kubernetes 1.35 and later check create; older versions get) ` +
            'to your user or service account, e.g. in a Role bound with a RoleBinding.',
          { reason: 'forbidden', status, cause: error },
        );
      }
      throw toKubeError(error, api, what);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Failures that a later attempt may not hit: the pod is being replaced, the API server blinked. */
function retryable(error: unknown): boolean {
  return error instanceof FlinkKubernetesError && (error.reason === 'no-ready-pod' || error.reason === 'unreachable');
}

/**
 * Tells the HTTP client on the local socket why nothing answers: 503 while no pod is Ready (a
 * retry may succeed), 502 otherwise; the JSON body has Flink's error shape, so FlinkClient shows
 * the text. A socket that already got bytes from the pod is just closed.
 */
function answerError(socket: Socket, error: unknown): void {
  if (socket.destroyed) return;
  const message = error instanceof Error ? error.message : String(error);
  const noPod = error instanceof FlinkKubernetesError && error.reason === 'no-ready-pod';
  const body = JSON.stringify({ errors: [`flink-kit port-forward: ${scrub(message)}`] });
  socket.resume(); // drain the request, so closing sends FIN rather than RST
  socket.end(
    `HTTP/1.1 ${noPod ? '503 Service Unavailable' : '502 Bad Gateway'}\r\ncontent-type: application/json\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}
