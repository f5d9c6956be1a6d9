import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FlinkClient } from '../../src/client.ts';
import { FlinkError, FlinkJobFailedError } from '../../src/errors/index.ts';
import { defaultCacheDir } from '../../src/local/cache-dir.ts';
import { compareVersions, MAVEN_CENTRAL, parseVersionRequest, publishedVersions } from '../../src/local/flink-versions.ts';
import { checkCounterOutput, type LocalCluster } from '../../src/local/index.ts';
import {
  cancelAll,
  counterCounts,
  FLINK_VERSION,
  startTestCluster,
  stdoutOfAll,
  waitForCounterProgress,
  wordCountOutput,
  wordCounts,
} from './support.ts';

// The smoke set: runs on every Flink version in CI (files named *.smoke.test.ts; scripts/test.sh).
describe(`smoke: flink-kit's own test jobs on Flink ${FLINK_VERSION}`, () => {
  let cluster: LocalCluster;
  let flink: FlinkClient;

  beforeAll(async () => {
    cluster = await startTestCluster();
    flink = cluster.client;
  });
  afterEach(async () => {
    await cancelAll(flink); // a failed test leaves no job holding slots
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('runs the newest patch of the line that Maven Central serves whole; each newer one lacks an artifact', async () => {
    const { line, exact } = parseVersionRequest(FLINK_VERSION);
    if (exact) {
      expect(cluster.flinkVersion).toBe(exact); // FLINK_VERSIONS named a patch release: exactly that one
      return;
    }
    expect(cluster.flinkVersion.startsWith(`${line}.`)).toBe(true);
    const newer = (await publishedVersions('flink-runtime-web', MAVEN_CENTRAL)).filter(
      (v) => v.startsWith(`${line}.`) && compareVersions(v, cluster.flinkVersion) > 0,
    );
    // e.g. 2.0.1 and 2.0.2 lack flink-connector-files on Maven Central as reachable here: '2.0' runs 2.0.0.
    for (const v of newer) expect(readFileSync(join(defaultCacheDir(), `flink-${v}.missing`), 'utf8')).toMatch(/artifact \S+ is missing/);
    console.log(
      `[local ${FLINK_VERSION}] runs ${cluster.flinkVersion}${newer.length ? `; incomplete on Maven Central: ${newer.join(', ')}` : ''}`,
    );
  });

  it('word-count at parallelism 3: every operator runs at 3, FINISHED, the counts of the built-in text', async () => {
    const before = await stdoutOfAll(flink);
    const { jobId, job } = await flink.submit({
      jar: await cluster.testJobJar('word-count'),
      parallelism: 3,
      args: ['--repeat', '2'],
      until: 'FINISHED',
    });
    expect(job?.state).toBe('FINISHED');
    expect(job?.vertices.length).toBeGreaterThan(1);
    expect(job?.vertices.every((v) => v.parallelism === 3)).toBe(true); // the source is parallel too
    const counts = wordCounts(await wordCountOutput(flink, before, jobId));
    expect(counts.size).toBe(34);
    expect([counts.get('the'), counts.get('count'), counts.get('every'), counts.get('upgrade')]).toEqual([18, 8, 6, 2]);
  });

  it('keyed-counter: watch checkpoints, upgrade 2 -> 3 through a savepoint, every key counts on exactly once, cancel', async () => {
    const tag = `smoke-${Date.now()}`;
    const { jobId } = await flink.submit({
      jar: await cluster.testJobJar('keyed-counter'),
      parallelism: 2,
      args: ['--tag', tag],
      until: 'RUNNING',
    });
    const controller = new AbortController();
    let completed = 0;
    for await (const event of flink.checkpoints.watch(jobId, {
      intervalMs: 250,
      signal: AbortSignal.any([controller.signal, AbortSignal.timeout(60_000)]),
    })) {
      if (event.type === 'completed' && ++completed === 2) break;
    }
    expect(completed).toBe(2);

    const next = await flink.upgrade(jobId, { parallelism: 3, targetDirectory: `file://${cluster.savepointDir}` });
    expect((await flink.jobs.get(next.jobId)).vertices.find((v) => v.name.includes('count'))?.parallelism).toBe(3);
    // From the data: every key counts on past where it was, and over both runs each key's counts are
    // 1, 2, 3, … with no gap and no repeat, and no sequence number twice.
    const records = await waitForCounterProgress(cluster, tag, counterCounts(cluster, tag));
    const check = checkCounterOutput(records);
    expect(check.problems).toEqual([]);
    expect(check.counts.size).toBe(8);

    await flink.jobs.cancel(next.jobId);
    expect((await flink.jobs.waitFor(next.jobId, { until: 'CANCELED', waitTimeoutMs: 60_000 })).state).toBe('CANCELED');
  });

  it('fail-after: the job FAILED with its known exception, as FlinkJobFailedError and in exceptions()', async () => {
    const error = await flink
      .submit({ jar: await cluster.testJobJar('fail-after'), parallelism: 1, args: ['--records', '5', '--rate', '50'], until: 'FINISHED' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlinkJobFailedError);
    const failed = error as FlinkJobFailedError;
    expect(failed.state).toBe('FAILED');
    expect(failed.rootCause).toBe('ExpectedFailure: fail-after: failing on purpose after 5 records (--records 5)');
    expect(failed.message).toContain(failed.rootCause);
    expect((await flink.jobs.exceptions(failed.jobId)).rootCause).toBe(failed.rootCause);
  });

  it("Flink's published WordCount example runs where Maven Central has it for this line; otherwise the error points at the test jobs", async () => {
    const jar = await cluster.exampleJar('WordCount').catch((e: unknown) => e);
    if (jar instanceof FlinkError) {
      const line = cluster.flinkVersion.split('.').slice(0, 2).join('\\.');
      expect(jar.message).toMatch(new RegExp(`example jar WordCount for Flink ${line} is not available.*testJobJar`));
      return;
    }
    const before = await stdoutOfAll(flink);
    const { jobId } = await flink.submit({ jar: jar as string, parallelism: 2, until: 'FINISHED' });
    expect(wordCounts(await wordCountOutput(flink, before, jobId)).get('question')).toBe(1);
  });
});
