/**
 * A real Kubernetes control plane on 127.0.0.1 for the end-to-end tier: etcd, kube-apiserver,
 * kube-controller-manager (Deployments, EndpointSlices), kube-scheduler and kwok (a simulated node
 * whose "kubelet" serves pods/portforward). Binaries come from build.sh (Go module proxy, cached by
 * version). Every port is picked free; stop() kills what it started and removes its state.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Agent, fetch } from 'undici';
import { poll } from '../../src/core/poll.ts';
import { certificate } from '../fakes/certificates.ts';
import { pidsMentioning } from '../fakes/processes.ts';

const HERE = new URL('.', import.meta.url).pathname;

/** Builds (or finds cached) binaries; returns their folder. Cold: minutes; cached: instant. */
export function buildKubeLab(): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [join(HERE, 'build.sh')], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(out.trim()) : reject(new Error(`test/kube-lab/build.sh failed (exit ${code}); see its output above`)),
    );
  });
}

/** A running lab. */
export interface KubeLab {
  /** Admin kubeconfig (system:masters token, CA). */
  kubeconfig: string;
  /** `https://127.0.0.1:<port>` */
  server: string;
  /** CA of the API server's certificate (PEM). */
  ca: string;
  /** Port of kwok's kubelet API: the API server proxies every port-forward stream to it. */
  kwokPort: number;
  /** State folder (pki, etcd data, logs); its path is in every process's command line. */
  runDir: string;
  /** Writes a kubeconfig for this API server with the given bearer token (and CA unless `trust: false`). */
  kubeconfigWith(token: string, options?: { trust?: boolean; name?: string }): string;
  /** PIDs of processes whose command line mentions the run folder (empty once stopped). */
  processes(): number[];
  /** Stops every process (SIGTERM, then SIGKILL) and deletes the state. Safe to call twice. */
  stop(): Promise<void>;
}

/** Options of {@link startKubeLab}. */
export interface KubeLabOptions {
  bin: string;
  /** Extra kwok configuration documents (YAML), e.g. ClusterPortForward rules. */
  kwokConfig?: string;
  log?: (line: string) => void;
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** Starts the lab and waits until a fake node is Ready. */
export async function startKubeLab(options: KubeLabOptions): Promise<KubeLab> {
  const log = options.log ?? (() => {});
  const started = performance.now();
  const runDir = mkdtempSync(join(tmpdir(), 'flink-kit-kube-lab-'));
  const pki = join(runDir, 'pki');
  const logs = join(runDir, 'logs');
  mkdirSync(pki);
  mkdirSync(logs);
  const children: ChildProcess[] = [];
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      for (const child of [...children].reverse()) await kill(child);
      rmSync(runDir, { recursive: true, force: true });
    })();
    return stopped;
  };
  try {
    const authority = certificate({ subject: '/CN=flink-kit-kube-lab-ca' });
    const serving = certificate({
      subject: '/CN=kube-lab',
      altNames: ['IP:127.0.0.1', 'DNS:localhost', 'DNS:kubernetes.default.svc', 'IP:10.96.0.1'],
      issuer: authority,
    });
    writeFileSync(join(pki, 'ca.crt'), authority.cert);
    writeFileSync(join(pki, 'serving.crt'), serving.cert);
    writeFileSync(join(pki, 'serving.key'), serving.key);
    const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: pki, stdio: 'ignore' });
    ssl('genrsa', '-out', 'sa.key', '2048');
    ssl('rsa', '-in', 'sa.key', '-pubout', '-out', 'sa.pub');
    const token = execFileSync('openssl', ['rand', '-hex', '16'], { encoding: 'utf8' }).trim();
    writeFileSync(join(pki, 'tokens.csv'), `${token},admin,admin,system:masters\n`);
    const ca = authority.cert;

    const [apiPort, etcdPort, etcdPeer, etcdMetrics, kwokPort] = (await freePorts(5)) as [number, number, number, number, number];
    const server = `https://127.0.0.1:${apiPort}`;
    const kubeconfigWith = (bearer: string, o: { trust?: boolean; name?: string } = {}) => {
      const file = join(runDir, `kubeconfig-${o.name ?? 'admin'}`);
      const cluster =
        o.trust === false ? `{server: "${server}"}` : `{server: "${server}", certificate-authority: "${join(pki, 'ca.crt')}"}`;
      writeFileSync(
        file,
        [
          'apiVersion: v1',
          'kind: Config',
          `clusters: [{name: kube-lab, cluster: ${cluster}}]`,
          `users: [{name: ${o.name ?? 'admin'}, user: {token: "${bearer}"}}]`,
          `contexts: [{name: kube-lab, context: {cluster: kube-lab, user: ${o.name ?? 'admin'}}}]`,
          'current-context: kube-lab',
        ].join('\n'),
      );
      return file;
    };
    const kubeconfig = kubeconfigWith(token);

    const start = (name: string, args: string[]) => {
      const out = openSync(join(logs, `${name}.log`), 'a');
      const child = spawn(join(options.bin, name), args, { stdio: ['ignore', out, out] });
      closeSync(out);
      live.add(child);
      child.once('exit', () => live.delete(child));
      children.push(child);
      return child;
    };
    const etcd = (p: number) => `http://127.0.0.1:${p}`;
    start('etcd', [
      '--data-dir',
      join(runDir, 'etcd'),
      '--unsafe-no-fsync',
      '--listen-client-urls',
      etcd(etcdPort),
      '--advertise-client-urls',
      etcd(etcdPort),
      '--listen-peer-urls',
      etcd(etcdPeer),
      '--initial-advertise-peer-urls',
      etcd(etcdPeer),
      '--initial-cluster',
      `default=${etcd(etcdPeer)}`,
      '--listen-metrics-urls',
      etcd(etcdMetrics),
    ]);
    start('kube-apiserver', [
      '--etcd-servers',
      etcd(etcdPort),
      '--bind-address',
      '127.0.0.1',
      '--secure-port',
      String(apiPort),
      '--tls-cert-file',
      join(pki, 'serving.crt'),
      '--tls-private-key-file',
      join(pki, 'serving.key'),
      '--client-ca-file',
      join(pki, 'ca.crt'),
      '--token-auth-file',
      join(pki, 'tokens.csv'),
      '--authorization-mode',
      'Node,RBAC',
      '--service-account-key-file',
      join(pki, 'sa.pub'),
      '--service-account-signing-key-file',
      join(pki, 'sa.key'),
      '--service-account-issuer',
      'https://kubernetes.default.svc',
      '--service-cluster-ip-range',
      '10.96.0.0/16',
      '--kubelet-preferred-address-types',
      'InternalIP',
    ]);
    const agent = new Agent({ connect: { ca } });
    const api = (path: string, init: { method?: string; body?: unknown } = {}) =>
      fetch(`${server}${path}`, {
        method: init.method ?? 'GET',
        dispatcher: agent,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      });
    await waitFor(
      'the API server to be ready',
      120_000,
      children,
      logs,
      async () => (await api('/readyz').catch(() => undefined))?.ok === true,
    );
    log(`kube-apiserver ready after ${Math.round(performance.now() - started)} ms`);

    start('kube-controller-manager', [
      '--kubeconfig',
      kubeconfig,
      '--bind-address',
      '127.0.0.1',
      '--secure-port',
      '0',
      '--leader-elect=false',
      '--service-account-private-key-file',
      join(pki, 'sa.key'),
      '--root-ca-file',
      join(pki, 'ca.crt'),
      // Only what the tests use (nodelifecycle lifts the new node's not-ready taint): less CPU on a shared machine.
      '--controllers',
      'deployment,replicaset,endpointslice,serviceaccount,serviceaccount-token,garbagecollector,namespace,nodelifecycle',
    ]);
    start('kube-scheduler', ['--kubeconfig', kubeconfig, '--bind-address', '127.0.0.1', '--secure-port', '0', '--leader-elect=false']);
    const kwokConfig = join(runDir, 'kwok.yaml');
    writeFileSync(kwokConfig, `${readFileSync(join(options.bin, 'kwok-stages.yaml'), 'utf8')}\n---\n${options.kwokConfig ?? ''}`);
    start('kwok', [
      '--kubeconfig',
      kubeconfig,
      '--config',
      kwokConfig,
      '--manage-all-nodes=false',
      '--manage-nodes-with-annotation-selector',
      'kwok.x-k8s.io/node=fake',
      '--node-ip',
      '127.0.0.1',
      '--node-port',
      String(kwokPort),
      '--server-address',
      `127.0.0.1:${kwokPort}`,
      '--tls-cert-file',
      join(pki, 'serving.crt'),
      '--tls-private-key-file',
      join(pki, 'serving.key'),
      '--node-lease-duration-seconds',
      '40',
    ]);
    const node = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: 'kwok-node-0',
        annotations: { 'kwok.x-k8s.io/node': 'fake' },
        labels: { 'kubernetes.io/hostname': 'kwok-node-0', 'kubernetes.io/os': 'linux', type: 'kwok' },
      },
    };
    const created = await api('/api/v1/nodes', { method: 'POST', body: node });
    if (!created.ok) throw new Error(`creating the fake node failed: HTTP ${created.status} ${await created.text()}`);
    await waitFor('the kwok node to be Ready', 60_000, children, logs, async () => {
      const res = await api('/api/v1/nodes/kwok-node-0').catch(() => undefined);
      const body = res?.ok ? ((await res.json()) as { status?: { conditions?: Array<{ type: string; status: string }> } }) : undefined;
      return body?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
    });
    await agent.close();
    log(`Kubernetes lab up after ${Math.round(performance.now() - started)} ms (API server ${server})`);
    return { kubeconfig, server, ca, kwokPort, runDir, kubeconfigWith, processes: () => pidsMentioning(runDir), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Waits until `ok()`, failing early when one of `children` exited; `logs` is where to look then. */
async function waitFor(what: string, timeoutMs: number, children: ChildProcess[], logs: string, ok: () => Promise<boolean>): Promise<void> {
  await poll(
    async () => {
      if (await ok()) return { done: true, value: undefined };
      const dead = children.find((c) => c.exitCode !== null || c.signalCode !== null);
      if (dead) throw new Error(`${dead.spawnfile} exited (${dead.exitCode ?? dead.signalCode}) while waiting for ${what}; see ${logs}`);
      return { done: false };
    },
    { what: `${what} (logs in ${logs})`, waitTimeoutMs: timeoutMs, minDelayMs: 200, maxDelayMs: 200 },
  );
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** Established TCP connections to 127.0.0.1:`port` on this machine (from `ss`). */
export function connectionsTo(port: number): number {
  const out = execFileSync('ss', ['-Htn', 'state', 'established', `( dport = :${port} )`], { encoding: 'utf8' });
  return out.split('\n').filter((line) => line.trim()).length;
}

async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((ok, fail) => {
          const s = createServer();
          s.once('error', fail);
          s.listen(0, '127.0.0.1', () => ok(s));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

/** The standard manifests shipped as fixtures (test/kube-lab/manifests/<name>). */
export function manifest(name: string): string {
  return readFileSync(resolve(HERE, 'manifests', name), 'utf8');
}
