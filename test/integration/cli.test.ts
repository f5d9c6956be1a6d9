/**
 * The built `flink-kit` binary as a child process (piped: not a TTY, except in the pseudo-terminal
 * test) against a real cluster started with `flink-kit local up`, and the examples run the same way.
 */

import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleJar } from '../../src/local/index.ts';
import { freePort } from '../../src/local/processes.ts';
import { CLI_BIN, ensureBuilt } from '../fakes/cli-process.ts';
import { continuousWordCountArgs, FLINK_VERSION, jvmPids, wordInputDir } from './support.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = CLI_BIN;
const work = mkdtempSync(join(tmpdir(), 'flink-kit-cli-test-'));
/** The CLI's environment: its own state file (never a developer's `local up` cluster), no FLINK_URL, no colour settings. */
const ENV: NodeJS.ProcessEnv = { ...process.env, FLINK_KIT_LOCAL_STATE: join(work, 'local-cluster.json') };
delete ENV['FLINK_URL'];
delete ENV['NO_COLOR'];
delete ENV['FORCE_COLOR'];
// Node gives a terminal only 2 colours when CI is set (no known CI vendor): the colour checks below need a plain terminal.
delete ENV['CI'];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `flink-kit args…` to the end, piped. */
function cli(args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<Run> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: options.env ?? ENV, timeout: options.timeoutMs ?? 240_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

/** Like {@link cli}, but fails the test with the CLI's stderr when it does not exit 0. */
async function ok(args: string[]): Promise<string> {
  const r = await cli(args);
  if (r.code !== 0) throw new Error(`flink-kit ${args.join(' ')} exited ${r.code}:\n${r.stderr}`);
  return r.stdout;
}

/** `--json` output, parsed. */
async function json<T = Record<string, unknown>>(args: string[]): Promise<T> {
  return JSON.parse(await ok(['--json', ...args])) as T;
}

/** Lines a child writes to stdout, as they come. */
function lines(child: ChildProcess): AsyncIterable<string> {
  return (async function* () {
    let buffer = '';
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      buffer += chunk.toString();
      let nl = buffer.indexOf('\n');
      while (nl >= 0) {
        yield buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        nl = buffer.indexOf('\n');
      }
    }
  })();
}

/**
 * Runs `flink-kit doctor` until its report satisfies `done`, for at most `timeoutMs`; returns that
 * report. Fails with the last report when the deadline passes first.
 */
async function doctorUntil(done: (r: Run) => boolean, what: string, timeoutMs = 90_000): Promise<Run> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await cli(['doctor']);
    if (done(r)) return r;
    if (Date.now() > deadline)
      throw new Error(`waited ${timeoutMs} ms for ${what}; the last report (exit ${r.code}):\n${r.stdout}${r.stderr}`);
    await sleep(250); // the pause between two looks, not the condition
  }
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((r) => (child.exitCode !== null ? r(child.exitCode) : child.once('exit', (code) => r(code))));

describe(`the flink-kit CLI on a real cluster (Flink ${FLINK_VERSION})`, () => {
  let url: string;
  let workDir: string;
  let wordCount: string;
  let input: string;
  /** The long-running job, then its restart from the stop's savepoint. */
  let jobId: string;
  let savepointPath: string;
  let restartedId: string;

  beforeAll(async () => {
    ensureBuilt();
    input = wordInputDir();
    // `local up` is the cluster of this file: 2 TaskManagers x 2 slots, checkpoints every second,
    // TaskManager loss noticed within seconds (the broken-cluster doctor test kills them).
    const up = await cli(
      [
        'local',
        'up',
        '--flink-version',
        FLINK_VERSION,
        '--taskmanagers',
        '2',
        '--slots',
        '2',
        '-D',
        'execution.checkpointing.interval=1s',
        '-D',
        'heartbeat.interval=1000',
        '-D',
        'heartbeat.timeout=5000',
      ],
      { timeoutMs: 600_000 },
    );
    expect(up.stderr).toBe(''); // piped: no spinner, no notes
    expect(up.code).toBe(0);
    url = up.stdout.trim();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const status = await json<{ running: boolean; url: string; workDir: string; flinkVersion: string }>(['local', 'status']);
    expect(status).toMatchObject({ running: true, url });
    workDir = status.workDir;
    wordCount = await exampleJar('WordCount', { flinkVersion: status.flinkVersion });
  });

  afterAll(async () => {
    await cli(['local', 'down']); // also when a test failed half-way
    rmSync(input, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  it('local up refuses a second cluster while one runs, naming it', async () => {
    const again = await cli(['local', 'up']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`a local Flink ${FLINK_VERSION}`.slice(0, 20));
    expect(again.stderr).toMatch(new RegExp(`already running at ${url}.*flink-kit local down`));
  });

  it('run -p 2 waits (WordCount may already have FINISHED), then status and list --json show the job', async () => {
    const r = await cli(['run', wordCount, '-p', '2']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const m = /^([0-9a-f]{32}) (RUNNING|FINISHED) \(WordCount, parallelism 2\)\n$/.exec(r.stdout);
    expect(m, r.stdout).not.toBeNull();
    const id = m?.[1] as string;
    expect(await ok(['status', id])).toMatch(new RegExp(`^${id} (RUNNING|FINISHED) WordCount`));
    const listed = await json<{ id: string; name: string; state: string }[]>(['list']);
    expect(listed.find((j) => j.id === id)).toMatchObject({ name: 'WordCount' });
  });

  it('runs the long-running job with program arguments after --, all tasks running', async () => {
    const result = await json<{ jobId: string; state: string; job: { vertices: { parallelism: number; status: string }[] } }>([
      'run',
      wordCount,
      '-p',
      '2',
      '--',
      ...continuousWordCountArgs(input),
    ]);
    expect(result.state).toBe('RUNNING');
    expect(result.job.vertices.every((v) => v.parallelism === 2 && v.status === 'RUNNING')).toBe(true);
    jobId = result.jobId;
  });

  it('checkpoints --watch --json prints JSON lines as checkpoints complete; Ctrl-C ends it with 0', async () => {
    const child = spawn(process.execPath, [BIN, 'checkpoints', jobId, '--watch', '--json', '--interval', '200ms'], { env: ENV });
    const events: { type: string; checkpointId?: number; externalPath?: string }[] = [];
    const deadline = setTimeout(() => child.kill('SIGKILL'), 60_000);
    for await (const line of lines(child)) {
      events.push(JSON.parse(line));
      if (events.filter((e) => e.type === 'completed').length === 3) child.kill('SIGINT');
    }
    clearTimeout(deadline);
    expect(await exited(child)).toBe(0);
    const completed = events.filter((e) => e.type === 'completed');
    expect(completed.length).toBeGreaterThanOrEqual(3);
    const ids = completed.map((e) => e.checkpointId as number);
    expect(ids).toEqual([...new Set(ids)].sort((a, b) => a - b));
    expect(completed[0]?.externalPath).toMatch(/chk-\d+$/);
  });

  it('savepoint writes one (the job keeps running), dispose deletes it', async () => {
    const { savepointPath: sp } = await json<{ savepointPath: string }>(['savepoint', jobId]);
    const dir = sp.replace(/^file:\/*/, '/');
    expect(existsSync(join(dir, '_metadata'))).toBe(true);
    expect(await json(['status', jobId])).toMatchObject({ state: 'RUNNING' });
    expect(await ok(['dispose', sp])).toBe(`disposed ${sp}\n`);
    expect(existsSync(dir)).toBe(false);
  });

  it('stop, then run -s from its savepoint at parallelism 4: restored from it, and it carries on', async () => {
    const stopped = await json<{ savepointPath: string; state: string }>(['stop', jobId]);
    expect(stopped.state).toBe('FINISHED');
    savepointPath = stopped.savepointPath;
    expect(await json(['status', jobId])).toMatchObject({ state: 'FINISHED' });

    const restarted = await json<{ jobId: string; state: string; job: { vertices: { parallelism: number }[] } }>([
      'run',
      wordCount,
      '-p',
      '4',
      '-s',
      savepointPath,
      '--',
      ...continuousWordCountArgs(input),
    ]);
    restartedId = restarted.jobId;
    expect(restarted.state).toBe('RUNNING');
    expect(restarted.job.vertices.map((v) => v.parallelism)).toEqual([4, 4]);
    const stats = await json<{ latest: { restored?: { externalPath: string; isSavepoint: boolean } } }>(['checkpoints', restartedId]);
    expect(stats.latest.restored).toMatchObject({ externalPath: savepointPath, isSavepoint: true });
    expect(await ok(['checkpoints', restartedId])).toContain(`restored from: ${savepointPath}`);
  });

  it('doctor passes on this healthy cluster', async () => {
    const r = await cli(['doctor']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/pass +REST endpoint answers at .*: Flink \d+\.\d+\.\d+/);
    expect(r.stdout).toMatch(/warn +all 4 slots are taken: a new job waits for slots/); // the restarted job holds them
    expect(r.stdout).toMatch(/pass +1 job running, none failing or restarting/);
    expect(r.stdout).not.toMatch(/^\S+ fail /m);
  });

  it('timeout -> 7: run --timeout ends a wait for a job that cannot run yet, naming what it waited for and what it saw', async () => {
    // Every slot is held by the restarted job, so the new one (no -p: no preflight) waits for a slot
    // whatever the machine's speed. (A deadline of 1 ms proved nothing: a wait whose first look finds
    // the job running, or a bounded one finished, returns however short its deadline.)
    const r = await cli(['run', wordCount, '--timeout', '2s']);
    const waited = /timed out after 2000 ms waiting for job ([0-9a-f]{32}) to reach RUNNING with all tasks running \(last seen: /.exec(
      r.stderr,
    );
    expect(waited, r.stderr).not.toBeNull();
    expect(r.code).toBe(7);
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace without --verbose
    // The job was submitted and still waits; cancel it so the upgrade below has the slots.
    const waiting = waited?.[1] as string;
    expect(await ok(['cancel', waiting])).toBe(`${waiting} CANCELED\n`);
  });

  it('upgrade rescales it to parallelism 2 through a savepoint, the jar given by id for the rollback', async () => {
    const previousJar = (await json<{ id: string; name: string }[]>(['jars'])).find((j) => j.name === 'WordCount.jar')?.id as string;
    const result = await json<{ previousJobId: string; jobId: string; savepointPath: string; restoredCheckpointId: number }>([
      'upgrade',
      restartedId,
      '-p',
      '2',
      '--previous-jar',
      previousJar,
      '--',
      ...continuousWordCountArgs(input),
    ]);
    expect(result.previousJobId).toBe(restartedId);
    expect(await json(['status', restartedId])).toMatchObject({ state: 'FINISHED' });
    const upgraded = await json<{ state: string; vertices: { parallelism: number }[] }>(['status', result.jobId]);
    expect(upgraded).toMatchObject({ state: 'RUNNING' });
    expect(upgraded.vertices.map((v) => v.parallelism)).toEqual([2, 2]);
    restartedId = result.jobId;
    // Without the previous jar there is no way back: refused before anything is stopped.
    const refused = await cli(['upgrade', restartedId, '-p', '1']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/pass --previous-jar <file or jar id>.*or --no-rollback/);
  });

  it('cancel ends the job: CANCELED', async () => {
    expect(await ok(['cancel', restartedId])).toBe(`${restartedId} CANCELED\n`);
    expect(await json(['list'])).toContainEqual(expect.objectContaining({ id: restartedId, state: 'CANCELED' }));
  });

  describe('exit codes, one per error class, with the message on stderr and nothing on stdout', () => {
    let fake: Server;
    let fakeUrl: string;
    beforeAll(async () => {
      // Real Flink answers 409 only in races (cancelling a job that just ended), which the SDK absorbs:
      // a stand-in server answers 409 to everything.
      fake = createServer((_req, res) => {
        res.writeHead(409, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ errors: ['Job is in state FINISHED.'] }));
      });
      await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
      fakeUrl = `http://127.0.0.1:${(fake.address() as { port: number }).port}`;
    });
    afterAll(() => new Promise<void>((r) => fake.close(() => r())));

    it.each([
      ['usage', 2, () => ['run', wordCount, '--input', 'x'], /unknown option '--input'[\s\S]*program arguments go after --/],
      ['input', 3, () => ['status', 'not-a-job-id'], /jobId must be 32 lower-case hex characters/],
      ['not found', 4, () => ['status', '0123456789abcdef0123456789abcdef'], /404.*No job with that id/],
      ['conflict', 5, () => ['list', '--url', fakeUrl], /409/],
      [
        'job failed',
        8,
        () => ['run', wordCount, '-D', 'restart-strategy.type=none', '--', '--input', join(work, 'missing')],
        /ended FAILED while waiting for RUNNING: FileNotFoundException: File .*missing does not exist/,
      ],
      ['operation failed', 9, () => ['dispose', `file:${join(work, 'no-savepoint')}`], /disposal .* failed: FileNotFoundException/],
      ['insufficient slots', 10, () => ['run', wordCount, '-p', '99'], /parallelism 99 needs 99 slots, the cluster has 4/],
    ] as const)('%s -> %i', async (_what, code, args, message) => {
      const r = await cli([...args()]);
      expect(r.stderr).toMatch(message);
      expect(r.code).toBe(code);
      expect(r.stdout).toBe('');
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace without --verbose
    });

    it('connection -> 6, naming the URL; --verbose adds the stack trace', async () => {
      const closed = `http://127.0.0.1:${await freePort()}`;
      const r = await cli(['list', '--url', closed, '--verbose']);
      expect(r.code).toBe(6);
      expect(r.stderr).toContain(`nothing listens at ${closed}/`);
      expect(r.stderr).toMatch(/\n\s+at /);
    });
  });

  it('a pseudo-terminal shows the upload progress bar and the spinner; piped output has neither', async () => {
    // `script` runs the command on a pseudo-terminal (stdout and stderr are a TTY) and copies what it shows.
    const command = [process.execPath, BIN, 'run', wordCount, '-p', '1'].map((a) => `'${a}'`).join(' ');
    const tty = execFileSync('script', ['-qec', command, '/dev/null'], { env: { ...ENV, TERM: 'xterm-256color' }, encoding: 'utf8' });
    expect(tty).toContain('uploading WordCount.jar'); // the progress bar
    const ESC = '\u001b';
    expect(tty).toMatch(new RegExp(`[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏](${ESC}\\[\\d+m)? waiting until all tasks run`)); // the spinner (frame coloured)
    expect(tty.includes(`${ESC}[32mRUNNING`) || tty.includes(`${ESC}[36mFINISHED`)).toBe(true); // the state in colour
    // NO_COLOR: the same without colour.
    const plain = execFileSync('script', ['-qec', command, '/dev/null'], {
      env: { ...ENV, TERM: 'xterm-256color', NO_COLOR: '1' },
      encoding: 'utf8',
    });
    expect(plain).toMatch(/[0-9a-f]{32} (RUNNING|FINISHED) \(WordCount/);
    expect(plain).not.toContain(`${ESC}[3`);
    const piped = await cli(['run', wordCount, '-p', '1']);
    expect(piped.stderr).toBe('');
    expect(piped.stdout).toMatch(/^[0-9a-f]{32} (RUNNING|FINISHED) \(WordCount, parallelism 1\)\n$/);
  });

  describe('the examples, run as child processes against this cluster', () => {
    const example = (name: string, args: string[]) =>
      new Promise<Run>((done) =>
        execFile(
          process.execPath,
          [join(ROOT, 'examples', name), ...args],
          { cwd: ROOT, env: ENV, timeout: 240_000 },
          (error, stdout, stderr) => done({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
        ),
      );

    it('wordcount.ts counts the words of the built-in text', async () => {
      const r = await example('wordcount.ts', ['--url', url, '-p', '2']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/job [0-9a-f]{32} FINISHED/);
      expect(r.stdout).toContain('170 distinct words');
    });

    it('savepoint-and-restart.ts: two checkpoints, stop with savepoint, restart at a higher parallelism, restored, carries on', async () => {
      const r = await example('savepoint-and-restart.ts', ['--url', url, '-p', '1']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.match(/checkpoint \d+ completed in/g)).toHaveLength(2);
      const sp = /stopped job [0-9a-f]{32} with savepoint (\S+)/.exec(r.stdout)?.[1];
      expect(sp).toBeDefined();
      expect(r.stdout).toMatch(/restarted as job [0-9a-f]{32} at parallelism 2/);
      expect(r.stdout).toContain(`restored from ${sp}`);
      expect(r.stdout).toMatch(/carries on: checkpoint \d+ completed after the restore/);
    });
  });

  it('doctor fails on a restarting job, with its root cause (with checkpoints on, a failing job restarts forever)', async () => {
    const started = await json<{ jobId: string }>(['run', wordCount, '--detached', '--', '--input', join(work, 'missing')]);
    const r = await doctorUntil((d) => d.code === 11 && /is (RESTARTING|FAILING)/.test(d.stdout), 'doctor to report the restarting job');
    expect(r.code).toBe(11);
    expect(r.stdout).toMatch(new RegExp(`fail +job ${started.jobId} \\(WordCount\\) is (RESTARTING|FAILING): FileNotFoundException`));
    expect(r.stdout).toContain(`fix: see \`flink-kit exceptions ${started.jobId}\``);
    expect(await ok(['exceptions', started.jobId])).toMatch(/^root cause: FileNotFoundException/);
    await ok(['cancel', started.jobId]);
  });

  it('doctor fails on a broken cluster (no TaskManager registered) and says how to fix it', async () => {
    const state = JSON.parse(readFileSync(ENV['FLINK_KIT_LOCAL_STATE'] as string, 'utf8')) as { jvms: { id: string; pid: number }[] };
    for (const tm of state.jvms.filter((j) => j.id !== 'jobmanager')) process.kill(tm.pid, 'SIGKILL');
    // The JobManager notices within heartbeat.timeout (5 s here).
    const r = await doctorUntil((d) => d.code === 11 && /no TaskManager is registered/.test(d.stdout), 'doctor to report no TaskManager');
    expect(r.code).toBe(11);
    expect(r.stdout).toMatch(/fail +no TaskManager is registered/);
    expect(r.stdout).toMatch(/fix: .*jobmanager\.rpc\.address/);
    const report = await cli(['doctor', '--json']);
    expect(report.code).toBe(11);
    expect(JSON.parse(report.stdout)).toMatchObject({
      ok: false,
      checks: expect.arrayContaining([expect.objectContaining({ id: 'taskmanagers', status: 'fail' })]),
    });
  });

  it('local down stops it: no JVM, no temp dir, no state; status then says so (exit 1)', async () => {
    expect(jvmPids(workDir).length).toBeGreaterThan(0); // the JobManager
    expect(await ok(['local', 'down'])).toBe(`stopped the local cluster at ${url}\n`);
    expect(jvmPids(workDir)).toEqual([]);
    expect(existsSync(workDir)).toBe(false);
    expect(existsSync(ENV['FLINK_KIT_LOCAL_STATE'] as string)).toBe(false);
    const status = await cli(['local', 'status']);
    expect(status).toMatchObject({ code: 1, stdout: 'no local cluster (start one with `flink-kit local up`)\n' });
    expect(await ok(['local', 'down'])).toBe('no local cluster was running\n');
  });
});
