import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlinkClient } from '../../src/client.ts';
import { poll } from '../../src/core/poll.ts';
import { InsufficientSlotsError } from '../../src/errors/index.ts';
import type { LocalCluster } from '../../src/local/index.ts';
import { ensureBuilt, runCli } from '../fakes/cli-process.ts';
import {
  counterCounts,
  counterRecords,
  exactlyOnceAfterRestores,
  FLINK_VERSION,
  startTestCluster,
  waitForCounterProgress,
} from './support.ts';

/** The keyed counter's run (`--tag`): its output shows whether state survived each rescale. */
const TAG = 'rescale';

describe(`in-place rescale with the adaptive scheduler (Flink ${FLINK_VERSION})`, () => {
  let cluster: LocalCluster;
  let flink: FlinkClient;
  let jobId: string;

  /**
   * Waits until every key counted past `counts` and a checkpoint completed after that: the next
   * rescale restores state that holds counts this run printed.
   */
  async function progressAndCheckpoint(counts: Map<number, number>): Promise<void> {
    await waitForCounterProgress(cluster, TAG, counts);
    const printedAt = Date.now();
    await poll(
      async () => {
        const completed = (await flink.checkpoints.stats(jobId)).latest.completed;
        return completed && (completed.latestAckAt ?? 0) > printedAt ? { done: true, value: undefined } : { done: false };
      },
      { what: 'a checkpoint after the new counts', waitTimeoutMs: 60_000 },
    );
  }

  beforeAll(async () => {
    ensureBuilt(); // the CLI runs the 4 -> 1 step
    cluster = await startTestCluster({
      config: {
        'jobmanager.scheduler': 'adaptive',
        // No cooldown between rescales (30 s by default): 1.19-1.20 name, and 2.x name.
        'jobmanager.adaptive-scheduler.scaling-interval.min': '0 s',
        'jobmanager.adaptive-scheduler.executing.cooldown-after-rescaling': '0 s',
        'web.refresh-interval': 500,
      },
    });
    flink = cluster.client;
    const jar = await cluster.testJobJar('keyed-counter');
    // The sequence stays one split read by one subtask: a rescale moves only the keyed state (a
    // source of 2 splits downscaled to 1 reader would read one split and pause the other).
    const args = ['--tag', TAG, '--source-parallelism', '1'];
    jobId = (await flink.submit({ jar, parallelism: 2, args, until: 'RUNNING' })).jobId;
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('2 -> 4 (SDK) -> 1 (CLI): the same job at each parallelism, all tasks running, every key counted on exactly once', async () => {
    await progressAndCheckpoint(new Map());
    const up = await flink.rescale(jobId, { parallelism: 4, waitTimeoutMs: 180_000 });
    expect(up).toMatchObject({ jobId, previousParallelism: 2, parallelism: 4 });
    expect(up.job.vertices.map((v) => v.parallelism)).toEqual(up.job.vertices.map((v) => (v.name.includes('sequence') ? 1 : 4)));
    expect(up.job.allTasksRunning).toBe(true);
    expect((await flink.cluster.overview()).slotsAvailable).toBe(0);
    await progressAndCheckpoint(counterCounts(cluster, TAG));

    const down = await runCli(['--url', cluster.url, '--json', '--timeout', '3m', 'rescale', jobId, '-p', '1']);
    expect(down.stderr).toBe('');
    expect(down.code).toBe(0);
    const result = JSON.parse(down.stdout) as {
      jobId: string;
      previousParallelism: number;
      parallelism: number;
      state: string;
      vertices: Array<{ parallelism: number }>;
    };
    expect(result).toMatchObject({ jobId, previousParallelism: 4, parallelism: 1, state: 'RUNNING' });
    expect(result.vertices.every((v) => v.parallelism === 1)).toBe(true);
    await waitForCounterProgress(cluster, TAG, counterCounts(cluster, TAG));

    // From the data: across both rescales (each a restore from the latest checkpoint, whose later
    // records print() repeats word for word), every key's counts are 1, 2, 3, … with no reset and
    // no record counted twice.
    const check = await exactlyOnceAfterRestores(cluster, TAG);
    const records = counterRecords(cluster, TAG);
    expect(check.problems).toEqual([]);
    expect(check.counts.size).toBe(8);
    expect((await flink.jobs.list()).filter((j) => j.state === 'RUNNING').map((j) => j.id)).toEqual([jobId]);
    console.log(
      `[rescale ${FLINK_VERSION}] keyed counter 2 -> 4 -> 1: ${check.records} records counted once each, ${records.length - check.records} lines replayed after the restores`,
    );
  });

  it('more than the cluster has is an InsufficientSlotsError (CLI: exit 10), and the job runs on unchanged', async () => {
    const error = await flink.rescale(jobId, { parallelism: 5 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InsufficientSlotsError);
    expect((error as Error).message).toContain('parallelism 5 needs 5 slots, the cluster has 4 (2 TaskManagers x 2)');
    const cli = await runCli(['--url', cluster.url, 'rescale', jobId, '-p', '5']);
    expect(cli.code).toBe(10);
    expect(cli.stderr).toContain('parallelism 5 needs 5 slots');
    const job = await flink.jobs.get(jobId);
    expect(job.state).toBe('RUNNING');
    expect(job.vertices.every((v) => v.parallelism === 1)).toBe(true);
  });
});
