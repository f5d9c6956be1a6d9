/**
 * Faults between client and Flink, and bad input that real Flink refuses, on one shared cluster.
 * A fault proxy (test/fakes/fault-proxy.ts) sits between a FlinkClient and the real JobManager and
 * loses replies after Flink acted, resets connections, answers 503, stalls, cuts uploads and goes
 * away for 10 s. What Flink did is read from Flink itself (its job list, checkpoint files on disk,
 * the upload folder), never from what the client believes.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlinkClient } from '../../src/client.ts';
import type { CheckpointEvent } from '../../src/core/checkpoint-watch.ts';
import { poll } from '../../src/core/poll.ts';
import {
  FlinkApiError,
  FlinkConnectionError,
  FlinkError,
  FlinkInputError,
  FlinkNotFoundError,
  FlinkOperationError,
  FlinkTimeoutError,
} from '../../src/errors/index.ts';
import type { LocalCluster } from '../../src/local/index.ts';
import { freePort } from '../../src/local/processes.ts';
import { TERMINAL_JOB_STATES } from '../../src/schemas/job-states.ts';
import { caught } from '../fakes/caught.ts';
import { ensureBuilt, runCli } from '../fakes/cli-process.ts';
import { FaultProxy } from '../fakes/fault-proxy.ts';
import { cancelAll, completedOnDisk, FLINK_VERSION, filesBelow, retainedCheckpointsKey, startTestCluster } from './support.ts';

let cluster: LocalCluster;
let flink: FlinkClient;
let proxy: FaultProxy;
let work: string;
let wordCount: string;
let keyedCounter: string;
let blobPort: number;
/** Where Flink keeps uploaded jars, and the parts of uploads under way. */
let uploadDir: string;

beforeAll(async () => {
  blobPort = await freePort();
  cluster = await startTestCluster({
    config: {
      'blob.server.port': blobPort,
      // Every completed checkpoint stays on disk: Flink's own record to check the watch against.
      [retainedCheckpointsKey()]: 200,
      // A short checkpoint history, so a 10 s outage outlasts what Flink's statistics remember.
      'web.checkpoints.history': 4,
      'web.refresh-interval': 500,
    },
  });
  flink = cluster.client;
  proxy = await FaultProxy.start(cluster.url);
  work = mkdtempSync(join(tmpdir(), 'flink-kit-faults-'));
  wordCount = await cluster.testJobJar('word-count');
  keyedCounter = await cluster.testJobJar('keyed-counter');
  uploadDir = join(cluster.workDir, 'tmp', 'flink-web-upload');
});
afterAll(async () => {
  await proxy?.close();
  await cluster?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** A client of the proxy, retrying quickly (the faults, not the backoff, are under test). */
function viaProxy(options: ConstructorParameters<typeof FlinkClient>[0] = {}): FlinkClient {
  return new FlinkClient({ url: proxy.url, retry: { retries: 3, minDelayMs: 100, maxDelayMs: 1_000 }, ...options });
}

/** A keyed-counter job at parallelism 1, running. */
async function counterJob(tag: string, args: string[] = []): Promise<string> {
  const { jobId } = await flink.submit({ jar: keyedCounter, parallelism: 1, args: ['--tag', tag, ...args], until: 'RUNNING' });
  return jobId;
}

/** A zip header and `size` random bytes: what the SDK and Flink accept as a jar upload. */
function bigJar(name: string, size: number): string {
  const path = join(work, name);
  const bytes = Buffer.alloc(size);
  bytes.writeUInt32LE(0x04034b50, 0);
  for (let i = 4; i < size; i += 4096) bytes[i] = i % 251;
  writeFileSync(path, bytes);
  return path;
}

describe(`faults between client and Flink (Flink ${FLINK_VERSION})`, () => {
  it('100 jars.run with every other reply lost after Flink acted: exactly 100 jobs, each once', { timeout: 600_000 }, async () => {
    const jarId = (await flink.jars.upload(wordCount)).id;
    const before = new Set((await flink.jobs.list()).map((j) => j.id));
    // The first attempt of every other run (told apart by its job id) reaches Flink, which submits
    // the job; its reply is dropped and the connection closed. The client retries with the same id.
    const firstSeen = new Set<string>();
    const remove = proxy.add({
      method: 'POST',
      path: /\/run$/,
      when: ({ body }) => {
        const id = String((JSON.parse(body ?? '{}') as { jobId?: string }).jobId);
        if (firstSeen.has(id)) return false;
        firstSeen.add(id);
        return firstSeen.size % 2 === 1;
      },
      fault: { kind: 'lose-reply' },
    });
    const client = viaProxy();
    const started = performance.now();
    const ids: string[] = [];
    let next = 0;
    // Four at a time; each job is cancelled (directly) as soon as its run returns.
    const worker = async () => {
      while (next < 100) {
        next++;
        const { jobId } = await client.jars.run(jarId, { parallelism: 1 });
        ids.push(jobId);
        await flink.jobs.cancel(jobId);
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    remove();
    await client.close();
    const runMs = performance.now() - started;

    // Flink's own count: the jobs it lists that were not there before, each run to its end.
    const jobs = await poll(
      async () => {
        const created = (await flink.jobs.list()).filter((j) => !before.has(j.id));
        return created.every((j) => TERMINAL_JOB_STATES.has(j.state)) ? { done: true, value: created } : { done: false };
      },
      { what: 'the 100 jobs to end', waitTimeoutMs: 180_000 },
    );
    const runs = proxy.requests('POST', /\/run$/);
    const lost = runs.filter((r) => r.fault === 'lose-reply');
    const duplicates = runs.filter((r) => /Duplicate(Job|Application)SubmissionException/.test(r.flinkError ?? ''));
    console.log(
      `[faults ${FLINK_VERSION}] 100 runs: ${runs.length} run requests, ${lost.length} replies lost after Flink acted, ` +
        `${duplicates.length} retries answered "already submitted"; Flink lists ${jobs.length} new jobs, ` +
        `${jobs.length - new Set(jobs.map((j) => j.id)).size} duplicates; ${(runMs / 1000).toFixed(1)} s (shared machine: indicative)`,
    );
    expect(new Set(ids).size).toBe(100);
    expect(jobs).toHaveLength(100);
    expect(new Set(jobs.map((j) => j.id))).toEqual(new Set(ids));
    expect(lost).toHaveLength(50);
    expect(lost.every((r) => r.reachedFlink && r.flinkStatus === 200)).toBe(true); // Flink acted on every lost one
    expect(duplicates).toHaveLength(50); // and the retry found the job already there
    expect(runs).toHaveLength(150);
    await flink.jars.delete(jarId);
  });

  it('reads ride out resets, 503 with and without Retry-After, and stalls past the timeout, within their retry budget', async () => {
    const client = viaProxy({ timeoutMs: 1_000 });
    try {
      proxy.add({ method: 'GET', path: /^\/v1\/overview$/, times: 2, fault: { kind: 'reset' } });
      expect((await client.cluster.overview()).taskManagers).toBe(2);
      expect(proxy.requests('GET', /^\/v1\/overview$/).map((r) => r.fault)).toEqual(['reset', 'reset', undefined]);

      proxy.add({ method: 'GET', path: /^\/v1\/jobs\/overview$/, times: 1, fault: { kind: 'status', status: 503, retryAfter: '1' } });
      let started = performance.now();
      await client.jobs.list();
      const honouredMs = performance.now() - started;
      expect(honouredMs).toBeGreaterThanOrEqual(950); // waited what Retry-After asked, not the 100 ms backoff

      proxy.add({ method: 'GET', path: /^\/v1\/taskmanagers$/, times: 2, fault: { kind: 'status', status: 503 } });
      expect(await client.cluster.taskManagers()).toHaveLength(2);

      proxy.add({ method: 'GET', path: /^\/v1\/config$/, times: 1, fault: { kind: 'stall' } });
      started = performance.now();
      expect((await client.cluster.config()).flinkVersion).toBe(cluster.flinkVersion);
      expect(performance.now() - started).toBeGreaterThanOrEqual(950); // the stall ran into the 1 s timeout

      // All three on one call: a reset, a 503, a stall, then the answer (the 4th attempt of 4).
      const jmConfig = /^\/v1\/jobmanager\/config$/;
      proxy.add({ method: 'GET', path: jmConfig, times: 1, fault: { kind: 'reset' } });
      proxy.add({ method: 'GET', path: jmConfig, times: 1, fault: { kind: 'status', status: 503 } });
      proxy.add({ method: 'GET', path: jmConfig, times: 1, fault: { kind: 'stall' } });
      expect((await client.cluster.jobManagerConfig())['rest.port']).toBe(new URL(cluster.url).port);
      expect(proxy.requests('GET', jmConfig).map((r) => r.fault)).toEqual(['reset', 'status', 'stall', undefined]);

      // Past the budget: a typed error once the 4 attempts are spent, not a hang.
      proxy.clear();
      proxy.add({ method: 'GET', path: /^\/v1\/jobs\/overview$/, fault: { kind: 'stall' } });
      started = performance.now();
      const stalled = await client.jobs.list().catch((e: unknown) => e);
      const stalledMs = performance.now() - started;
      expect(stalled).toBeInstanceOf(FlinkTimeoutError);
      expect((stalled as Error).message).toMatch(/got no complete reply within 1000 ms.*raise timeoutMs/);
      expect(stalledMs).toBeLessThan(20_000); // 4 x 1 s plus at most 3 s of backoff, on a loaded machine
      proxy.clear();
      proxy.add({ method: 'GET', path: /^\/v1\/overview$/, fault: { kind: 'reset' } });
      const reset = await client.cluster.overview().catch((e: unknown) => e);
      expect(reset).toBeInstanceOf(FlinkConnectionError);
      expect(proxy.requests('GET', /^\/v1\/overview$/).filter((r) => r.fault === 'reset')).toHaveLength(2 + 4);
      console.log(
        `[faults ${FLINK_VERSION}] Retry-After 1 s honoured: ${Math.round(honouredMs)} ms; 4 stalled attempts of 1 s gave up after ${Math.round(stalledMs)} ms`,
      );
    } finally {
      proxy.clear();
      await client.close();
    }
  });

  it('an upload cut mid-body fails typed, is not repeated, says no jar was stored, and Flink stored none', async () => {
    const jar = bigJar('cut.jar', 32 * 1024 * 1024);
    const before = await jarsOnJobManager();
    proxy.add({ method: 'POST', path: /^\/v1\/jars\/upload$/, times: 1, fault: { kind: 'cut-body', afterBytes: 1024 * 1024 } });
    const client = viaProxy();
    const error = await client.jars.upload(jar).catch((e: unknown) => e);
    await client.close();
    expect(error).toBeInstanceOf(FlinkConnectionError);
    expect((error as Error).message).toMatch(
      /The upload was cut off after [\d.]+ MiB of 32\.0 MiB had been sent\. Flink stores no jar from an upload it did not receive whole, so no jar was stored: upload it again\./,
    );
    expect(proxy.requests('POST', /^\/v1\/jars\/upload$/)).toHaveLength(1); // a stream body is never resent
    expect(await jarsOnJobManager()).toEqual(before);
  });

  it('a cancel whose reply was lost is repeated (PATCH, idempotent): the job is cancelled once, no error', async () => {
    const jobId = await counterJob('cancel-lost');
    proxy.add({ method: 'PATCH', path: new RegExp(`^/v1/jobs/${jobId}\\?mode=cancel$`), times: 1, fault: { kind: 'lose-reply' } });
    const client = viaProxy();
    await client.jobs.cancel(jobId);
    await client.close();
    const patches = proxy.requests('PATCH', new RegExp(jobId));
    expect(patches.map((p) => p.fault)).toEqual(['lose-reply', undefined]);
    expect(patches.every((p) => p.reachedFlink && (p.flinkStatus === 202 || p.flinkStatus === 409))).toBe(true);
    expect((await flink.jobs.waitFor(jobId, { until: 'CANCELED', waitTimeoutMs: 60_000 })).state).toBe('CANCELED');
  });

  it('a savepoint trigger whose reply was lost is retried with the same trigger id: one savepoint; a disposal whose reply was lost is not repeated', async () => {
    const jobId = await counterJob('savepoint-lost');
    const dir = mkdtempSync(join(work, 'savepoints-'));
    proxy.add({ method: 'POST', path: new RegExp(`^/v1/jobs/${jobId}/savepoints$`), times: 1, fault: { kind: 'lose-reply' } });
    const client = viaProxy();
    try {
      const { location } = await (await client.savepoints.trigger(jobId, { targetDirectory: `file://${dir}` })).result({
        waitTimeoutMs: 120_000,
      });
      const triggers = proxy.requests('POST', new RegExp(`/jobs/${jobId}/savepoints$`));
      expect(triggers.map((t) => t.fault)).toEqual(['lose-reply', undefined]);
      expect(new Set(triggers.map((t) => JSON.parse(t.body ?? '{}').triggerId)).size).toBe(1);
      expect(readdirSync(dir)).toHaveLength(1); // one savepoint, not two

      // POST /savepoint-disposal carries no id of ours: a lost reply is reported, never resent.
      proxy.add({ method: 'POST', path: /^\/v1\/savepoint-disposal$/, times: 1, fault: { kind: 'lose-reply' } });
      const error = await client.savepoints.dispose(location).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FlinkConnectionError);
      expect((error as Error).message).toMatch(
        /POST \/v1\/savepoint-disposal may have been carried out although no reply came; it was not repeated.*Check whether .* still exists before disposing it again\./,
      );
      expect(proxy.requests('POST', /^\/v1\/savepoint-disposal$/)).toHaveLength(1);
      // Flink did dispose of it (once): the folder goes.
      await poll(async () => (readdirSync(dir).length === 0 ? { done: true, value: undefined } : { done: false }), {
        what: 'the savepoint to be disposed of',
        waitTimeoutMs: 30_000,
      });
      // A blind repeat would not have been harmless either: Flink fails a disposal of what is gone.
      const again = await flink.savepoints.dispose(location).catch((e: unknown) => e);
      expect(again).toBeInstanceOf(FlinkOperationError);
    } finally {
      proxy.clear();
      await client.close();
      await flink.jobs.cancel(jobId);
    }
  });

  it('the checkpoint watch rides out a 10 s outage and reports what it missed, inventing nothing', { timeout: 240_000 }, async () => {
    const jobId = await counterJob('watch-outage', ['--checkpoint-interval', '500']);
    const client = viaProxy();
    const watching = new AbortController();
    const events: CheckpointEvent[] = [];
    let outageAt = -1;
    const completed = () => events.filter((e) => e.type === 'completed').length;
    const watch = (async () => {
      for await (const event of client.checkpoints.watch(jobId, { intervalMs: 250, signal: watching.signal })) events.push(event);
    })();
    try {
      await poll(async () => (completed() >= 2 ? { done: true, value: undefined } : { done: false }), {
        what: 'two checkpoints seen before the outage',
        waitTimeoutMs: 60_000,
      });
      outageAt = events.length;
      await proxy.cut();
      await new Promise((resolve) => setTimeout(resolve, 10_000));
      await proxy.restore();
      await poll(
        async () => {
          const after = events.slice(outageAt);
          const missedAt = after.findIndex((e) => e.type === 'missed');
          return missedAt >= 0 && after.slice(missedAt).filter((e) => e.type === 'completed').length >= 2
            ? { done: true, value: undefined }
            : { done: false, seen: after.map((e) => e.type).join(', ') };
        },
        { what: 'a missed event and two checkpoints after the outage', waitTimeoutMs: 60_000 },
      );
    } finally {
      watching.abort();
      await watch;
      await client.close();
    }
    const reported = events.flatMap((e) => (e.type === 'completed' ? [e.checkpointId] : []));
    const missed = events.reduce((n, e) => n + (e.type === 'missed' ? e.count : 0), 0);
    const first = reported[0] as number;
    const last = reported.at(-1) as number;
    const onDisk = completedOnDisk(cluster.checkpointDir, jobId).filter((id) => id >= first && id <= last);
    console.log(
      `[faults ${FLINK_VERSION}] watch across a 10 s outage: ${reported.length} checkpoints reported (${first}..${last}), ` +
        `${missed} reported missed, ${onDisk.length} completed on disk in that range; events: ${events.map((e) => (e.type === 'missed' ? `missed(${e.count})` : e.type)).join(' ')}`,
    );
    expect(new Set(reported).size).toBe(reported.length); // none twice
    expect(reported).toEqual([...reported].sort((a, b) => a - b)); // in order
    expect(reported.filter((id) => !onDisk.includes(id))).toEqual([]); // none invented
    expect(missed).toBeGreaterThan(0);
    expect(reported.length + missed).toBe(onDisk.length); // every completed one reported or counted missed
    expect(events.some((e) => e.type === 'restored')).toBe(false);
    expect(events.filter((e) => e.type === 'state').map((e) => (e as { state: string }).state)).toEqual(['RUNNING']);
    await flink.jobs.cancel(jobId);
  });
});

/** The jars Flink lists, and the jar files in its upload folder. */
async function jarsOnJobManager(): Promise<{ listed: string[]; files: string[] }> {
  return {
    listed: (await flink.jars.list()).map((j) => j.id).sort(),
    files: filesBelow(uploadDir).filter((f) => f.endsWith('.jar')),
  };
}

/** What a bad input must leave as it found it: the uploaded jars and the running jobs. */
async function snapshot(): Promise<{ jars: { listed: string[]; files: string[] }; running: string[] }> {
  return {
    jars: await jarsOnJobManager(),
    running: (await flink.jobs.list())
      .filter((j) => !TERMINAL_JOB_STATES.has(j.state))
      .map((j) => j.id)
      .sort(),
  };
}

/**
 * Runs a bad input against real Flink: it must fail with `type`, a message matching `advice` and
 * no Java stack trace, within `withinMs`, and leave jars, running jobs and uploads as they were.
 */
async function refused<E extends FlinkError>(
  call: () => Promise<unknown>,
  type: abstract new (...args: never[]) => E,
  advice: RegExp,
  withinMs = 120_000,
): Promise<E> {
  const before = await snapshot();
  const error = await caught(call, type, { advice, withinMs });
  await poll(
    async () => {
      const after = await snapshot();
      return JSON.stringify(after) === JSON.stringify(before)
        ? { done: true, value: undefined }
        : { done: false, seen: JSON.stringify(after) };
    },
    { what: 'jars, running jobs and uploads as before the bad input', waitTimeoutMs: 15_000 },
  );
  return error;
}

describe(`bad input that real Flink refuses (Flink ${FLINK_VERSION})`, () => {
  let jobId: string;
  let rpcPort: string;

  beforeAll(async () => {
    await cancelAll(flink);
    jobId = await counterJob('bad-input');
    rpcPort = (await flink.cluster.jobManagerConfig())['jobmanager.rpc.port'] as string;
    ensureBuilt();
  }, 300_000);
  afterAll(async () => {
    await cancelAll(flink);
  });

  it("a URL at the cluster's RPC port, whatever its number: FlinkConnectionError that says where REST usually is", async () => {
    expect(rpcPort).not.toBe('6123'); // the local cluster picks a free port: no port-number hint can apply
    const error = await refused(
      () => new FlinkClient({ url: `http://127.0.0.1:${rpcPort}` }).cluster.overview(),
      FlinkConnectionError,
      /closed the connection without sending a single byte of HTTP: Flink's RPC port \(jobmanager\.rpc\.port.*rest\.port, usually 8081/,
      30_000,
    );
    expect(error.code).toBe('UND_ERR_SOCKET');
  });

  it("a URL at the cluster's blob server port: the same", async () => {
    await refused(
      () => new FlinkClient({ url: `http://127.0.0.1:${blobPort}`, retry: false }).jobs.list(),
      FlinkConnectionError,
      /without sending a single byte of HTTP.*blob server port \(blob\.server\.port\).*rest\.port, usually 8081/,
      30_000,
    );
  });

  it('the CLI at the RPC port: exit 6, and where REST usually is', async () => {
    const r = await runCli(['--url', `http://127.0.0.1:${rpcPort}`, 'list']);
    expect(r.code).toBe(6);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/Flink's RPC port \(jobmanager\.rpc\.port, 6123 by default\).*rest\.port, usually 8081/);
  });

  it('a restore from a savepoint path that does not exist: the root cause named, what to give instead; the uploaded jar deleted', async () => {
    const missing = `file://${join(work, 'no-such-savepoint')}`;
    const error = await refused(
      () => flink.submit({ jar: keyedCounter, parallelism: 1, savepointPath: missing, waitTimeoutMs: 120_000 }),
      FlinkError,
      /Cannot find checkpoint or savepoint.*no-such-savepoint/,
    );
    expect(error.message).toMatch(/give the location a savepoint or stop returned|does not exist/);
    console.log(`[faults ${FLINK_VERSION}] restore from a missing savepoint: ${error.name}: ${error.message}`);
  });

  it('an upgrade whose new jar has no Main-Class: FlinkInputError before anything is stopped', async () => {
    const classes = mkdtempSync(join(work, 'no-main-'));
    writeFileSync(join(classes, 'readme.txt'), 'no classes here\n');
    const jar = join(work, 'no-main.jar');
    execFileSync('jar', ['--create', '--file', jar, '-C', classes, '.']);
    await refused(
      () => flink.upgrade(jobId, { jar, previous: false }),
      FlinkInputError,
      /names no entry class in its manifest \(Main-Class or program-class\).*pass entryClass.*was not stopped/,
    );
    expect(await flink.jobs.status(jobId)).toBe('RUNNING');
  });

  it('a savepoint, and a stop, into a directory Flink cannot create: FlinkOperationError with the root cause; the job runs on', async () => {
    const file = join(work, 'a-file');
    writeFileSync(file, 'not a directory\n');
    const advice = /failed: .*Exception: .*a-file.*Flink could not create or write the savepoint directory: give a targetDirectory/;
    const savepoint = await refused(
      async () =>
        (await flink.savepoints.trigger(jobId, { targetDirectory: `file://${file}/savepoints` })).result({ waitTimeoutMs: 60_000 }),
      FlinkOperationError,
      advice,
    );
    expect(savepoint.rootCause).toMatch(/a-file/);
    await refused(
      () => flink.jobs.stop(jobId, { targetDirectory: `file://${file}/savepoints`, waitTimeoutMs: 60_000 }),
      FlinkOperationError,
      advice,
    );
    expect(await flink.jobs.status(jobId)).toBe('RUNNING');
  });

  it('an AbortSignal fired mid-upload: the call ends with the signal’s reason, and Flink keeps no part of the jar', async () => {
    const jar = bigJar('aborted.jar', 16 * 1024 * 1024);
    const before = await snapshot();
    const controller = new AbortController();
    const error = await flink.jars
      .upload(jar, {
        signal: controller.signal,
        onProgress: ({ loaded }) => {
          if (loaded > 2 * 1024 * 1024) controller.abort();
        },
      })
      .catch((e: unknown) => e);
    expect((error as Error).name).toBe('AbortError'); // like fetch: the signal's reason (the CLI maps it to exit 130)
    await poll(
      async () => (JSON.stringify(await snapshot()) === JSON.stringify(before) ? { done: true, value: undefined } : { done: false }),
      {
        what: 'no jar and no upload part left',
        waitTimeoutMs: 10_000,
      },
    );
  });

  it('20 MB of program arguments: a typed error whose message stays short; no job', async () => {
    const jarId = (await flink.jars.upload(wordCount)).id;
    try {
      const error = await refused(
        () => flink.jars.run(jarId, { args: ['--repeat', 'x'.repeat(20 * 1024 * 1024)] }),
        FlinkApiError,
        // 1.x hands the value to main(), which refuses it; 2.x's JSON parser refuses strings over 20,000,000 characters.
        /root cause: IllegalArgumentException: word-count: --repeat must be a whole number >= 1, got 'x+… \(\d+ more characters\)|String value length \(\d+\) exceeds the maximum allowed.*pass large inputs as a file or URL the job reads/,
      );
      expect(error.message.length).toBeLessThan(1_500);
    } finally {
      await flink.jars.delete(jarId);
    }
  });

  it("an entry class the jar lacks, and a main() that refuses its arguments: Flink's root cause and what to check", async () => {
    const jarId = (await flink.jars.upload(wordCount)).id;
    try {
      const missing = await refused(
        () => flink.jars.run(jarId, { entryClass: 'com.acme.Missing' }),
        FlinkApiError,
        /ClassNotFoundException: com\.acme\.Missing.*check entryClass/,
      );
      expect(missing.rootCause).toBe('ClassNotFoundException: com.acme.Missing');
      await refused(
        () => flink.jars.run(jarId, { args: ['--repeat', 'many'] }),
        FlinkApiError,
        /root cause: IllegalArgumentException: word-count: --repeat must be a whole number >= 1, got 'many'/,
      );
    } finally {
      await flink.jars.delete(jarId);
    }
  });

  it('ids Flink does not know: a job to cancel, a jar to run; a savepoint of a job that ended', async () => {
    await refused(() => flink.jobs.cancel('0123456789abcdef0123456789abcdef'), FlinkNotFoundError, /No job with that id on this cluster/);
    await refused(
      () => flink.jars.run('5f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b_gone.jar'),
      FlinkNotFoundError,
      /Uploaded jars live only as long as the JobManager process; upload it again/,
    );
    const { jobId: ended } = await flink.submit({ jar: wordCount, parallelism: 1, until: 'FINISHED' });
    await refused(() => flink.savepoints.trigger(ended), FlinkOperationError, /is FINISHED; a savepoint needs a RUNNING job/);
  });

  it('dispose of a path that holds no savepoint: FlinkOperationError with the root cause', async () => {
    await refused(
      () => flink.savepoints.dispose(`file://${join(work, 'nothing-here')}`),
      FlinkOperationError,
      /disposal .* failed: .*nothing-here/,
    );
  });

  it('the CLI rescale on a cluster without the adaptive scheduler: exit 9, and the setting to change', async () => {
    const r = await runCli(['--url', cluster.url, 'rescale', jobId, '-p', '2']);
    expect(r.code).toBe(9);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/cannot be rescaled in place.*jobmanager\.scheduler: adaptive/);
    expect(await flink.jobs.status(jobId)).toBe('RUNNING');
  });

  it('after the cut and the aborted upload, every jar file in the upload folder is one Flink lists', async () => {
    const { listed, files } = await jarsOnJobManager();
    expect(files).toEqual(listed);
    // Flink's own leftovers of those uploads (not jars, never listed): the part it received, in a temporary file.
    const parts = readdirSync(uploadDir).filter((name) => !name.endsWith('.jar'));
    console.log(`[faults ${FLINK_VERSION}] left in the upload folder by the cut and the aborted upload: ${parts.join(', ') || 'nothing'}`);
  });
});
