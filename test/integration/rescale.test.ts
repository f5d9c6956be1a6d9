import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlinkClient } from '../../src/client.ts';
import { poll } from '../../src/core/poll.ts';
import { InsufficientSlotsError } from '../../src/errors/index.ts';
import type { LocalCluster } from '../../src/local/index.ts';
import { continuousWordCountArgs, FLINK_VERSION, startTestCluster, stdoutOfAll, wordInputDir } from './support.ts';

/** A word only the test's files hold: its running count shows whether state survived. */
const WORD = 'rescale';

describe(`in-place rescale with the adaptive scheduler (Flink ${FLINK_VERSION})`, () => {
  let cluster: LocalCluster;
  let flink: FlinkClient;
  let input: string;
  let jobId: string;
  let printed = new Map<string, string>();

  /** What the TaskManagers printed since the last call. */
  async function newOutput(): Promise<string> {
    const now = await stdoutOfAll(flink);
    let out = '';
    for (const [id, text] of now) out += text.slice(printed.get(id)?.length ?? 0);
    printed = now;
    return out;
  }

  /** Adds a file with the word, waits for `(WORD,count)` and a checkpoint after it; returns what was printed. */
  async function feed(name: string, count: number): Promise<string> {
    writeFileSync(join(input, name), `${WORD}\n`);
    let out = '';
    await poll(
      async () => {
        out += await newOutput();
        return out.includes(`(${WORD},${count})`) ? { done: true, value: undefined } : { done: false };
      },
      { what: `(${WORD},${count}) in the TaskManagers' stdout`, timeoutMs: 120_000 },
    );
    const printedAt = Date.now();
    await poll(
      async () => {
        const completed = (await flink.checkpoints.stats(jobId)).latest.completed;
        return completed && (completed.latestAckAt ?? 0) > printedAt ? { done: true, value: undefined } : { done: false };
      },
      { what: 'a checkpoint that holds the new count', timeoutMs: 60_000 },
    );
    return out;
  }

  beforeAll(async () => {
    cluster = await startTestCluster({
      config: {
        'jobmanager.scheduler': 'adaptive',
        'execution.checkpointing.interval': '1s',
        // No cooldown between rescales (30 s by default): 1.19-1.20 name, and 2.x name.
        'jobmanager.adaptive-scheduler.scaling-interval.min': '0 s',
        'jobmanager.adaptive-scheduler.executing.cooldown-after-rescaling': '0 s',
      },
    });
    flink = cluster.client;
    input = wordInputDir(`${WORD} ${WORD}\n`);
    printed = await stdoutOfAll(flink);
    jobId = (await flink.submit({ jar: await cluster.exampleJar('WordCount'), parallelism: 2, args: continuousWordCountArgs(input) }))
      .jobId;
  });
  afterAll(async () => {
    await cluster?.stop();
    if (input) rmSync(input, { recursive: true, force: true });
  });

  it('2 -> 4 -> 1: the same job runs at each parallelism with all tasks running, and its counts go on', async () => {
    await feed('1.txt', 3);
    const up = await flink.jobs.rescale(jobId, { parallelism: 4, timeoutMs: 180_000 });
    expect(up).toMatchObject({ jobId, previousParallelism: 2, parallelism: 4 });
    expect(up.job.vertices.map((v) => v.parallelism)).toEqual(up.job.vertices.map(() => 4));
    expect(up.job.allTasksRunning).toBe(true);
    expect((await flink.cluster.overview()).slotsAvailable).toBe(0);
    // Counted on top of the restored state: 4, never a count that starts over.
    const afterUp = await feed('2.txt', 4);
    expect(afterUp).not.toMatch(new RegExp(`\\(${WORD},[12]\\)`));

    const down = await flink.jobs.rescale(jobId, { parallelism: 1, timeoutMs: 180_000 });
    expect(down).toMatchObject({ jobId, previousParallelism: 4, parallelism: 1 });
    expect(down.job.vertices.every((v) => v.parallelism === 1)).toBe(true);
    const afterDown = await feed('3.txt', 5);
    expect(afterDown).not.toMatch(new RegExp(`\\(${WORD},[123]\\)`));
    expect((await flink.jobs.list()).filter((j) => j.state === 'RUNNING').map((j) => j.id)).toEqual([jobId]);
  });

  it('more than the cluster has is an InsufficientSlotsError, and the job runs on unchanged', async () => {
    const error = await flink.jobs.rescale(jobId, { parallelism: 5 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InsufficientSlotsError);
    expect((error as Error).message).toContain('parallelism 5 needs 5 slots, the cluster has 4 (2 TaskManagers x 2)');
    const job = await flink.jobs.get(jobId);
    expect(job.state).toBe('RUNNING');
    expect(job.vertices.every((v) => v.parallelism === 1)).toBe(true);
  });
});
