import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlinkClient } from '../../src/client.ts';
import { FlinkConnectionError, FlinkResponseError, isFlinkError } from '../../src/errors/index.ts';
import type { LocalCluster } from '../../src/local/index.ts';
import type { TlsOptions } from '../../src/options.ts';
import { selfSignedCert } from '../fakes/local-servers.ts';
import { continuousWordCountArgs, FLINK_VERSION, startTestCluster, wordInputDir } from './support.ts';

/** What `call` rejected with (the test fails if it resolved). */
async function failure(call: Promise<unknown>): Promise<Error> {
  const outcome = await call.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(Error);
  expect(isFlinkError(outcome)).toBe(true);
  return outcome as Error;
}

/** Everything an error shows: message, details, stack and the whole cause chain. */
function everything(error: unknown): string {
  return `${inspect(error, { depth: 20 })}\n${JSON.stringify(error)}`;
}

/** The middle lines of a PEM block (its key bytes), each long enough to be unmistakable. */
function keyLines(pem: string): string[] {
  return pem.split('\n').filter((line) => line.length >= 40 && !line.startsWith('-----'));
}

/** The keystore password, as the cluster's config file holds it. */
function keystorePassword(cluster: LocalCluster): string {
  const conf = join(cluster.workDir, 'conf');
  const file = readdirSync(conf).find((n) => n.endsWith('.yaml')) as string;
  const line = readFileSync(join(conf, file), 'utf8')
    .split('\n')
    .find((l) => l.startsWith('security.ssl.rest.keystore-password:')) as string;
  return line.split(': ')[1]?.replace(/^"|"$/g, '') as string;
}

/** A client with its own TLS options (no retries), closed after the file. */
const clients: FlinkClient[] = [];
function client(url: string, tls?: TlsOptions): FlinkClient {
  const c = new FlinkClient({ url, retry: false, timeoutMs: 15_000, ...(tls ? { tls } : {}) });
  clients.push(c);
  return c;
}
afterAll(async () => {
  for (const c of clients.splice(0)) await c.close();
});

/** Both clusters start at once (one TaskManager with one slot each): the JVMs start faster side by side. */
const logged: string[] = [];
let starting: Promise<[LocalCluster, LocalCluster]> | undefined;
function clusters(): Promise<[LocalCluster, LocalCluster]> {
  starting ??= (async () => {
    const [tls, mutual] = await Promise.allSettled([
      startTestCluster({ tls: true, taskManagers: 1, slotsPerTaskManager: 1, log: (line) => logged.push(line) }),
      startTestCluster({ tls: 'mutual', taskManagers: 1, slotsPerTaskManager: 1, log: (line) => logged.push(line) }),
    ]);
    for (const started of [tls, mutual])
      if (started.status === 'rejected') {
        for (const other of [tls, mutual]) if (other.status === 'fulfilled') await other.value.stop();
        throw started.reason;
      }
    return [(tls as PromiseFulfilledResult<LocalCluster>).value, (mutual as PromiseFulfilledResult<LocalCluster>).value];
  })();
  return starting;
}
afterAll(async () => {
  const started = await starting?.catch(() => undefined);
  for (const cluster of started ?? []) await cluster.stop();
});

describe(`REST over TLS (Flink ${FLINK_VERSION})`, () => {
  let cluster: LocalCluster;
  const errors: unknown[] = [];

  beforeAll(async () => {
    [cluster] = await clusters();
  });

  it('serves https:// on 127.0.0.1; local.tls holds PEM and local.client uses it', async () => {
    expect(cluster.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(cluster.tls?.ca).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(cluster.tls?.cert).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(cluster.tls?.key).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect((await cluster.client.cluster.overview()).flinkVersion).toBe(cluster.flinkVersion);
  });

  it('a client with only tls.ca works', async () => {
    const overview = await client(cluster.url, { ca: cluster.tls?.ca as string }).cluster.overview();
    expect(overview.taskManagers).toBe(1);
  });

  it('without the CA: a FlinkConnectionError that says to pass tls.ca', async () => {
    const error = await failure(client(cluster.url).cluster.overview());
    errors.push(error);
    expect(error).toBeInstanceOf(FlinkConnectionError);
    expect(error.message).toContain('not signed by a CA this client trusts');
    expect(error.message).toContain('Pass tls.ca');
  });

  it('a wrong CA: the same, typed and actionable', async () => {
    const error = await failure(client(cluster.url, { ca: selfSignedCert().cert }).cluster.overview());
    errors.push(error);
    expect(error).toBeInstanceOf(FlinkConnectionError);
    expect(error.message).toContain('Pass tls.ca');
  });

  it('a host name the certificate does not name: says which names it has', async () => {
    const url = cluster.url.replace('127.0.0.1', 'localhost');
    const error = await failure(client(url, { ca: cluster.tls?.ca as string }).cluster.overview());
    errors.push(error);
    expect(error).toBeInstanceOf(FlinkConnectionError);
    expect((error as FlinkConnectionError).code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    expect(error.message).toContain('not valid for host "localhost"');
    expect(error.message).toContain('127.0.0.1');
  });

  it("http:// against the TLS port: Flink's redirect becomes an error that says to use https://", async () => {
    const url = cluster.url.replace('https://', 'http://');
    const error = await failure(client(url).cluster.overview());
    errors.push(error);
    expect(error).toBeInstanceOf(FlinkResponseError);
    expect((error as FlinkResponseError).status).toBe(301);
    expect(error.message).toContain(`use ${cluster.url} as the URL`);
  });

  it('no key material or keystore password in any error or log', () => {
    const secrets = [...keyLines(cluster.tls?.key as string), keystorePassword(cluster)];
    const logs = readdirSync(cluster.logDir).map((name) => readFileSync(join(cluster.logDir, name), 'utf8'));
    for (const text of [...errors.map(everything), ...logged, ...logs]) {
      for (const secret of secrets) expect(text).not.toContain(secret);
      expect(text).not.toContain('PRIVATE KEY');
    }
  });
});

describe(`REST over mutual TLS (Flink ${FLINK_VERSION})`, () => {
  let cluster: LocalCluster;
  let input: string;
  const errors: unknown[] = [];

  beforeAll(async () => {
    [, cluster] = await clusters();
    input = wordInputDir();
  });
  afterAll(() => {
    if (input) rmSync(input, { recursive: true, force: true });
  });

  it('with tls.cert and tls.key: a jar upload, a job and a savepoint work', async () => {
    const flink = cluster.client;
    const { jobId, jarId } = await flink.submit({
      jar: await cluster.exampleJar('WordCount'),
      parallelism: 1,
      args: continuousWordCountArgs(input),
    });
    expect((await flink.jars.list()).map((j) => j.id)).toContain(jarId);
    const op = await flink.savepoints.trigger(jobId, { targetDirectory: `file://${cluster.savepointDir}` });
    const { location } = await op.result({ waitTimeoutMs: 120_000 });
    expect(existsSync(join(location.replace(/^file:\/*/, '/'), '_metadata'))).toBe(true);
    await flink.jobs.cancel(jobId);
  });

  it('without a client certificate: a typed error that says one is required', async () => {
    const error = await failure(client(cluster.url, { ca: cluster.tls?.ca as string }).cluster.overview());
    errors.push(error);
    expect(error).toBeInstanceOf(FlinkConnectionError);
    expect(error.message).toContain('the server requires a client certificate');
    expect(error.message).toContain('Pass tls.cert and tls.key');
  });

  it('a client certificate from another CA: a typed error that says the server refused it', async () => {
    const stranger = selfSignedCert();
    const error = await failure(client(cluster.url, { ca: cluster.tls?.ca as string, ...stranger }).cluster.overview());
    errors.push(error);
    expect(error).toBeInstanceOf(FlinkConnectionError);
    expect(error.message).toContain('the server refused the client certificate');
    expect(error.message).toContain('security.ssl.rest.truststore');
  });

  it('no key material in any error or log', () => {
    const secrets = [...keyLines(cluster.tls?.key as string), keystorePassword(cluster)];
    const logs = readdirSync(cluster.logDir).map((name) => readFileSync(join(cluster.logDir, name), 'utf8'));
    for (const text of [...errors.map(everything), ...logged, ...logs]) {
      for (const secret of secrets) expect(text).not.toContain(secret);
      expect(text).not.toContain('PRIVATE KEY');
    }
  });
});
