import { FlinkError, type FlinkErrorOptions } from './flink-error.js';

/**
 * What went wrong between flink-kit and Kubernetes; one value per fix, so a CLI can map it to an exit code.
 *
 * | reason | meaning |
 * |---|---|
 * | `client-missing` | `@kubernetes/client-node` is not installed |
 * | `kubeconfig-not-found` | no kubeconfig at the given path, `$KUBECONFIG` or `~/.kube/config`, and not in a pod |
 * | `kubeconfig-invalid` | the kubeconfig could not be read or parsed, or names no cluster |
 * | `context-not-found` | the requested context is not in the kubeconfig (the message lists them) |
 * | `namespace-not-found` | the namespace does not exist |
 * | `service-not-found` | the named Service does not exist (the message lists the namespace's Services) |
 * | `no-service` | no Flink REST Service found, or several (the message lists them) |
 * | `no-selector` | the Service has no selector, so no pod can be found behind it |
 * | `no-ready-pod` | no Ready pod behind the Service (scaled to zero, pending, crashing) |
 * | `port-not-found` | the port (name or number) is not on the Service, or a named targetPort not on the pod |
 * | `forbidden` | RBAC refused a call; the message names the verb and resource to grant |
 * | `unauthorized` | the API server rejected the credentials (expired token, wrong certificate) |
 * | `unreachable` | no answer from the API server (refused, DNS, timeout) |
 * | `untrusted-certificate` | the API server's TLS certificate is not trusted by the kubeconfig's CA |
 * | `local-port-in-use` | the requested `localPort` is taken |
 * | `port-forward-failed` | the API server or kubelet refused the port-forward stream for another reason |
 * | `api-error` | any other error status from the API server |
 */
export type KubernetesErrorReason =
  | 'client-missing'
  | 'kubeconfig-not-found'
  | 'kubeconfig-invalid'
  | 'context-not-found'
  | 'namespace-not-found'
  | 'service-not-found'
  | 'no-service'
  | 'no-selector'
  | 'no-ready-pod'
  | 'port-not-found'
  | 'forbidden'
  | 'unauthorized'
  | 'unreachable'
  | 'untrusted-certificate'
  | 'local-port-in-use'
  | 'port-forward-failed'
  | 'api-error';

/**
 * Finding or reaching Flink on Kubernetes failed (`flink-kit/kube`). `reason` tells which fix applies;
 * the message says what to do. Tokens, client keys and Authorization headers never appear in it.
 *
 * @example
 * ```ts
 * try { await connectKubernetes({ namespace: 'flink' }); }
 * catch (e) { if (e instanceof FlinkKubernetesError && e.reason === 'forbidden') console.error(e.message); }
 * ```
 */
export class FlinkKubernetesError extends FlinkError {
  /** Which kind of failure, one per fix. */
  readonly reason: KubernetesErrorReason;
  /** HTTP status the API server answered, when it answered. */
  readonly status: number | undefined;

  constructor(message: string, init: FlinkErrorOptions & { reason: KubernetesErrorReason; status?: number | undefined }) {
    super(message, init);
    this.reason = init.reason;
    this.status = init.status;
  }
}
