/**
 * Flink on Kubernetes: finds the JobManager's REST Service and reaches it, through a port-forward
 * that follows JobManager pod replacements, or directly from inside the cluster. Needs the
 * optional peer dependency `@kubernetes/client-node` (2.x); `import 'flink-kit'` never loads it.
 * @packageDocumentation
 */
import '../internal/node-check.js';
import { connect, type KubernetesConnection, type KubernetesConnectOptions } from './connect.js';
import { describe, type FlinkOnKubernetes } from './describe.js';

export { FlinkKubernetesError, type KubernetesErrorReason } from '../errors/kube-errors.js';
export type { KubernetesConnection, KubernetesConnectOptions, KubernetesMode } from './connect.js';
export type { FlinkOnKubernetes } from './describe.js';
export { doctorWithoutJobManager, kubernetesChecks, kubernetesDoctorSection } from './doctor.js';
export type { FlinkOnKubernetesProblem, FlinkOnKubernetesProblemKind, FlinkPod, FlinkView } from './problems.js';
export type { KubernetesService } from './service.js';

/**
 * Connects to the Flink JobManager of a Kubernetes namespace; `conn.client` is a `FlinkClient` on it.
 *
 * Finds the Service when none is named (one `<cluster-id>-rest` of native Kubernetes or the Flink
 * Kubernetes Operator, else the standalone `flink-jobmanager`) and its REST port (named `rest`,
 * `webui`, `ui` or `http`, else 8081). Outside a cluster it listens on 127.0.0.1 and forwards each
 * connection to a Ready JobManager pod, resolved per connection: when the pod is replaced, the same
 * client keeps working. Inside a cluster (`mode: 'auto'` with the pod's service account) it uses the
 * Service's DNS name. Needs RBAC get/list on services, pods and endpointslices, and create on
 * pods/portforward.
 *
 * @throws {@link FlinkKubernetesError} with a `reason` per fix: no kubeconfig, unknown context,
 * namespace or Service (the message lists what exists), no Ready pod, RBAC, API server unreachable
 * or untrusted; no token or key ever appears in the message.
 * @throws `FlinkInputError` for malformed options (invalid names, ports).
 * @example
 * ```ts
 * import { connectKubernetes } from 'flink-kit/kube';
 * await using conn = await connectKubernetes({ namespace: 'flink' });
 * console.log(conn.url, conn.service.name, conn.pod);
 * const { jobId } = await conn.client.submit({ jar: './app.jar', parallelism: 2 });
 * ```
 */
export function connectKubernetes(options: KubernetesConnectOptions = {}): Promise<KubernetesConnection> {
  return connect(options);
}

/**
 * Describes a Flink cluster on Kubernetes: its JobManager and TaskManager pods (phase, readiness,
 * node, restarts) next to what Flink reports (registered TaskManagers, slots), and the problems
 * found, each with its one-line fix: TaskManager pods not registered (a pod Ready for over a minute
 * that Flink does not list never will be: the classic `jobmanager.rpc.address` mistake; a younger
 * one is still registering), all TaskManagers on one node, pods not ready or restarting, Flink
 * unreachable. Does not throw for an unhealthy cluster, only when it cannot look.
 *
 * @throws {@link FlinkKubernetesError} as {@link connectKubernetes} does for the kubeconfig, the
 * namespace, the Service and RBAC.
 * @example
 * ```ts
 * import { describeFlinkOnKubernetes } from 'flink-kit/kube';
 * const report = await describeFlinkOnKubernetes({ namespace: 'flink' });
 * console.log(report.flink?.taskManagers, report.taskManagers.length);
 * for (const p of report.problems) console.log(`${p.kind}: ${p.message} (fix: ${p.fix})`);
 * ```
 */
export function describeFlinkOnKubernetes(options: KubernetesConnectOptions = {}): Promise<FlinkOnKubernetes> {
  return describe(options);
}
