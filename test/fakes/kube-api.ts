/**
 * An in-process fake Kubernetes API server (node:http + ws) for the edge paths a real server cannot
 * be made to take: error frames, 404 on upgrade, a stream dropped mid-way, RBAC 403. It serves the
 * reads flink-kit/kube makes and `pods/<name>/portforward` over `v4.channel.k8s.io`, relaying to
 * local TCP ports. Plain http: kubeconfigs for it set `insecure-skip-tls-verify: true`.
 */
import { writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { type WebSocket, WebSocketServer } from 'ws';

/** How a pod answers a port-forward. */
export type ForwardBehaviour =
  | { kind: 'relay'; to: number } // relay to 127.0.0.1:<to>
  | { kind: 'refused' } // error channel text, then close (a kubelet whose dial was refused)
  | { kind: 'gone' } // 404 on the upgrade (pod deleted)
  | { kind: 'forbidden' } // 403 on the upgrade (RBAC)
  | { kind: 'drop'; to: number; afterBytes: number } // relay, then close the stream mid-reply
  | { kind: 'hang' }; // accept TCP, never answer the upgrade

/** A minimal pod: name, labels, readiness, container ports. */
export interface FakePod {
  name: string;
  labels: Record<string, string>;
  ready?: boolean;
  phase?: string;
  terminating?: boolean;
  ports?: Array<{ name?: string; containerPort: number }>;
  node?: string;
  ip?: string;
  restarts?: number;
  /** When the pod became Ready (the Ready condition's lastTransitionTime), ISO; default: none given. */
  readySince?: string;
  forward?: ForwardBehaviour;
}

/** A minimal Service. */
export interface FakeService {
  name: string;
  selector?: Record<string, string>;
  labels?: Record<string, string>;
  ports: Array<{ name?: string; port: number; targetPort?: number | string; protocol?: string }>;
}

/** One request the fake saw. */
export interface SeenKubeRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  upgrade: boolean;
}

export interface FakeKubeApi {
  url: string;
  /** Namespace -> Services, pods; `slices: false` hides EndpointSlices (a cluster without controllers). */
  namespaces: Map<string, { services: FakeService[]; pods: FakePod[] }>;
  slices: boolean;
  /** `verb resource` pairs answered with 403, e.g. `list services`, `list endpointslices`. */
  forbidden: Set<string>;
  /** Every request, in order. */
  seen: SeenKubeRequest[];
  /** Port-forward WebSockets currently open. */
  openStreams(): number;
  /** Terminates every open port-forward stream, as a kubelet does when the pod dies. */
  cutStreams(): void;
  /** WebSocket pings received from clients. */
  pings: number;
  /** Writes a kubeconfig for this server (token auth, default namespace given) and returns its path. */
  kubeconfig(dir: string, options?: { namespace?: string; token?: string; contexts?: string[] }): string;
  close(): Promise<void>;
}

const PROTOCOL = 'v4.channel.k8s.io';

/** Starts the fake on 127.0.0.1 (port 0); with `tls` (key and certificate PEM) it serves https. */
export async function startFakeKubeApi(tls?: { key: string; cert: string }): Promise<FakeKubeApi> {
  const namespaces = new Map<string, { services: FakeService[]; pods: FakePod[] }>();
  const seen: SeenKubeRequest[] = [];
  const forbidden = new Set<string>();
  const streams = new Set<WebSocket>();
  const sockets = new Set<Socket>();
  const state = { slices: true, pings: 0 };

  const status = (res: ServerResponse, code: number, message: string) => {
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message, code }));
  };
  const json = (res: ServerResponse, body: unknown) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  const server = tls ? createHttpsServer(tls, (req, res) => handle(req, res)) : createServer((req, res) => handle(req, res));
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (protocols) => (protocols.has(PROTOCOL) ? PROTOCOL : false),
  });

  function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://fake');
    seen.push({ method: req.method ?? 'GET', path: url.pathname + url.search, authorization: req.headers.authorization, upgrade: false });
    const m = /^\/api\/v1\/namespaces(?:\/([^/]+)(?:\/(services|pods)(?:\/([^/]+))?)?)?$/.exec(url.pathname);
    const slices = /^\/apis\/discovery\.k8s\.io\/v1\/namespaces\/([^/]+)\/endpointslices$/.exec(url.pathname);
    const rbac = (verb: string, resource: string, ns?: string) => {
      if (!forbidden.has(`${verb} ${resource}`)) return false;
      status(
        res,
        403,
        `${resource} is forbidden: User "system:serviceaccount:flink:limited" cannot ${verb} resource "${resource}" in API group "" in the namespace "${ns}"`,
      );
      return true;
    };
    if (m && !m[1]) {
      if (rbac('list', 'namespaces')) return;
      return json(res, { kind: 'NamespaceList', items: [...namespaces.keys()].map((name) => ({ metadata: { name } })) });
    }
    if (m?.[1]) {
      const ns = decodeURIComponent(m[1]);
      const space = namespaces.get(ns);
      if (!m[2]) {
        if (rbac('get', 'namespaces', ns)) return;
        return space ? json(res, { kind: 'Namespace', metadata: { name: ns } }) : status(res, 404, `namespaces "${ns}" not found`);
      }
      if (m[2] === 'services') {
        if (m[3]) {
          if (rbac('get', 'services', ns)) return;
          const svc = space?.services.find((s) => s.name === m[3]);
          return svc ? json(res, serviceObject(ns, svc)) : status(res, 404, `services "${m[3]}" not found`);
        }
        if (rbac('list', 'services', ns)) return;
        return json(res, { kind: 'ServiceList', items: (space?.services ?? []).map((s) => serviceObject(ns, s)) });
      }
      if (m[2] === 'pods' && !m[3]) {
        if (rbac('list', 'pods', ns)) return;
        const selector = parseSelector(url.searchParams.get('labelSelector'));
        const pods = (space?.pods ?? []).filter((p) => matches(p.labels, selector));
        return json(res, { kind: 'PodList', items: pods.map((p) => podObject(ns, p)) });
      }
    }
    if (slices?.[1]) {
      const ns = decodeURIComponent(slices[1]);
      if (rbac('list', 'endpointslices', ns)) return;
      const name = /kubernetes\.io\/service-name=(.+)/.exec(url.searchParams.get('labelSelector') ?? '')?.[1];
      const space = namespaces.get(ns);
      const svc = space?.services.find((s) => s.name === name);
      if (!state.slices || !svc?.selector) return json(res, { kind: 'EndpointSliceList', items: [] });
      const pods = (space?.pods ?? []).filter((p) => matches(p.labels, svc.selector ?? {}));
      return json(res, { kind: 'EndpointSliceList', items: [sliceObject(ns, svc, pods)] });
    }
    status(res, 404, `the server could not find the requested resource (${url.pathname})`);
  }

  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    seen.push({ method: req.method ?? 'GET', path: url.pathname + url.search, authorization: req.headers.authorization, upgrade: true });
    const m = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/portforward$/.exec(url.pathname);
    const pod = m ? namespaces.get(m[1] as string)?.pods.find((p) => p.name === m[2]) : undefined;
    const behaviour: ForwardBehaviour | undefined = pod ? (pod.forward ?? { kind: 'refused' }) : { kind: 'gone' };
    const reject = (code: number, text: string) => {
      socket.end(`HTTP/1.1 ${code} ${text}\r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}`);
    };
    if (behaviour.kind === 'gone') return reject(404, 'Not Found');
    if (behaviour.kind === 'forbidden') return reject(403, 'Forbidden');
    if (behaviour.kind === 'hang') return;
    const port = Number(url.searchParams.get('ports'));
    wss.handleUpgrade(req, socket, head, (ws) => {
      streams.add(ws);
      ws.on('close', () => streams.delete(ws));
      ws.on('error', () => undefined);
      ws.on('ping', () => state.pings++);
      const le = Buffer.from([port & 0xff, port >> 8]);
      ws.send(Buffer.concat([Buffer.from([0]), le]));
      ws.send(Buffer.concat([Buffer.from([1]), le]));
      if (behaviour.kind === 'refused') {
        ws.send(Buffer.concat([Buffer.from([1]), Buffer.from(`error forwarding port ${port} to pod ${pod?.name}: connection refused`)]));
        ws.close(1000);
        return;
      }
      const tcp = connect(behaviour.to, '127.0.0.1');
      tcp.on('error', () => ws.close());
      let sent = 0;
      tcp.on('data', (data) => {
        if (behaviour.kind === 'drop' && sent + data.length > behaviour.afterBytes) {
          ws.send(Buffer.concat([Buffer.from([0]), data.subarray(0, Math.max(0, behaviour.afterBytes - sent))]));
          ws.terminate();
          tcp.destroy();
          return;
        }
        sent += data.length;
        ws.send(Buffer.concat([Buffer.from([0]), data]));
      });
      tcp.on('close', () => ws.close());
      ws.on('message', (data: Buffer) => {
        if (data[0] === 0) tcp.write(data.subarray(1));
      });
      ws.on('close', () => tcp.destroy());
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `${tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    namespaces,
    get slices() {
      return state.slices;
    },
    set slices(value: boolean) {
      state.slices = value;
    },
    forbidden,
    seen,
    openStreams: () => streams.size,
    cutStreams: () => {
      for (const ws of streams) ws.terminate();
    },
    get pings() {
      return state.pings;
    },
    kubeconfig(dir, options = {}) {
      const contexts = options.contexts ?? ['fake'];
      const file = join(dir, 'kubeconfig');
      const yaml = [
        'apiVersion: v1',
        'kind: Config',
        `clusters: [{name: fake, cluster: {server: "${url}"${tls ? '' : ', insecure-skip-tls-verify: true'}}}]`,
        `users: [{name: fake-user, user: {token: "${options.token ?? 'test-token-s3cr3t'}"}}]`,
        `contexts: [${contexts.map((c) => `{name: ${c}, context: {cluster: fake, user: fake-user${options.namespace ? `, namespace: ${options.namespace}` : ''}}}`).join(', ')}]`,
        `current-context: ${contexts[0]}`,
      ].join('\n');
      writeFileSync(file, yaml);
      return file;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const ws of streams) ws.terminate();
        for (const socket of sockets) socket.destroy();
        wss.close();
        server.close(() => resolve());
      }),
  };
}

function parseSelector(text: string | null): Record<string, string> {
  return Object.fromEntries(
    (text ?? '')
      .split(',')
      .filter(Boolean)
      .map((kv) => kv.split('=') as [string, string]),
  );
}

function matches(labels: Record<string, string>, selector: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

function serviceObject(ns: string, svc: FakeService): Record<string, unknown> {
  return {
    kind: 'Service',
    metadata: { name: svc.name, namespace: ns, labels: svc.labels ?? {} },
    spec: {
      type: 'ClusterIP',
      clusterIP: '10.96.0.10',
      ...(svc.selector ? { selector: svc.selector } : {}),
      ports: svc.ports.map((p) => ({ protocol: 'TCP', targetPort: p.port, ...p })),
    },
  };
}

function podObject(ns: string, pod: FakePod): Record<string, unknown> {
  const ready = pod.ready ?? true;
  return {
    kind: 'Pod',
    metadata: {
      name: pod.name,
      namespace: ns,
      labels: pod.labels,
      ...(pod.terminating ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
    },
    spec: { nodeName: pod.node ?? 'node-1', containers: [{ name: 'main', image: 'flink', ports: pod.ports ?? [] }] },
    status: {
      phase: pod.phase ?? 'Running',
      podIP: pod.ip,
      conditions: [
        {
          type: 'Ready',
          status: ready ? 'True' : 'False',
          ...(ready ? {} : { reason: 'ContainersNotReady' }),
          ...(pod.readySince ? { lastTransitionTime: pod.readySince } : {}),
        },
      ],
      containerStatuses: [{ name: 'main', ready, restartCount: pod.restarts ?? 0, image: 'flink', imageID: '', state: {} }],
    },
  };
}

function sliceObject(ns: string, svc: FakeService, pods: FakePod[]): Record<string, unknown> {
  return {
    kind: 'EndpointSlice',
    metadata: { name: `${svc.name}-abcde`, namespace: ns, labels: { 'kubernetes.io/service-name': svc.name } },
    addressType: 'IPv4',
    // Like the controller: a named targetPort resolved from the first pod that has it.
    ports: svc.ports.map((p) => ({
      name: p.name ?? '',
      protocol: 'TCP',
      port:
        typeof p.targetPort === 'string'
          ? pods.flatMap((pod) => pod.ports ?? []).find((cp) => cp.name === p.targetPort)?.containerPort
          : (p.targetPort ?? p.port),
    })),
    endpoints: pods.map((pod) => ({
      addresses: [pod.ip ?? '10.0.0.1'],
      conditions: { ready: (pod.ready ?? true) && !pod.terminating, serving: true, terminating: pod.terminating ?? false },
      targetRef: { kind: 'Pod', name: pod.name, namespace: ns },
    })),
  };
}
