import type { FlinkClient } from '../index.js';
import type { KubernetesConnectOptions } from '../kube/index.js';

/** The global connection flags. */
export interface ConnectFlags {
  /** `--url`. */
  url?: string | undefined;
  /** `--k8s`: find the JobManager on Kubernetes and port-forward to it. */
  k8s?: boolean | undefined;
  /** `--namespace`, `--service`, `--context`, `--kubeconfig`, `--port` (with `--k8s`). */
  namespace?: string | undefined;
  service?: string | undefined;
  context?: string | undefined;
  kubeconfig?: string | undefined;
  port?: string | undefined;
}

/** Where the URL came from, for error hints. */
export type UrlSource = '--url' | 'FLINK_URL' | 'local cluster' | 'default' | 'kubernetes';

/** A client for the command, and how to let go of it. */
export interface Connection {
  readonly flink: FlinkClient;
  readonly url: string;
  readonly source: UrlSource;
  /** With `--k8s`: `<namespace>/<service> port <port>, pod <pod>`, for error hints. */
  readonly where?: string;
  /** Closes the client (and, with --k8s, the port-forward). */
  close(): Promise<void>;
}

/**
 * The one place where commands get their client: `--k8s` (through `connectKubernetes()` of
 * `flink-kit/kube`, loaded only then; `close()` ends its port-forward), else `--url`, else
 * `FLINK_URL`, else the local cluster of `flink-kit local up`, else http://127.0.0.1:8081.
 */
export async function connect(flags: ConnectFlags): Promise<Connection> {
  if (flags.k8s) return connectK8s(kubeOptions(flags));
  let url = flags.url;
  let source: UrlSource = '--url';
  if (!url && process.env['FLINK_URL']) {
    url = process.env['FLINK_URL'];
    source = 'FLINK_URL';
  }
  if (!url) {
    const { findDetachedCluster } = await import('../local/index.js');
    const local = findDetachedCluster();
    if (local?.running) {
      url = local.url;
      source = 'local cluster';
    }
  }
  const { DEFAULTS, FlinkClient } = await import('../index.js');
  if (!url) {
    url = DEFAULTS.url;
    source = 'default';
  }
  const flink = new FlinkClient({ url });
  return { flink, url: flink.url, source, close: () => flink.close() };
}

/** `--namespace` & co. as `connectKubernetes` options; a numeric `--port` is a port number, else a port name. */
export function kubeOptions(flags: ConnectFlags): KubernetesConnectOptions {
  const options: KubernetesConnectOptions = {};
  if (flags.namespace !== undefined) options.namespace = flags.namespace;
  if (flags.service !== undefined) options.service = flags.service;
  if (flags.context !== undefined) options.context = flags.context;
  if (flags.kubeconfig !== undefined) options.kubeconfig = flags.kubeconfig;
  if (flags.port !== undefined) options.port = /^\d+$/.test(flags.port) ? Number(flags.port) : flags.port;
  return options;
}

async function connectK8s(options: KubernetesConnectOptions): Promise<Connection> {
  const { connectKubernetes } = await import('../kube/index.js');
  const conn = await connectKubernetes(options);
  const { service } = conn;
  return {
    flink: conn.client,
    url: conn.url,
    source: 'kubernetes',
    get where() {
      return `Service ${service.namespace}/${service.name} port ${service.port}${conn.pod ? `, pod ${conn.pod}` : ''} (context ${conn.context})`;
    },
    close: () => conn.close(),
  };
}

/** What to add to a connection error, given where the URL came from. */
export function connectionHint(connection: Connection): string | undefined {
  const { source } = connection;
  if (source === 'default')
    return 'No --url or FLINK_URL was given and no local cluster runs: pass --url http://<jobmanager>:8081, or start one with `flink-kit local up`.';
  if (source === 'local cluster') return 'The local cluster of `flink-kit local up` does not answer: see `flink-kit local status`.';
  if (source === 'kubernetes')
    return `Reached through a port-forward to ${connection.where}: check that the JobManager runs (kubectl logs) and that its REST port is this one (--port).`;
  return undefined;
}
