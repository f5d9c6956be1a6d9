import type { CoreV1Api, DiscoveryV1Api, KubeConfig, PortForward } from '@kubernetes/client-node';
import { FlinkKubernetesError, type KubernetesErrorReason } from '../errors/kube-errors.js';
import { errorCode, innermostMessage } from '../internal/error-cause.js';
import { redactUrl } from '../internal/redact.js';
import type { K8s } from './client-node.js';

/** What a Kubernetes API call does, for error messages: `list services in namespace flink`. */
export interface ApiCall {
  verb: 'get' | 'list' | 'create';
  /** Resource as RBAC names it: `services`, `pods`, `endpointslices`, `pods/portforward`, `namespaces`. */
  resource: string;
  namespace?: string | undefined;
  /** Object name, for `get`. */
  name?: string | undefined;
}

/** The API clients and the identity (context, server) they use. */
export interface KubeApi {
  readonly kc: KubeConfig;
  readonly core: CoreV1Api;
  readonly discovery: DiscoveryV1Api;
  readonly portForward: PortForward;
  /** Name of the kubeconfig context in use. */
  readonly context: string;
  /** API server URL (credentials stripped), for messages. */
  readonly server: string;
}

/** API clients for a loaded kubeconfig. */
export function makeApi(k8s: K8s, kc: KubeConfig, context: string): KubeApi {
  return {
    kc,
    core: kc.makeApiClient(k8s.CoreV1Api),
    discovery: kc.makeApiClient(k8s.DiscoveryV1Api),
    portForward: new k8s.PortForward(kc),
    context,
    server: redactUrl(kc.getCurrentCluster()?.server ?? '(no server)'),
  };
}

/**
 * Runs one API call and turns its failure into a {@link FlinkKubernetesError}; with `notFound`,
 * a 404 resolves to `undefined` instead.
 */
export async function call<T>(api: KubeApi, what: ApiCall, run: () => Promise<T>): Promise<T>;
export async function call<T>(api: KubeApi, what: ApiCall, run: () => Promise<T>, notFound: 'undefined'): Promise<T | undefined>;
export async function call<T>(api: KubeApi, what: ApiCall, run: () => Promise<T>, notFound?: 'undefined'): Promise<T | undefined> {
  try {
    return await run();
  } catch (error) {
    if (notFound && statusOf(error) === 404) return undefined;
    throw toKubeError(error, api, what);
  }
}

/** HTTP status of a failed API call (client-node's ApiException) or WebSocket upgrade, if it had one. */
export function statusOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'number') return code;
  const upgrade = /Unexpected server response: (\d{3})/.exec(String((error as Error | undefined)?.message));
  return upgrade ? Number(upgrade[1]) : undefined;
}

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ALTNAME|HOSTNAME/i;
const NETWORK_CODES = /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EPIPE|UND_ERR_\w+)$/;

/** Maps a failed API call or port-forward upgrade to a typed error whose message says what to do. */
export function toKubeError(error: unknown, api: KubeApi, what: ApiCall): FlinkKubernetesError {
  if (error instanceof FlinkKubernetesError) return error;
  const status = statusOf(error);
  const where = what.namespace ? ` in namespace ${what.namespace}` : '';
  const action = `${what.verb} ${what.resource}${what.name ? ` ${what.name}` : ''}${where}`;
  const fail = (reason: KubernetesErrorReason, message: string) =>
    new FlinkKubernetesError(scrub(message), { reason, status, cause: error });
  if (status === 403) {
    const server = serverMessage(error);
    return fail(
      'forbidden',
      `Kubernetes RBAC forbids ${action} (context ${api.context}${server ? `: ${server}` : ''}). ` +
        `Grant verb ${what.verb} on ${what.resource}${where} to your user or service account (a Role and RoleBinding); ` +
        'flink-kit/kube needs get/list on services, pods and endpointslices and create on pods/portforward.',
    );
  }
  if (status === 401) {
    return fail(
      'unauthorized',
      `the Kubernetes API server ${api.server} rejected the credentials of context ${api.context} (HTTP 401) on ${action}. ` +
        'The token or client certificate is expired or wrong: refresh the credentials (e.g. re-run your cloud CLI’s get-credentials) or pick another context.',
    );
  }
  if (status !== undefined) {
    const server = serverMessage(error);
    return fail(
      what.resource === 'pods/portforward' ? 'port-forward-failed' : 'api-error',
      `${action} failed with HTTP ${status}${server ? `: ${server}` : ''} (API server ${api.server}, context ${api.context}).`,
    );
  }
  const code = errorCode(error);
  const detail = innermostMessage(error);
  if ((code && TLS_CODES.test(code)) || /certificate/i.test(detail)) {
    return fail(
      'untrusted-certificate',
      `the Kubernetes API server ${api.server} presented a certificate that is not trusted (${code ?? detail}). ` +
        `Set certificate-authority or certificate-authority-data for the cluster of context ${api.context} in the kubeconfig to the CA that signed it.`,
    );
  }
  if (/HTTP protocol is not allowed/i.test(detail)) {
    return fail(
      'kubeconfig-invalid',
      `the cluster of context ${api.context} uses plain http (${api.server}); @kubernetes/client-node refuses that unless the cluster sets insecure-skip-tls-verify: true.`,
    );
  }
  if ((code && NETWORK_CODES.test(code)) || /fetch failed|socket hang up|timed? ?out/i.test(detail)) {
    return fail(
      'unreachable',
      `cannot reach the Kubernetes API server ${api.server} (${code ?? detail}) to ${action}. ` +
        `Is the cluster up, and is context ${api.context} the one you mean (pass context, or kubectl config use-context)?`,
    );
  }
  return fail('api-error', `${action} failed: ${detail} (API server ${api.server}, context ${api.context}).`);
}

/** The API server's own explanation from a Status body, e.g. `services "x" is forbidden: User "y" cannot …`. */
function serverMessage(error: unknown): string | undefined {
  let body = (error as { body?: unknown }).body;
  if (typeof body === 'string') {
    const text = body;
    try {
      body = JSON.parse(text);
    } catch {
      return text.trim().slice(0, 300) || undefined;
    }
  }
  const message = (body as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' && message ? message : undefined;
}

/** Removes anything token-like from text that came from elsewhere (server messages, plugin output). */
export function scrub(text: string): string {
  return text
    .replace(/(bearer\s+)[^\s"',]+/gi, '$1***')
    .replace(/\beyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*/g, '***')
    .replace(/([?&](?:token|access_token)=)[^&\s"]*/gi, '$1***');
}
