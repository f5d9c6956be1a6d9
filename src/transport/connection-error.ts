import { FlinkConnectionError } from '../errors/transport-errors.js';
import { errorCode, innermostMessage } from '../internal/error-cause.js';
import { redactUrl } from '../internal/redact.js';

const TLS_CODES = /CERT|SSL|TLS|EPROTO|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|HOSTNAME/i;
/** The server's certificate is not signed by a CA the client trusts. */
const UNTRUSTED =
  /^(UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|CERT_SIGNATURE_FAILURE|CERT_UNTRUSTED|CERT_REJECTED)$/;
/** The server ended the handshake over the client's certificate (TLS alerts 40, 42–46, 48, 49, 116). */
const CLIENT_CERT_ALERT =
  /ALERT_(HANDSHAKE_FAILURE|BAD_CERTIFICATE|UNSUPPORTED_CERTIFICATE|CERTIFICATE_(REVOKED|EXPIRED|UNKNOWN|REQUIRED)|UNKNOWN_CA|ACCESS_DENIED)$/;

/**
 * The server a transport talks to, as its error messages name it: Flink's JobManager unless told
 * otherwise (the SQL Gateway's client names the gateway and where it usually listens).
 */
export interface ServerDescription {
  /** What follows "nothing listens at URL (connection refused)." */
  refusedHint: string;
  /** What follows a reply that is not this server's JSON, given the URL's origin. */
  otherServerHint: (origin: string) => string;
}

/** The JobManager's REST endpoint, the server of `FlinkClient`. */
export const JOB_MANAGER: ServerDescription = {
  refusedHint: 'Is the JobManager running, and is this its REST port (rest.port, usually 8081)?',
  otherServerHint: (origin) =>
    `Is ${origin} the Flink JobManager REST endpoint (usually port 8081), of a version flink-kit supports (1.18 to 2.x)?`,
};

/** What the transport knows about its own set-up, for the hints. */
export interface ConnectionContext {
  /** A client certificate (`tls.cert`) is configured. */
  clientCert?: boolean;
  /** The server it talks to. Default: {@link JOB_MANAGER}. */
  server?: ServerDescription;
  /** The transport's base URL, which the message names instead of the route. Default: the URL without its `/v1/…` route. */
  base?: URL;
}

/** Turns a failed fetch (no HTTP reply at all) into a {@link FlinkConnectionError} with a useful hint. */
export function toConnectionError(error: unknown, url: URL, context: ConnectionContext = {}): FlinkConnectionError {
  const code = errorCode(error);
  const where = redactUrl(context.base?.href ?? url.origin + url.pathname.replace(/\/v1\/.*$/, '/'));
  const detail = innermostMessage(error);
  let message: string;
  if (code === 'ECONNREFUSED') {
    message = `nothing listens at ${where} (connection refused). ${(context.server ?? JOB_MANAGER).refusedHint}`;
  } else if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    message = `cannot resolve host "${url.hostname}" (${code}). Check the URL; from outside Kubernetes use flink-kit/kube to port-forward the JobManager Service.`;
  } else if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || /wrong version number|packet length too long/i.test(detail)) {
    message = `TLS handshake with ${where} failed: the server does not speak TLS here. Use http:// or enable security.ssl.rest.enabled on Flink.`;
  } else if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    const names = certificateNames(error);
    message = `TLS handshake with ${where} failed: the server's certificate is not valid for host "${url.hostname}"${names ? ` (it names ${names})` : ''}. Use a host name the certificate names in the URL.`;
  } else if (code !== undefined && UNTRUSTED.test(code)) {
    message = `TLS handshake with ${where} failed: the server's certificate is not signed by a CA this client trusts (${code}). Pass tls.ca with the CA that signed the certificate of Flink's REST endpoint (security.ssl.rest.keystore).`;
  } else if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    message = `TLS handshake with ${where} failed: the server's certificate is ${code === 'CERT_HAS_EXPIRED' ? 'expired' : 'not valid yet'} (${code}). Renew Flink's REST certificate (security.ssl.rest.keystore), or check the clock.`;
  } else if (code !== undefined && CLIENT_CERT_ALERT.test(code)) {
    message = context.clientCert
      ? `TLS handshake with ${where} failed: the server refused the client certificate (${code}). It must be signed by a CA in Flink's REST truststore (security.ssl.rest.truststore) and be valid now.`
      : `TLS handshake with ${where} failed: the server requires a client certificate (${code}; mutual TLS, security.ssl.rest.authentication-enabled). Pass tls.cert and tls.key.`;
  } else if (code !== undefined && TLS_CODES.test(code)) {
    message = `TLS handshake with ${where} failed (${code}: ${detail}). Pass tls.ca with the CA that signed Flink's certificate, or check the host name in the URL.`;
  } else {
    message = `no HTTP reply from ${where} (${code ?? 'network error'}: ${detail}).`;
  }
  const hint = portHint(url) ?? (closedSilently(error) ? SILENT_CLOSE_HINT : undefined);
  return new FlinkConnectionError(hint ? `${message} ${hint}` : message, { url: where, code, cause: error });
}

/**
 * What a peer that closed a fresh connection without a byte of reply usually is. Flink's RPC port
 * (Pekko) and blob server port take the connection, read the HTTP request as garbage and close it.
 */
const SILENT_CLOSE_HINT =
  "The peer closed the connection without sending a single byte of HTTP: Flink's RPC port (jobmanager.rpc.port, 6123 by default) and blob server port (blob.server.port) do that. The REST API is on rest.port, usually 8081 (flink-kit local: LocalCluster.url). If this is the REST port, something in between (a proxy, a port-forward) or the JobManager going away cut the connection.";

/**
 * True when the connection was closed (or reset) before the peer sent anything: undici reports the
 * bytes read on the socket with its SocketError. A keep-alive connection closed between requests has
 * read the earlier replies, so it does not count.
 */
function closedSilently(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    const socket = (e as { socket?: { bytesRead?: unknown } }).socket;
    if ((code === 'UND_ERR_SOCKET' || code === 'ECONNRESET') && typeof socket?.bytesRead === 'number') return socket.bytesRead === 0;
  }
  return false;
}

/** A hint when the URL points at one of Flink's non-HTTP ports. */
export function portHint(url: URL): string | undefined {
  if (url.port === '6123') return "Port 6123 is Flink's RPC port (jobmanager.rpc.port); the REST API is usually on 8081.";
  if (url.port === '6124') return "Port 6124 is Flink's blob server port; the REST API is usually on 8081.";
  return undefined;
}

/** The names in the certificate that did not match (Node attaches the peer certificate), e.g. `IP Address:127.0.0.1`. */
function certificateNames(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const cert = (e as { cert?: { subjectaltname?: unknown; subject?: { CN?: unknown } } }).cert;
    if (typeof cert?.subjectaltname === 'string') return cert.subjectaltname;
    if (typeof cert?.subject?.CN === 'string') return `CN=${cert.subject.CN}`;
  }
  return undefined;
}
