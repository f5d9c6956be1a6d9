import { afterEach, describe, expect, it } from 'vitest';
import { FlinkClient } from '../../../src/client.js';
import { FlinkConnectionError } from '../../../src/errors/transport-errors.js';
import { portHint, toConnectionError } from '../../../src/transport/connection-error.js';
import { caught } from '../../fakes/caught.js';
import { overview } from '../../fakes/flink-replies.js';
import { agentTo, closedPort, type LocalServer, selfSignedCert, startHttp, startHttps, startTcp } from '../../fakes/local-servers.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A client of a real server, closed (keep-alive sockets released) after the test. */
function clientFor(options: ConstructorParameters<typeof FlinkClient>[0]): FlinkClient {
  const client = new FlinkClient(options);
  cleanups.push(() => client.close());
  return client;
}

function serve(server: LocalServer): LocalServer {
  cleanups.push(() => server.close());
  return server;
}

/** What `call` rejected with, checked to be a FlinkConnectionError. */
function failureOf(call: Promise<unknown>): Promise<FlinkConnectionError> {
  return caught(call, FlinkConnectionError);
}

function fetchFailed(cause: Error & { code?: string }): TypeError {
  return new TypeError('fetch failed', { cause });
}

function withCode(message: string, code: string): Error & { code: string } {
  return Object.assign(new Error(message), { code });
}

describe('portHint', () => {
  it("names Flink's RPC port for 6123 and points at 8081", () => {
    const hint = portHint(new URL('http://jobmanager:6123'));
    expect(hint).toContain('6123');
    expect(hint).toContain('RPC');
    expect(hint).toContain('8081');
  });

  it("names Flink's blob server port for 6124", () => {
    expect(portHint(new URL('http://jobmanager:6124/'))).toMatch(/6124.*blob server.*8081/);
  });

  it.each(['http://jobmanager:8081', 'http://jobmanager', 'https://gateway/flink/', 'http://jobmanager:61230'])(
    'gives no hint for %s',
    (url) => {
      expect(portHint(new URL(url))).toBeUndefined();
    },
  );
});

describe('toConnectionError', () => {
  const url = new URL('http://jobmanager:8081/v1/jobs/overview');

  it('finds the code on a nested cause and names the base URL, not the route', () => {
    const error = toConnectionError(fetchFailed(withCode('connect ECONNREFUSED 10.0.0.1:8081', 'ECONNREFUSED')), url);
    expect(error.code).toBe('ECONNREFUSED');
    expect(error.url).toBe('http://jobmanager:8081/');
    expect(error.message).toContain('http://jobmanager:8081/');
    expect(error.message).not.toContain('/v1/jobs');
    expect(error.message).toContain('rest.port');
  });

  it('names the server it was told of, and the base URL it was given', () => {
    const server = { refusedHint: 'No SQL Gateway there.', otherServerHint: () => '' };
    const error = toConnectionError(fetchFailed(withCode('connect ECONNREFUSED', 'ECONNREFUSED')), new URL('http://gw:8083/api_versions'), {
      server,
      base: new URL('http://gw:8083/'),
    });
    expect(error.message).toBe('nothing listens at http://gw:8083/ (connection refused). No SQL Gateway there.');
    expect(error.url).toBe('http://gw:8083/');
  });

  it('keeps the original failure as cause', () => {
    const original = fetchFailed(withCode('getaddrinfo ENOTFOUND jobmanager', 'ENOTFOUND'));
    expect(toConnectionError(original, url).cause).toBe(original);
  });

  it('describes an unknown failure with its innermost message', () => {
    const error = toConnectionError(fetchFailed(new Error('socket hang up')), url);
    expect(error.code).toBeUndefined();
    expect(error.message).toMatch(/^no HTTP reply from http:\/\/jobmanager:8081\/ \(network error: socket hang up\)/);
  });

  it('reads "wrong version number" as a plain-HTTP server behind an https:// URL', () => {
    const error = toConnectionError(
      fetchFailed(withCode('ssl3_get_record:wrong version number', 'EPROTO')),
      new URL('https://jm:8081/v1/x'),
    );
    expect(error.message).toContain('does not speak TLS');
    expect(error.message).toContain('http://');
  });

  it('a certificate for other names says which host the URL names and which the certificate does', () => {
    const cause = Object.assign(withCode("Hostname/IP does not match certificate's altnames", 'ERR_TLS_CERT_ALTNAME_INVALID'), {
      cert: { subjectaltname: 'IP Address:127.0.0.1' },
    });
    const error = toConnectionError(fetchFailed(cause), new URL('https://localhost:8081/v1/overview'));
    expect(error.code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    expect(error.message).toContain('not valid for host "localhost" (it names IP Address:127.0.0.1)');
    expect(error.message).toContain('Use a host name the certificate names');
  });

  it.each([
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  ])("%s says to pass the CA that signed Flink's REST certificate as tls.ca", (code) => {
    const error = toConnectionError(fetchFailed(withCode('unable to verify', code)), new URL('https://jm:8081/v1/overview'));
    expect(error.message).toContain('not signed by a CA this client trusts');
    expect(error.message).toContain('tls.ca');
    expect(error.message).toContain('security.ssl.rest.keystore');
  });

  it.each(['ERR_SSL_SSL/TLS_ALERT_BAD_CERTIFICATE', 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE'])(
    '%s without a client certificate says one is required (mutual TLS), with one that the server refused it',
    (code) => {
      const url = new URL('https://jm:8081/v1/overview');
      const without = toConnectionError(fetchFailed(withCode('ssl/tls alert', code)), url);
      expect(without.message).toContain('the server requires a client certificate');
      expect(without.message).toContain('Pass tls.cert and tls.key');
      const refused = toConnectionError(fetchFailed(withCode('ssl/tls alert', code)), url, { clientCert: true });
      expect(refused.message).toContain('the server refused the client certificate');
      expect(refused.message).toContain('security.ssl.rest.truststore');
    },
  );

  it('adds the RPC port hint to whatever went wrong', () => {
    const error = toConnectionError(fetchFailed(withCode('other side closed', 'UND_ERR_SOCKET')), new URL('http://jm:6123/v1/overview'));
    expect(error.message).toContain('UND_ERR_SOCKET');
    expect(error.message).toContain("6123 is Flink's RPC port");
  });

  it('strips credentials from the URL it names', () => {
    const error = toConnectionError(fetchFailed(withCode('refused', 'ECONNREFUSED')), new URL('http://admin:s3cret@jm:8081/v1/overview'));
    expect(error.url).not.toContain('s3cret');
    expect(error.message).not.toContain('s3cret');
  });
});

describe('against real sockets on 127.0.0.1', () => {
  describe.each([
    ['undici (default transport)', {}],
    ['globalThis.fetch', { fetch: globalThis.fetch }],
  ])('connection refused, %s', (_name, extra) => {
    it('is a FlinkConnectionError with code ECONNREFUSED that names the URL and rest.port / 8081', async () => {
      const port = await closedPort();
      const url = `http://127.0.0.1:${port}`;
      const error = await failureOf(clientFor({ url, retry: false, ...extra }).cluster.overview());
      expect(error.code).toBe('ECONNREFUSED');
      expect(error.url).toBe(`${url}/`);
      expect(error.message).toContain(`${url}/`);
      expect(error.message).toContain('connection refused');
      expect(error.message).toContain('rest.port');
      expect(error.message).toContain('8081');
    });
  });

  it('connection refused at port 6123 hints that it is the RPC port', async () => {
    const port = await closedPort();
    const error = await failureOf(clientFor({ url: 'http://127.0.0.1:6123', dispatcher: agentTo(port), retry: false }).cluster.overview());
    expect(error.code).toBe('ECONNREFUSED');
    expect(error.message).toContain("Port 6123 is Flink's RPC port");
    expect(error.message).toContain('8081');
  });

  it('a host that does not resolve is "cannot resolve host"', async () => {
    const error = await failureOf(clientFor({ url: 'http://flink-kit-test.invalid:8081', retry: false }).cluster.overview());
    expect(['ENOTFOUND', 'EAI_AGAIN']).toContain(error.code);
    expect(error.message).toContain('cannot resolve host "flink-kit-test.invalid"');
  });

  it('a TCP peer that answers garbage is "no HTTP reply", with the RPC hint on port 6123', async () => {
    const rpc = serve(await startTcp((socket) => socket.end('\u0000\u0000\u0000\u0010pekko garbage\r\n\r\n')));
    const error = await failureOf(
      clientFor({ url: 'http://127.0.0.1:6123', dispatcher: agentTo(rpc.port), retry: false }).cluster.overview(),
    );
    expect(error.message).toContain('no HTTP reply from http://127.0.0.1:6123/');
    expect(error.message).toContain('does not match the HTTP/1.1 protocol');
    expect(error.message).toContain("Port 6123 is Flink's RPC port (jobmanager.rpc.port); the REST API is usually on 8081");
    expect(rpc.hits).toBe(1);
  });

  it('a TCP peer that closes at once is retried for GET, then a FlinkConnectionError', async () => {
    const rpc = serve(await startTcp((socket) => socket.destroy()));
    const error = await failureOf(
      clientFor({ url: `http://127.0.0.1:${rpc.port}`, retry: { retries: 2, minDelayMs: 1, maxDelayMs: 5 } }).cluster.overview(),
    );
    expect(error.message).toContain(`no HTTP reply from http://127.0.0.1:${rpc.port}/`);
    expect(rpc.hits).toBe(3);
  });

  it('a peer on any port that closes without a byte of reply (what Flink RPC and blob ports do) gets the REST-port hint', async () => {
    const rpc = serve(await startTcp((socket) => socket.once('data', () => socket.end())));
    const error = await failureOf(clientFor({ url: `http://127.0.0.1:${rpc.port}`, retry: false }).cluster.overview());
    expect(error.code).toBe('UND_ERR_SOCKET');
    expect(error.message).toContain('closed the connection without sending a single byte of HTTP');
    expect(error.message).toMatch(/jobmanager\.rpc\.port.*blob\.server\.port.*rest\.port, usually 8081/);
  });

  it('a keep-alive connection closed after earlier replies gets no such hint', async () => {
    const server = serve(
      await startTcp((socket) => {
        let requests = 0;
        socket.on('data', () => {
          if (++requests > 1) return socket.end();
          const body = JSON.stringify(overview());
          socket.write(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`);
        });
      }),
    );
    const client = clientFor({ url: `http://127.0.0.1:${server.port}`, retry: false });
    await client.cluster.overview();
    await new Promise((resolve) => setTimeout(resolve, 50)); // the connection is back in the pool
    const error = await failureOf(client.cluster.overview());
    expect(error.message).toContain('other side closed');
    expect(error.message).not.toContain('single byte');
  });

  it('an https:// URL at a plain HTTP server says the server does not speak TLS', async () => {
    const server = serve(await startHttp((_req, res) => res.end(JSON.stringify(overview()))));
    const error = await failureOf(clientFor({ url: `https://127.0.0.1:${server.port}`, retry: false }).cluster.overview());
    expect(error.message).toContain(`TLS handshake with https://127.0.0.1:${server.port}/ failed`);
    expect(error.message).toContain('does not speak TLS');
    expect(error.message).toContain('http://');
  });

  describe('a self-signed https server', () => {
    const tls = selfSignedCert();
    const reply = (_req: unknown, res: { setHeader(k: string, v: string): void; end(body: string): void }) => {
      res.setHeader('content-type', 'application/json; charset=UTF-8');
      res.end(JSON.stringify(overview()));
    };

    it('is rejected without tls.ca, with a message that says to pass tls.ca', async () => {
      const server = serve(await startHttps(tls, reply));
      const error = await failureOf(clientFor({ url: server.url, retry: false }).cluster.overview());
      expect(error.code).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY/);
      expect(error.message).toContain('TLS handshake');
      expect(error.message).toContain('tls.ca');
      expect(server.hits).toBe(0);
    });

    it('is accepted with its certificate as tls.ca', async () => {
      const server = serve(await startHttps(tls, reply));
      const result = await clientFor({ url: server.url, retry: false, tls: { ca: tls.cert } }).cluster.overview();
      expect(result.flinkVersion).toBe('1.20.3');
      expect(server.hits).toBe(1);
    });
  });
});
