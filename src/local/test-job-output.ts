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
  /** Number of records read (with `allowReplays`: of different records, a replayed one counted once). */
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

/** Options of {@link checkCounterOutput}. */
export interface CounterCheckOptions {
  /**
   * The job restored from a checkpoint (a crash, a JobManager failover, an in-place rescale): the
   * records after that checkpoint were processed again from the restored state, and `print()`
   * printed them again, with counts in a new order when several source splits interleave. Then each
   * key must have counted exactly its distinct records (its highest count equals the number of
   * different sequence numbers seen for it: more means a record counted twice, fewer a state reset
   * or lost state), and its counts run 1, 2, 3, … without a gap.
   * @default false
   */
  allowReplays?: boolean;
}

/**
 * Checks `keyed-counter` output for exactly-once processing, e.g. across a stop-with-savepoint and a
 * restart from it: every key's counts are 1, 2, 3, … with no gap (nothing lost, no reset to zero)
 * and no repeat (nothing counted twice), and no sequence number was processed twice. Give it every
 * line of the run, before and after the restart (one `--tag`). After a restore from a checkpoint
 * rather than a savepoint, `print()` repeats what came after that checkpoint: pass `allowReplays: true`.
 * @example
 * ```ts
 * const { problems, counts } = checkCounterOutput(parseCounterOutput(stdout, 'upgrade-test'));
 * if (problems.length) throw new Error(problems.join('\n'));
 * const afterFailover = checkCounterOutput(parseCounterOutput(stdout, 'ha-test'), { allowReplays: true });
 * ```
 */
export function checkCounterOutput(records: readonly CounterRecord[], options: CounterCheckOptions = {}): CounterCheck {
  const problems: string[] = [];
  const byKey = new Map<number, { counts: number[]; seqs: Set<bigint> }>();
  const seqs = new Map<bigint, number>();
  for (const r of records) {
    const key = byKey.get(r.key) ?? { counts: [], seqs: new Set() };
    key.counts.push(r.count);
    key.seqs.add(r.seq);
    byKey.set(r.key, key);
    seqs.set(r.seq, (seqs.get(r.seq) ?? 0) + 1);
  }
  const counts = new Map<number, number>();
  for (const [key, seen] of [...byKey].sort(([a], [b]) => a - b)) {
    const sorted = options.allowReplays ? [...new Set(seen.counts)].sort((a, b) => a - b) : [...seen.counts].sort((a, b) => a - b);
    const highest = sorted.at(-1) ?? 0;
    counts.set(key, highest);
    if (sorted[0] !== 1) problems.push(`key ${key}: the first count seen is ${sorted[0]}, not 1 (output missing from the start)`);
    for (let i = 1; i < sorted.length; i++) {
      const [prev, cur] = [sorted[i - 1] as number, sorted[i] as number];
      if (cur === prev) problems.push(`key ${key}: count ${cur} printed twice (state reset, or a record counted twice)`);
      else if (cur !== prev + 1) problems.push(`key ${key}: counts jump from ${prev} to ${cur} (records lost or state reset)`);
    }
    if (options.allowReplays && highest !== seen.seqs.size) {
      problems.push(
        `key ${key}: counted to ${highest} from ${seen.seqs.size} different records (${highest > seen.seqs.size ? 'a record counted twice' : 'state reset or lost'})`,
      );
    }
  }
  const repeated = options.allowReplays ? [] : [...seqs].filter(([, n]) => n > 1).map(([seq]) => seq);
  if (repeated.length)
    problems.push(`${repeated.length} sequence numbers processed more than once, e.g. seq ${repeated.slice(0, 3).join(', ')}`);
  const distinct = options.allowReplays ? new Set(records.map((r) => `${r.key} ${r.seq}`)).size : records.length;
  return { records: distinct, counts, problems };
}
