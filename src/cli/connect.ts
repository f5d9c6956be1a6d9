import type { FlinkClient } from '../client.js';
import { DEFAULTS } from '../options.js';

/** The global connection flags. */
export interface ConnectFlags {
  /** `--url`. */
  url?: string | undefined;
}

/** Where the URL came from, for error hints. */
export type UrlSource = '--url' | 'FLINK_URL' | 'local cluster' | 'default';

/** A client for the command, and how to let go of it. */
export interface Connection {
  readonly flink: FlinkClient;
  readonly url: string;
  readonly source: UrlSource;
  /** Closes the client (and, with --k8s, the port-forward). */
  close(): Promise<void>;
}

/**
 * The one place where commands get their client: `--url`, else `FLINK_URL`, else the local cluster of
 * `flink-kit local up`, else http://127.0.0.1:8081. (`--k8s` will plug in here through
 * `connectKubernetes()` of `flink-kit/kube`, closing its port-forward in `close()`.)
 */
export async function connect(flags: ConnectFlags): Promise<Connection> {
  let url = flags.url;
  let source: UrlSource = '--url';
  if (!url && process.env['FLINK_URL']) {
    url = process.env['FLINK_URL'];
    source = 'FLINK_URL';
  }
  if (!url) {
    const { findDetachedCluster } = await import('../local/detached.js');
    const local = findDetachedCluster();
    if (local?.running) {
      url = local.url;
      source = 'local cluster';
    }
  }
  if (!url) {
    url = DEFAULTS.url;
    source = 'default';
  }
  const { FlinkClient } = await import('../client.js');
  const flink = new FlinkClient({ url });
  return { flink, url: flink.url, source, close: () => flink.close() };
}

/** What to add to a connection error, given where the URL came from. */
export function connectionHint(source: UrlSource): string | undefined {
  if (source === 'default')
    return 'No --url or FLINK_URL was given and no local cluster runs: pass --url http://<jobmanager>:8081, or start one with `flink-kit local up`.';
  if (source === 'local cluster') return 'The local cluster of `flink-kit local up` does not answer: see `flink-kit local status`.';
  return undefined;
}
