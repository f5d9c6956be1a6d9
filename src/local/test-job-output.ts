/** One line of the `keyed-counter` test job: `<tag> key=<k> count=<c> seq=<n>`. */
export interface CounterRecord {
  tag: string;
  key: number;
  count: number;
  /** The generator's sequence number: a bigint, as it goes past 2^53 (splits start up to 2^63). */
  seq: bigint;
}

/** What {@link checkCounterOutput} found. */
export interface CounterCheck {
  /** Number of records read. */
  records: number;
  /** The highest count of each key. */
  counts: Map<number, number>;
  /** Every violation of exactly-once, in words; empty when the output is consistent. */
  problems: string[];
}

/**
 * Reads the `keyed-counter` (and `fail-after`) lines out of TaskManager stdout, skipping everything
 * else; `print()`'s `N> ` subtask prefixes are allowed. With `tag`, only that run's lines.
 * @example const records = parseCounterOutput(await flink.cluster.taskManagerStdout('tm-1'), 'smoke');
 */
export function parseCounterOutput(text: string, tag?: string): CounterRecord[] {
  const records: CounterRecord[] = [];
  for (const m of text.matchAll(/^(?:\d+> )?(\S+) key=(\d+) count=(\d+) seq=(\d+)$/gm)) {
    if (tag !== undefined && m[1] !== tag) continue;
    records.push({ tag: m[1] as string, key: Number(m[2]), count: Number(m[3]), seq: BigInt(m[4] as string) });
  }
  return records;
}

/**
 * Checks `keyed-counter` output for exactly-once processing, e.g. across a stop-with-savepoint and a
 * restart from it: every key's counts are 1, 2, 3, … with no gap (nothing lost, no reset to zero)
 * and no repeat (nothing counted twice), and no sequence number was processed twice. Give it every
 * line of the run, before and after the restart (one `--tag`). After a crash rather than a
 * savepoint, `print()` repeats what came after the last checkpoint, so expect repeats there.
 * @example
 * ```ts
 * const { problems, counts } = checkCounterOutput(parseCounterOutput(stdout, 'upgrade-test'));
 * if (problems.length) throw new Error(problems.join('\n'));
 * ```
 */
export function checkCounterOutput(records: readonly CounterRecord[]): CounterCheck {
  const problems: string[] = [];
  const byKey = new Map<number, number[]>();
  const seqs = new Map<bigint, number>();
  for (const r of records) {
    byKey.set(r.key, [...(byKey.get(r.key) ?? []), r.count]);
    seqs.set(r.seq, (seqs.get(r.seq) ?? 0) + 1);
  }
  const counts = new Map<number, number>();
  for (const [key, list] of [...byKey].sort(([a], [b]) => a - b)) {
    const sorted = [...list].sort((a, b) => a - b);
    counts.set(key, sorted.at(-1) ?? 0);
    if (sorted[0] !== 1) problems.push(`key ${key}: the first count seen is ${sorted[0]}, not 1 (output missing from the start)`);
    for (let i = 1; i < sorted.length; i++) {
      const [prev, cur] = [sorted[i - 1] as number, sorted[i] as number];
      if (cur === prev) problems.push(`key ${key}: count ${cur} printed twice (state reset, or a record counted twice)`);
      else if (cur !== prev + 1) problems.push(`key ${key}: counts jump from ${prev} to ${cur} (records lost or state reset)`);
    }
  }
  const repeated = [...seqs].filter(([, n]) => n > 1).map(([seq]) => seq);
  if (repeated.length)
    problems.push(`${repeated.length} sequence numbers processed more than once, e.g. seq ${repeated.slice(0, 3).join(', ')}`);
  return { records: records.length, counts, problems };
}
