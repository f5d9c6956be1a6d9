import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FlinkClient } from '../../src/client.ts';
import type { CheckpointEvent } from '../../src/core/checkpoint-watch.ts';
import { FlinkApiError, FlinkInputError, FlinkNotFoundError, FlinkOperationError, FlinkUpgradeError } from '../../src/errors/index.ts';
import { newFlinkId } from '../../src/internal/ids.ts';
import { checkCounterOutput, type LocalCluster } from '../../src/local/index.ts';
import { cancelAll, counterCounts, FLINK_VERSION, startTestCluster, waitForCounterProgress, waitForSlots } from './support.ts';

/** `file:/a/b` -> `/a/b`. */
const localPath = (uri: string) => uri.replace(/^file:\/*/, '/');

/** Collects watch events until `done` says so (or the deadline), then stops the watch. */
async function collect(
  events: AsyncIterable<CheckpointEvent>,
  controller: AbortController,
  done: (seen: CheckpointEvent[]) => boolean,
): Promise<CheckpointEvent[]> {
  const seen: CheckpointEvent[] = [];
  const deadline = setTimeout(() => controller.abort(), 120_000);
  try {
    for await (const event of events) {
      seen.push(event);
      if (done(seen)) break;
    }
  } finally {
    clearTimeout(deadline);
    controller.abort();
  }
  return seen;
}

describe(`savepoints, checkpoints and upgrades on a real cluster (Flink ${FLINK_VERSION})`, () => {
  let cluster: LocalCluster;
  let flink: FlinkClient;
  let jarId: string;

  /**
   * Starts the long-running job (flink-kit's keyed counter, its output tagged `tag`) and waits until
   * all tasks run.
   */
  async function startJob(parallelism = 2, tag = 'lifecycle'): Promise<string> {
    const { jobId } = await flink.submit({ jar: { id: jarId }, parallelism, args: ['--tag', tag], until: 'RUNNING' });
    return jobId;
  }

  /** Every key counted on past `above` (the counts when the job stopped), each exactly once over all runs of `tag`. */
  async function expectCountingOnExactlyOnce(tag: string, above: Map<number, number>): Promise<void> {
    const check = checkCounterOutput(await waitForCounterProgress(cluster, tag, above));
    expect(check.problems).toEqual([]);
    expect(check.counts.size).toBe(8);
  }

  beforeAll(async () => {
    cluster = await startTestCluster({
      config: {
        'execution.checkpointing.interval': '1s',
        // Notice a killed TaskManager within seconds, and keep restarting.
        'heartbeat.interval': 1000,
        'heartbeat.timeout': 5000,
        'restart-strategy.type': 'fixed-delay',
        'restart-strategy.fixed-delay.attempts': 1000,
        'restart-strategy.fixed-delay.delay': '1 s',
        // No default savepoint directory: every call passes one, except the test of that error.
        [FLINK_VERSION === '1.18' || FLINK_VERSION === '1.19' ? 'state.savepoints.dir' : 'execution.checkpointing.savepoint-dir']: null,
      },
    });
    flink = cluster.client;
    jarId = (await flink.jars.upload(await cluster.testJobJar('keyed-counter'))).id;
  });
  afterEach(async () => {
    await cancelAll(flink); // the next test starts with every slot free
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('watch yields completed checkpoints with increasing ids, no duplicates, paths and durations', async () => {
    const jobId = await startJob();
    const controller = new AbortController();
    const events = await collect(
      flink.checkpoints.watch(jobId, { intervalMs: 200, signal: controller.signal }),
      controller,
      (seen) => seen.filter((e) => e.type === 'completed').length >= 4,
    );
    const completed = events.filter((e) => e.type === 'completed');
    expect(completed.length).toBe(4);
    const ids = completed.map((e) => e.checkpointId);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
    for (const e of completed) {
      expect(e.externalPath).toMatch(new RegExp(`chk-${e.checkpointId}$`));
      expect(e.durationMs).toBeGreaterThanOrEqual(0);
      expect(e.isSavepoint).toBe(false);
    }
    // The watch starts at RUNNING.
    expect(events.find((e) => e.type === 'state')).toMatchObject({ type: 'state', state: 'RUNNING' });
  });

  it('triggers a savepoint: its location exists on disk, a retried trigger is the same savepoint, dispose removes it', async () => {
    const jobId = await startJob();
    const triggerId = newFlinkId();
    const op = await flink.savepoints.trigger(jobId, { targetDirectory: `file://${cluster.savepointDir}`, triggerId });
    expect(op.triggerId).toBe(triggerId);
    const { location } = await op.result({ waitTimeoutMs: 60_000 });
    expect(location.startsWith(`file:${cluster.savepointDir}`) || location.startsWith(`file://${cluster.savepointDir}`)).toBe(true);
    expect(existsSync(join(localPath(location), '_metadata'))).toBe(true);
    // The same trigger id again: Flink answers with the same operation instead of a second savepoint.
    const again = await flink.savepoints.trigger(jobId, { targetDirectory: `file://${cluster.savepointDir}`, triggerId });
    expect((await again.result()).location).toBe(location);
    const stats = await flink.checkpoints.stats(jobId);
    expect(stats.history.filter((c) => c.isSavepoint && c.status === 'COMPLETED')).toHaveLength(1);
    expect(await flink.savepoints.status(jobId, triggerId)).toEqual({ state: 'COMPLETED', result: { location } });
    await flink.savepoints.dispose(location);
    expect(existsSync(localPath(location))).toBe(false);
  });

  it('stop with savepoint, then run from it: the new job restored from that path and every key counts on, exactly once', async () => {
    const jobId = await startJob(2, 'stop-and-run');
    const { savepointPath } = await flink.jobs.stop(jobId, { targetDirectory: `file://${cluster.savepointDir}` });
    expect(await flink.jobs.status(jobId)).toBe('FINISHED');
    expect(existsSync(join(localPath(savepointPath), '_metadata'))).toBe(true);
    const atStop = counterCounts(cluster, 'stop-and-run');
    const { jobId: next } = await flink.submit({
      jar: { id: jarId },
      parallelism: 2,
      args: ['--tag', 'stop-and-run'],
      savepointPath,
      until: 'RUNNING',
    });
    const { latest, counts } = await flink.checkpoints.stats(next);
    expect(counts.restored).toBe(1);
    expect(latest.restored?.isSavepoint).toBe(true);
    expect(localPath(latest.restored?.externalPath ?? '')).toBe(localPath(savepointPath));
    await expectCountingOnExactlyOnce('stop-and-run', atStop);
  });

  it('reports a killed TaskManager: restart, then a restore from a checkpoint, and the job runs again', async () => {
    const jobId = await startJob(2, 'killed-tm');
    const controller = new AbortController();
    const watch = flink.checkpoints.watch(jobId, { intervalMs: 200, signal: controller.signal });
    let killing: Promise<void> | undefined;
    let everyKeyCountedAt: number | undefined;
    const stateOf = (seen: CheckpointEvent[]) => seen.flatMap((e) => (e.type === 'state' ? [e.state] : []));
    const events = await collect(watch, controller, (seen) => {
      everyKeyCountedAt ??= counterCounts(cluster, 'killed-tm').size === 8 ? Date.now() : undefined;
      const last = seen.at(-1);
      // Once a checkpoint to restore from holds a count for every key (so a reset would show in the
      // data), kill the TaskManager running the job (like a lost pod) and start a new one.
      if (!killing && last?.type === 'completed' && everyKeyCountedAt !== undefined && last.triggeredAt > everyKeyCountedAt) {
        killing = (async () => {
          const busy = (await flink.cluster.taskManagers()).find((tm) => tm.slotsFree < tm.slotsTotal);
          expect(busy).toBeDefined();
          await cluster.killTaskManager(busy?.id as string);
          await cluster.startTaskManager();
        })();
      }
      const states = stateOf(seen);
      return seen.some((e) => e.type === 'restored') && states.some((s) => s !== 'RUNNING') && states.at(-1) === 'RUNNING';
    });
    await killing;
    const states = stateOf(events);
    expect(states[0]).toBe('RUNNING');
    expect(states.some((s) => s === 'RESTARTING' || s === 'FAILING')).toBe(true);
    expect(states.at(-1)).toBe('RUNNING');
    const restoredAt = events.findIndex((e) => e.type === 'restored');
    const restored = events[restoredAt] as Extract<CheckpointEvent, { type: 'restored' }>;
    expect(restored.isSavepoint).toBe(false);
    // It restored from the newest checkpoint completed before the failure.
    const before = events.slice(0, restoredAt).filter((e) => e.type === 'completed');
    expect(restored.checkpointId).toBe((before.at(-1) as { checkpointId: number }).checkpointId);
    const job = await flink.jobs.waitFor(jobId, { until: 'RUNNING', waitTimeoutMs: 120_000 });
    expect(job.allTasksRunning).toBe(true);
    expect(cluster.taskManagerIds).toHaveLength(2);
    // From the data: every key counts on from the checkpoint, not from zero. print() is at-least-once,
    // so what came after the checkpoint is printed again: counts may repeat, but none is skipped and
    // no key starts over at 1.
    const records = await waitForCounterProgress(cluster, 'killed-tm', counterCounts(cluster, 'killed-tm'));
    for (const key of new Set(records.map((r) => r.key))) {
      const counts = records.filter((r) => r.key === key).map((r) => r.count);
      expect(new Set(counts).size, `key ${key}: no count skipped`).toBe(Math.max(...counts));
      expect(
        counts.filter((c) => c === 1),
        `key ${key}: not reset to 0`,
      ).toHaveLength(1);
    }
    await waitForSlots(flink, 4); // the replacement TaskManager registered (the next tests need all slots)
  });

  it('upgrades at a new parallelism (2 -> 4): the new job runs at 4, restored from the savepoint, every key counts on exactly once', async () => {
    const jobId = await startJob(2, 'rescale');
    const result = await flink.upgrade(jobId, { parallelism: 4, targetDirectory: `file://${cluster.savepointDir}` });
    expect(result.previousJobId).toBe(jobId);
    expect(result.jobId).not.toBe(jobId);
    expect(result.jarId).toBe(jarId);
    expect(await flink.jobs.status(jobId)).toBe('FINISHED');
    const job = await flink.jobs.get(result.jobId);
    expect(job.state).toBe('RUNNING');
    expect(job.vertices.every((v) => v.parallelism === 4)).toBe(true);
    const { latest } = await flink.checkpoints.stats(result.jobId);
    expect(latest.restored?.checkpointId).toBe(result.restoredCheckpointId);
    expect(localPath(latest.restored?.externalPath ?? '')).toBe(localPath(result.savepointPath));
    await expectCountingOnExactlyOnce('rescale', counterCounts(cluster, 'rescale'));
  });

  for (const broken of ['a version that cannot take the savepoint state', 'a broken jar'] as const) {
    it(`upgrade to ${broken}: the rollback runs, the old version counts on from the savepoint`, async () => {
      const tag = broken === 'a broken jar' ? 'rollback-jar' : 'rollback-state';
      const jobId = await startJob(2, tag);
      const options =
        broken === 'a broken jar'
          ? // Not a zip past its first bytes. With no entryClass, upgrade refuses it before stopping (faults.test.ts);
            // with one, only the run finds it broken, after the stop.
            {
              jar: Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(2048, 7)]),
              filename: 'app-v2.jar',
              entryClass: 'flinkkit.testjobs.KeyedCounter',
            }
          : // word-count has none of the counter's operators: Flink refuses to drop the savepoint's state.
            { jar: await cluster.testJobJar('word-count'), args: [] };
      const jarsBefore = (await flink.jars.list()).length;
      const error = (await flink
        .upgrade(jobId, { ...options, targetDirectory: `file://${cluster.savepointDir}` })
        .catch((e: unknown) => e)) as FlinkUpgradeError;
      expect(error).toBeInstanceOf(FlinkUpgradeError);
      expect(error.rolledBack).toBe(true);
      expect(error.message).toMatch(/Rolled back: the previous version runs again as job [0-9a-f]{32}, restored from the savepoint/);
      expect(error.message).toContain(error.savepointPath);
      const job = await flink.jobs.get(error.rollbackJobId as string);
      expect(job.state).toBe('RUNNING');
      expect(job.vertices.every((v) => v.parallelism === 2)).toBe(true);
      const { latest } = await flink.checkpoints.stats(job.id);
      expect(localPath(latest.restored?.externalPath ?? '')).toBe(localPath(error.savepointPath));
      expect((await flink.jars.list()).length).toBe(jarsBefore); // the broken upload was deleted
      if (broken !== 'a broken jar') expect(error.message).toMatch(/allowNonRestoredState|Cannot map checkpoint\/savepoint state/);
      await expectCountingOnExactlyOnce(tag, counterCounts(cluster, tag));
    });
  }

  describe('bad input, each a typed error', () => {
    it('no target directory and no default: names the keys to set', async () => {
      const jobId = await startJob();
      // Flink refuses the trigger itself (400) and names its key; the SDK adds what to do.
      for (const call of [() => flink.savepoints.trigger(jobId), () => flink.jobs.stop(jobId)]) {
        const error = await call().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(FlinkApiError);
        expect((error as Error).message).toMatch(
          /pass targetDirectory, or set execution\.checkpointing\.savepoint-dir \(state\.savepoints\.dir/,
        );
      }
      expect(await flink.jobs.status(jobId)).toBe('RUNNING');
    });

    it('an unknown job: not found', async () => {
      await expect(flink.savepoints.trigger(newFlinkId(), { targetDirectory: `file://${cluster.savepointDir}` })).rejects.toBeInstanceOf(
        FlinkNotFoundError,
      );
      await expect(flink.jobs.stop(newFlinkId(), { targetDirectory: `file://${cluster.savepointDir}` })).rejects.toBeInstanceOf(
        FlinkNotFoundError,
      );
    });

    it('a job that is not RUNNING: says so', async () => {
      const jobId = await startJob();
      await flink.jobs.cancel(jobId);
      await flink.jobs.waitFor(jobId, { until: 'CANCELED' });
      const error = await flink.savepoints
        .trigger(jobId, { targetDirectory: `file://${cluster.savepointDir}` })
        .then((op) => op.result())
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FlinkOperationError);
      expect((error as Error).message).toMatch(/is CANCELED; a savepoint needs a RUNNING job/);
      await expect(flink.jobs.stop(jobId, { targetDirectory: `file://${cluster.savepointDir}` })).rejects.toThrow(
        /is CANCELED; stop-with-savepoint needs a RUNNING job/,
      );
    });

    it('an unreachable directory: the root cause names it', async () => {
      const jobId = await startJob();
      const error = (await (
        await flink.savepoints.trigger(jobId, { targetDirectory: 'file:///proc/flink-kit-nope' })
      )
        .result()
        .catch((e: unknown) => e)) as FlinkOperationError;
      expect(error).toBeInstanceOf(FlinkOperationError);
      expect(`${error.message}\n${error.details}`).toMatch(/proc\/flink-kit-nope|IO-problem|Mkdirs|Permission|No such file/);
      expect(await flink.jobs.status(jobId)).toBe('RUNNING'); // a failed savepoint leaves the job alone
    });

    it('an unknown trigger id: the result expired or never existed', async () => {
      const jobId = await startJob();
      const error = await flink.savepoints
        .handle(jobId, newFlinkId())
        .result()
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FlinkOperationError);
      expect((error as Error).message).toMatch(/rest\.async\.store-duration/);
    });

    it("two savepoints at once: both complete, or the second fails with Flink's reason", async () => {
      const jobId = await startJob();
      const dir = `file://${cluster.savepointDir}`;
      const [a, b] = await Promise.all([
        flink.savepoints.trigger(jobId, { targetDirectory: dir }),
        flink.savepoints.trigger(jobId, { targetDirectory: dir }),
      ]);
      const results = await Promise.allSettled([a.result(), b.result()]);
      expect(results[0]?.status).toBe('fulfilled');
      const second = results[1];
      if (second?.status === 'rejected') expect(second.reason).toBeInstanceOf(FlinkOperationError);
      else expect(second?.value.location).not.toBe((results[0] as PromiseFulfilledResult<{ location: string }>).value.location);
    });

    it('checkpoint triggers: CONFIGURED works; INCREMENTAL is refused from 1.19 before any request', async () => {
      const jobId = await startJob();
      const { checkpointId } = await (await flink.checkpoints.trigger(jobId)).result();
      expect(checkpointId).toBeGreaterThan(0);
      expect((await flink.checkpoints.details(jobId, checkpointId)).status).toBe('COMPLETED');
      const incremental = flink.checkpoints.trigger(jobId, { type: 'INCREMENTAL' });
      if (FLINK_VERSION === '1.18')
        await expect(incremental.then((op) => op.result())).resolves.toMatchObject({ checkpointId: expect.any(Number) });
      else await expect(incremental).rejects.toBeInstanceOf(FlinkInputError);
    });

    it('upgrade of a job that does not fit the slots: refused before anything is stopped', async () => {
      const jobId = await startJob(2);
      await expect(flink.upgrade(jobId, { parallelism: 5 })).rejects.toThrow(/parallelism 5 needs 5 slots, the cluster has 4/);
      expect(await flink.jobs.status(jobId)).toBe('RUNNING');
    });
  });
});
