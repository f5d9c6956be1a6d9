import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { FlinkInputError } from '../../../src/errors/flink-error.js';
import { FlinkKubernetesError } from '../../../src/errors/kube-errors.js';
import { connect } from '../../../src/kube/connect.js';
import { caught } from '../../fakes/caught.js';
import { startFakeKubeApi } from '../../fakes/kube-api.js';
import { selfSignedCert } from '../../fakes/local-servers.js';
import {
  connectTo,
  emptyEnvironment,
  fakeFlink,
  fakeKube,
  jobManagerPod,
  later,
  standaloneService,
  standaloneWorld,
  TOKEN,
  tempDir,
} from './world.js';

describe('connectKubernetes: finding the Service and port', () => {
  it('standalone: finds flink-jobmanager, picks webui (never rpc), forwards to the Ready pod with the kubeconfig token', async () => {
    const { kube, kubeconfig } = await standaloneWorld();
    const conn = await connectTo({ kubeconfig, namespace: 'flink' });
    expect(conn.mode).toBe('port-forward');
    expect(conn.context).toBe('fake');
    expect(conn.service).toEqual({ name: 'flink-jobmanager', namespace: 'flink', port: 8081, portName: 'webui', targetPort: 8081 });
    expect(conn.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(conn.pod).toBe('flink-jobmanager-7d9f-abcde');
    expect((await conn.client.cluster.overview()).flinkVersion).toBe('1.20.3');
    expect(kube.seen.length).toBeGreaterThan(0);
    expect(kube.seen.every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
    const upgrades = kube.seen.filter((r) => r.upgrade);
    expect(upgrades.map((r) => r.path)).toContain('/api/v1/namespaces/flink/pods/flink-jobmanager-7d9f-abcde/portforward?ports=8081');
  });

  it('native / operator layout: picks <cluster-id>-rest (port rest) over the internal headless Service', async () => {
    const { kube, kubeconfig } = await fakeKube();
    const flink = await fakeFlink();
    const labels = { app: 'basic', component: 'jobmanager', type: 'flink-native-kubernetes' };
    kube.namespaces.set('apps', {
      services: [
        { name: 'basic', selector: labels, labels: { type: 'flink-native-kubernetes' }, ports: [{ name: 'jobmanager-rpc', port: 6123 }] },
        {
          name: 'basic-rest',
          selector: labels,
          labels: { type: 'flink-native-kubernetes' },
          ports: [{ name: 'rest', port: 8081, targetPort: 8081 }],
        },
        { name: 'unrelated-rest', selector: { app: 'shop' }, ports: [{ name: 'http', port: 80 }] },
      ],
      pods: [
        { name: 'basic-6f7c9-xyz', labels, ports: [{ name: 'rest', containerPort: 8081 }], forward: { kind: 'relay', to: flink.port } },
      ],
    });
    const conn = await connectTo({ kubeconfig, namespace: 'apps' });
    expect(conn.service).toMatchObject({ name: 'basic-rest', port: 8081, portName: 'rest' });
    expect((await conn.client.cluster.overview()).taskManagers).toBe(2);
  });

  for (const slices of [true, false]) {
    it(`maps a named targetPort to the pod's container port (${slices ? 'EndpointSlices' : 'no EndpointSlices: selector and pod spec'})`, async () => {
      const { kube, kubeconfig } = await fakeKube();
      const flink = await fakeFlink();
      kube.slices = slices;
      const labels = { app: 'gateway-flink' };
      kube.namespaces.set('flink', {
        services: [{ name: 'flink-ui', selector: labels, ports: [{ name: 'http', port: 80, targetPort: 'flink-rest' }] }],
        pods: [{ name: 'jm-0', labels, ports: [{ name: 'flink-rest', containerPort: 8081 }], forward: { kind: 'relay', to: flink.port } }],
      });
      const conn = await connectTo({ kubeconfig, namespace: 'flink', service: 'flink-ui' });
      expect(conn.service).toEqual({ name: 'flink-ui', namespace: 'flink', port: 80, portName: 'http', targetPort: 'flink-rest' });
      await conn.client.cluster.overview();
      expect(kube.seen.filter((r) => r.upgrade).every((r) => r.path.endsWith('portforward?ports=8081'))).toBe(true);
    });
  }

  it('takes the port by name or number when given, and the namespace from the context', async () => {
    const { kube } = await standaloneWorld();
    const kubeconfig = kube.kubeconfig(tempDir(), { namespace: 'flink' });
    expect((await connectTo({ kubeconfig, port: 'webui' })).service.port).toBe(8081);
    expect((await connectTo({ kubeconfig, port: 8081 })).service.portName).toBe('webui');
  });

  it('falls back to listing pods when EndpointSlices are forbidden', async () => {
    const { kube, kubeconfig } = await standaloneWorld();
    kube.forbidden.add('list endpointslices');
    const conn = await connectTo({ kubeconfig, namespace: 'flink' });
    await conn.client.cluster.overview();
    expect(
      kube.seen.some((r) => r.path.startsWith('/api/v1/namespaces/flink/pods?labelSelector=app%3Dflink%2Ccomponent%3Djobmanager')),
    ).toBe(true);
  });

  it('skips pods that are not ready or terminating', async () => {
    const { kube, kubeconfig } = await fakeKube();
    const flink = await fakeFlink();
    kube.namespaces.set('flink', {
      services: [standaloneService()],
      pods: [
        jobManagerPod('jm-a', flink.port, { terminating: true, forward: { kind: 'gone' } }),
        jobManagerPod('jm-b', flink.port, { ready: false, forward: { kind: 'refused' } }),
        jobManagerPod('jm-c', flink.port),
      ],
    });
    const conn = await connectTo({ kubeconfig, namespace: 'flink' });
    expect(conn.pod).toBe('jm-c');
  });

  it('inside a pod (service account mounted), auto mode goes direct to the Service DNS name: no forward', async () => {
    const tls = selfSignedCert();
    const kube = await startFakeKubeApi(tls);
    later(() => kube.close());
    kube.namespaces.set('flink', { services: [standaloneService()], pods: [] });
    const prefix = tempDir();
    const dir = join(prefix, 'var/run/secrets/kubernetes.io/serviceaccount');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'token'), 'sa-token-from-file');
    writeFileSync(join(dir, 'ca.crt'), tls.cert);
    writeFileSync(join(dir, 'namespace'), 'flink\n');
    const port = new URL(kube.url).port;
    const env = { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: port };
    // client-node's loadFromCluster reads process.env itself
    vi.stubEnv('KUBERNETES_SERVICE_HOST', env.KUBERNETES_SERVICE_HOST);
    vi.stubEnv('KUBERNETES_SERVICE_PORT', env.KUBERNETES_SERVICE_PORT);
    later(() => void vi.unstubAllEnvs());
    const conn = await connectTo({}, { env, home: tempDir(), inClusterPrefix: prefix });
    expect(conn.mode).toBe('direct');
    expect(conn.url).toBe('http://flink-jobmanager.flink.svc:8081');
    expect(conn.client.url).toBe('http://flink-jobmanager.flink.svc:8081/');
    expect(conn.pod).toBeUndefined();
    expect(kube.seen.some((r) => r.upgrade)).toBe(false);
    expect(kube.seen.every((r) => r.authorization === 'Bearer sa-token-from-file')).toBe(true);
  });

  it('mode: direct from outside gives the DNS URL; mode: port-forward wins over the in-cluster default', async () => {
    const { kubeconfig } = await standaloneWorld();
    const direct = await connectTo({ kubeconfig, namespace: 'flink', mode: 'direct' });
    expect(direct.url).toBe('http://flink-jobmanager.flink.svc:8081');
    const forward = await connectTo({ kubeconfig, namespace: 'flink', mode: 'port-forward' });
    expect(forward.mode).toBe('port-forward');
  });
});

describe('connectKubernetes: bad input, each a typed error that says what to do', () => {
  async function failure(options: Parameters<typeof connect>[0], environment = emptyEnvironment()): Promise<FlinkKubernetesError> {
    const error = await caught(connect(options, environment), FlinkKubernetesError);
    expect(error.message).not.toContain(TOKEN);
    return error;
  }

  it('no kubeconfig at the given path', async () => {
    const error = await failure({ kubeconfig: '/nowhere/kubeconfig' });
    expect(error.reason).toBe('kubeconfig-not-found');
    expect(error.message).toContain('no kubeconfig at /nowhere/kubeconfig');
  });

  it('$KUBECONFIG names only missing files; nothing anywhere', async () => {
    const env = await failure({}, emptyEnvironment({ KUBECONFIG: '/a/config:/b/config' }));
    expect(env.message).toContain('$KUBECONFIG (/a/config:/b/config)');
    const none = await failure({});
    expect(none.reason).toBe('kubeconfig-not-found');
    expect(none.message).toMatch(/KUBECONFIG is unset, ~\/.kube\/config does not exist.*Pass kubeconfig/);
  });

  it('$KUBECONFIG with several files: merged, missing ones skipped, the first current-context wins', async () => {
    const { kube } = await standaloneWorld();
    const first = kube.kubeconfig(tempDir(), { namespace: 'flink', contexts: ['one', 'two'] });
    const env = emptyEnvironment({ KUBECONFIG: `/missing:${first}` });
    const conn = await connectTo({}, env);
    expect(conn.context).toBe('one');
  });

  it('a kubeconfig that is not YAML: the parser message, without the file content', async () => {
    const file = join(tempDir(), 'kubeconfig');
    writeFileSync(file, `users:\n  - name: x\n    user: {token: ${TOKEN}\n  broken: [`);
    const error = await failure({ kubeconfig: file });
    expect(error.reason).toBe('kubeconfig-invalid');
    expect(error.message).toContain('could not be read');
  });

  it('unknown context: lists the contexts', async () => {
    const { kube } = await standaloneWorld();
    const kubeconfig = kube.kubeconfig(tempDir(), { contexts: ['dev', 'prod'] });
    const error = await failure({ kubeconfig, context: 'staging' });
    expect(error.reason).toBe('context-not-found');
    expect(error.message).toBe('context "staging" is not in the kubeconfig; its contexts: dev, prod.');
  });

  it('namespace not found: says so and lists the namespaces', async () => {
    const { kubeconfig } = await standaloneWorld();
    const error = await failure({ kubeconfig, namespace: 'flnk' });
    expect(error.reason).toBe('namespace-not-found');
    expect(error.message).toContain('namespace flnk does not exist (context fake); namespaces: flink');
  });

  it('Service not found: lists the Services that exist, with their ports', async () => {
    const { kubeconfig } = await standaloneWorld();
    const error = await failure({ kubeconfig, namespace: 'flink', service: 'flink-rest' });
    expect(error.reason).toBe('service-not-found');
    expect(error.message).toContain('Service flink-rest not found in namespace flink');
    expect(error.message).toContain('flink-jobmanager (rpc 6123, blob-server 6124, webui 8081)');
  });

  it('no Flink Service: lists what exists; several -rest Services: lists them', async () => {
    const { kube, kubeconfig } = await fakeKube();
    kube.namespaces.set('apps', { services: [{ name: 'shop', selector: { app: 'shop' }, ports: [{ name: 'http', port: 80 }] }], pods: [] });
    const none = await failure({ kubeconfig, namespace: 'apps' });
    expect(none.reason).toBe('no-service');
    expect(none.message).toContain('looked for flink-jobmanager (standalone) and <cluster-id>-rest');
    expect(none.message).toContain('Services there: shop (http 80)');
    const flinkLabels = (id: string) => ({ type: 'flink-native-kubernetes', app: id });
    kube.namespaces.set('two', {
      services: [
        { name: 'a-rest', labels: flinkLabels('a'), selector: { app: 'a' }, ports: [{ name: 'rest', port: 8081 }] },
        { name: 'b-rest', labels: flinkLabels('b'), selector: { app: 'b' }, ports: [{ name: 'rest', port: 8081 }] },
      ],
      pods: [],
    });
    const several = await failure({ kubeconfig, namespace: 'two' });
    expect(several.reason).toBe('no-service');
    expect(several.message).toContain('several Flink REST Services: a-rest, b-rest');
  });

  it('a Service without a selector', async () => {
    const { kube, kubeconfig } = await fakeKube();
    const { selector: _none, ...withoutSelector } = standaloneService();
    kube.namespaces.set('flink', { services: [withoutSelector], pods: [] });
    const error = await failure({ kubeconfig, namespace: 'flink' });
    expect(error.reason).toBe('no-selector');
    expect(error.message).toContain('Service flink/flink-jobmanager has no selector');
  });

  it('no Ready pod: names the Service, selector and the pods seen, at once', async () => {
    const { kube, kubeconfig } = await fakeKube();
    kube.namespaces.set('flink', { services: [standaloneService()], pods: [] });
    const scaledToZero = await failure({ kubeconfig, namespace: 'flink' });
    expect(scaledToZero.reason).toBe('no-ready-pod');
    expect(scaledToZero.message).toContain('no Ready pod behind Service flink/flink-jobmanager (selector app=flink,component=jobmanager)');
    expect(scaledToZero.message).toContain('scaled to zero');
    kube.namespaces.set('flink', { services: [standaloneService()], pods: [jobManagerPod('jm-0', 1, { ready: false, phase: 'Pending' })] });
    kube.slices = false;
    const pending = await failure({ kubeconfig, namespace: 'flink' });
    expect(pending.message).toContain('its pods: jm-0 (Pending, not ready: ContainersNotReady)');
  });

  it('a port name or number the Service does not have: lists its ports', async () => {
    const { kubeconfig } = await standaloneWorld();
    const byName = await failure({ kubeconfig, namespace: 'flink', port: 'rest' });
    expect(byName.reason).toBe('port-not-found');
    expect(byName.message).toBe('Service flink/flink-jobmanager has no port "rest"; its ports: rpc 6123, blob-server 6124, webui 8081.');
    expect((await failure({ kubeconfig, namespace: 'flink', port: 9999 })).reason).toBe('port-not-found');
  });

  it('a Service with only Flink RPC ports: refuses them and asks for a port', async () => {
    const { kube, kubeconfig } = await fakeKube();
    kube.namespaces.set('flink', { services: [{ ...standaloneService(), ports: [{ name: 'rpc', port: 6123 }] }], pods: [] });
    const error = await failure({ kubeconfig, namespace: 'flink' });
    expect(error.message).toContain("no port that looks like Flink's REST API");
  });

  it('RBAC: a forbidden list names the verb and resource to grant', async () => {
    const { kube, kubeconfig } = await standaloneWorld();
    kube.forbidden.add('list services');
    const error = await failure({ kubeconfig, namespace: 'flink' });
    expect(error.reason).toBe('forbidden');
    expect(error.status).toBe(403);
    expect(error.message).toContain('Kubernetes RBAC forbids list services in namespace flink');
    expect(error.message).toContain('Grant verb list on services in namespace flink');
  });

  it('RBAC: a forbidden port-forward fails connect (not the first request) and names create pods/portforward', async () => {
    const { kube, kubeconfig } = await standaloneWorld();
    const pod = kube.namespaces.get('flink')?.pods[0];
    if (pod) pod.forward = { kind: 'forbidden' };
    const error = await failure({ kubeconfig, namespace: 'flink' });
    expect(error.reason).toBe('forbidden');
    expect(error.message).toContain('Grant verb create on pods/portforward in namespace flink');
  });

  it('API server unreachable', async () => {
    const { kube, kubeconfig } = await standaloneWorld();
    await kube.close();
    const error = await failure({ kubeconfig, namespace: 'flink' });
    expect(error.reason).toBe('unreachable');
    expect(error.message).toMatch(/cannot reach the Kubernetes API server http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
  });

  it('API server certificate not trusted by the kubeconfig', async () => {
    const kube = await startFakeKubeApi(selfSignedCert());
    later(() => kube.close());
    kube.namespaces.set('flink', { services: [standaloneService()], pods: [] });
    const error = await failure({ kubeconfig: kube.kubeconfig(tempDir(), { token: TOKEN }), namespace: 'flink' });
    expect(error.reason).toBe('untrusted-certificate');
    expect(error.message).toContain('certificate-authority');
  });

  it('a hung port-forward upgrade fails connect within timeoutMs', async () => {
    const { kube, kubeconfig } = await standaloneWorld();
    const pod = kube.namespaces.get('flink')?.pods[0];
    if (pod) pod.forward = { kind: 'hang' };
    const error = await failure({ kubeconfig, namespace: 'flink', timeoutMs: 500 });
    expect(error.reason).toBe('unreachable');
    expect(error.message).toContain('did not open within 500 ms');
  });

  it('malformed options are FlinkInputError before any request', async () => {
    for (const options of [
      { namespace: 'Flink_NS' },
      { service: 'a/b' },
      { port: 0 },
      { localPort: 70000 },
      { mode: 'tunnel' as 'auto' },
      { reconnectTimeoutMs: -1 },
    ]) {
      await caught(connect(options, emptyEnvironment()), FlinkInputError);
    }
  });

  it('localPort in use', async () => {
    const { kubeconfig } = await standaloneWorld();
    const first = await connectTo({ kubeconfig, namespace: 'flink' });
    const port = Number(new URL(first.url).port);
    const error = await failure({ kubeconfig, namespace: 'flink', localPort: port });
    expect(error.reason).toBe('local-port-in-use');
  });
});
