/**
 * Figures: what one `jobs.health()` call costs, and what `flink-kit top` asks of the JobManager.
 *
 * - requests and median latency of one health call on a running job of 2 and of 10 vertices (the
 *   `pipeline` test job), counted and timed through undici's diagnostics channels in this process;
 * - the request rate of `flink-kit top` (the built CLI on a pseudo-terminal, as a user runs it, at
 *   its default refresh) over 20 running jobs, counted by a pass-through proxy in front of Flink.
 *
 * No baseline and no target yet: these figures set the next ones. The 20 jobs need 20 slots: the
 * figure starts its own local cluster of the same Flink version (2 TaskManagers x 11 slots) unless
 * the bench cluster has that many free. --smoke: 3 jobs, a short top, 1 round.
 *
 *   ./dev node bench/health.ts [--rounds 5] [--smoke] [--url URL]
 */
import { spawn } from 'node:child_process';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { join } from 'node:path';
import type { FlinkClient } from 'flink-kit';
import { buildTestJob, type LocalCluster, startLocalCluster } from 'flink-kit/local';
import type { BenchContext } from './lib/context.ts';
import { standalone } from './lib/context.ts';
import { countingProxy } from './lib/counting-proxy.ts';
import { median, ms, ROOT, type Row, round } from './lib/measure.ts';

const TOP_JOBS = 20;
/** `flink-kit top`'s default refresh (src/cli/commands/top.ts). */
const TOP_INTERVAL_S = 5;

/** Runs `fn` and counts the requests this process made meanwhile. */
async function counted<T>(fn: () => Promise<T>): Promise<{ result: T; requests: number }> {
  let requests = 0;
  const listener = () => requests++;
  subscribe('undici:request:create', listener);
  try {
    return { result: await fn(), requests };
  } finally {
    unsubscribe('undici:request:create', listener);
  }
}

async function startPipelines(flink: FlinkClient, jar: string, count: number, vertices: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++)
    ids.push((await flink.submit({ jar, parallelism: 1, args: ['--vertices', String(vertices), '--rate', '5'], until: 'RUNNING' })).jobId);
  return ids;
}

async function cancelAll(flink: FlinkClient, ids: string[]): Promise<void> {
  for (const id of ids) await flink.jobs.cancel(id).catch(() => undefined);
  for (const id of ids) await flink.jobs.waitFor(id, { until: 'TERMINAL', waitTimeoutMs: 60_000 }).catch(() => undefined);
}

/** One health call per round on a job of `vertices` vertices, after Flink has fetched its metrics. */
async function callFigures(ctx: BenchContext, flink: FlinkClient, jar: string, vertices: number): Promise<Row> {
  const [jobId] = await startPipelines(flink, jar, 1, vertices);
  try {
    // Until every vertex is measured: the steady-state cost, not the first seconds of a job.
    for (let i = 0; i < 60; i++) {
      const r = await flink.jobs.health(jobId as string);
      if (r.restarts !== undefined && r.vertices.every((v) => v.backpressure && v.recordsOutPerSecond !== undefined)) break;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    const latencies: number[] = [];
    const requests: number[] = [];
    for (let i = 1; i <= ctx.rounds; i++) {
      const start = performance.now();
      const { requests: n } = await counted(() => flink.jobs.health(jobId as string));
      const took = performance.now() - start;
      latencies.push(took);
      requests.push(n);
      round(`health ${vertices} vertices`, i, `${n} requests in ${ms(took)}`);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
    }
    return {
      figure: `health(): one call, ${vertices}-vertex job (requests, median latency)`,
      sdk: `${median(requests)} req, ${ms(median(latencies))}`,
      baseline: '-',
      ratio: '-',
      target: `6 + 3 x ${vertices} = ${6 + 3 * vertices} req`,
      met: median(requests) <= 6 + 3 * vertices,
      note: 'request count as documented; latency has no target yet',
    };
  } finally {
    await cancelAll(flink, [jobId as string]);
  }
}

/** `flink-kit top` on a pseudo-terminal through the counting proxy for `seconds`, then `q`. */
async function topRate(url: string, seconds: number): Promise<{ requests: number; perSecond: number; refreshes: number }> {
  const proxy = await countingProxy(url);
  try {
    const command = `stty cols 160 rows 40; '${process.execPath}' '${join(ROOT, 'dist/cli/main.js')}' top --url ${proxy.url}`;
    const env = { ...process.env, TERM: 'xterm-256color', NO_COLOR: '1' };
    const child = spawn('script', ['-qec', command, '/dev/null'], { env, stdio: ['pipe', 'ignore', 'ignore'] });
    child.stdin.on('error', () => undefined);
    await new Promise((resolve) => setTimeout(resolve, seconds * 1_000));
    child.stdin.write('q');
    await new Promise((resolve) => child.on('exit', resolve));
    const first = proxy.seen[0] ?? Date.now();
    const last = proxy.seen.at(-1) ?? first;
    // Requests of whole refreshes only: from the first request to the last one's refresh.
    const span = Math.max(1, (last - first) / 1_000);
    const refreshes = Math.max(1, Math.round(span / TOP_INTERVAL_S) + 1);
    return { requests: proxy.seen.length, perSecond: proxy.seen.length / (refreshes * TOP_INTERVAL_S), refreshes };
  } finally {
    await proxy.close();
  }
}

export async function healthFigures(ctx: BenchContext): Promise<Row[]> {
  const jobs = ctx.smoke ? 3 : TOP_JOBS;
  const jar = await buildTestJob('pipeline', { flinkVersion: ctx.flinkVersion });
  const { slotsAvailable } = await ctx.client.cluster.overview();
  let own: LocalCluster | undefined;
  if (slotsAvailable < jobs) {
    console.log(
      `  starting a local Flink ${ctx.flinkVersion} with ${jobs + 2} slots for ${jobs} jobs (the bench cluster has ${slotsAvailable} free)`,
    );
    own = await startLocalCluster({ flinkVersion: ctx.flinkVersion, taskManagers: 2, slotsPerTaskManager: Math.ceil((jobs + 2) / 2) });
  }
  const flink = own?.client ?? ctx.client;
  const url = own?.url ?? ctx.url;
  try {
    const rows = [await callFigures(ctx, flink, jar, 2), await callFigures(ctx, flink, jar, 10)];
    const ids = await startPipelines(flink, jar, jobs, 2);
    try {
      const seconds = ctx.smoke ? 12 : 60;
      const rates: number[] = [];
      for (let i = 1; i <= (ctx.smoke ? 1 : Math.min(ctx.rounds, 3)); i++) {
        const r = await topRate(url, seconds);
        rates.push(r.perSecond);
        round(
          'top',
          i,
          `${jobs} jobs, ${r.requests} requests in ${r.refreshes} refreshes of ${TOP_INTERVAL_S} s: ${r.perSecond.toFixed(1)} req/s`,
        );
      }
      rows.push({
        figure: `flink-kit top over ${jobs} running 2-vertex jobs, default refresh ${TOP_INTERVAL_S} s`,
        sdk: `${median(rates).toFixed(1)} req/s`,
        baseline: '-',
        ratio: '-',
        target: `none yet (${jobs} x (4 + 2) + 1 per refresh)`,
        met: undefined,
        note: `${(median(rates) * TOP_INTERVAL_S).toFixed(0)} requests per refresh`,
      });
    } finally {
      await cancelAll(flink, ids);
    }
    return rows;
  } finally {
    await own?.stop();
  }
}

if (import.meta.main) await standalone(healthFigures);
