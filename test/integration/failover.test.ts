import { existsSync } from 'node:fs';
import { fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlinkClient } from '../../src/client.ts';
import type { CheckpointEvent } from '../../src/core/checkpoint-watch.ts';
import { poll } from '../../src/core/poll.ts';
import { FlinkApiError, FlinkConnectionError, FlinkInputError, FlinkOperationError, isFlinkError } from '../../src/errors/index.ts';
import type { LocalCluster } from '../../src/local/index.ts';
import { pidsMentioning } from '../fakes/processes.ts';
import {
  completedOnDisk,
  counterCounts,
  counterRecords,
  exactlyOnceAfterRestores,
  FLINK_VERSION,
  retainedCheckpointsKey,
  startTestCluster,
  waitForCounterProgress,
} from './support.ts';

/** How a call made during the outage ended, and after how long. */
type Outcome<T> = { ok: true; value: T; ms: number } | { ok: false; error: unknown; ms: number };

function settle<T>(call: Promise<T>): Promise<Outcome<T>> {
  const start = performance.now();
  return call.then(
    (value) => ({ ok: true as const, value, ms: performance.now() - start }),
    (error: unknown) => ({ ok: false as const, error, ms: performance.now() - start }),
  );
}

/** The keyed counter's run that lives through the failover (`--tag`). */
const TAG = 'failover';

describe(`JobManager failover with ZooKeeper HA (Flink ${FLINK_VERSION})`, () => {
  let cluster: LocalCluster;
  let flink: FlinkClient;
  /** The keyed counter: the job that lives through the failover, and the racing submit's jar. */
  let counterJar: string;
  /** word-count, uploaded: the bounded job run during the outage. */
  let wordCountId: string;
  let jobId: string;
  const events: CheckpointEvent[] = [];
  /** What happened; filled by the first test, checked by the others. */
  const seen = {
    lastReportedBeforeKill: -1,
    killedAt: 0,
    leaderMs: 0,
    runningMs: 0,
    restoredId: undefined as number | undefined,
    /** Each key's count as printed when the JobManager was killed. */
    countsAtKill: new Map<number, number>(),
    calls: {} as {
      quickRead: Outcome<unknown>;
      patientRead: Outcome<string>;
      run: Outcome<{ jobId: string }>;
      racingSubmit: Outcome<{ jobId: string }>;
    },
  };

  beforeAll(async () => {
    cluster = await startTestCluster({
      highAvailability: true,
      config: {
        // A checkpoint every 4 s at most: killing the JobManager right after one completed leaves
        // none completing unseen in between.
        'execution.checkpointing.interval': '4s',
        'execution.checkpointing.min-pause': '4s',
        [retainedCheckpointsKey()]: 100,
        'web.refresh-interval': 250,
      },
    });
    flink = cluster.client;
    counterJar = await cluster.testJobJar('keyed-counter');
    wordCountId = (await flink.jars.upload(await cluster.testJobJar('word-count'))).id;
    // --checkpoint-interval 0: the cluster's interval (above) applies.
    const args = ['--tag', TAG, '--checkpoint-interval', '0'];
    jobId = (await flink.submit({ jar: counterJar, parallelism: 2, args, until: 'RUNNING' })).jobId;
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('kill the JobManager with calls in flight, start a new one: the job runs again', { timeout: 420_000 }, async () => {
    const retry = { retries: 60, minDelayMs: 250, maxDelayMs: 2_000 };
    const patient = flink.withOptions({ retry });
    const watching = new AbortController();
    let killing: Promise<void> | undefined;
    let racing: Promise<Outcome<{ jobId: string }>> | undefined;
    // A submit whose run request is under way when the JobManager dies (150 ms in: building the job, or persisting it).
    const racer = new FlinkClient({
      url: cluster.url,
      retry,
      fetch: ((url: URL, init: Record<string, unknown>) => {
        if (url.pathname.endsWith('/run') && !killing) {
          setTimeout(() => {
            seen.killedAt = performance.now();
            killing = cluster.killJobManager();
          }, 150);
        }
        return undiciFetch(url, init);
      }) as unknown as typeof globalThis.fetch,
    });
    const completedCount = () => events.filter((e) => e.type === 'completed').length;
    const watch = (async () => {
      for await (const event of flink.checkpoints.watch(jobId, { intervalMs: 250, signal: watching.signal })) {
        events.push(event);
        // Two checkpoints in, right after the next one: a submit, and the JobManager killed under its run request.
        if (!racing && event.type === 'completed' && completedCount() >= 3) {
          seen.lastReportedBeforeKill = event.checkpointId;
          racing = settle(racer.submit({ jar: counterJar, parallelism: 1, args: ['--tag', 'racing'], waitTimeoutMs: 240_000 }));
        }
      }
    })();

    await poll(async () => (killing ? { done: true, value: await killing } : { done: false }), {
      what: 'three completed checkpoints and the kill',
      waitTimeoutMs: 120_000,
    });
    seen.countsAtKill = counterCounts(cluster, TAG);
    // Calls made while no JobManager runs: a read with the default retries, a patient read, a run (it carries a job id).
    const quickRead = settle(flink.cluster.overview());
    const patientRead = settle(patient.jobs.status(jobId));
    const run = settle(patient.jars.run(wordCountId, { parallelism: 1 }));

    await cluster.startJobManager();
    seen.leaderMs = performance.now() - seen.killedAt;
    await flink.jobs.waitFor(jobId, { until: 'RUNNING', waitTimeoutMs: 180_000 });
    seen.runningMs = performance.now() - seen.killedAt;
    seen.calls = {
      quickRead: await quickRead,
      patientRead: await patientRead,
      run: await run,
      racingSubmit: await (racing as Promise<Outcome<{ jobId: string }>>),
    };
    await racer.close();

    // The restored job counts on: every key past its count at the kill, read from the TaskManagers' output.
    await waitForCounterProgress(cluster, TAG, seen.countsAtKill);
    // Two checkpoints of the new JobManager, then stop watching.
    await poll(
      async () => {
        const restored = events.find((e) => e.type === 'restored');
        const after = events.filter((e) => e.type === 'completed' && restored && e.checkpointId > restored.checkpointId);
        return after.length >= 2 ? { done: true, value: undefined } : { done: false };
      },
      { what: 'a restored event and two completed checkpoints after it', waitTimeoutMs: 120_000 },
    );
    watching.abort();
    await watch;
    seen.restoredId = (await flink.checkpoints.stats(jobId)).latest.restored?.checkpointId;

    console.log(
      `[failover ${FLINK_VERSION}] kill -> new JobManager leads: ${(seen.leaderMs / 1000).toFixed(1)} s; ` +
        `-> job RUNNING again (seen by the client): ${(seen.runningMs / 1000).toFixed(1)} s; ` +
        `patient read answered after ${(seen.calls.patientRead.ms / 1000).toFixed(1)} s; ` +
        `racing submit: ${seen.calls.racingSubmit.ok ? 'one job' : `typed error ${(seen.calls.racingSubmit.error as Error).name}`} (machine shared: timings are indicative)`,
    );
    expect(await flink.jobs.status(jobId)).toBe('RUNNING');
  });

  it('the job recovered from its latest checkpoint and kept its state: no key reset, nothing counted twice', async () => {
    expect(seen.restoredId).toBe(seen.lastReportedBeforeKill);
    // Every line of the run, before and after the failover. The restore from the checkpoint makes
    // print() repeat what came after it; each key must still have counted each record once, from
    // 1 without a gap (a count starting over, or one record counted twice, is a problem).
    const check = await exactlyOnceAfterRestores(cluster, TAG);
    const records = counterRecords(cluster, TAG);
    expect(check.problems).toEqual([]);
    expect(check.counts.size).toBe(8);
    for (const [key, count] of seen.countsAtKill) expect(check.counts.get(key)).toBeGreaterThan(count);
    console.log(
      `[failover ${FLINK_VERSION}] keyed counter: ${check.records} records counted once each, ${records.length - check.records} lines replayed after the restore, no key reset`,
    );
  });

  it('the watch went on across it: one restored event, every completed checkpoint once, none missed', () => {
    const restored = events.filter((e) => e.type === 'restored');
    expect(restored).toHaveLength(1);
    expect(restored[0]).toMatchObject({ checkpointId: seen.lastReportedBeforeKill, isSavepoint: false });
    expect(events.filter((e) => e.type === 'missed')).toEqual([]);
    const reported = events.flatMap((e) => (e.type === 'completed' ? [e.checkpointId] : []));
    expect(new Set(reported).size).toBe(reported.length);
    expect(reported).toEqual([...reported].sort((a, b) => a - b));
    // Flink's own record: the retained checkpoints on disk, from the first reported to the last.
    const first = reported[0] as number;
    const last = reported.at(-1) as number;
    const onDisk = completedOnDisk(cluster.checkpointDir, jobId).filter((id) => id >= first && id <= last);
    expect(reported).toEqual(onDisk);
    console.log(
      `[failover ${FLINK_VERSION}] watch: ${reported.length} completed checkpoints reported (${first}..${last}), ` +
        `${onDisk.length} on disk in that range, 0 missed, 0 duplicates; states: ${events.flatMap((e) => (e.type === 'state' ? [e.state] : [])).join(' -> ')}`,
    );
    const states = events.flatMap((e) => (e.type === 'state' ? [e.state] : []));
    expect(states[0]).toBe('RUNNING');
    expect(states.at(-1)).toBe('RUNNING');
    expect(states.some((s) => s === 'FAILED' || s === 'CANCELED' || s === 'FINISHED')).toBe(false);
  });

  it('calls made during the outage retried to success, or failed typed within their deadline', () => {
    const { quickRead, patientRead, run } = seen.calls;
    // Default retries (3, ~4 s of backoff) end before a new JobManager can lead: a typed error, soon.
    expect(quickRead.ok).toBe(false);
    if (!quickRead.ok) {
      expect(isFlinkError(quickRead.error)).toBe(true);
      expect(
        quickRead.error instanceof FlinkConnectionError || (quickRead.error instanceof FlinkApiError && quickRead.error.status === 503),
      ).toBe(true);
    }
    expect(quickRead.ms).toBeLessThan(20_000);
    expect(patientRead).toMatchObject({ ok: true });
    // A run carries its job id: retried into the new JobManager, one job, which ran to its end.
    expect(run.ok).toBe(true);
  });

  it('the run and the racing submit made exactly one job each (or a typed error), never two', async () => {
    const { run, racingSubmit } = seen.calls;
    const known = new Set([jobId]);
    if (run.ok) {
      known.add(run.value.jobId);
      expect(await flink.jobs.waitFor(run.value.jobId, { until: 'FINISHED', waitTimeoutMs: 120_000 })).toMatchObject({ state: 'FINISHED' });
    }
    if (racingSubmit.ok) known.add(racingSubmit.value.jobId);
    else expect(isFlinkError(racingSubmit.error)).toBe(true);
    const jobs = await flink.jobs.list();
    expect(jobs.map((j) => j.id).filter((id) => !known.has(id))).toEqual([]);
    if (racingSubmit.ok) expect(jobs.filter((j) => j.id === racingSubmit.value.jobId && j.state === 'RUNNING')).toHaveLength(1);
  });

  it('in-place rescale on this cluster (default scheduler) is a typed error that names jobmanager.scheduler: adaptive', async () => {
    const error = await flink.rescale(jobId, { parallelism: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlinkOperationError);
    expect((error as FlinkOperationError).operation).toBe('rescale');
    expect((error as Error).message).toContain('jobmanager.scheduler: adaptive');
    expect(await flink.jobs.status(jobId)).toBe('RUNNING');
  });

  it('a second JobManager, or a kill with none running, is refused; stop() leaves no JVM (ZooKeeper included) and no temp dir', async () => {
    expect(pidsMentioning(cluster.workDir).length).toBe(4); // ZooKeeper, a JobManager, 2 TaskManagers
    await expect(cluster.startJobManager()).rejects.toThrow(FlinkInputError);
    await cluster.killJobManager();
    await expect(cluster.killJobManager()).rejects.toThrow('no JobManager is running; startJobManager() starts one');
    await cluster.stop();
    expect(pidsMentioning(cluster.workDir)).toEqual([]);
    expect(existsSync(cluster.workDir)).toBe(false);
  });
});
