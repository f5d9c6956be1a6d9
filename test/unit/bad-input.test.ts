/**
 * The bad-input sweep, part 1: inputs flink-kit catches before any request reaches a server (SDK,
 * local cluster, Kubernetes helper, CLI). Each row asserts a typed FlinkError subclass, a message
 * that says what to do, no Java stack trace, no hang, and nothing left behind (no request reached
 * the server, no secret echoed). Part 2, where real Flink produces the error:
 * test/integration/faults.test.ts.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlinkClient } from '../../src/client.ts';
import {
  FlinkConnectionError,
  FlinkError,
  FlinkInputError,
  FlinkKubernetesError,
  type KubernetesErrorReason,
} from '../../src/errors/index.ts';
import { connect } from '../../src/kube/connect.ts';
import { buildTestJob, startLocalCluster } from '../../src/local/index.ts';
import { caught } from '../fakes/caught.ts';
import { runCliInProcess } from '../fakes/cli-in-process.ts';
import { dashboardConfig, JOB_ID, ZIP_BYTES } from '../fakes/flink-replies.ts';
import { type LocalServer, startHttp, startTcp } from '../fakes/local-servers.ts';
import { emptyEnvironment, standaloneWorld } from './kube/world.ts';

const SECRET = 's3cr3t-Pa55';
const dir = mkdtempSync(join(tmpdir(), 'flink-kit-bad-input-'));
const file = (name: string, content: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

/** A fake Flink that answers only `GET /v1/config` (with `version`) and counts every other request. */
let server: LocalServer;
let version = '1.20.3';
let otherRequests: string[] = [];
beforeAll(async () => {
  server = await startHttp((req, res) => {
    if (req.url === '/v1/config') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify(dashboardConfig(version)));
    }
    otherRequests.push(`${req.method} ${req.url}`);
    res.writeHead(500, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ errors: ['the sweep expected no request here'] }));
  });
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const client = (options: ConstructorParameters<typeof FlinkClient>[0] = {}) => new FlinkClient({ url: server.url, ...options });

/** One bad input: the call, the error class it must get, and what the message must tell the user to do. */
interface BadInput {
  input: string;
  call: () => Promise<unknown>;
  type: abstract new (...args: never[]) => FlinkError;
  advice: RegExp;
  /** The server's version for calls gated by it (default 1.20.3). */
  flinkVersion?: string;
}

/** Runs a bad input and checks what every row must hold; returns the error for more checks. */
async function expectRefused(row: BadInput): Promise<FlinkError> {
  version = row.flinkVersion ?? '1.20.3';
  otherRequests = [];
  const error = await caught(row.call, row.type, { advice: row.advice, withinMs: 5_000, label: row.input });
  expect(error.message).not.toContain(SECRET);
  expect(otherRequests, `${row.input}: requests reached the server`).toEqual([]);
  return error;
}

const SDK: BadInput[] = [
  {
    input: 'a URL without a scheme',
    call: async () => new FlinkClient({ url: 'jobmanager:8081' }),
    type: FlinkInputError,
    advice: /has no scheme\. Give the JobManager REST URL with its scheme, e\.g\. http:\/\/localhost:8081/,
  },
  {
    input: 'a URL with an unsupported scheme',
    call: async () => new FlinkClient({ url: 'ftp://jobmanager:8081' }),
    type: FlinkInputError,
    advice: /scheme ftp: is not supported\. Give the JobManager REST URL/,
  },
  {
    input: 'credentials in the URL (never echoed)',
    call: async () => new FlinkClient({ url: `https://admin:${SECRET}@flink.example:8081` }),
    type: FlinkInputError,
    advice: /holds credentials; pass them as headers instead/,
  },
  {
    input: 'timeoutMs of 0',
    call: async () => client({ timeoutMs: 0 }),
    type: FlinkInputError,
    advice: /timeoutMs must be a positive number of milliseconds/,
  },
  {
    input: 'negative retries (p-retry would throw a bare TypeError)',
    call: async () => client({ retry: { retries: -1 } }).cluster.overview(),
    type: FlinkInputError,
    advice: /retry\.retries must be a whole number of further attempts/,
  },
  {
    input: 'a retry delay that is not a number, per call',
    call: () => client().cluster.overview({ retry: { maxDelayMs: Number.NaN } }),
    type: FlinkInputError,
    advice: /retry of the call\.maxDelayMs must be a number of milliseconds/,
  },
  {
    input: 'a header value with a line break (header injection; the value, a token, is not echoed)',
    call: async () => client({ headers: { authorization: `Bearer ${SECRET}\r\nX-Injected: 1` } }),
    type: FlinkInputError,
    advice: /header authorization holds a line break.*remove it \(the value is not shown/,
  },
  {
    input: 'a header name with a space, per call',
    call: () => client().cluster.overview({ headers: { 'x api key': 'v' } }),
    type: FlinkInputError,
    advice: /"x api key" is not an HTTP header name/,
  },
  {
    input: 'a job id with ../',
    call: () => client().jobs.get('../../etc/passwd'),
    type: FlinkInputError,
    advice: /jobId must be 32 lower-case hex characters \(as Flink prints it/,
  },
  {
    input: 'a number as job id',
    call: () => client().jobs.status(42 as unknown as string),
    type: FlinkInputError,
    advice: /jobId must be 32 lower-case hex characters.*got 42/,
  },
  {
    input: 'a jar id with ../',
    call: () => client().jars.delete('../../flink-web-upload/x.jar'),
    type: FlinkInputError,
    advice: /is not a Flink jar id; use the id jars\.upload\(\) returned/,
  },
  {
    input: 'a jar id with ../ to run',
    call: () => client().jars.run('a/../../b.jar'),
    type: FlinkInputError,
    advice: /is not a Flink jar id/,
  },
  {
    input: 'a trigger id with ../',
    call: () => client().savepoints.status(JOB_ID, '../../jobs'),
    type: FlinkInputError,
    advice: /triggerId must be 32 lower-case hex characters/,
  },
  {
    input: 'a negative checkpoint id',
    call: () => client().checkpoints.details(JOB_ID, -1),
    type: FlinkInputError,
    advice: /checkpointId must be a non-negative integer/,
  },
  {
    input: 'a Promise of a path where a jar path belongs (was: TypeError: source.on is not a function)',
    call: () => client().jars.upload(Promise.resolve('./app.jar') as unknown as string),
    type: FlinkInputError,
    advice: /the jar must be a file path, a Buffer or a readable stream, got a Promise: await it first/,
  },
  {
    input: 'a number where a jar path belongs',
    call: () => client().jars.upload(42 as unknown as string),
    type: FlinkInputError,
    advice: /the jar must be a file path, a Buffer or a readable stream, got number 42/,
  },
  {
    input: 'a Promise as the jar of submit',
    call: () => client().submit({ jar: Promise.resolve('./app.jar') as unknown as string, parallelism: 1 }),
    type: FlinkInputError,
    advice: /got a Promise: await it first/,
  },
  {
    input: 'a plain object as the jar of submit',
    call: () => client().submit({ jar: { path: './app.jar' } as unknown as string }),
    type: FlinkInputError,
    advice: /the jar must be a file path, a Buffer or a readable stream, or \{ id \} of an uploaded jar, got an object with path/,
  },
  {
    input: 'an empty jar path',
    call: () => client().jars.upload(''),
    type: FlinkInputError,
    advice: /the jar path is empty; give the path of a \.jar file/,
  },
  {
    input: 'a jar file that does not exist',
    call: () => client().jars.upload(join(dir, 'missing.jar')),
    type: FlinkInputError,
    advice: /missing\.jar does not exist; check the path/,
  },
  {
    input: 'a directory as the jar',
    call: () => {
      mkdirSync(join(dir, 'classes.jar'), { recursive: true });
      return client().jars.upload(join(dir, 'classes.jar'));
    },
    type: FlinkInputError,
    advice: /is not a file; give the path of a \.jar/,
  },
  {
    input: 'an empty jar file',
    call: () => client().jars.upload(file('empty.jar', '')),
    type: FlinkInputError,
    advice: /is empty \(0 bytes\); rebuild it/,
  },
  {
    input: 'a text file named .jar',
    call: () => client().jars.upload(file('notes.jar', 'not a zip')),
    type: FlinkInputError,
    advice: /is not a jar \(no zip header\); build it with mvn package or gradle jar/,
  },
  {
    input: 'an upload file name with a path and a quote',
    call: () => client().jars.upload(ZIP_BYTES, { filename: '../x".jar' }),
    type: FlinkInputError,
    advice: /cannot name an upload: give a plain file name such as app\.jar/,
  },
  {
    input: 'program arguments as one string',
    call: () => client().jars.run('app.jar', { args: '--input /data' as unknown as string[] }),
    type: FlinkInputError,
    advice: /args must be a list of program arguments such as \['--input'.*: split it into its arguments/,
  },
  {
    input: 'a number among the program arguments',
    call: () => client().jars.run('app.jar', { args: ['--rate', 20 as unknown as string] }),
    type: FlinkInputError,
    advice: /args\[1\] must be a string, got number 20: write numbers as strings/,
  },
  {
    input: 'a number as a job configuration value',
    call: () => client().jars.run('app.jar', { config: { 'parallelism.default': 4 as unknown as string } }),
    type: FlinkInputError,
    advice: /config "parallelism\.default" must be a string/,
  },
  {
    input: 'an unknown claimMode',
    call: () => client().jars.run('app.jar', { savepointPath: '/sp', claimMode: 'claim' as 'CLAIM' }),
    type: FlinkInputError,
    advice: /claimMode must be one of CLAIM, NO_CLAIM, LEGACY, got "claim"/,
  },
  {
    input: 'claimMode on a Flink that does not know it (1.14)',
    call: () => client().jars.run('app.jar', { savepointPath: '/sp', claimMode: 'CLAIM' }),
    flinkVersion: '1.14.6',
    type: FlinkInputError,
    advice: /claimMode needs Flink 1\.15\+.*the cluster runs 1\.14\.6: omit it/,
  },
  {
    input: 'job configuration on a Flink that does not take it (1.16)',
    call: () => client().jars.run('app.jar', { config: { 'pipeline.name': 'etl' } }),
    flinkVersion: '1.16.3',
    type: FlinkInputError,
    advice: /config \(flinkConfiguration\) needs Flink 1\.17\+, the cluster runs 1\.16\.3/,
  },
  {
    input: 'an INCREMENTAL checkpoint trigger on Flink 1.20',
    call: () => client().checkpoints.trigger(JOB_ID, { type: 'INCREMENTAL' }),
    type: FlinkInputError,
    advice: /refuses INCREMENTAL checkpoints over REST.*use CONFIGURED .* or FULL/,
  },
  {
    input: 'an entry class that is not a Java class name',
    call: () => client().jars.run('app.jar', { entryClass: 'com.acme.Main; rm -rf /' }),
    type: FlinkInputError,
    advice: /is not a Java class name such as com\.acme\.Main/,
  },
  {
    input: 'a parallelism given as a string',
    call: () => client().jars.run('app.jar', { parallelism: '4' as unknown as number }),
    type: FlinkInputError,
    advice: /parallelism must be a positive integer \(1, 2, …\), got "4"/,
  },
  {
    input: 'a fractional parallelism to submit',
    call: () => client().submit({ jar: ZIP_BYTES, parallelism: 2.5 }),
    type: FlinkInputError,
    advice: /parallelism must be a positive integer/,
  },
  {
    input: 'an empty savepoint path to restore from',
    call: () => client().jars.run('app.jar', { savepointPath: ' ' }),
    type: FlinkInputError,
    advice: /savepointPath must be the location a savepoint or retained checkpoint returned/,
  },
  {
    input: 'a wait for a state Flink never reports (was: waited until the deadline)',
    call: () => client().jobs.waitFor(JOB_ID, { until: 'DONE' }),
    type: FlinkInputError,
    advice: /until must be a job state \(INITIALIZING, .*\) or TERMINAL, got "DONE"/,
  },
  {
    input: 'rescale to parallelism 0',
    call: () => client().rescale(JOB_ID, { parallelism: 0 }),
    type: FlinkInputError,
    advice: /parallelism must be a positive integer/,
  },
  {
    input: 'a checkpoint watch looking every 10 ms',
    call: async () => {
      for await (const _ of client().checkpoints.watch(JOB_ID, { intervalMs: 10 })) break;
    },
    type: FlinkInputError,
    advice: /intervalMs must be at least 50/,
  },
  {
    input: 'an empty savepoint directory',
    call: () => client().savepoints.trigger(JOB_ID, { targetDirectory: '' }),
    type: FlinkInputError,
    advice: /targetDirectory must be a non-empty path or URI such as s3:\/\/bucket\/savepoints/,
  },
  {
    input: 'dispose of an empty path',
    call: () => client().savepoints.dispose(''),
    type: FlinkInputError,
    advice: /savepointPath must be the location a savepoint returned/,
  },
  {
    input: 'upgrade of a job this client did not start, without previous',
    call: () => client().upgrade(JOB_ID, { parallelism: 2 }),
    type: FlinkInputError,
    advice: /pass previous: \{ jar, entryClass, args, parallelism \}, or previous: false/,
  },
  {
    input: 'upgrade whose rollback jar is a Promise',
    call: () => client().upgrade(JOB_ID, { jar: ZIP_BYTES, previous: { jar: Promise.resolve('v1.jar') as unknown as string } }),
    type: FlinkInputError,
    advice: /got a Promise: await it first/,
  },
  {
    input: 'a raw request path without a leading /',
    call: () => client().request({ method: 'GET', path: 'jobs' }),
    type: FlinkInputError,
    advice: /path must start with \//,
  },
];

const LOCAL: BadInput[] = [
  {
    input: 'a local cluster of 0 TaskManagers',
    call: () => startLocalCluster({ taskManagers: 0 }),
    type: FlinkInputError,
    advice: /taskManagers must be an integer from 1 to 64/,
  },
  {
    input: 'a local cluster config value with a line break (would add keys to the config file)',
    call: () => startLocalCluster({ config: { 'pipeline.name': 'etl\nrest.bind-address: 0.0.0.0' } }),
    type: FlinkInputError,
    advice: /config pipeline\.name holds a line break.*give the value on one line/,
  },
  {
    input: 'a local cluster config key with a colon and a space',
    call: () => startLocalCluster({ config: { 'rest.port: 1': '2' } }),
    type: FlinkInputError,
    advice: /is not a Flink configuration key: use a dotted name such as execution\.checkpointing\.interval/,
  },
  {
    input: 'a test job that does not exist',
    call: () => buildTestJob('top-speed' as 'word-count', { flinkVersion: '1.20' }),
    type: FlinkInputError,
    advice: /no test job "top-speed"; flink-kit builds word-count, keyed-counter, fail-after/,
  },
];

/** Kubernetes inputs against the fake API server of the kube unit tests. */
const kube = (reason: KubernetesErrorReason, advice: RegExp, options: (kubeconfig: string) => Parameters<typeof connect>[0]): BadInput => ({
  input: `Kubernetes: ${reason}`,
  call: async () => {
    const { kubeconfig } = await standaloneWorld();
    const error = await connect(options(kubeconfig), emptyEnvironment()).then(
      (conn) => conn.close(),
      (e: unknown) => e,
    );
    expect((error as FlinkKubernetesError).reason).toBe(reason);
    throw error;
  },
  type: FlinkKubernetesError,
  advice,
});
const KUBE: BadInput[] = [
  kube('kubeconfig-not-found', /no kubeconfig/i, () => ({ kubeconfig: join(dir, 'no-such-kubeconfig') })),
  kube('context-not-found', /context "staging".*fake/, (kubeconfig) => ({ kubeconfig, context: 'staging' })),
  kube('namespace-not-found', /namespace flnk does not exist/, (kubeconfig) => ({ kubeconfig, namespace: 'flnk' })),
  kube('service-not-found', /flink-jobmanager/, (kubeconfig) => ({ kubeconfig, namespace: 'flink', service: 'flink-rest' })),
  kube('port-not-found', /webui/, (kubeconfig) => ({ kubeconfig, namespace: 'flink', port: 'http' })),
];

describe('bad input caught before any request: typed, says what to do, no trace, no hang, nothing sent', () => {
  it.each(SDK.map((row) => [row.input, row] as const))('SDK: %s', async (_, row) => {
    await expectRefused(row);
  });

  it.each(LOCAL.map((row) => [row.input, row] as const))('local: %s', async (_, row) => {
    await expectRefused(row);
  });

  it.each(KUBE.map((row) => [row.input, row] as const))('%s', async (_, row) => {
    await expectRefused(row);
  });

  it('a Readable stream is a jar source, a Promise of one is not', async () => {
    const error = await expectRefused({
      input: 'a Promise of a stream',
      call: () => client().jars.upload(Promise.resolve(Readable.from([ZIP_BYTES])) as unknown as Readable),
      type: FlinkInputError,
      advice: /await it first/,
    });
    expect(error.message).not.toContain('source.on');
  });
});

describe('bad input on the command line: the exit code of its class, what to do on stderr, nothing on stdout', () => {
  const rows: Array<[string, () => string[], number, RegExp]> = [
    ['credentials in --url (never echoed)', () => ['--url', `https://admin:${SECRET}@flink.example`, 'list'], 3, /holds credentials/],
    ['a job id with ../', () => ['--url', server.url, 'status', '../../etc'], 3, /jobId must be 32 lower-case hex characters/],
    [
      'a jar file that does not exist',
      () => ['--url', server.url, 'run', join(dir, 'gone.jar')],
      3,
      /gone\.jar does not exist; check the path/,
    ],
    ['rescale to parallelism 0', () => ['--url', server.url, 'rescale', JOB_ID, '-p', '0'], 2, /expected a whole number of at least 1/],
    ['rescale without -p', () => ['--url', server.url, 'rescale', JOB_ID], 2, /required option '-p, --parallelism <n>' not specified/],
    [
      'a local cluster -D value with a line break',
      () => ['local', 'up', '-D', 'pipeline.name=a\nrest.port: 1'],
      3,
      /holds a line break.*give the value on one line/,
    ],
  ];
  it.each(rows)('%s', async (_, argv, code, advice) => {
    otherRequests = [];
    const r = await runCliInProcess(argv());
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(advice);
    expect(r.stderr).not.toContain(SECRET);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
    expect(otherRequests).toEqual([]);
  });

  it('--url at a port whose peer closes without a byte of HTTP: exit 6 and where REST usually is', async () => {
    const rpc = await startTcp((socket) => socket.once('data', () => socket.end()));
    try {
      const r = await runCliInProcess(['--url', rpc.url.replace('tcp:', 'http:'), 'list']);
      expect(r.code).toBe(6);
      expect(r.stderr).toMatch(/closed the connection without sending a single byte of HTTP: Flink's RPC port.*rest\.port, usually 8081/);
    } finally {
      await rpc.close();
    }
  });
});

describe('a huge input echoed back by Flink stays out of the message', () => {
  it('20 MB of program arguments in a 400 reply: the message is clipped, the root cause short', async () => {
    const huge = 'x'.repeat(20 * 1024 * 1024);
    const flink = await startHttp((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            errors: [
              `org.apache.flink.runtime.rest.handler.RestHandlerException: Could not execute application.\n\tat x.Y.z(Y.java:1)\nCaused by: java.lang.IllegalArgumentException: bad --repeat '${huge}'\n\tat a.B.c(B.java:2)`,
            ],
          }),
        );
      });
    });
    try {
      const error = await new FlinkClient({ url: flink.url }).jars.run('app.jar', { args: ['--repeat', huge] }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FlinkError);
      expect((error as Error).message.length).toBeLessThan(1_500);
      expect((error as Error).message).toMatch(/root cause: IllegalArgumentException: bad --repeat 'x+… \(\d+ more characters\)/);
      expect(flink.hits).toBe(1);
    } finally {
      await flink.close();
    }
  });

  it('a peer that is not HTTP is a FlinkConnectionError, not a hang', async () => {
    const rpc = await startTcp((socket) => socket.once('data', () => socket.end()));
    try {
      const error = await new FlinkClient({ url: rpc.url.replace('tcp:', 'http:'), retry: false }).cluster
        .overview()
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FlinkConnectionError);
    } finally {
      await rpc.close();
    }
  });
});
