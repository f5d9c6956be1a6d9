/**
 * The rules of {@link describeFlinkOnKubernetes}: which mismatches between the pods and Flink, and
 * which unhealthy pods, are problems, and the fix of each. Pure functions of what was seen.
 */
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

/**
 * How long a TaskManager pod may be Ready without being registered before that counts as "never
 * registered": a TaskManager registers seconds after its JVM starts, but pods without a readiness
 * probe (Flink's standalone manifests) are Ready as soon as the container starts.
 */
export const REGISTRATION_GRACE_MS = 60_000;

/** What the rules look at: the pods, Flink's view (or why it could not be asked), and the time. */
export interface ClusterView {
  namespace: string;
  jobManagers: FlinkPod[];
  taskManagers: FlinkPod[];
  flink: FlinkView | undefined;
  flinkError: string | undefined;
  /** The TaskManager pods' label selector, as `kubectl -l` takes it. */
  tmSelector: string;
  /** Flink's TaskManager ids matched pods (so each pod's `registered` is known), rather than only counts. */
  matched: boolean;
  /** The clock, in epoch milliseconds. */
  now: number;
}

/**
 * The problems of a cluster, from its pods and what Flink reports: what is wrong, each with its
 * one-line fix (`kubectl` commands in `namespace`). Pure: `now` is the clock for pod ages.
 */
export function findProblems(view: ClusterView): FlinkOnKubernetesProblem[] {
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
  if (live.length === 0 && (flink === undefined || flink.taskManagers === 0)) {
    add(
      'no-taskmanager-pods',
      `no TaskManager pods (selector ${view.tmSelector}).`,
      'native Kubernetes and the operator start them when a job needs slots; otherwise check the TaskManager Deployment.',
    );
  }
  if (flink) {
    problems.push(
      ...registrationProblems(
        view,
        flink,
        live.filter((p) => p.ready),
        kubectl,
      ),
    );
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

const problem = (kind: FlinkOnKubernetesProblemKind, message: string, fix: string): FlinkOnKubernetesProblem => ({ kind, message, fix });

/**
 * Ready TaskManager pods that Flink has not registered: by pod when Flink's ids matched pods, else
 * by count. One Ready for {@link REGISTRATION_GRACE_MS} (or since when unknown) never will be; a
 * younger one is still registering.
 */
function registrationProblems(view: ClusterView, flink: FlinkView, ready: FlinkPod[], kubectl: string): FlinkOnKubernetesProblem[] {
  const ageMs = (p: FlinkPod) => (p.readySince ? view.now - p.readySince.getTime() : Number.POSITIVE_INFINITY);
  const settled = (p: FlinkPod) => ageMs(p) >= REGISTRATION_GRACE_MS;
  const newest = (pods: FlinkPod[]) => `Ready for ${Math.round(Math.min(...pods.map(ageMs)) / 1000)} s`;
  const notRegistered = (message: string, logs: string) =>
    problem(
      'taskmanagers-not-registered',
      message,
      `the classic jobmanager.rpc.address mistake: set it to the JobManager's Service (e.g. flink-jobmanager, RPC port 6123) in the TaskManagers' configuration; ${kubectl} logs ${logs} shows "Could not resolve ResourceManager address" until they give up (taskmanager.registration.timeout, 5 min).`,
    );
  const names = (pods: FlinkPod[]) => pods.map((p) => p.name).join(', ');
  const registering = (message: string) =>
    problem('taskmanagers-registering', message, 'a TaskManager registers seconds after it starts: look again in a minute.');
  if (view.matched) {
    const unregistered = ready.filter((p) => p.registered === false);
    const never = unregistered.filter(settled);
    const young = unregistered.filter((p) => !settled(p));
    const found: FlinkOnKubernetesProblem[] = [];
    if (never.length > 0)
      found.push(notRegistered(`TaskManager pods Ready but not registered with Flink: ${names(never)}.`, never[0]?.name ?? ''));
    if (young.length > 0) found.push(registering(`TaskManager pods not registered with Flink yet: ${names(young)} (${newest(young)}).`));
    return found;
  }
  if (ready.length <= flink.taskManagers) return [];
  const counts = `${ready.length} TaskManager pods are Ready but Flink has ${flink.taskManagers} TaskManagers registered`;
  return ready.filter(settled).length > flink.taskManagers
    ? [notRegistered(`${counts}.`, `-l ${view.tmSelector}`)]
    : [registering(`${counts}; the newest pod is ${newest(ready)}.`)];
}
