import type { V1Pod } from '@kubernetes/client-node';
import type { RequestOptions } from '../options.js';
import type { ClusterResource } from '../resources/cluster.js';
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
  /** When it last became Ready or stopped being Ready (the Ready condition's last transition), when known. */
  readySince: Date | undefined;
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
  | 'taskmanagers-registering'
  | 'taskmanager-count'
  | 'single-node';

/** A mismatch between the pods and what Flink reports, or an unhealthy pod. */
export interface FlinkOnKubernetesProblem {
  kind: FlinkOnKubernetesProblemKind;
  /** What is wrong, one line. */
  message: string;
  /** What to do about it, one line. */
  fix: string;
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

/**
 * How long a TaskManager pod may be Ready without being registered before that counts as "never
 * registered": a TaskManager registers seconds after its JVM starts, but pods without a readiness
 * probe (Flink's standalone manifests) are Ready as soon as the container starts.
 */
export const REGISTRATION_GRACE_MS = 60_000;

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

function findProblems(view: {
  namespace: string;
  jobManagers: FlinkPod[];
  taskManagers: FlinkPod[];
  flink: FlinkView | undefined;
  flinkError: string | undefined;
  tmSelector: string;
  matched: boolean;
  now: number;
}): FlinkOnKubernetesProblem[] {
  const problems: FlinkOnKubernetesProblem[] = [];
  const add = (kind: FlinkOnKubernetesProblemKind, message: string, fix: string) => problems.push({ kind, message, fix });
  const { jobManagers, taskManagers, flink } = view;
  const kubectl = `kubectl -n ${view.namespace}`;
  const jm = jobManagers[0]?.name;
  if (!jobManagers.some((p) => p.ready))
    add(
      'no-ready-jobmanager',
      'no JobManager pod is Ready: Flink cannot be reached until one is.',
      jm ? `${kubectl} describe pod ${jm} and ${kubectl} logs ${jm} say why.` : 'check the JobManager Deployment and its pods.',
    );
  if (view.flinkError !== undefined)
    add(
      'flink-unreachable',
      `Flink could not be asked: ${view.flinkError}`,
      `check the JobManager's log${jm ? ` (${kubectl} logs ${jm})` : ''} and that the Service port is Flink's REST port (rest.port, 8081).`,
    );
  for (const pod of [...jobManagers, ...taskManagers]) {
    if (!pod.ready && !pod.terminating)
      add(
        'pod-not-ready',
        `pod ${pod.name} is ${pod.phase} and not ready${pod.reason ? ` (${pod.reason})` : ''}.`,
        `${kubectl} describe pod ${pod.name} shows why (events: scheduling, image pull, probes).`,
      );
    if (pod.restarts > 0)
      add(
        'pod-restarts',
        `pod ${pod.name} restarted ${pod.restarts} times${pod.reason ? ` (last: ${pod.reason})` : ''}.`,
        `${kubectl} logs --previous ${pod.name} shows why${pod.reason === 'OOMKilled' ? "; for OOMKilled raise the container's memory limit and Flink's *.memory.process.size together" : ''}.`,
      );
  }
  const live = taskManagers.filter((p) => !p.terminating);
  const ready = live.filter((p) => p.ready);
  if (live.length === 0 && (flink === undefined || flink.taskManagers === 0)) {
    add(
      'no-taskmanager-pods',
      `no TaskManager pods (selector ${view.tmSelector}).`,
      'native Kubernetes and the operator start them when a job needs slots; otherwise check the TaskManager Deployment.',
    );
  }
  if (flink) {
    // Ready long enough to have registered (or since when unknown): one that has not, never will.
    const ageMs = (p: FlinkPod) => (p.readySince ? view.now - p.readySince.getTime() : Number.POSITIVE_INFINITY);
    const settled = (p: FlinkPod) => ageMs(p) >= REGISTRATION_GRACE_MS;
    const newest = (pods: FlinkPod[]) => `Ready for ${Math.round(Math.min(...pods.map(ageMs)) / 1000)} s`;
    const notRegistered = (message: string, logs: string) =>
      add(
        'taskmanagers-not-registered',
        message,
        `the classic jobmanager.rpc.address mistake: set it to the JobManager's Service (e.g. flink-jobmanager, RPC port 6123) in the TaskManagers' configuration; ${kubectl} logs ${logs} shows "Could not resolve ResourceManager address" until they give up (taskmanager.registration.timeout, 5 min).`,
      );
    const registering = (message: string) =>
      add('taskmanagers-registering', message, 'a TaskManager registers seconds after it starts: look again in a minute.');
    if (view.matched) {
      const unregistered = ready.filter((p) => p.registered === false);
      const never = unregistered.filter(settled);
      const young = unregistered.filter((p) => !settled(p));
      if (never.length > 0)
        notRegistered(
          `TaskManager pods Ready but not registered with Flink: ${never.map((p) => p.name).join(', ')}.`,
          never[0]?.name ?? '',
        );
      if (young.length > 0)
        registering(`TaskManager pods not registered with Flink yet: ${young.map((p) => p.name).join(', ')} (${newest(young)}).`);
    } else if (ready.length > flink.taskManagers) {
      const counts = `${ready.length} TaskManager pods are Ready but Flink has ${flink.taskManagers} TaskManagers registered`;
      if (ready.filter(settled).length > flink.taskManagers) notRegistered(`${counts}.`, `-l ${view.tmSelector}`);
      else registering(`${counts}; the newest pod is ${newest(ready)}.`);
    }
    if (flink.taskManagers > live.length && live.length > 0) {
      add(
        'taskmanager-count',
        `Flink has ${flink.taskManagers} TaskManagers registered but only ${live.length} TaskManager pods exist (selector ${view.tmSelector}).`,
        'deleted pods stay registered until heartbeat.timeout (50 s by default): look again in a minute.',
      );
    }
  }
  const nodes = new Set(live.map((p) => p.node));
  if (live.length > 1 && nodes.size === 1 && live[0]?.node) {
    add(
      'single-node',
      `all ${live.length} TaskManager pods run on node ${live[0].node}: losing that node loses every slot.`,
      'spread them over nodes with topologySpreadConstraints or pod anti-affinity (topologyKey kubernetes.io/hostname).',
    );
  }
  return problems;
}
