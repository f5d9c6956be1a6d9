import { createServer, connect as tcpConnect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { describe, expect, it } from 'vitest';
import { poll } from '../../../src/core/poll.js';
import { FlinkApiError } from '../../../src/errors/api-errors.js';
import { FlinkConnectionError } from '../../../src/errors/transport-errors.js';
import { caught } from '../../fakes/caught.js';
import type { FakeKubeApi, FakePod } from '../../fakes/kube-api.js';
import { canConnect } from '../../fakes/local-servers.js';
import { connectTo, fakeFlink, fakeKube, jobManagerPod, standaloneService, standaloneWorld } from './world.js';

function pods(kube: FakeKubeApi): FakePod[] {
  return kube.namespaces.get('flink')?.pods ?? [];
}

/** Waits until the fake has no open port-forward stream. */
function streamsClosed(kube: FakeKubeApi): Promise<void> {
  return poll(
    async () => (kube.openStreams() === 0 ? { done: true, value: undefined } : { done: false, seen: `${kube.openStreams()} open` }),
    {
      what: 'port-forward streams to close',
      waitTimeoutMs: 5_000,
    },
  );
}

describe('the port-forward', () => {
  it('gives concurrent connections separate streams', async () => {
    const { kube, kubeconfig } = await fakeKube();
    const flink = await fakeFlink({ delayMs: 200 });
    kube.namespaces.set('flink', { services: [standaloneService()], pods: [jobManagerPod('jm-0', flink.port)] });
    const conn = await connectTo({ kubeconfig, namespace: 'flink' });
    const before = kube.seen.filter((r) => r.upgrade).length;
    await Promise.all([1, 2, 3].map(() => conn.client.cluster.overview()));
    expect(kube.seen.filter((r) => r.upgrade).length - before).toBe(3);
  });

  it('a pod that refuses the port (error channel) turns into a 502 that says so, at once: no hang', async () => {
    const { kube, kubeconfig } = await standaloneWorld();
    const conn = await connectTo({ kubeconfig, namespace: 'flink', retry: false });
    (pods(kube)[0] as FakePod).forward = { kind: 'refused' };
    const error = await caught(conn.client.cluster.overview(), FlinkApiError);
    expect(error.status).toBe(502);
    expect(error.message).toContain('flink-kit port-forward: pod flink-jobmanager-7d9f-abcde could not open port 8081');
    expect(error.message).toContain('connection refused');
    await streamsClosed(kube);
  });

  it('a stream dropped mid-reply closes the local socket: the client sees a connection error, not a hang', async () => {
    const { kube, kubeconfig } = await fakeKube();
    const flink = await fakeFlink();
    kube.namespaces.set('flink', { services: [standaloneService()], pods: [jobManagerPod('jm-0', flink.port)] });
    const conn = await connectTo({ kubeconfig, namespace: 'flink', retry: false });
    (pods(kube)[0] as FakePod).forward = { kind: 'drop', to: flink.port, afterBytes: 20 };
    await caught(conn.client.cluster.overview(), FlinkConnectionError);
    await streamsClosed(kube);
  });

  it('after the JobManager pod is replaced, the same client reaches the new pod (a stale endpoint answering 404 is skipped)', async () => {
    const { kube, kubeconfig, flink } = await standaloneWorld();
    const conn = await connectTo({ kubeconfig, namespace: 'flink' });
    await conn.client.cluster.overview();
    // The pod is deleted: its streams die and its port-forward answers 404, while the endpoints
    // still list it for a moment (the controller has not caught up yet).
    (pods(kube)[0] as FakePod).forward = { kind: 'gone' };
    kube.cutStreams();
    setTimeout(() => {
      const space = kube.namespaces.get('flink');
      if (space) space.pods = [jobManagerPod('flink-jobmanager-7d9f-fghij', flink.port)];
    }, 300);
    const upgrades = kube.seen.filter((r) => r.upgrade).length;
    expect((await conn.client.cluster.overview()).flinkVersion).toBe('1.20.3');
    expect(conn.pod).toBe('flink-jobmanager-7d9f-fghij');
    const tried = kube.seen
      .filter((r) => r.upgrade)
      .slice(upgrades)
      .map((r) => r.path.split('/')[6]);
    expect(tried[0]).toBe('flink-jobmanager-7d9f-abcde');
    expect(tried.at(-1)).toBe('flink-jobmanager-7d9f-fghij');
  });

  it('no Ready pod mid-session: a request waits reconnectTimeoutMs, then gets a 503 naming the Service; it works again once a pod is Ready', async () => {
    const { kube, kubeconfig } = await standaloneWorld();
    const conn = await connectTo({ kubeconfig, namespace: 'flink', retry: false, reconnectTimeoutMs: 300 });
    const pod = pods(kube)[0] as FakePod;
    pod.ready = false;
    const error = await caught(conn.client.withOptions({ headers: { connection: 'close' } }).cluster.overview(), FlinkApiError);
    expect(error.status).toBe(503);
    expect(error.message).toContain('no Ready pod behind Service flink/flink-jobmanager');
    pod.ready = true;
    expect((await conn.client.cluster.overview()).taskManagers).toBe(2);
  });

  it('RBAC revoked mid-session: the request gets a 502 naming create pods/portforward', async () => {
    const { kube, kubeconfig } = await standaloneWorld();
    const conn = await connectTo({ kubeconfig, namespace: 'flink', retry: false });
    (pods(kube)[0] as FakePod).forward = { kind: 'forbidden' };
    const error = await caught(conn.client.cluster.overview(), FlinkApiError);
    expect(error.status).toBe(502);
    expect(error.message).toContain('Grant verb create on pods/portforward in namespace flink');
  });

  it('a local connection closed by the client closes its stream; keepalive pings flow on idle streams', async () => {
    const { kube, kubeconfig } = await standaloneWorld();
    const conn = await connectTo({ kubeconfig, namespace: 'flink', keepAliveMs: 50 });
    await streamsClosed(kube); // the connect probe's stream
    const socket = tcpConnect(Number(new URL(conn.url).port), '127.0.0.1');
    await poll(async () => (kube.pings >= 2 ? { done: true, value: undefined } : { done: false }), { what: 'pings', waitTimeoutMs: 5_000 });
    expect(kube.openStreams()).toBe(1);
    socket.destroy();
    await streamsClosed(kube);
  });

  it('listens on 127.0.0.1 only, and close() frees the port and leaves no socket or stream', async () => {
    const { kube, kubeconfig } = await standaloneWorld();
    const conn = await connectTo({ kubeconfig, namespace: 'flink' });
    const port = Number(new URL(conn.url).port);
    await conn.client.cluster.overview(); // a keep-alive connection and its stream are open now
    expect(kube.openStreams()).toBe(1);
    const external = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
    if (external) expect(await canConnect(port, external)).toBe(false);
    await conn.close();
    await conn.close(); // twice is fine
    expect(await canConnect(port)).toBe(false);
    await streamsClosed(kube);
    // The port is free for others.
    const again = createServer();
    await new Promise<void>((resolve, reject) => {
      again.once('error', reject);
      again.listen(port, '127.0.0.1', () => resolve());
    });
    await new Promise((resolve) => again.close(resolve));
  });
});
