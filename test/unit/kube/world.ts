/**
 * A fake Kubernetes API with a fake Flink REST server behind its port-forwards, for the kube unit
 * tests: the three layouts, kubeconfigs in temp dirs, cleanup after each test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import type { KubernetesConnection, KubernetesConnectOptions } from '../../../src/kube/connect.js';
import { connect } from '../../../src/kube/connect.js';
import type { KubeEnvironment } from '../../../src/kube/kubeconfig.js';
import type { FlinkPod } from '../../../src/kube/problems.js';
import { overview, taskManagers } from '../../fakes/flink-replies.js';
import { type FakeKubeApi, type FakePod, type FakeService, startFakeKubeApi } from '../../fakes/kube-api.js';
import { type LocalServer, startHttp } from '../../fakes/local-servers.js';

export const TOKEN = 'test-token-s3cr3t';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Runs `fn` after the current test. */
export function later(fn: () => Promise<void> | void): void {
  cleanups.push(fn);
}

/** A temp dir removed after the test. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'flink-kit-kube-'));
  later(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** An environment with nothing in it: no KUBECONFIG, an empty home, not in a pod. */
export function emptyEnvironment(env: Record<string, string> = {}): KubeEnvironment {
  return { env, home: tempDir(), inClusterPrefix: tempDir() };
}

/** A fake Flink REST server answering /v1/overview, /v1/taskmanagers and /v1/config. */
export async function fakeFlink(options: { delayMs?: number; taskManagers?: Record<string, unknown>[] } = {}): Promise<LocalServer> {
  const server = await startHttp((req, res) => {
    const reply = (body: unknown) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const answer = () => {
      if (req.url === '/v1/overview') {
        const count = options.taskManagers?.length ?? 2;
        return reply(overview({ taskmanagers: count, 'slots-total': 2 * count, 'slots-available': 2 * count }));
      }
      if (req.url === '/v1/taskmanagers') return reply(options.taskManagers ? { taskmanagers: options.taskManagers } : taskManagers(2, 2));
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: ['Not found: ' + req.url] }));
    };
    if (options.delayMs) setTimeout(answer, options.delayMs);
    else answer();
  });
  later(() => server.close());
  return server;
}

/** The Flink docs' standalone Service: rpc 6123, blob-server 6124, webui 8081. */
export function standaloneService(): FakeService {
  return {
    name: 'flink-jobmanager',
    selector: { app: 'flink', component: 'jobmanager' },
    ports: [
      { name: 'rpc', port: 6123 },
      { name: 'blob-server', port: 6124 },
      { name: 'webui', port: 8081 },
    ],
  };
}

/** A JobManager pod of the standalone layout, forwarding to `flinkPort`. */
export function jobManagerPod(name: string, flinkPort: number, more: Partial<FakePod> = {}): FakePod {
  return {
    name,
    labels: { app: 'flink', component: 'jobmanager' },
    ports: [
      { name: 'rpc', containerPort: 6123 },
      { name: 'blob-server', containerPort: 6124 },
      { name: 'webui', containerPort: 8081 },
    ],
    forward: { kind: 'relay', to: flinkPort },
    ...more,
  };
}

/** The fake API server, closed after the test, and a kubeconfig for it. */
export async function fakeKube(): Promise<{ kube: FakeKubeApi; kubeconfig: string }> {
  const kube = await startFakeKubeApi();
  later(() => kube.close());
  return { kube, kubeconfig: kube.kubeconfig(tempDir(), { token: TOKEN }) };
}

/** A namespace `flink` with the standalone layout and one Ready JobManager pod in front of a fake Flink. */
export async function standaloneWorld(): Promise<{ kube: FakeKubeApi; kubeconfig: string; flink: LocalServer }> {
  const { kube, kubeconfig } = await fakeKube();
  const flink = await fakeFlink();
  kube.namespaces.set('flink', { services: [standaloneService()], pods: [jobManagerPod('flink-jobmanager-7d9f-abcde', flink.port)] });
  return { kube, kubeconfig, flink };
}

/** connect() with an empty environment, closed after the test. */
export async function connectTo(options: KubernetesConnectOptions, environment = emptyEnvironment()): Promise<KubernetesConnection> {
  const conn = await connect(options, environment);
  later(() => conn.close());
  return conn;
}

/** A pod as describe reports it: Running and Ready on node-1, no restarts; `more` changes it. */
export function flinkPod(name: string, more: Partial<FlinkPod> = {}): FlinkPod {
  return {
    name,
    phase: 'Running',
    ready: true,
    readySince: undefined,
    terminating: false,
    node: 'node-1',
    restarts: 0,
    reason: undefined,
    ip: undefined,
    registered: undefined,
    ...more,
  };
}
