import type { V1EndpointSlice, V1Pod } from '@kubernetes/client-node';
import { FlinkKubernetesError } from '../errors/kube-errors.js';
import { call, type KubeApi } from './api.js';
import type { ResolvedService } from './service.js';

/** Where one forwarded connection goes: a Ready pod and its container port. */
export interface ForwardTarget {
  pod: string;
  port: number;
}

/** `a=b,c=d` */
export function selectorText(selector: Record<string, string>): string {
  return Object.entries(selector)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** True when the pod runs, is Ready and is not being deleted. */
export function isReady(pod: V1Pod): boolean {
  return (
    pod.status?.phase === 'Running' &&
    !pod.metadata?.deletionTimestamp &&
    (pod.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True')
  );
}

/** Pods matching a selector. */
export async function listPods(api: KubeApi, namespace: string, selector: Record<string, string>): Promise<V1Pod[]> {
  const list = await call(api, { verb: 'list', resource: 'pods', namespace }, () =>
    api.core.listNamespacedPod({ namespace, labelSelector: selectorText(selector) }),
  );
  return list.items;
}

/**
 * A Ready pod behind the Service and the container port its target port maps to. Reads the
 * Service's EndpointSlices (ready endpoints, resolved port numbers: what kube-proxy uses); where
 * there are none (no controller-manager, RBAC), lists the pods by selector. Keeps `previous` while
 * it stays Ready, so connections stick to one JobManager.
 * @throws FlinkKubernetesError `no-selector`, `no-ready-pod` (names the pods it saw), `port-not-found`.
 */
export async function readyTarget(api: KubeApi, service: ResolvedService, previous?: string): Promise<ForwardTarget> {
  const fromSlices = await targetFromSlices(api, service, previous);
  if (fromSlices) return fromSlices;
  const label = `${service.namespace}/${service.name}`;
  if (!service.selector) {
    throw new FlinkKubernetesError(
      `Service ${label} has no selector, so there is no pod to port-forward to. Pass the JobManager's REST Service (its selector matches the JobManager pods), or use mode: 'direct' from inside the cluster.`,
      { reason: 'no-selector' },
    );
  }
  const pods = await listPods(api, service.namespace, service.selector);
  const ready = pods.filter(isReady).sort(byName);
  const pod = ready.find((p) => p.metadata?.name === previous) ?? ready[0];
  if (!pod) throw noReadyPod(service, pods);
  return { pod: pod.metadata?.name as string, port: containerPort(pod, service) };
}

async function targetFromSlices(api: KubeApi, service: ResolvedService, previous: string | undefined): Promise<ForwardTarget | undefined> {
  const slices = await call(api, { verb: 'list', resource: 'endpointslices', namespace: service.namespace }, () =>
    api.discovery.listNamespacedEndpointSlice({
      namespace: service.namespace,
      labelSelector: `kubernetes.io/service-name=${service.name}`,
    }),
  ).then(
    (list) => list.items,
    (error: unknown) => {
      // Without RBAC on endpointslices, fall back to pods (which needs list pods anyway).
      if (error instanceof FlinkKubernetesError && error.reason === 'forbidden') return [] as V1EndpointSlice[];
      throw error;
    },
  );
  if (slices.length === 0) return undefined;
  const targets: ForwardTarget[] = [];
  for (const slice of slices) {
    const port = slice.ports?.find((p) => (p.name ?? '') === (service.portName ?? ''))?.port;
    for (const endpoint of slice.endpoints ?? []) {
      const ready = endpoint.conditions?.ready !== false && endpoint.conditions?.terminating !== true;
      if (ready && endpoint.targetRef?.kind === 'Pod' && endpoint.targetRef.name && port !== undefined) {
        targets.push({ pod: endpoint.targetRef.name, port });
      }
    }
  }
  const target = targets.find((t) => t.pod === previous) ?? targets.sort((a, b) => a.pod.localeCompare(b.pod))[0];
  if (target) return target;
  // The slices list no ready pod: say which pods exist and why they are not ready.
  const pods = service.selector ? await listPods(api, service.namespace, service.selector).catch(() => []) : [];
  throw noReadyPod(service, pods);
}

/** The container port a Service's target port names on this pod. */
function containerPort(pod: V1Pod, service: ResolvedService): number {
  if (typeof service.targetPort === 'number') return service.targetPort;
  if (/^\d+$/.test(service.targetPort)) return Number(service.targetPort);
  const ports = (pod.spec?.containers ?? []).flatMap((c) => c.ports ?? []);
  const match = ports.find((p) => p.name === service.targetPort);
  if (match) return match.containerPort;
  const listed = ports.map((p) => (p.name ? `${p.name} ${p.containerPort}` : String(p.containerPort))).join(', ') || 'none';
  throw new FlinkKubernetesError(
    `Service ${service.namespace}/${service.name} sends port ${service.port} to targetPort ${JSON.stringify(service.targetPort)}, ` +
      `but pod ${pod.metadata?.name} has no container port of that name; its ports: ${listed}. Fix the Service's targetPort or the pod's port name.`,
    { reason: 'port-not-found' },
  );
}

function noReadyPod(service: ResolvedService, pods: V1Pod[]): FlinkKubernetesError {
  const selector = service.selector ? selectorText(service.selector) : 'none';
  const seen =
    pods.length === 0
      ? 'no pod matches its selector (is the JobManager Deployment scaled to zero, or its pods not created yet?)'
      : `its pods: ${pods.map(podState).join('; ')}`;
  return new FlinkKubernetesError(
    `no Ready pod behind Service ${service.namespace}/${service.name} (selector ${selector}): ${seen}. ` +
      `Check kubectl -n ${service.namespace} get pods -l ${selector} and the JobManager's logs.`,
    { reason: 'no-ready-pod' },
  );
}

/** `name (Pending, not ready: Unschedulable)` */
export function podState(pod: V1Pod): string {
  const name = pod.metadata?.name;
  if (pod.metadata?.deletionTimestamp) return `${name} (terminating)`;
  const phase = pod.status?.phase ?? 'Unknown';
  const waiting = (pod.status?.containerStatuses ?? []).map((c) => c.state?.waiting?.reason).find(Boolean);
  const condition = (pod.status?.conditions ?? []).find((c) => c.status !== 'True' && c.reason)?.reason;
  const why = waiting ?? condition;
  return `${name} (${phase}${isReady(pod) ? ', ready' : ', not ready'}${why ? `: ${why}` : ''})`;
}

function byName(a: V1Pod, b: V1Pod): number {
  return (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '');
}
