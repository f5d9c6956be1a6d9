import { FlinkKubernetesError } from '../errors/kube-errors.js';
import type { CheckStatus, DoctorCheck, DoctorReport, DoctorSection } from '../workflows/doctor.js';
import type { KubernetesConnectOptions } from './connect.js';
import { type DescribeSeams, describe, type FlinkOnKubernetes } from './describe.js';
import type { FlinkOnKubernetesProblemKind, FlinkPod } from './problems.js';

/** How serious each finding of describe is for `doctor`: only what stops Flink from working fails. */
const STATUS: Record<FlinkOnKubernetesProblemKind, CheckStatus> = {
  'no-ready-jobmanager': 'fail',
  'taskmanagers-not-registered': 'fail',
  'flink-unreachable': 'warn',
  'pod-not-ready': 'warn',
  'pod-restarts': 'warn',
  'no-taskmanager-pods': 'warn',
  'taskmanagers-registering': 'warn',
  'taskmanager-count': 'warn',
  'single-node': 'warn',
};

/** The checks, each with the findings that belong to it and what it says when there are none. */
const CHECKS: Array<{ id: string; kinds: FlinkOnKubernetesProblemKind[]; pass: (d: FlinkOnKubernetes) => string | undefined }> = [
  {
    id: 'k8s-jobmanager',
    kinds: ['no-ready-jobmanager'],
    pass: (d) =>
      `JobManager pod ${names(d.jobManagers.filter((p) => p.ready))} Ready behind Service ${d.namespace}/${d.service.name} port ${d.service.port}`,
  },
  {
    id: 'k8s-pods',
    kinds: ['pod-not-ready', 'pod-restarts', 'no-taskmanager-pods'],
    pass: (d) =>
      `${count(live(d.taskManagers).length, 'TaskManager pod')} and ${count(d.jobManagers.length, 'JobManager pod')}, all Ready, none restarted`,
  },
  {
    id: 'k8s-taskmanagers',
    kinds: ['taskmanagers-not-registered', 'taskmanagers-registering', 'taskmanager-count', 'flink-unreachable'],
    pass: (d) =>
      d.flink &&
      `${count(live(d.taskManagers).length, 'TaskManager pod')}, ${count(d.flink.taskManagers, 'TaskManager')} registered with Flink`,
  },
  {
    id: 'k8s-spread',
    kinds: ['single-node'],
    pass: (d) => {
      const pods = live(d.taskManagers);
      if (pods.length === 0) return undefined;
      if (pods.length === 1) return `1 TaskManager pod, on node ${pods[0]?.node ?? '(not scheduled)'}`;
      const perNode = new Map<string, number>();
      for (const p of pods) perNode.set(p.node ?? '(not scheduled)', (perNode.get(p.node ?? '(not scheduled)') ?? 0) + 1);
      const spread = [...perNode].map(([node, n]) => `${node} (${n})`).join(', ');
      return `TaskManager pods on ${count(perNode.size, 'node')}: ${spread}`;
    },
  },
];

/**
 * `doctor` checks from a {@link describeFlinkOnKubernetes} result: the JobManager pod Ready behind
 * the Service (`k8s-jobmanager`), pods Ready and not restarting (`k8s-pods`), TaskManager pods
 * against the TaskManagers Flink registered (`k8s-taskmanagers`: a pod Ready for a minute but never
 * registered fails, with the `jobmanager.rpc.address` fix), and how the TaskManager pods spread over
 * nodes (`k8s-spread`). Each finding is a warn or fail with its one-line fix; a clean area passes.
 * @example
 * ```ts
 * import { describeFlinkOnKubernetes, kubernetesChecks } from 'flink-kit/kube';
 * for (const c of kubernetesChecks(await describeFlinkOnKubernetes({ namespace: 'flink' })))
 *   console.log(c.status, c.summary, c.fix ?? '');
 * ```
 */
export function kubernetesChecks(described: FlinkOnKubernetes): DoctorCheck[] {
  const checks: DoctorCheck[] = [];
  for (const { id, kinds, pass } of CHECKS) {
    const found = described.problems.filter((p) => kinds.includes(p.kind));
    for (const p of found) checks.push({ id, status: STATUS[p.kind], summary: p.message, fix: p.fix });
    const summary = found.length === 0 ? pass(described) : undefined;
    if (summary) checks.push({ id, status: 'pass', summary });
  }
  return checks;
}

/**
 * A `doctor` section checking Flink's pods on Kubernetes ({@link kubernetesChecks}), for
 * `doctor(client, { sections: [kubernetesDoctorSection({ namespace })] })`. It lists the pods with
 * the kube options given and compares them with what the doctor's client reads from Flink. Never
 * throws for what it finds: when it cannot look (RBAC, an unknown namespace) that is a failed check
 * `k8s` saying why.
 * @example
 * ```ts
 * import { doctor } from 'flink-kit';
 * import { connectKubernetes, kubernetesDoctorSection } from 'flink-kit/kube';
 * await using conn = await connectKubernetes({ namespace: 'flink' });
 * const report = await doctor(conn.client, { sections: [kubernetesDoctorSection({ namespace: 'flink' })] });
 * ```
 */
export function kubernetesDoctorSection(options: KubernetesConnectOptions = {}): DoctorSection {
  // Flink's view through the doctor's own client: no second connection, and fail fast.
  return ({ deps, request }) => checksOf(options, { cluster: deps.cluster, request: { ...request, retry: false, timeoutMs: 10_000 } });
}

/**
 * `doctor`'s report when Flink cannot be reached on Kubernetes because no JobManager pod is Ready
 * (`connectKubernetes` threw `no-ready-pod`): the REST check fails, and the pod checks say why
 * (CrashLoopBackOff, Pending, restarts, scaled to zero). What `flink-kit doctor --k8s` prints then.
 * @example
 * ```ts
 * import { doctor } from 'flink-kit';
 * import { connectKubernetes, doctorWithoutJobManager, FlinkKubernetesError, kubernetesDoctorSection } from 'flink-kit/kube';
 * const options = { namespace: 'flink' };
 * const report = await connectKubernetes(options).then(
 *   (conn) => doctor(conn.client, { sections: [kubernetesDoctorSection(options)] }).finally(() => conn.close()),
 *   (error) => {
 *     if (error instanceof FlinkKubernetesError && error.reason === 'no-ready-pod') return doctorWithoutJobManager(options, error);
 *     throw error;
 *   },
 * );
 * for (const c of report.checks) console.log(c.status, c.summary);
 * ```
 */
export async function doctorWithoutJobManager(options: KubernetesConnectOptions, error: FlinkKubernetesError): Promise<DoctorReport> {
  const unreachable = () => Promise.reject(new Error('no JobManager pod is Ready'));
  const checks: DoctorCheck[] = [
    {
      id: 'rest',
      status: 'fail',
      summary: error.message,
      fix: 'Flink needs a Ready JobManager pod: the Kubernetes checks say why there is none',
    },
    ...(await checksOf(options, { cluster: { overview: unreachable, taskManagers: unreachable } })),
  ];
  return { ok: false, url: '', flinkVersion: undefined, checks };
}

/** The checks of describe's result; when it cannot look (RBAC, an unknown namespace), one failed check saying why. */
async function checksOf(options: KubernetesConnectOptions, seams: DescribeSeams): Promise<DoctorCheck[]> {
  try {
    return kubernetesChecks(await describe(options, seams));
  } catch (error) {
    seams.request?.signal?.throwIfAborted();
    return [
      {
        id: 'k8s',
        status: 'fail',
        summary: `could not look at Flink's pods: ${(error as Error).message}`,
        fix:
          error instanceof FlinkKubernetesError && error.reason === 'forbidden'
            ? 'grant get and list on services, pods and endpointslices in the namespace (the Role in the README)'
            : 'check the namespace, Service, context and kubeconfig given: the message lists what exists',
      },
    ];
  }
}

function live(pods: FlinkPod[]): FlinkPod[] {
  return pods.filter((p) => !p.terminating);
}

function names(pods: FlinkPod[]): string {
  return pods.map((p) => `${p.name}${p.node ? ` (node ${p.node})` : ''}`).join(', ');
}

function count(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}
