import type { V1Pod } from '@kubernetes/client-node';
import type { TaskManager } from '../schemas/cluster.js';
import { connectSession, type KubernetesConnectOptions, openSession } from './connect.js';
import { type KubeEnvironment, processEnvironment } from './kubeconfig.js';
import { isReady, listPods, selectorText } from './pods.js';
import type { KubernetesService } from './service.js';

/** One JobManager or TaskManager pod as Kubernetes reports it. */
export interface FlinkPod {
  name: string;
  /** `Pending`, `Running`, `Succeeded`, `Failed` or `Unknown`. */
  phase: string;
  /** Running, Ready and not being deleted. */
  ready: boolean;
  /** Being deleted. */
  terminating: boolean;
  /** The node it is scheduled on. */
  node: string | undefined;
  /** Container restarts, summed over its containers. */
  restarts: number;
  /** Why it is not ready or last restarted (`CrashLoopBackOff`, `OOMKilled`, `Unschedulable`, …), when known. */
  reason: string | undefined;
  /** Pod IP. */
  ip: string | undefined;
  /**
   * TaskManager pods: whether Flink lists it among its registered TaskManagers (matched by pod name
   * or IP); `undefined` when Flink was not reached or its TaskManager ids match no pod at all.
   */
  registered: boolean | undefined;
}

/** What Flink itself reports, read through the same connection `connectKubernetes` makes. */
export interface FlinkView {
  flinkVersion: string;
  /** Registered TaskManagers. */
  taskManagers: number;
  slotsTotal: number;
  slotsAvailable: number;
  jobsRunning: number;
  /** Ids of the registered TaskManagers. */
  taskManagerIds: string[];
}

/** Kinds of findings of {@link describeFlinkOnKubernetes}. */
export type FlinkOnKubernetesProblemKind =
  | 'no-ready-jobmanager'
  | 'flink-unreachable'
  | 'pod-not-ready'
  | 'pod-restarts'
  | 'no-taskmanager-pods'
  | 'taskmanagers-not-registered'
  | 'taskmanager-count'
  | 'single-node';

/** A mismatch between the pods and what Flink reports, or an unhealthy pod. */
export interface FlinkOnKubernetesProblem {
  kind: FlinkOnKubernetesProblemKind;
  /** What is wrong and what to check. */
  message: string;
}

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

/** Describes Flink on Kubernetes (see {@link describeFlinkOnKubernetes}); `environment` is a test seam. */
export async function describe(
  options: KubernetesConnectOptions = {},
  environment: KubeEnvironment = processEnvironment(),
): Promise<FlinkOnKubernetes> {
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
    // Fail fast: a doctor should answer in seconds, not wait through retries.
    await using conn = await connectSession(session, {
      ...options,
      retry: false,
      timeoutMs: options.timeoutMs ?? 10_000,
      reconnectTimeoutMs: 5_000,
    });
    const [overview, tms] = await Promise.all([conn.client.cluster.overview(), conn.client.cluster.taskManagers()]);
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
    jobManagers,
    taskManagers,
    flink,
    flinkError,
    tmSelector: selectorText(tmSelector),
    matched: !!registered,
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
  return {
    name: pod.metadata?.name ?? '',
    phase: pod.status?.phase ?? 'Unknown',
    ready: isReady(pod),
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

function findProblems(view: {
  jobManagers: FlinkPod[];
  taskManagers: FlinkPod[];
  flink: FlinkView | undefined;
  flinkError: string | undefined;
  tmSelector: string;
  matched: boolean;
}): FlinkOnKubernetesProblem[] {
  const problems: FlinkOnKubernetesProblem[] = [];
  const add = (kind: FlinkOnKubernetesProblemKind, message: string) => problems.push({ kind, message });
  const { jobManagers, taskManagers, flink } = view;
  if (!jobManagers.some((p) => p.ready)) add('no-ready-jobmanager', 'no JobManager pod is Ready: Flink cannot be reached until one is.');
  if (view.flinkError !== undefined) add('flink-unreachable', `Flink could not be asked: ${view.flinkError}`);
  for (const pod of [...jobManagers, ...taskManagers]) {
    if (!pod.ready && !pod.terminating)
      add('pod-not-ready', `pod ${pod.name} is ${pod.phase} and not ready${pod.reason ? ` (${pod.reason})` : ''}.`);
    if (pod.restarts > 0)
      add(
        'pod-restarts',
        `pod ${pod.name} restarted ${pod.restarts} times${pod.reason ? ` (last: ${pod.reason})` : ''}: check its logs (kubectl logs --previous).`,
      );
  }
  const live = taskManagers.filter((p) => !p.terminating);
  const ready = live.filter((p) => p.ready);
  if (live.length === 0 && (flink === undefined || flink.taskManagers === 0)) {
    add(
      'no-taskmanager-pods',
      `no TaskManager pods (selector ${view.tmSelector}); native Kubernetes starts them when a job runs, otherwise check the TaskManager Deployment.`,
    );
  }
  if (flink) {
    const unregistered = view.matched ? ready.filter((p) => p.registered === false) : [];
    if (unregistered.length > 0) {
      add(
        'taskmanagers-not-registered',
        `TaskManager pods Ready but not registered with Flink: ${unregistered.map((p) => p.name).join(', ')}. Check their logs for connection errors to jobmanager.rpc.address.`,
      );
    } else if (!view.matched && ready.length > flink.taskManagers) {
      add(
        'taskmanagers-not-registered',
        `${ready.length} TaskManager pods are Ready but Flink has ${flink.taskManagers} TaskManagers registered. Check the TaskManager logs for connection errors to jobmanager.rpc.address.`,
      );
    }
    if (flink.taskManagers > live.length && live.length > 0) {
      add(
        'taskmanager-count',
        `Flink has ${flink.taskManagers} TaskManagers registered but only ${live.length} TaskManager pods exist (selector ${view.tmSelector}): deleted pods stay registered until heartbeat.timeout (50 s by default).`,
      );
    }
  }
  const nodes = new Set(live.map((p) => p.node));
  if (live.length > 1 && nodes.size === 1 && live[0]?.node) {
    add(
      'single-node',
      `all ${live.length} TaskManager pods run on node ${live[0].node}: losing that node loses every slot. Spread them with pod anti-affinity or topology spread constraints.`,
    );
  }
  return problems;
}
