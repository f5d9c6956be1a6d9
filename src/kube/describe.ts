import type { V1Pod } from '@kubernetes/client-node';
import type { RequestOptions } from '../options.js';
import type { ClusterResource } from '../resources/cluster.js';
import type { TaskManager } from '../schemas/cluster.js';
import { connectSession, type KubernetesConnectOptions, openSession } from './connect.js';
import { type KubeEnvironment, processEnvironment } from './kubeconfig.js';
import { isReady, listPods, selectorText } from './pods.js';
import { type FlinkOnKubernetesProblem, type FlinkPod, type FlinkView, findProblems } from './problems.js';
import type { KubernetesService } from './service.js';

/** Result of {@link describeFlinkOnKubernetes}. */
export interface FlinkOnKubernetes {
  context: string;
  namespace: string;
  /** The JobManager REST Service and port. */
  service: KubernetesService;
  /** Pods behind the Service. */
  jobManagers: FlinkPod[];
  /** Pods labelled as this cluster's TaskManagers (`component=taskmanager`). */
  taskManagers: FlinkPod[];
  /** Flink's own view; `undefined` when it could not be asked (see `flinkError`). */
  flink: FlinkView | undefined;
  /** Why Flink could not be asked. */
  flinkError: string | undefined;
  /** Mismatches and unhealthy pods; empty when all is well. */
  problems: FlinkOnKubernetesProblem[];
}

/** Where describe reads Flink's view: its own connection through the Service, or a client given (doctor's). */
export interface DescribeSeams {
  environment?: KubeEnvironment;
  /** Read `/overview` and `/taskmanagers` here instead of connecting through the Service. */
  cluster?: Pick<ClusterResource, 'overview' | 'taskManagers'>;
  /** Per-request options for `cluster`. */
  request?: RequestOptions;
  /** The clock, for pod ages. */
  now?: () => number;
}

/** Describes Flink on Kubernetes (see {@link describeFlinkOnKubernetes}); `seams` are for doctor and tests. */
export async function describe(options: KubernetesConnectOptions = {}, seams: DescribeSeams = {}): Promise<FlinkOnKubernetes> {
  const environment = seams.environment ?? processEnvironment();
  const session = await openSession(options, environment);
  const { api, service, config } = session;
  const namespace = service.namespace;
  const jmPods = service.selector ? await listPods(api, namespace, service.selector) : [];
  const tmSelector = taskManagerSelector(service.selector);
  const tmPods = await listPods(api, namespace, tmSelector);

  let flink: FlinkView | undefined;
  let flinkError: string | undefined;
  let flinkTms: TaskManager[] = [];
  try {
    let overview: Awaited<ReturnType<ClusterResource['overview']>>;
    let tms: TaskManager[];
    if (seams.cluster) {
      const request = seams.request ?? {};
      [overview, tms] = await Promise.all([seams.cluster.overview(request), seams.cluster.taskManagers(request)]);
    } else {
      // Fail fast: a doctor should answer in seconds, not wait through retries.
      await using conn = await connectSession(session, {
        ...options,
        retry: false,
        timeoutMs: options.timeoutMs ?? 10_000,
        reconnectTimeoutMs: 5_000,
      });
      [overview, tms] = await Promise.all([conn.client.cluster.overview(), conn.client.cluster.taskManagers()]);
    }
    flinkTms = tms;
    flink = {
      flinkVersion: overview.flinkVersion,
      taskManagers: overview.taskManagers,
      slotsTotal: overview.slotsTotal,
      slotsAvailable: overview.slotsAvailable,
      jobsRunning: overview.jobsRunning,
      taskManagerIds: tms.map((tm) => tm.id),
    };
  } catch (error) {
    flinkError = error instanceof Error ? error.message : String(error);
  }

  const registered = flink ? matchRegistered(tmPods, flinkTms) : undefined;
  const jobManagers = jmPods.map((p) => podInfo(p, undefined));
  const taskManagers = tmPods.map((p) => podInfo(p, registered?.get(p.metadata?.name ?? '')));
  const problems = findProblems({
    namespace,
    jobManagers,
    taskManagers,
    flink,
    flinkError,
    tmSelector: selectorText(tmSelector),
    matched: !!registered,
    now: (seams.now ?? Date.now)(),
  });
  const { selector: _selector, ...publicService } = service;
  return { context: config.context, namespace, service: publicService, jobManagers, taskManagers, flink, flinkError, problems };
}

/** The JobManager selector with `component=taskmanager` (standalone, native and operator label pods alike). */
function taskManagerSelector(selector: Record<string, string> | undefined): Record<string, string> {
  if (selector?.['component'] === 'jobmanager') return { ...selector, component: 'taskmanager' };
  return { component: 'taskmanager' };
}

function podInfo(pod: V1Pod, registered: boolean | undefined): FlinkPod {
  const statuses = pod.status?.containerStatuses ?? [];
  const reason =
    statuses.map((c) => c.state?.waiting?.reason ?? c.state?.terminated?.reason).find(Boolean) ??
    (pod.status?.conditions ?? []).find((c) => c.status !== 'True' && c.reason)?.reason ??
    statuses.map((c) => c.lastState?.terminated?.reason).find(Boolean);
  const since = (pod.status?.conditions ?? []).find((c) => c.type === 'Ready')?.lastTransitionTime;
  return {
    name: pod.metadata?.name ?? '',
    phase: pod.status?.phase ?? 'Unknown',
    ready: isReady(pod),
    readySince: since === undefined ? undefined : new Date(since),
    terminating: Boolean(pod.metadata?.deletionTimestamp),
    node: pod.spec?.nodeName,
    restarts: statuses.reduce((n, c) => n + (c.restartCount ?? 0), 0),
    reason,
    ip: pod.status?.podIP,
    registered,
  };
}

/**
 * Which TaskManager pods Flink has registered. Native Kubernetes names a TaskManager after its pod;
 * standalone ids and RPC paths carry the pod IP. `undefined` when no id matches any pod.
 */
function matchRegistered(pods: V1Pod[], tms: TaskManager[]): Map<string, boolean> | undefined {
  const matches = (pod: V1Pod, tm: TaskManager) => {
    const name = pod.metadata?.name;
    const ip = pod.status?.podIP;
    return tm.id === name || (ip !== undefined && (tm.id.startsWith(`${ip}:`) || (tm.path ?? '').includes(`@${ip}:`)));
  };
  const result = new Map(pods.map((p) => [p.metadata?.name ?? '', tms.some((tm) => matches(p, tm))]));
  return [...result.values()].some(Boolean) ? result : undefined;
}
