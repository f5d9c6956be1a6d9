import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FlinkClient } from '../../src/client.ts';
import { poll } from '../../src/core/poll.ts';
import { FlinkError } from '../../src/errors/index.ts';
import {
  type CounterCheck,
  type CounterRecord,
  checkCounterOutput,
  type LocalCluster,
  type LocalClusterOptions,
  parseCounterOutput,
  startLocalCluster,
} from '../../src/local/index.ts';
import { TERMINAL_JOB_STATES } from '../../src/schemas/jobs.ts';

/** The Flink version (or line) this integration run targets; scripts/test.sh sets it per run. */
export const FLINK_VERSION = process.env['FLINK_VERSION'] ?? '1.20';

/**
 * Which suite this version gets: `full` (every integration file) or `smoke` (only the
 * `*.smoke.test.ts` files); scripts/test.sh sets it per version.
 */
export const FLINK_SUITE: 'full' | 'smoke' = process.env['FLINK_SUITE'] === 'smoke' ? 'smoke' : 'full';

/** Starts a real local cluster of the version under test (2 TaskManagers x 2 slots by default). */
export function startTestCluster(options: LocalClusterOptions = {}): Promise<LocalCluster> {
  return startLocalCluster({
    flinkVersion: FLINK_VERSION,
    taskManagers: 2,
    slotsPerTaskManager: 2,
    log: (line) => console.log(`[local ${FLINK_VERSION}] ${line}`),
    ...options,
  }).catch((error: unknown) => {
    // vitest prints the message only: show the JVM log tails that say why.
    if (error instanceof FlinkError && error.details) console.error(`[local ${FLINK_VERSION}] ${error.message}\n${error.details}`);
    throw error;
  });
}

// cli.test.ts imports it from here under this name.
export { pidsMentioning as jvmPids } from '../fakes/processes.ts';

/** A directory with a text file, as input for WordCount's continuous (never-ending) file mode. */
export function wordInputDir(text = 'to be or not to be that is the question\n'): string {
  const dir = mkdtempSync(join(tmpdir(), 'flink-kit-input-'));
  writeFileSync(join(dir, 'words.txt'), text);
  return dir;
}

/** Args that make WordCount a long-running streaming job: it watches `dir` for new files forever. */
export function continuousWordCountArgs(dir: string): string[] {
  return ['--input', dir, '--discovery-interval', '1s'];
}

/** One `(word,count)` line of a word count's stdout, `N> `-prefixed at parallelism > 1. */
const WORD_COUNT_LINE = /^(?:\d+> )?\((.+),(\d+)\)$/gm;

/** `(word,count)` lines (optionally `N> `-prefixed) -> the final count per word. */
export function wordCounts(stdout: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of stdout.matchAll(WORD_COUNT_LINE)) {
    const word = m[1] as string;
    counts.set(word, Math.max(counts.get(word) ?? 0, Number(m[2])));
  }
  return counts;
}

/** Each TaskManager's stdout, by id. */
export async function stdoutOfAll(flink: FlinkClient): Promise<Map<string, string>> {
  const tms = await flink.cluster.taskManagers();
  return new Map(await Promise.all(tms.map(async (tm) => [tm.id, await flink.cluster.taskManagerStdout(tm.id)] as const)));
}

/**
 * Records each vertex of a job received so far (Flink's `read-records`), in topological order: the
 * source's is 0. Final once the job ended; while it runs, as fresh as `metrics.fetcher.update-interval`.
 */
export async function recordsRead(flink: FlinkClient, jobId: string): Promise<number[]> {
  const job = await flink.request<{ vertices: Array<{ metrics?: { 'read-records'?: number } }> }>({
    method: 'GET',
    path: `/jobs/${jobId}`,
  });
  return job.vertices.map((v) => v.metrics?.['read-records'] ?? 0);
}

/**
 * The `(word,count)` lines the TaskManagers printed since `before` for the word count `jobId`, once
 * all of them are there: one per record its last vertex (count -> print) received, as Flink counted.
 * A finished job's last lines reach the stdout Flink serves a moment after it reports FINISHED
 * (the TaskManagers' file handler caches for web.refresh-interval).
 */
export async function wordCountOutput(flink: FlinkClient, before: Map<string, string>, jobId: string): Promise<string> {
  const printed = (await recordsRead(flink, jobId)).at(-1) ?? 0;
  return poll(
    async () => {
      let out = '';
      for (const [id, text] of await stdoutOfAll(flink)) out += text.slice(before.get(id)?.length ?? 0);
      const lines = out.match(WORD_COUNT_LINE)?.length ?? 0;
      return printed > 0 && lines >= printed ? { done: true, value: out } : { done: false, seen: `${lines} of ${printed} lines` };
    },
    {
      what: `the ${printed} lines of word count ${jobId} on TaskManager stdout`,
      waitTimeoutMs: 20_000,
      minDelayMs: 250,
      maxDelayMs: 1_000,
    },
  );
}

/** Waits until the cluster has `slots` slots registered (e.g. after replacing a TaskManager). */
export function waitForSlots(flink: FlinkClient, slots: number): Promise<void> {
  return poll(
    async () => {
      const o = await flink.cluster.overview();
      return o.slotsTotal === slots
        ? { done: true, value: undefined }
        : { done: false, seen: `${o.taskManagers} TaskManagers, ${o.slotsTotal} slots` };
    },
    { what: `${slots} slots to be registered`, waitTimeoutMs: 120_000 },
  );
}

/** What every TaskManager of a local cluster printed, read from the `.out` files (killed ones too). */
export function localStdout(cluster: LocalCluster): string {
  return readdirSync(cluster.logDir)
    .filter((f) => f.startsWith('taskmanager-') && f.endsWith('.out'))
    .map((f) => readFileSync(join(cluster.logDir, f), 'utf8'))
    .join('\n');
}

/** The keyed-counter lines of one run (its `--tag`), from every TaskManager of a local cluster. */
export function counterRecords(cluster: LocalCluster, tag: string): CounterRecord[] {
  return parseCounterOutput(localStdout(cluster), tag);
}

/** The highest count of each key printed so far by the keyed-counter run `tag`. */
export function counterCounts(cluster: LocalCluster, tag: string): Map<number, number> {
  return checkCounterOutput(counterRecords(cluster, tag)).counts;
}

/**
 * Waits until the keyed-counter run `tag` printed, for every key, a count above `above` (e.g. the
 * counts at a stop: proof that the restarted job processes every key again), then returns its lines.
 */
export async function waitForCounterProgress(
  cluster: LocalCluster,
  tag: string,
  above: Map<number, number>,
  keys = 8,
): Promise<CounterRecord[]> {
  return poll(
    async () => {
      const counts = counterCounts(cluster, tag);
      const behind = [...Array(keys).keys()].filter((k) => (counts.get(k) ?? 0) <= (above.get(k) ?? 0));
      return behind.length === 0
        ? { done: true, value: counterRecords(cluster, tag) }
        : { done: false, seen: `keys ${behind.join(', ')} not past ${behind.map((k) => above.get(k) ?? 0).join(', ')}` };
    },
    { what: `keyed-counter ${tag} to count every key further`, waitTimeoutMs: 60_000, minDelayMs: 250, maxDelayMs: 1_000 },
  );
}

/**
 * Cancels every job that is not finished yet, waits until each ended, then until every slot is free
 * again: a TaskManager reports the slots of a cancelled job free a moment after the job is CANCELED
 * (seen on 2.3), and the next submit's slot check would fail.
 */
export async function cancelAll(flink: FlinkClient): Promise<void> {
  for (const job of await flink.jobs.list()) {
    if (TERMINAL_JOB_STATES.has(job.state)) continue;
    await flink.jobs.cancel(job.id).catch(() => undefined);
    await flink.jobs.waitFor(job.id, { until: 'TERMINAL', waitTimeoutMs: 60_000 }).catch(() => undefined);
  }
  await poll(
    async () => {
      const o = await flink.cluster.overview();
      return o.slotsAvailable === o.slotsTotal
        ? { done: true, value: undefined }
        : { done: false, seen: `${o.slotsAvailable} of ${o.slotsTotal} slots free` };
    },
    { what: 'every slot to be free', waitTimeoutMs: 60_000 },
  );
}

/** Ids of the checkpoints of `jobId` whose `_metadata` is on disk: every completed one, when all are retained. */
export function completedOnDisk(checkpointDir: string, jobId: string): number[] {
  const dir = join(checkpointDir, jobId);
  return readdirSync(dir)
    .flatMap((name) => {
      const id = /^chk-(\d+)$/.exec(name)?.[1];
      return id !== undefined && existsSync(join(dir, name, '_metadata')) ? [Number(id)] : [];
    })
    .sort((a, b) => a - b);
}

/** The config key that keeps `n` completed checkpoints on disk (renamed in 1.20). */
export function retainedCheckpointsKey(): string {
  return /^1\.1[89](\.|$)/.test(FLINK_VERSION) ? 'state.checkpoints.num-retained' : 'execution.checkpointing.num-retained';
}

/** Every file and folder below `dir` (relative paths), or none when it does not exist. */
export function filesBelow(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

/**
 * The keyed-counter run `tag` checked for exactly-once after restores from checkpoints
 * (`allowReplays`), once the check holds or `timeoutMs` passed (then with its problems). Right
 * after a restore, a split replayed more slowly than another leaves records seen before the
 * restore but not yet counted again: the check holds again once the replay caught up.
 */
export async function exactlyOnceAfterRestores(cluster: LocalCluster, tag: string, timeoutMs = 60_000): Promise<CounterCheck> {
  let check = checkCounterOutput(counterRecords(cluster, tag), { allowReplays: true });
  await poll(
    async () => {
      check = checkCounterOutput(counterRecords(cluster, tag), { allowReplays: true });
      return check.problems.length === 0 ? { done: true, value: undefined } : { done: false, seen: check.problems.join('; ') };
    },
    { what: `the keyed counter ${tag} to have counted every record once`, waitTimeoutMs: timeoutMs, minDelayMs: 250, maxDelayMs: 1_000 },
  ).catch(() => undefined);
  return check;
}
