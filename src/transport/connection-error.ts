import { FlinkConnectionError } from '../errors/transport-errors.js';
import { redactUrl } from '../internal/redact.js';

const TLS_CODES = /CERT|SSL|TLS|EPROTO|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|HOSTNAME/i;

/** Turns a failed fetch (no HTTP reply at all) into a {@link FlinkConnectionError} with a useful hint. */
export function toConnectionError(error: unknown, url: URL): FlinkConnectionError {
  const code = errorCode(error);
  const where = redactUrl(url.origin + url.pathname.replace(/\/v1\/.*$/, '/'));
  const detail = innermostMessage(error);
  let message: string;
  if (code === 'ECONNREFUSED') {
    message = `nothing listens at ${where} (connection refused). Is the JobManager running, and is this its REST port (rest.port, usually 8081)?`;
  } else if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    message = `cannot resolve host "${url.hostname}" (${code}). Check the URL; from outside Kubernetes use flink-kit/kube to port-forward the JobManager Service.`;
  } else if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || /wrong version number|packet length too long/i.test(detail)) {
    message = `TLS handshake with ${where} failed: the server does not speak TLS here. Use http:// or enable security.ssl.rest.enabled on Flink.`;
  } else if (code !== undefined && TLS_CODES.test(code)) {
    message = `TLS handshake with ${where} failed (${code}: ${detail}). Pass tls.ca with the CA that signed Flink's certificate, or check the host name in the URL.`;
  } else {
    message = `no HTTP reply from ${where} (${code ?? 'network error'}: ${detail}).`;
  }
  const hint = portHint(url);
  return new FlinkConnectionError(hint ? `${message} ${hint}` : message, { url: where, code, cause: error });
}

/** A hint when the URL points at one of Flink's non-HTTP ports. */
export function portHint(url: URL): string | undefined {
  if (url.port === '6123') return "Port 6123 is Flink's RPC port (jobmanager.rpc.port); the REST API is usually on 8081.";
  if (url.port === '6124') return "Port 6124 is Flink's blob server port; the REST API is usually on 8081.";
  return undefined;
}

function errorCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

function innermostMessage(error: unknown): string {
  let message = error instanceof Error ? error.message : String(error);
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof Error && e.message) message = e.message;
  }
  return message;
}
