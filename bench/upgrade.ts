/**
 * Figures: upgrading the long-running job from parallelism 2 to 4 (stop with a savepoint, run from
 * it, all tasks RUNNING, restore confirmed), and the SDK's own share of that time.
 *
 * Against the CLI: a fresh `node` running `upgrade(jobId, { parallelism: 4 })`, spawn to exit, as a
 * deploy step runs it. Baseline: the same with the real CLI, `flink stop --savepointPath D <job>`
 * then `flink run -d -s <savepoint> -p 4 WordCount.jar …` (two fresh JVMs; `run -d` returns once the
 * job is submitted, before it runs). Target: <= 0.33x.
 *
 * The SDK's own time, measured with a warm client (a long-lived process: module loading and
 * connecting are not the workflow's): the upgrade() call minus the time Flink worked for it, from
 * Flink's timestamps and the requests' times: stop request sent -> old job ended (savepoint and
 * shutdown), the run request (the jar's main() inside the JobManager), new job created -> its last
 * subtask RUNNING, overlaps counted once. What is left is the client: its checks, noticing each
 * state late by up to a pause of its polling, and the restore check. Target: <= 10 % of the call.
 *
 * Each round upgrades three times (fresh process, CLI, warm client), each from the job at
 * parallelism 2 (an untimed upgrade back to 2 follows each).
 *
 *   ./dev node bench/upgrade.ts [--rounds 5] [--smoke] [--url URL]
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { type BenchContext, standalone } from './lib/context.ts';
import { median, ms, nodeSnippet, type Row, ratio, round } from './lib/measure.ts';
import { recordRequests } from './lib/request-log.ts';

const TARGET = 0.33;
const OWN_TARGET_PCT = 10;

const UPGRADE = `
import { FlinkClient } from 'flink-kit';
const { FK_URL, FK_JOB, FK_JAR_ID, FK_ARGS, FK_DIR } = process.env;
const flink = new FlinkClient({ url: FK_URL });
const result = await flink.upgrade(FK_JOB, {
  parallelism: 4,
  ...(FK_DIR ? { targetDirectory: FK_DIR } : {}),
  previous: { jar: { id: FK_JAR_ID }, args: JSON.parse(FK_ARGS), parallelism: 2 },
});
await flink.close();
console.log(JSON.stringify({ jobId: result.jobId }));`;

const JobTimes = z.object({ 'start-time': z.number(), 'end-time': z.number(), vertices: z.array(z.object({ id: z.string() })) });
const SubtaskTimes = z.object({ subtasks: z.array(z.object({ timestamps: z.record(z.string(), z.number()) })) });

/** Total length of the union of some intervals. */
function covered(intervals: Array<[number, number]>): number {
  let total = 0;
  let reach = Number.NEGATIVE_INFINITY;
  for (const [a, b] of [...intervals].filter(([x, y]) => y > x).sort((p, q) => p[0] - q[0])) {
    if (b <= reach) continue;
    total += b - Math.max(a, reach);
    reach = b;
  }
  return total;
}

export async function upgradeFigures(ctx: BenchContext): Promise<Row[]> {
  const flink = ctx.client;
  const cli = await ctx.flinkCli();
  const jar = await ctx.exampleJar('WordCount');
  const input = join(ctx.tmp, 'upgrade-input');
  await mkdir(input, { recursive: true });
  await writeFile(join(input, 'words.txt'), 'to be or not to be\n');
  const args = ['--input', input, '--discovery-interval', '1s'];
  const { id: jarId } = await flink.jars.upload(jar);
  const previous = (parallelism: number) => ({ jar: { id: jarId }, args, parallelism });
  const dir = ctx.savepointDir;
  let { jobId } = await flink.submit({ jar: { id: jarId }, parallelism: 2, args, until: 'RUNNING' });
  /** Back to parallelism 2, untimed. */
  const reset = async (from: string) => {
    await flink.jobs.waitFor(from, { until: 'RUNNING', waitTimeoutMs: 120_000 });
    const r = await flink.upgrade(from, { parallelism: 2, ...(dir ? { targetDirectory: dir } : {}), previous: previous(4) });
    jobId = r.jobId;
  };

  const fresh = async () => {
    const { result, ms: wall } = await nodeSnippet<{ jobId: string }>(UPGRADE, {
      FK_URL: ctx.url,
      FK_JOB: jobId,
      FK_JAR_ID: jarId,
      FK_ARGS: JSON.stringify(args),
      FK_DIR: dir ?? '',
    });
    await reset(result.jobId);
    return { wall, detail: `fresh process ${ms(wall)}` };
  };

  const requests = recordRequests();
  const warm = async () => {
    const old = jobId;
    requests.length = 0;
    const start = performance.timeOrigin + performance.now();
    const result = await flink.upgrade(old, { parallelism: 4, ...(dir ? { targetDirectory: dir } : {}), previous: previous(2) });
    const end = performance.timeOrigin + performance.now();
    const made = [...requests];
    // Flink's own timestamps; its REST cache (web.refresh-interval, 3 s) must have let go of the old job first.
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    const oldJob = await flink.request({ method: 'GET', path: `/jobs/${old}`, schema: JobTimes });
    const newJob = await flink.request({ method: 'GET', path: `/jobs/${result.jobId}`, schema: JobTimes });
    let allRunning = 0;
    for (const v of newJob.vertices) {
      const times = await flink.request({
        method: 'GET',
        path: `/jobs/${result.jobId}/vertices/${v.id}/subtasktimes`,
        schema: SubtaskTimes,
      });
      for (const t of times.subtasks) allRunning = Math.max(allRunning, t.timestamps['RUNNING'] ?? 0);
    }
    const stop = made.find((r) => r.what.endsWith('/stop'));
    const run = made.find((r) => r.what.endsWith('/run'));
    const stopSent = stop?.start ?? start;
    const call = end - start;
    const own =
      call -
      covered([
        [stopSent, oldJob['end-time']],
        [run?.start ?? 0, run?.end ?? 0],
        [newJob['start-time'], allRunning],
      ]);
    await reset(result.jobId);
    return {
      call,
      own,
      detail:
        `warm client ${ms(call)}: stop request -> old job ended ${ms(oldJob['end-time'] - stopSent)}, run request ${ms((run?.end ?? 0) - (run?.start ?? 0))}, ` +
        `new job created -> all subtasks RUNNING ${ms(allRunning - newJob['start-time'])}; the SDK's own ${ms(own)} (${((own / call) * 100).toFixed(0)} %, ${made.length} requests)`,
    };
  };

  const cliRound = async () => {
    const stop = await cli.run(['stop', ...(dir ? ['--savepointPath', dir] : []), jobId]);
    const savepoint = /Savepoint completed\. Path: (\S+)/.exec(stop.output)?.[1];
    if (stop.code !== 0 || !savepoint) throw new Error(`flink stop failed (exit ${stop.code}):\n${stop.output.trim().slice(-2000)}`);
    const run = await cli.run(['run', '-d', '-s', savepoint, '-p', '4', jar, ...args]);
    const started = /JobID ([0-9a-f]{32})/.exec(run.output)?.[1];
    if (run.code !== 0 || !started) throw new Error(`flink run -d -s failed (exit ${run.code}):\n${run.output.trim().slice(-2000)}`);
    await reset(started);
    return { wall: stop.ms + run.ms, detail: `flink stop ${ms(stop.ms)} + flink run -d -s -p 4 ${ms(run.ms)}` };
  };

  const sdk: number[] = [];
  const baseline: number[] = [];
  const ownPct: number[] = [];
  const own: number[] = [];
  try {
    for (let i = 1; i <= ctx.rounds; i++) {
      const lines: string[] = [];
      for (const side of i % 2 ? ['fresh', 'cli', 'warm'] : ['warm', 'cli', 'fresh']) {
        if (side === 'fresh') {
          const r = await fresh();
          sdk.push(r.wall);
          lines.push(`flink-kit ${r.detail}`);
        } else if (side === 'warm') {
          const r = await warm();
          own.push(r.own);
          ownPct.push((r.own / r.call) * 100);
          lines.push(`flink-kit ${r.detail}`);
        } else {
          const r = await cliRound();
          baseline.push(r.wall);
          lines.push(`CLI ${ms(r.wall)} (${r.detail})`);
        }
      }
      round('upgrade', i, lines.join('; '));
    }
  } finally {
    await flink.jobs.cancel(jobId).catch(() => undefined);
    await flink.jobs.waitFor(jobId, { until: 'TERMINAL', waitTimeoutMs: 60_000 }).catch(() => undefined);
    await flink.jars.delete(jarId).catch(() => undefined);
  }
  const r = median(sdk) / median(baseline);
  return [
    {
      figure: 'upgrade 2 -> 4, fresh process (RUNNING, restore confirmed)',
      sdk: ms(median(sdk)),
      baseline: `flink stop + flink run -d -s -p 4: ${ms(median(baseline))}`,
      ratio: ratio(r),
      target: `<= ${TARGET.toFixed(2)}x`,
      met: r <= TARGET,
    },
    {
      figure: "upgrade: the SDK's own time (warm client)",
      sdk: `${median(ownPct).toFixed(1)} % (${ms(median(own))})`,
      baseline: '-',
      ratio: '-',
      target: `<= ${OWN_TARGET_PCT} % of upgrade()`,
      met: median(ownPct) <= OWN_TARGET_PCT,
    },
  ];
}

if (import.meta.main) await standalone(upgradeFigures);
