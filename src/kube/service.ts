import type { V1Service, V1ServicePort } from '@kubernetes/client-node';
import { FlinkKubernetesError } from '../errors/kube-errors.js';
import { call, type KubeApi } from './api.js';

/** The Service in front of Flink's REST endpoint and the port chosen on it. */
export interface KubernetesService {
  /** Service name, e.g. `flink-jobmanager` or `my-cluster-rest`. */
  name: string;
  namespace: string;
  /** The Service port (what in-cluster clients connect to). */
  port: number;
  /** Name of that Service port (`webui`, `rest`, …), when it has one. */
  portName: string | undefined;
  /** Where the Service sends it on the pod: a number, or a container port name. */
  targetPort: number | string;
}

/** A Service with the port chosen on it, plus what finding its pods needs. */
export interface ResolvedService extends KubernetesService {
  /** The Service's selector; `undefined` when it has none. */
  selector: Record<string, string> | undefined;
}

/** The standalone manifests' JobManager Service. */
const STANDALONE = 'flink-jobmanager';
/** Port names that carry Flink's REST API, best first (native/operator `rest`, standalone `webui`, older docs `ui`). */
const REST_NAMES = ['rest', 'webui', 'ui', 'http'];
/** Flink ports that are not HTTP. */
const NOT_REST = new Set(['rpc', 'blob-server', 'blobserver', 'jobmanager-rpc', 'query-state']);

/**
 * Reads the named Service, or finds Flink's: one `<cluster-id>-rest` (native and operator), else
 * `flink-jobmanager` (standalone); then picks the REST port on it.
 */
export async function findService(
  api: KubeApi,
  namespace: string,
  name: string | undefined,
  port: number | string | undefined,
): Promise<ResolvedService> {
  const service = name === undefined ? await discover(api, namespace) : await readService(api, namespace, name);
  const svcName = service.metadata?.name ?? String(name);
  const chosen = choosePort(service, port, `${namespace}/${svcName}`);
  const selector = service.spec?.selector;
  return {
    name: svcName,
    namespace,
    port: chosen.port,
    portName: chosen.name || undefined,
    targetPort: chosen.targetPort ?? chosen.port,
    selector: selector && Object.keys(selector).length > 0 ? selector : undefined,
  };
}

async function readService(api: KubeApi, namespace: string, name: string): Promise<V1Service> {
  const service = await call(
    api,
    { verb: 'get', resource: 'services', namespace, name },
    () => api.core.readNamespacedService({ name, namespace }),
    'undefined',
  );
  if (service) return service;
  await checkNamespace(api, namespace);
  const others = await listServices(api, namespace).catch(() => undefined);
  const list =
    others === undefined ? '' : others.length > 0 ? ` Services there: ${others.map(describeService).join('; ')}.` : ' It has no Services.';
  throw new FlinkKubernetesError(`Service ${name} not found in namespace ${namespace} (context ${api.context}).${list}`, {
    reason: 'service-not-found',
    status: 404,
  });
}

async function discover(api: KubeApi, namespace: string): Promise<V1Service> {
  const services = await listServices(api, namespace);
  if (services.length === 0) await checkNamespace(api, namespace);
  const rest = services.filter((s) => s.metadata?.name?.endsWith('-rest') && looksLikeFlink(s));
  if (rest.length === 1) return rest[0] as V1Service;
  if (rest.length > 1) {
    throw new FlinkKubernetesError(
      `namespace ${namespace} has several Flink REST Services: ${rest.map((s) => s.metadata?.name).join(', ')}. Pass service: '<name>' to pick one.`,
      { reason: 'no-service' },
    );
  }
  const standalone = services.find((s) => s.metadata?.name === STANDALONE);
  if (standalone) return standalone;
  const list = services.length > 0 ? `Services there: ${services.map(describeService).join('; ')}` : 'it has no Services';
  throw new FlinkKubernetesError(
    `no Flink JobManager Service in namespace ${namespace} (context ${api.context}): looked for ${STANDALONE} (standalone) and <cluster-id>-rest ` +
      `(native Kubernetes, Flink Kubernetes Operator); ${list}. Pass service: '<name>', or namespace: '<where Flink runs>'.`,
    { reason: 'no-service' },
  );
}

/** A `-rest` Service of Flink: labelled by native/operator deployments, or selecting JobManager pods. */
function looksLikeFlink(service: V1Service): boolean {
  const type = service.metadata?.labels?.['type'] ?? '';
  return type.startsWith('flink-') || service.spec?.selector?.['component'] === 'jobmanager';
}

async function listServices(api: KubeApi, namespace: string): Promise<V1Service[]> {
  const list = await call(api, { verb: 'list', resource: 'services', namespace }, () => api.core.listNamespacedService({ namespace }));
  return list.items;
}

/** Throws `namespace-not-found` when the namespace does not exist (and says nothing when RBAC hides it). */
async function checkNamespace(api: KubeApi, namespace: string): Promise<void> {
  const found = await call(
    api,
    { verb: 'get', resource: 'namespaces', name: namespace },
    () => api.core.readNamespace({ name: namespace }),
    'undefined',
  ).catch(() => true); // not allowed to look: assume it exists
  if (found !== undefined) return;
  const names = await call(api, { verb: 'list', resource: 'namespaces' }, () => api.core.listNamespace())
    .then((l) => l.items.map((n) => n.metadata?.name).join(', '))
    .catch(() => undefined);
  throw new FlinkKubernetesError(
    `namespace ${namespace} does not exist (context ${api.context})${names ? `; namespaces: ${names}` : ''}. Pass namespace: '<where Flink runs>'.`,
    { reason: 'namespace-not-found', status: 404 },
  );
}

function describeService(service: V1Service): string {
  const ports = (service.spec?.ports ?? []).map(describePort).join(', ');
  return `${service.metadata?.name} (${ports || 'no ports'})`;
}

function describePort(port: V1ServicePort): string {
  return port.name ? `${port.name} ${port.port}` : String(port.port);
}

/**
 * The Service port to use: the requested one (number or name), else by name `rest` > `webui` > `ui`
 * > `http`, else number 8081, else the only port. Never Flink's RPC or blob server port.
 */
export function choosePort(service: V1Service, requested: number | string | undefined, label: string): V1ServicePort {
  const ports = service.spec?.ports ?? [];
  const listed = ports.length > 0 ? ports.map(describePort).join(', ') : 'none';
  if (requested !== undefined) {
    const match =
      typeof requested === 'number'
        ? (ports.find((p) => p.port === requested) ?? ports.find((p) => p.targetPort === requested))
        : ports.find((p) => p.name === requested);
    if (match) return match;
    throw new FlinkKubernetesError(`Service ${label} has no port ${JSON.stringify(requested)}; its ports: ${listed}.`, {
      reason: 'port-not-found',
    });
  }
  const tcp = ports.filter((p) => (p.protocol ?? 'TCP') === 'TCP');
  const byName = REST_NAMES.map((n) => tcp.find((p) => p.name === n)).find(Boolean);
  if (byName) return byName;
  const candidates = tcp.filter((p) => !NOT_REST.has(p.name ?? '') && p.port !== 6123 && p.port !== 6124);
  const port8081 = candidates.find((p) => p.port === 8081);
  if (port8081) return port8081;
  if (candidates.length === 1 && tcp.length === 1) return candidates[0] as V1ServicePort;
  throw new FlinkKubernetesError(
    `Service ${label} has no port that looks like Flink's REST API (named rest, webui, ui or http, or number 8081); its ports: ${listed}. ` +
      "Pass port: '<name or number>'.",
    { reason: 'port-not-found' },
  );
}
