/**
 * End-to-end: flink-kit/kube against a real kube-apiserver (+ etcd, controller-manager, scheduler)
 * with kwok simulating the node, its pods and their port-forwards. kwok sends port 8081 of every
 * pod to a relay in front of a real local Flink, so requests through the forward reach real Flink.
 */
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, rmSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { promisify } from 'node:util';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { poll } from '../../src/core/poll.ts';
import { FlinkKubernetesError } from '../../src/errors/kube-errors.ts';
import { connectKubernetes, describeFlinkOnKubernetes, type KubernetesConnection } from '../../src/kube/index.ts';
import type { LocalCluster } from '../../src/local/index.ts';
import { caught } from '../fakes/caught.ts';
import { canConnect } from '../fakes/local-servers.ts';
import { pidsMentioning } from '../fakes/processes.ts';
import { buildKubeLab, connectionsTo, type KubeLab, manifest, startKubeLab } from '../kube-lab/lab.ts';
import { type Relay, startRelay } from '../kube-lab/relay.ts';
import { kubeCliTests, readyFor } from './kube-cli.ts';
import { continuousWordCountArgs, FLINK_VERSION, startTestCluster, wordInputDir } from './support.ts';

const NAMESPACES = ['flink', 'operator', 'named'];
const STANDALONE = [
  'standalone/flink-configuration-configmap.yaml',
  'standalone/jobmanager-service.yaml',
  'standalone/jobmanager-session-deployment-non-ha.yaml',
  'standalone/taskmanager-session-deployment.yaml',
];

describe(`flink-kit/kube on a real kube-apiserver with kwok, in front of real Flink ${FLINK_VERSION}`, () => {
  let flink: LocalCluster;
  let relay: Relay;
  let lab: KubeLab;
  let kubeconfig: string;
  let core: k8s.CoreV1Api;
  let apps: k8s.AppsV1Api;
  let wordCountJar: string;
  const figures: string[] = [];

  beforeAll(async () => {
    const bin = await buildKubeLab(); // no-op when cached; scripts/test.sh builds it once per run
    flink = await startTestCluster();
    wordCountJar = await flink.exampleJar('WordCount');
    relay = await startRelay(Number(new URL(flink.url).port));
    lab = await startKubeLab({
      bin,
      log: (line) => console.log(`[kube-lab] ${line}`),
      kwokConfig: [
        'apiVersion: kwok.x-k8s.io/v1alpha1',
        'kind: ClusterPortForward',
        'metadata: {name: flink-rest}',
        'spec:',
        `  selector: {matchNamespaces: [${NAMESPACES.join(', ')}]}`,
        `  forwards: [{ports: [8081], target: {address: 127.0.0.1, port: ${relay.port}}}]`,
      ].join('\n'),
    });
    kubeconfig = lab.kubeconfig;
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(kubeconfig);
    core = kc.makeApiClient(k8s.CoreV1Api);
    apps = kc.makeApiClient(k8s.AppsV1Api);
    const objects = k8s.KubernetesObjectApi.makeApiClient(kc);
    const apply = async (namespace: string, yaml: string) => {
      for (const spec of k8s.loadAllYaml(yaml) as k8s.KubernetesObject[]) {
        await objects.create({ ...spec, metadata: { ...spec.metadata, namespace } });
      }
    };
    for (const name of NAMESPACES) await core.createNamespace({ body: { metadata: { name } } });
    // The standard standalone manifests, unmodified (kubectl -n flink apply -f ...).
    for (const file of STANDALONE) await apply('flink', manifest(file));
    await apply('operator', manifest('operator.yaml'));
    await apply('named', manifest('named-port.yaml'));
    await Promise.all([
      readyEndpoints('flink', 'flink-jobmanager'),
      readyEndpoints('operator', 'basic-rest'),
      readyEndpoints('named', 'flink-ui'),
    ]);
  }, 20 * 60_000);

  afterAll(async () => {
    console.log(`figures (shared 2-core machine, indicative only):\n  ${figures.join('\n  ')}`);
    const runDir = lab?.runDir;
    await lab?.stop();
    await relay?.close();
    await flink?.stop();
    if (runDir) expect(pidsMentioning(runDir)).toEqual([]); // nothing of the lab is left running
  });

  /** Waits until a Service's EndpointSlices list a ready pod (Deployment -> pod -> Ready -> slice). */
  function readyEndpoints(namespace: string, service: string): Promise<void> {
    const discovery = (() => {
      const kc = new k8s.KubeConfig();
      kc.loadFromFile(kubeconfig);
      return kc.makeApiClient(k8s.DiscoveryV1Api);
    })();
    return poll(
      async () => {
        const slices = await discovery.listNamespacedEndpointSlice({ namespace, labelSelector: `kubernetes.io/service-name=${service}` });
        const ready = slices.items.flatMap((s) => s.endpoints ?? []).some((e) => e.conditions?.ready && !e.conditions.terminating);
        return ready ? { done: true, value: undefined } : { done: false, seen: `${slices.items.length} slices` };
      },
      { what: `a ready endpoint of ${namespace}/${service}`, waitTimeoutMs: 60_000 },
    );
  }

  async function scale(namespace: string, name: string, replicas: number): Promise<void> {
    const current = await apps.readNamespacedDeploymentScale({ name, namespace });
    await apps.replaceNamespacedDeploymentScale({ name, namespace, body: { ...current, spec: { replicas } } });
  }

  async function podsOf(namespace: string, selector: string): Promise<k8s.V1Pod[]> {
    return (await core.listNamespacedPod({ namespace, labelSelector: selector })).items;
  }

  it('standalone manifests: discovers flink-jobmanager and submits WordCount at parallelism 2 through the forward (jar upload included)', async () => {
    const started = performance.now();
    await using conn = await connectKubernetes({ kubeconfig, namespace: 'flink' });
    const overview = await conn.client.cluster.overview();
    figures.push(`connect (discover + probe) and first overview: ${Math.round(performance.now() - started)} ms`);
    expect(overview.taskManagers).toBe(2);
    expect(conn.mode).toBe('port-forward');
    expect(conn.service).toEqual({ name: 'flink-jobmanager', namespace: 'flink', port: 8081, portName: 'webui', targetPort: 8081 });
    expect(conn.pod).toMatch(/^flink-jobmanager-[a-z0-9]+-[a-z0-9]+$/);

    const { jobId, jarId, job } = await conn.client.submit({ jar: wordCountJar, parallelism: 2, until: 'FINISHED' });
    expect(job?.state).toBe('FINISHED');
    expect(job?.vertices.slice(1).every((v) => v.parallelism === 2)).toBe(true);
    // The jar went through the forward: Flink lists it, and the job is Flink's.
    expect((await conn.client.jars.list()).map((j) => j.id)).toContain(jarId);
    expect((await flink.client.jobs.get(jobId)).state).toBe('FINISHED');
    await conn.client.jars.delete(jarId as string);
  });

  it('measures requests per second through the forward (one keep-alive connection, and 4 in parallel)', async () => {
    await using conn = await connectKubernetes({ kubeconfig, namespace: 'flink' });
    await conn.client.cluster.overview();
    const count = 300;
    let started = performance.now();
    for (let i = 0; i < count; i++) await conn.client.cluster.overview();
    const sequential = count / ((performance.now() - started) / 1000);
    started = performance.now();
    await Promise.all(
      [0, 1, 2, 3].map(async () => {
        for (let i = 0; i < count / 4; i++) await conn.client.cluster.overview();
      }),
    );
    const parallel = count / ((performance.now() - started) / 1000);
    started = performance.now();
    for (let i = 0; i < count; i++) await flink.client.cluster.overview();
    const direct = count / ((performance.now() - started) / 1000);
    figures.push(
      `GET /overview through the forward: ${Math.round(sequential)} req/s sequential, ${Math.round(parallel)} req/s with 4 in parallel ` +
        `(straight to Flink, no forward: ${Math.round(direct)} req/s sequential)`,
    );
    expect(sequential).toBeGreaterThan(0);
  });

  it('an idle stream survives: keepalive pings are answered through the API server and kwok', async () => {
    await using conn = await connectKubernetes({ kubeconfig, namespace: 'flink', keepAliveMs: 200 });
    const socket = tcpConnect(Number(new URL(conn.url).port), '127.0.0.1');
    await once(socket, 'connect');
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // > 3 intervals: a stream without pongs would be cut by now
    const reply = new Promise<string>((resolve) => {
      let text = '';
      socket.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        if (text.includes('\r\n\r\n')) resolve(text);
      });
      socket.once('close', () => resolve(text));
    });
    socket.write('GET /v1/config HTTP/1.1\r\nhost: flink\r\n\r\n');
    expect(await reply).toMatch(/^HTTP\/1\.1 200 OK/);
    socket.destroy();
  });

  it('the JobManager pod is deleted mid-session: the same client keeps working through the replacement pod', async () => {
    const input = wordInputDir();
    try {
      await using conn = await connectKubernetes({ kubeconfig, namespace: 'flink' });
      const { jobId } = await conn.client.submit({
        jar: wordCountJar,
        parallelism: 2,
        args: continuousWordCountArgs(input),
        until: 'RUNNING',
      });
      const before = conn.pod as string;
      const deleted = performance.now();
      await core.deleteNamespacedPod({ name: before, namespace: 'flink' });
      relay.cut(); // what a kubelet does to the deleted pod's streams
      // The very next call works: it waits for the replacement pod if it must, no caller action.
      const jobs = await conn.client.jobs.list();
      figures.push(`client working again after the JobManager pod was deleted: ${Math.round(performance.now() - deleted)} ms`);
      expect(jobs.find((j) => j.id === jobId)?.state).toBe('RUNNING');
      expect(conn.pod).not.toBe(before);
      const replacement = (await podsOf('flink', 'app=flink,component=jobmanager')).find((p) => p.metadata?.name === conn.pod);
      expect(replacement?.status?.phase).toBe('Running');
      await conn.client.jobs.cancel(jobId);
      await conn.client.jobs.waitFor(jobId, { until: 'CANCELED' });
    } finally {
      rmSync(input, { recursive: true, force: true });
    }
  });

  it('operator / native layout: finds <cluster-id>-rest and its port rest', async () => {
    await using conn = await connectKubernetes({ kubeconfig, namespace: 'operator' });
    expect(conn.service).toEqual({ name: 'basic-rest', namespace: 'operator', port: 8081, portName: 'rest', targetPort: 8081 });
    expect((await conn.client.cluster.overview()).flinkVersion).toContain(FLINK_VERSION);
  });

  it('a named targetPort is mapped to the container port', async () => {
    await using conn = await connectKubernetes({ kubeconfig, namespace: 'named', service: 'flink-ui' });
    expect(conn.service).toEqual({ name: 'flink-ui', namespace: 'named', port: 80, portName: 'http', targetPort: 'flink-rest' });
    expect((await conn.client.cluster.overview()).taskManagers).toBe(2);
  });

  it('close() frees the port and leaves no socket or stream behind; the listener is on loopback only', async () => {
    const conn: KubernetesConnection = await connectKubernetes({ kubeconfig, namespace: 'flink' });
    const port = Number(new URL(conn.url).port);
    await conn.client.cluster.overview();
    const external = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
    if (external) expect(await canConnect(port, external)).toBe(false);
    expect(connectionsTo(lab.kwokPort)).toBeGreaterThan(0); // the API server proxies the stream to kwok
    await conn.close();
    expect(await canConnect(port, '127.0.0.1')).toBe(false);
    // Every stream is gone up to the "kubelet": the API server holds no connection to kwok. (kwok
    // itself keeps its side to the target open until the target closes, so the relay is no measure.)
    await poll(
      async () =>
        connectionsTo(lab.kwokPort) === 0 ? { done: true, value: undefined } : { done: false, seen: `${connectionsTo(lab.kwokPort)} open` },
      { what: 'the forward streams to close', waitTimeoutMs: 10_000 },
    );
  });

  kubeCliTests(() => ({ kubeconfig, core, flink, wordCountJar, kwokPort: lab.kwokPort, scale }));

  it('describeFlinkOnKubernetes: pods next to what Flink reports, and the mismatches', async () => {
    await scale('flink', 'flink-taskmanager', 4); // the 4 x 2-slot TaskManagers; this Flink has 2
    await poll(
      async () => {
        const ready = (await podsOf('flink', 'app=flink,component=taskmanager')).filter((p) => p.status?.phase === 'Running');
        return ready.length === 4 ? { done: true, value: undefined } : { done: false, seen: `${ready.length} running` };
      },
      { what: '4 TaskManager pods', waitTimeoutMs: 60_000 },
    );
    await readyFor(core, 'flink', 'app=flink,component=taskmanager', 300); // Ready for minutes: not "still registering"
    const report = await describeFlinkOnKubernetes({ kubeconfig, namespace: 'flink' });
    expect(report.service.name).toBe('flink-jobmanager');
    expect(report.jobManagers.filter((p) => p.ready)).toHaveLength(1);
    expect(report.taskManagers).toHaveLength(4);
    expect(report.taskManagers.every((p) => p.node === 'kwok-node-0' && p.ready)).toBe(true);
    expect(report.flink).toMatchObject({ taskManagers: 2, slotsTotal: 4 });
    expect(report.problems.map((p) => p.kind)).toEqual(['taskmanagers-not-registered', 'single-node']);
    expect(report.problems[0]?.message).toContain('4 TaskManager pods are Ready but Flink has 2 TaskManagers registered');
  });

  describe('bad input a real server produces, each a typed error', () => {
    it('unknown namespace, Service and context: each lists what exists', async () => {
      const ns = await caught(connectKubernetes({ kubeconfig, namespace: 'flnk' }), FlinkKubernetesError);
      expect(ns.reason).toBe('namespace-not-found');
      expect(ns.message).toMatch(/namespace flnk does not exist \(context kube-lab\); namespaces: .*flink/);
      const svc = await caught(connectKubernetes({ kubeconfig, namespace: 'flink', service: 'flink-rest' }), FlinkKubernetesError);
      expect(svc.reason).toBe('service-not-found');
      expect(svc.message).toContain('flink-jobmanager (rpc 6123, blob-server 6124, webui 8081)');
      const ctx = await caught(connectKubernetes({ kubeconfig, context: 'prod' }), FlinkKubernetesError);
      expect(ctx.message).toBe('context "prod" is not in the kubeconfig; its contexts: kube-lab.');
    });

    it('JobManager scaled to zero: no Ready pod, said at once', async () => {
      await scale('named', 'flink-gateway', 0);
      await poll(
        async () => ((await podsOf('named', 'app=flink-gateway')).length === 0 ? { done: true, value: undefined } : { done: false }),
        {
          what: 'the gateway pods to go',
          waitTimeoutMs: 60_000,
        },
      );
      const error = await caught(connectKubernetes({ kubeconfig, namespace: 'named', service: 'flink-ui' }), FlinkKubernetesError);
      expect(error.reason).toBe('no-ready-pod');
      expect(error.message).toContain('no Ready pod behind Service named/flink-ui (selector app=flink-gateway,component=jobmanager)');
      expect(error.message).toContain('scaled to zero');
    });

    it('a service account without pods/portforward: forbidden, naming create pods/portforward, no token in the message', async () => {
      const rbac = (() => {
        const kc = new k8s.KubeConfig();
        kc.loadFromFile(kubeconfig);
        return kc.makeApiClient(k8s.RbacAuthorizationV1Api);
      })();
      await core.createNamespacedServiceAccount({ namespace: 'flink', body: { metadata: { name: 'reader' } } });
      await rbac.createNamespacedRole({
        namespace: 'flink',
        body: {
          metadata: { name: 'flink-reader' },
          rules: [
            { apiGroups: [''], resources: ['services', 'pods'], verbs: ['get', 'list'] },
            { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list'] },
          ],
        },
      });
      await rbac.createNamespacedRoleBinding({
        namespace: 'flink',
        body: {
          metadata: { name: 'flink-reader' },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'flink-reader' },
          subjects: [{ kind: 'ServiceAccount', name: 'reader', namespace: 'flink' }],
        },
      });
      const token = (
        await core.createNamespacedServiceAccountToken({ name: 'reader', namespace: 'flink', body: { spec: { expirationSeconds: 600 } } })
      ).status?.token as string;
      const reader = lab.kubeconfigWith(token, { name: 'reader' });
      const error = await caught(connectKubernetes({ kubeconfig: reader, namespace: 'flink' }), FlinkKubernetesError);
      expect(error.reason).toBe('forbidden');
      expect(error.message).toContain('Grant verb create on pods/portforward in namespace flink');
      expect(error.message).not.toContain(token);
      // Without list on services the message names that instead.
      const describeError = await caught(connectKubernetes({ kubeconfig: reader, namespace: 'operator' }), FlinkKubernetesError);
      expect(describeError.message).toContain('Kubernetes RBAC forbids list services in namespace operator');
      expect(describeError.message).toContain('system:serviceaccount:flink:reader');
    });

    it('an API server certificate the kubeconfig does not trust', async () => {
      const untrusted = lab.kubeconfigWith('not-a-real-token', { trust: false, name: 'untrusted' });
      const error = await caught(connectKubernetes({ kubeconfig: untrusted, namespace: 'flink' }), FlinkKubernetesError);
      expect(error.reason).toBe('untrusted-certificate');
      expect(error.message).not.toContain('not-a-real-token');
    });
  });

  it('examples/kubernetes.ts connects, prints the overview and runs WordCount at parallelism 2', async () => {
    expect(existsSync('dist/kube/index.js'), 'the example imports flink-kit/kube from dist/: run npm run build first').toBe(true);
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['examples/kubernetes.ts', '--kubeconfig', kubeconfig, '--namespace', 'flink', '-p', '2', '--jar', wordCountJar],
      { timeout: 120_000 },
    );
    expect(stdout).toMatch(/Service flink\/flink-jobmanager port 8081, port-forward at http:\/\/127\.0\.0\.1:\d+/);
    expect(stdout).toMatch(/Flink \d+\.\d+\.\d+: 2 TaskManagers, 4 slots/);
    expect(stdout).toMatch(/WordCount [0-9a-f]{32} FINISHED in \d+ ms; parallelism per vertex: 1, 2/);
  });
});
