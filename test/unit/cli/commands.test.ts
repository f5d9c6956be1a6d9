/**
 * CLI commands run in-process from the sources (parse + run, no build) against a fake Flink on
 * 127.0.0.1 that answers from a route table and records every request: what the user sees on
 * stdout and stderr, the exit code, and what was sent. Real Flink: test/integration/cli.test.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCliInProcess } from '../../fakes/cli-in-process.ts';
import {
  dashboardConfig,
  flinkErrors,
  JAR_ID,
  JOB_ID,
  jarListReply,
  jarUploadReply,
  jobDetails,
  jobExceptions,
  overview,
  SAVEPOINT_PATH,
  savepointCompleted,
  taskManagers,
  triggerReply,
  vertex,
  ZIP_BYTES,
} from '../../fakes/flink-replies.ts';
import { type LocalServer, startHttp } from '../../fakes/local-servers.ts';

/** A reply of the fake: a status and a JSON body. */
interface Reply {
  status?: number;
  body?: unknown;
}

/** Routes by `METHOD /path` (no query; a trailing `*` matches any rest); a function sees the request and its body. */
type Routes = Record<string, Reply | ((req: IncomingMessage, body: string) => Reply)>;

/** What every cluster answers; a test adds or replaces routes. */
const BASE: Routes = {
  'GET /v1/config': { body: dashboardConfig('1.20.3') },
  'GET /v1/overview': { body: overview() },
  'GET /v1/taskmanagers': { body: taskManagers(2, 2) },
};

let server: LocalServer;
let routes: Routes = {};
/** Every request the fake saw, `METHOD /path?query`, with its body. */
let seen: Array<{ request: string; body: string }> = [];
const dir = mkdtempSync(join(tmpdir(), 'flink-kit-cli-commands-'));

beforeAll(async () => {
  server = await startHttp((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString('latin1');
    });
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      seen.push({ request: `${req.method} ${url.pathname}${url.search}`, body });
      const key = `${req.method} ${url.pathname}`;
      const route = routes[key] ?? Object.entries(routes).find(([k]) => k.endsWith('*') && key.startsWith(k.slice(0, -1)))?.[1];
      const reply =
        typeof route === 'function' ? route(req, body) : (route ?? { status: 404, body: flinkErrors('Not found: no route in the test') });
      res.writeHead(reply.status ?? 200, { 'content-type': 'application/json' });
      res.end(reply.body === undefined ? '{}' : JSON.stringify(reply.body));
    });
  });
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  routes = { ...BASE };
  seen = [];
});

/** `flink-kit --url <fake> args…`, in this process. */
const cli = (...args: string[]) => runCliInProcess(['--url', server.url, ...args]);
/** The requests the fake saw, without the ones any command may make to learn the version. */
const requests = () => seen.map((s) => s.request).filter((r) => r !== 'GET /v1/config');

const overviewJob = (id: string, state: string, startTime: number) => ({
  jid: id,
  name: `job ${state.toLowerCase()}`,
  state,
  'start-time': startTime,
  'end-time': -1,
  duration: 65_000,
  'last-modification': startTime,
  tasks: { running: 1, total: 1 },
});

describe('flink-kit commands, in-process against a fake Flink', () => {
  it('list: tab-separated lines when piped, newest first; --json is the job list', async () => {
    const older = 'fedcba9876543210fedcba9876543210';
    routes['GET /v1/jobs/overview'] = {
      body: { jobs: [overviewJob(older, 'CANCELED', 1_795_248_000_000), overviewJob(JOB_ID, 'RUNNING', 1_795_248_721_128)] },
    };
    const r = await cli('list');
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.map((l) => l.split('\t').slice(0, 3))).toEqual([
      [JOB_ID, 'RUNNING', 'job running'],
      [older, 'CANCELED', 'job canceled'],
    ]);
    const json = await cli('list', '--json');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual([
      expect.objectContaining({ id: JOB_ID, state: 'RUNNING', durationMs: 65_000 }),
      expect.objectContaining({ id: older, state: 'CANCELED' }),
    ]);
  });

  it('status: the live state (not the cached details) and the vertices', async () => {
    routes[`GET /v1/jobs/${JOB_ID}`] = { body: jobDetails('RUNNING', [vertex('Source: numbers', 'RUNNING', { parallelism: 2 })]) };
    routes[`GET /v1/jobs/${JOB_ID}/status`] = { body: { status: 'FINISHED' } };
    const r = await cli('status', JOB_ID);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout.split('\n')[0]).toMatch(new RegExp(`^${JOB_ID} FINISHED Streaming WordCount \\(7\\.9 s, all tasks running\\)$`));
    expect(r.stdout).toContain('Source: numbers\t2\tRUNNING\t2 RUNNING');
    const json = await cli('--json', 'status', JOB_ID);
    expect(JSON.parse(json.stdout)).toMatchObject({ id: JOB_ID, state: 'FINISHED', vertices: [{ parallelism: 2 }] });
  });

  it('run: uploads the jar, runs it with -p, -c, -D and the program arguments (before and after --), waits for RUNNING', async () => {
    const jar = join(dir, 'app.jar');
    writeFileSync(jar, ZIP_BYTES);
    let runBody: unknown;
    routes['POST /v1/jars/upload'] = { body: jarUploadReply(JAR_ID) };
    routes[`POST /v1/jars/${JAR_ID}/run`] = (_req, body) => {
      runBody = JSON.parse(body);
      return { body: { jobid: JOB_ID } };
    };
    routes[`GET /v1/jobs/${JOB_ID}`] = {
      body: jobDetails('RUNNING', [
        vertex('Source: numbers', 'RUNNING', { parallelism: 2 }),
        vertex('Sink: print', 'RUNNING', { parallelism: 2 }),
      ]),
    };
    routes[`GET /v1/jobs/${JOB_ID}/status`] = { body: { status: 'RUNNING' } };
    routes['GET /v1/jobs/overview'] = {
      body: { jobs: [{ ...overviewJob(JOB_ID, 'RUNNING', 1_795_248_721_128), tasks: { running: 4, total: 4 } }] },
    };
    const r = await cli('run', jar, 'first', '-p', '2', '-c', 'com.acme.Main', '-D', 'pipeline.name=acme', '--', '--input', 'x y');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${JOB_ID} RUNNING (Streaming WordCount, parallelism 2)\n`);
    expect(runBody).toMatchObject({
      parallelism: 2,
      entryClass: 'com.acme.Main',
      programArgsList: ['first', '--input', 'x y'],
      flinkConfiguration: { 'pipeline.name': 'acme' },
    });
    expect(requests().filter((r) => r.startsWith('POST'))).toEqual(['POST /v1/jars/upload', `POST /v1/jars/${JAR_ID}/run`]);
  });

  it('cancel: cancels, waits until the job ended, prints its final state', async () => {
    routes[`PATCH /v1/jobs/${JOB_ID}`] = { status: 202, body: {} };
    routes[`GET /v1/jobs/${JOB_ID}/status`] = { body: { status: 'CANCELED' } };
    routes[`GET /v1/jobs/${JOB_ID}`] = { body: jobDetails('CANCELED', ['CANCELED']) };
    routes['GET /v1/jobs/overview'] = { body: { jobs: [overviewJob(JOB_ID, 'CANCELED', 1_795_248_721_128)] } };
    const r = await cli('cancel', JOB_ID);
    expect(r).toEqual({ code: 0, stdout: `${JOB_ID} CANCELED\n`, stderr: '' });
    expect(requests()[0]).toBe(`PATCH /v1/jobs/${JOB_ID}?mode=cancel`);
  });

  it('savepoint --dir: triggers into that directory and prints the location (--json: with the trigger id)', async () => {
    let triggerBody: Record<string, unknown> = {};
    routes[`POST /v1/jobs/${JOB_ID}/savepoints`] = (_req, body) => {
      triggerBody = JSON.parse(body);
      return { status: 202, body: triggerReply(String(triggerBody['triggerId'])) };
    };
    routes[`GET /v1/jobs/${JOB_ID}/savepoints/*`] = { body: savepointCompleted() };
    routes[`GET /v1/jobs/${JOB_ID}/status`] = { body: { status: 'RUNNING' } };
    const r = await cli('--json', 'savepoint', JOB_ID, '--dir', 'file:///savepoints');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(triggerBody).toMatchObject({ 'target-directory': 'file:///savepoints', 'cancel-job': false });
    expect(JSON.parse(r.stdout)).toEqual({ jobId: JOB_ID, triggerId: triggerBody['triggerId'], savepointPath: SAVEPOINT_PATH });
    expect(requests()).toContain(`GET /v1/jobs/${JOB_ID}/savepoints/${triggerBody['triggerId']}`);
  });

  it('exceptions: the root cause first, then each failure', async () => {
    routes[`GET /v1/jobs/${JOB_ID}/exceptions`] = { body: jobExceptions() };
    const r = await cli('exceptions', JOB_ID);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^root cause: ArithmeticException: \/ by zero\n/);
    expect(r.stdout).toContain('(Map -> Sink: print (1/1)#0 @ 127.0.0.1:40000)');
  });

  it('jars list and jars delete', async () => {
    routes['GET /v1/jars'] = { body: jarListReply({ [JAR_ID]: ['com.acme.Main'] }) };
    routes[`DELETE /v1/jars/${JAR_ID}`] = { body: {} };
    const listed = await cli('jars');
    expect(listed.code).toBe(0);
    expect(listed.stdout.split('\t').slice(0, 2)).toEqual([JAR_ID, 'app.jar']);
    expect((await cli('jars', 'list')).stdout).toBe(listed.stdout);
    expect(await cli('jars', 'delete', JAR_ID)).toEqual({ code: 0, stdout: `deleted ${JAR_ID}\n`, stderr: '' });
  });

  it('doctor: exit 11 and the fix when no TaskManager is registered', async () => {
    routes['GET /v1/overview'] = { body: overview({ taskmanagers: 0, 'slots-total': 0, 'slots-available': 0 }) };
    routes['GET /v1/taskmanagers'] = { body: { taskmanagers: [] } };
    routes['GET /v1/jobs/overview'] = { body: { jobs: [] } };
    const r = await cli('doctor');
    expect(r.code).toBe(11);
    expect(r.stdout).toMatch(/fail +no TaskManager is registered/);
    expect(r.stdout).toMatch(/fix: .*jobmanager\.rpc\.address/);
  });

  it.each([
    ['not found', 404, 4, /404.*No job with that id/],
    ['conflict', 409, 5, /409/],
  ])('%s (HTTP %i): exit %i, the message on stderr, nothing on stdout', async (_what, status, code, message) => {
    routes[`GET /v1/jobs/${JOB_ID}`] = { status, body: flinkErrors('Job is in state FINISHED.') };
    routes[`GET /v1/jobs/${JOB_ID}/status`] = { status, body: flinkErrors('Job is in state FINISHED.') };
    const r = await cli('status', JOB_ID);
    expect(r.code).toBe(code);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('upgrade without --previous-jar is refused before any request: exit 3 and what to pass', async () => {
    const r = await cli('upgrade', JOB_ID, '-p', '2');
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/pass --previous-jar <file or jar id>.*or --no-rollback/);
    expect(requests()).toEqual([]);
  });
});
