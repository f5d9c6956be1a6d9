import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FlinkError, FlinkInputError } from '../../../src/errors/index.ts';
import { checkCounterOutput, parseCounterOutput } from '../../../src/local/test-job-output.ts';
import { buildTestJob, buildTestJobs, TEST_JOBS } from '../../../src/local/test-jobs.ts';

const line = (tag: string, key: number, count: number, seq: number | bigint, subtask?: number) =>
  `${subtask === undefined ? '' : `${subtask}> `}${tag} key=${key} count=${count} seq=${seq}`;

describe('parseCounterOutput', () => {
  it("reads the keyed counter's lines, with or without print()'s subtask prefix, and skips the rest", () => {
    const text = ['log noise', line('a', 1, 1, 5, 2), line('a', 0, 1, 4611686018427387904n), '(word,3)', line('b', 1, 1, 7)].join('\n');
    expect(parseCounterOutput(text)).toEqual([
      { tag: 'a', key: 1, count: 1, seq: 5n },
      { tag: 'a', key: 0, count: 1, seq: 4611686018427387904n }, // beyond 2^53: kept exact
      { tag: 'b', key: 1, count: 1, seq: 7n },
    ]);
    expect(parseCounterOutput(text, 'b')).toEqual([{ tag: 'b', key: 1, count: 1, seq: 7n }]);
  });
});

describe('checkCounterOutput', () => {
  const run = (...lines: string[]) => checkCounterOutput(parseCounterOutput(lines.join('\n')));

  it('accepts counts 1, 2, 3 per key in any order, and reports the highest count of each key', () => {
    const check = run(line('t', 0, 2, 10), line('t', 1, 1, 11), line('t', 0, 1, 8), line('t', 0, 3, 12));
    expect(check.problems).toEqual([]);
    expect(check.records).toBe(4);
    expect([...check.counts]).toEqual([
      [0, 3],
      [1, 1],
    ]);
  });

  it('a state reset after a restore: a count printed twice', () => {
    expect(run(line('t', 0, 1, 1), line('t', 0, 2, 3), line('t', 0, 1, 5)).problems).toEqual([
      'key 0: count 1 printed twice (state reset, or a record counted twice)',
    ]);
  });

  it('lost records: a gap', () => {
    expect(run(line('t', 0, 1, 1), line('t', 0, 4, 3)).problems).toEqual(['key 0: counts jump from 1 to 4 (records lost or state reset)']);
  });

  it('after a restore from a checkpoint: records processed again (in a new order) are replays; a reset or a double count is not', () => {
    const check = (...lines: string[]) => checkCounterOutput(parseCounterOutput(lines.join('\n')), { allowReplays: true });
    // Two source splits (seq 0, 8, … and 100, 108, …) interleave differently after the restore: seqs 8 and 100 again, swapped.
    const replayed = [
      line('t', 0, 1, 0),
      line('t', 0, 2, 100),
      line('t', 0, 3, 8),
      line('t', 0, 2, 8),
      line('t', 0, 3, 100),
      line('t', 0, 4, 16),
    ];
    expect(check(...replayed)).toMatchObject({ problems: [], records: 4 });
    expect(run(...replayed).problems).toContain('key 0: count 2 printed twice (state reset, or a record counted twice)');
    // State lost at the restore: the new records count from 1 again.
    expect(check(line('t', 0, 1, 0), line('t', 0, 2, 8), line('t', 0, 1, 16), line('t', 0, 2, 24)).problems).toEqual([
      'key 0: counted to 2 from 4 different records (state reset or lost)',
    ]);
    // A record counted twice: one more count than records.
    expect(check(line('t', 0, 1, 0), line('t', 0, 2, 8), line('t', 0, 3, 8)).problems).toEqual([
      'key 0: counted to 3 from 2 different records (a record counted twice)',
    ]);
    // A gap stays a gap.
    expect(check(line('t', 0, 1, 0), line('t', 0, 3, 8)).problems).toContain(
      'key 0: counts jump from 1 to 3 (records lost or state reset)',
    );
  });

  it('output missing from the start, and a record processed twice', () => {
    expect(run(line('t', 0, 2, 1), line('t', 1, 1, 1)).problems).toEqual([
      'key 0: the first count seen is 2, not 1 (output missing from the start)',
      '1 sequence numbers processed more than once, e.g. seq 1',
    ]);
  });
});

describe('buildTestJob', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flink-kit-testjobs-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names the jobs it has for an unknown one, before anything runs', async () => {
    const error = await buildTestJob('nope' as never, { flinkVersion: '1.20', mvn: '/nonexistent/mvn' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlinkInputError);
    expect((error as Error).message).toBe(
      'no test job "nope"; flink-kit builds word-count, keyed-counter, fail-after, slow-sink, slow-checkpoint, event-time, pipeline',
    );
    expect(Object.keys(TEST_JOBS)).toEqual([
      'word-count',
      'keyed-counter',
      'fail-after',
      'slow-sink',
      'slow-checkpoint',
      'event-time',
      'pipeline',
    ]);
  });

  it('without a JDK: says javac is needed, not only a Java runtime, and how to get one', async () => {
    const build = { version: '1.20.5', classpath: [], cacheDir: dir, repository: 'http://127.0.0.1:9', mvn: 'mvn', log: () => {} };
    const error = await buildTestJobs({ ...build, javaHome: '/nonexistent/jdk' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlinkError);
    expect((error as Error).message).toMatch(
      /^javac was not found \(tried \/nonexistent\/jdk\/bin\/javac\)\. .*needs a JDK 11\+ \(javac and jar\).*JAVA_HOME/,
    );
  });
});
