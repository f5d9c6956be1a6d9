/**
 * Figures: how soon `checkpoints.watch({ intervalMs: 1000 })` reports a completed checkpoint, against
 * Flink's own completion timestamp (`latest_ack_timestamp`, the event's `completedAt`); whether it
 * missed or repeated any; and how many requests it made per interval.
 *
 * Flink serves checkpoint statistics from a cache refreshed every `web.refresh-interval` (3 s by
 * default): no client sees a checkpoint sooner than that allows. The baseline is that floor: a
 * poller reading the statistics every 100 ms, in rounds alternating with the watch's (together, each
 * would refresh the cache for the other). Flink runs with its defaults; the job checkpoints every 2 s.
 * Target: median delay <= interval + web.refresh-interval / 2, nothing missed or repeated, <= 2
 * requests per interval.
 *
 *   ./dev node bench/watch.ts [--rounds 5] [--smoke] [--url URL]
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CheckpointStats, DashboardConfig } from 'flink-kit/schemas';
import { type BenchContext, standalone } from './lib/context.ts';
import { median, ms, type Row, round, signedMs } from './lib/measure.ts';

const INTERVAL_MS = 1_000;
const FLOOR_POLL_MS = 100;

/** Requests this process makes to paths holding `fragment` while `fn` runs. */
async function countingRequests<T>(fragment: string, fn: () => Promise<T>): Promise<{ result: T; requests: number }> {
  let requests = 0;
  const listener = (message: unknown) => {
    if ((message as { request: { path: string } }).request.path.includes(fragment)) requests++;
  };
  subscribe('undici:request:create', listener);
  try {
    return { result: await fn(), requests };
  } finally {
    unsubscribe('undici:request:create', listener);
  }
}

export async function watchFigures(ctx: BenchContext): Promise<Row[]> {
  const flink = ctx.client;
  const seconds = ctx.smoke ? 12 : 24;
  const refreshMs = (await flink.request({ method: 'GET', path: '/config', schema: DashboardConfig })).refreshIntervalMs ?? 3_000;
  const targetMs = INTERVAL_MS + refreshMs / 2;
  const input = join(ctx.tmp, 'watch-input');
  await mkdir(input, { recursive: true });
  await writeFile(join(input, 'words.txt'), 'to be or not to be\n');
  const { jobId, jarId } = await flink.submit({
    jar: await ctx.exampleJar('WordCount'),
    parallelism: 2,
    args: ['--input', input, '--discovery-interval', '1s'],
    config: { 'execution.checkpointing.interval': '2s' },
    until: 'RUNNING',
  });

  /** First-seen times of completed checkpoints by a reader, over one round. */
  type Seen = Map<number, { seenAt: number; completedAt: number }>;

  const watchRound = async () => {
    const seen: Seen = new Map();
    let repeated = 0;
    const stop = AbortSignal.timeout(seconds * 1_000);
    const start = Date.now();
    const { requests } = await countingRequests(`/jobs/${jobId}`, async () => {
      for await (const e of flink.checkpoints.watch(jobId, { intervalMs: INTERVAL_MS, signal: stop })) {
        if (e.type !== 'completed') continue;
        if (seen.has(e.checkpointId)) repeated++;
        else seen.set(e.checkpointId, { seenAt: Date.now(), completedAt: e.completedAt ?? Number.NaN });
      }
    });
    return { seen, repeated, requests, start, end: Date.now() };
  };

  const floorRound = async () => {
    const seen: Seen = new Map();
    const start = Date.now();
    let baseline: number | undefined;
    while (Date.now() - start < seconds * 1_000) {
      const stats = await flink.request({ method: 'GET', path: `/jobs/${jobId}/checkpoints`, schema: CheckpointStats });
      const now = Date.now();
      const done = stats.history.filter((c) => c.status === 'COMPLETED');
      baseline ??= Math.max(-1, ...done.map((c) => c.id));
      for (const c of done)
        if (c.id > baseline && !seen.has(c.id)) seen.set(c.id, { seenAt: now, completedAt: c.latestAckAt ?? Number.NaN });
      await new Promise((resolve) => setTimeout(resolve, FLOOR_POLL_MS));
    }
    return { seen, start, end: Date.now() };
  };

  /** Completed checkpoints a reader had to see: after its first look settled and before the last could show them. */
  const expected = async (start: number, end: number) => {
    await new Promise((resolve) => setTimeout(resolve, refreshMs + 500));
    const stats = await flink.request({ method: 'GET', path: `/jobs/${jobId}/checkpoints`, schema: CheckpointStats });
    return stats.history
      .filter(
        (c) =>
          c.status === 'COMPLETED' &&
          (c.latestAckAt ?? 0) > start + refreshMs + 500 &&
          (c.latestAckAt ?? 0) < end - refreshMs - INTERVAL_MS,
      )
      .map((c) => c.id);
  };

  const delays = (seen: Seen) => [...seen.values()].map((s) => s.seenAt - s.completedAt);
  const watchMedians: number[] = [];
  const floorMedians: number[] = [];
  let missed = 0;
  let repeated = 0;
  const perInterval: number[] = [];
  try {
    for (let i = 1; i <= ctx.rounds; i++) {
      const lines: string[] = [];
      for (const side of i % 2 ? ['watch', 'floor'] : ['floor', 'watch']) {
        if (side === 'watch') {
          const r = await watchRound();
          const must = await expected(r.start, r.end);
          const lost = must.filter((id) => !r.seen.has(id));
          missed += lost.length;
          repeated += r.repeated;
          const d = delays(r.seen);
          watchMedians.push(median(d));
          // n intervals hold n + 1 looks (the first at the start).
          perInterval.push(r.requests / ((r.end - r.start) / INTERVAL_MS + 1));
          lines.push(
            `watch: ${d.length} checkpoints, delay median ${ms(median(d))}, max ${ms(Math.max(...d))}, missed ${lost.length}, repeated ${r.repeated}, ${(perInterval.at(-1) as number).toFixed(2)} requests per interval`,
          );
        } else {
          const r = await floorRound();
          const d = delays(r.seen);
          floorMedians.push(median(d));
          lines.push(
            `floor (polling every ${FLOOR_POLL_MS} ms): ${d.length} checkpoints, delay median ${ms(median(d))}, max ${ms(Math.max(...d))}`,
          );
        }
      }
      round('watch', i, lines.join('; '));
    }
  } finally {
    await flink.jobs.cancel(jobId).catch(() => undefined);
    await flink.jobs.waitFor(jobId, { until: 'TERMINAL', waitTimeoutMs: 60_000 }).catch(() => undefined);
    await flink.jars.delete(jarId).catch(() => undefined);
  }
  const delay = median(watchMedians);
  const floor = median(floorMedians);
  const requests = Math.max(...perInterval);
  return [
    {
      figure: `checkpoint watch, median delay after completedAt (intervalMs ${INTERVAL_MS})`,
      sdk: ms(delay),
      baseline: `floor (cache ${ms(refreshMs)}): ${ms(floor)}`,
      ratio: signedMs(delay - floor),
      target: `<= ${ms(targetMs)}`,
      met: delay <= targetMs,
    },
    {
      figure: 'checkpoint watch, completed checkpoints missed / repeated',
      sdk: `${missed} / ${repeated}`,
      baseline: '-',
      ratio: '-',
      target: '0 / 0',
      met: missed === 0 && repeated === 0,
    },
    {
      figure: 'checkpoint watch, requests per interval',
      sdk: requests.toFixed(2),
      baseline: '-',
      ratio: '-',
      target: '<= 2',
      met: requests <= 2,
    },
  ];
}

if (import.meta.main) await standalone(watchFigures);
