import { FlinkClient } from '../client.js';
import { FlinkInputError } from '../errors/flink-error.js';
import type { ClientOptions } from '../options.js';
import { type KubeApi, makeApi } from './api.js';
import { loadClientNode } from './client-node.js';
import { type KubeEnvironment, type LoadedConfig, loadKubeConfig, processEnvironment } from './kubeconfig.js';
import { readyTarget } from './pods.js';
import { PortForwardServer } from './port-forward.js';
import { findService, type KubernetesService, type ResolvedService } from './service.js';

/** How the client reaches the JobManager. */
export type KubernetesMode = 'auto' | 'port-forward' | 'direct';

/**
 * Options of {@link connectKubernetes}: where Flink runs and how to reach it, plus any
 * {@link ClientOptions} (except `url`) for the {@link FlinkClient} it creates.
 */
export interface KubernetesConnectOptions extends Omit<ClientOptions, 'url'> {
  /** Namespace of the Flink cluster. @default the context's namespace, else `default` */
  namespace?: string;
  /** JobManager REST Service. Default: the one `<cluster-id>-rest` Service (native, operator), else `flink-jobmanager` (standalone). */
  service?: string;
  /** Service port, by number or name. Default: named `rest`, `webui`, `ui` or `http`, else 8081, else the only port. */
  port?: number | string;
  /** kubeconfig context. @default the kubeconfig's current context */
  context?: string;
  /** Path of a kubeconfig file. @default `$KUBECONFIG`, then `~/.kube/config`, then the pod's service account */
  kubeconfig?: string;
  /**
   * `port-forward`: a local listener forwarding to a Ready JobManager pod. `direct`: the Service's
   * cluster DNS name (from inside the cluster). `auto`: `direct` when the configuration is the
   * pod's own service account, else `port-forward`.
   * @default 'auto'
   */
  mode?: KubernetesMode;
  /** Local port of the forward, on 127.0.0.1. @default 0 (any free port) */
  localPort?: number;
  /** How long a new connection waits for a Ready JobManager pod (e.g. while it is replaced), in milliseconds. @default 30000 */
  reconnectTimeoutMs?: number;
  /** Interval of keepalive pings on open forward streams, in milliseconds. @default 30000 */
  keepAliveMs?: number;
}

/** A connection to Flink on Kubernetes. Close it (or `await using`) to stop the forward. */
export interface KubernetesConnection extends AsyncDisposable {
  /** `http://127.0.0.1:<port>` (port-forward) or `http://<service>.<namespace>.svc:<port>` (direct). */
  readonly url: string;
  /** A {@link FlinkClient} on `url`. */
  readonly client: FlinkClient;
  /** The mode in use (never `auto`). */
  readonly mode: 'port-forward' | 'direct';
  /** The kubeconfig context in use. */
  readonly context: string;
  /** The Service and port found. */
  readonly service: KubernetesService;
  /** The JobManager pod behind the forward, updated when it is replaced; `undefined` in direct mode. */
  readonly pod: string | undefined;
  /** Closes the client and the forward (listener, sockets, streams). Safe to call twice. */
  close(): Promise<void>;
}

/** What connecting needs once the kubeconfig is loaded (shared with describe). */
export interface KubeSession {
  config: LoadedConfig;
  api: KubeApi;
  service: ResolvedService;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Checks the options, loads the kubeconfig and finds the Service. */
export async function openSession(options: KubernetesConnectOptions, environment: KubeEnvironment): Promise<KubeSession> {
  checkName('namespace', options.namespace);
  checkName('service', options.service);
  if (options.port !== undefined && typeof options.port !== 'string' && !validPort(options.port, 1)) {
    throw new FlinkInputError(`port must be a port name or a number from 1 to 65535, got ${options.port}`);
  }
  const k8s = await loadClientNode();
  const config = loadKubeConfig(k8s, options, environment);
  const api = makeApi(k8s, config.kc, config.context);
  const service = await findService(api, config.namespace, options.service, options.port);
  return { config, api, service };
}

/**
 * Connects to the Flink JobManager of a Kubernetes namespace (see {@link connectKubernetes}).
 * `environment` is where the kubeconfig is looked for (tests pass their own).
 */
export async function connect(
  options: KubernetesConnectOptions = {},
  environment: KubeEnvironment = processEnvironment(),
): Promise<KubernetesConnection> {
  const mode = options.mode ?? 'auto';
  if (!['auto', 'port-forward', 'direct'].includes(mode)) {
    throw new FlinkInputError(`mode must be 'auto', 'port-forward' or 'direct', got ${JSON.stringify(mode)}`);
  }
  const localPort = options.localPort ?? 0;
  if (!validPort(localPort, 0)) throw new FlinkInputError(`localPort must be 0 (any free port) or 1-65535, got ${localPort}`);
  for (const key of ['reconnectTimeoutMs', 'keepAliveMs'] as const) {
    const value = options[key];
    if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
      throw new FlinkInputError(`${key} must be a positive number of milliseconds, got ${value}`);
    }
  }
  return connectSession(await openSession(options, environment), options);
}

/** Connects through an open session: direct or port-forward as `options.mode` says. */
export function connectSession(session: KubeSession, options: KubernetesConnectOptions): Promise<KubernetesConnection> {
  const mode = options.mode ?? 'auto';
  const useDirect = mode === 'direct' || (mode === 'auto' && session.config.inCluster);
  return useDirect ? Promise.resolve(directConnection(session, options)) : forwardConnection(session, options, options.localPort ?? 0);
}

function clientOptions(options: KubernetesConnectOptions, url: string): ClientOptions {
  const {
    namespace: _n,
    service: _s,
    port: _p,
    context: _c,
    kubeconfig: _k,
    mode: _m,
    localPort: _l,
    reconnectTimeoutMs: _r,
    keepAliveMs: _a,
    ...rest
  } = options;
  return { ...rest, url };
}

function directConnection(session: KubeSession, options: KubernetesConnectOptions): KubernetesConnection {
  const { service, config } = session;
  // <svc>.<ns>.svc resolves through the pod's DNS search list, whatever the cluster domain is.
  const url = `http://${service.name}.${service.namespace}.svc:${service.port}`;
  const client = new FlinkClient(clientOptions(options, url));
  return connection({ url, client, mode: 'direct', context: config.context, service: publicService(service), pod: () => undefined }, () =>
    client.close(),
  );
}

async function forwardConnection(
  session: KubeSession,
  options: KubernetesConnectOptions,
  localPort: number,
): Promise<KubernetesConnection> {
  const { api, service, config } = session;
  const resolve = (previous: string | undefined) => readyTarget(api, service, previous);
  const first = await resolve(undefined); // no Ready pod: fail now, not at the first request
  const forward = await PortForwardServer.start(
    {
      api,
      namespace: service.namespace,
      resolve,
      localPort,
      reconnectTimeoutMs: options.reconnectTimeoutMs ?? 30_000,
      keepAliveMs: options.keepAliveMs ?? 30_000,
      upgradeTimeoutMs: Math.min(options.timeoutMs ?? 30_000, 30_000),
    },
    first.pod,
  );
  try {
    await forward.probe(first);
  } catch (error) {
    await forward.close();
    throw error;
  }
  const url = `http://127.0.0.1:${forward.port}`;
  const client = new FlinkClient(clientOptions(options, url));
  return connection(
    { url, client, mode: 'port-forward', context: config.context, service: publicService(service), pod: () => forward.pod },
    async () => {
      await client.close();
      await forward.close();
    },
  );
}

function connection(
  parts: Omit<KubernetesConnection, 'pod' | 'close' | typeof Symbol.asyncDispose> & { pod: () => string | undefined },
  stop: () => Promise<void>,
): KubernetesConnection {
  let closed: Promise<void> | undefined;
  const { pod, ...fields } = parts;
  const conn: KubernetesConnection = {
    ...fields,
    get pod() {
      return pod();
    },
    close() {
      closed ??= stop();
      return closed;
    },
    [Symbol.asyncDispose]() {
      return conn.close();
    },
  };
  return conn;
}

function publicService(service: ResolvedService): KubernetesService {
  const { selector: _selector, ...rest } = service;
  return rest;
}

function checkName(what: string, value: string | undefined): void {
  if (value !== undefined && !DNS_LABEL.test(value)) {
    throw new FlinkInputError(
      `${what} ${JSON.stringify(value)} is not a valid Kubernetes name: lower-case letters, digits and '-', at most 63 characters.`,
    );
  }
}

function validPort(value: number, min: number): boolean {
  return Number.isInteger(value) && value >= min && value <= 65535;
}
