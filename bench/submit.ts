/**
 * Figure: submitting WordCount from a fresh process, until Flink accepted the job.
 *
 * flink-kit: a fresh `node` running `submit({ jar, parallelism: 2, until: 'SUBMITTED' })` (upload,
 * slot check, run, status), timed from spawn to exit. Baseline: the real `flink run -d -p 2
 * WordCount.jar` (a fresh JVM that builds the job graph and submits it). Both sides start the
 * same job; it is cancelled after each round. Target: <= 0.25x.
 *
 *   ./dev node bench/submit.ts [--rounds 5] [--smoke] [--url URL]
 */
import { type BenchContext, standalone } from './lib/context.ts';
import { median, ms, nodeSnippet, type Row, ratio, round } from './lib/measure.ts';

const TARGET = 0.25;

/** The SDK side: what a user's deploy script does. Prints the job and jar ids and the run request's time. */
const SUBMIT = `
import { subscribe } from 'node:diagnostics_channel';
import { FlinkClient } from 'flink-kit';
let runStart = 0, runMs = 0;
subscribe('undici:request:create', ({ request }) => { if (request.path.endsWith('/run')) runStart = performance.now(); });
subscribe('undici:request:trailers', ({ request }) => { if (request.path.endsWith('/run')) runMs = performance.now() - runStart; });
const flink = new FlinkClient({ url: process.env.FK_URL });
const { jobId, jarId } = await flink.submit({ jar: process.env.FK_JAR, parallelism: 2, until: 'SUBMITTED' });
await flink.close();
console.log(JSON.stringify({ jobId, jarId, runMs, exitAt: performance.now() }));`;

/** Cancels a job started by a round and waits until its slots are free again. */
async function settle(ctx: BenchContext, jobId: string): Promise<void> {
  await ctx.client.jobs.cancel(jobId);
  await ctx.client.jobs.waitFor(jobId, { until: 'TERMINAL', waitTimeoutMs: 60_000, pollIntervalMs: 200 });
}

export async function submitFigures(ctx: BenchContext): Promise<Row[]> {
  const jar = await ctx.exampleJar('WordCount');
  const cli = await ctx.flinkCli();
  const sdkRound = async () => {
    const { result, ms: wall } = await nodeSnippet<{ jobId: string; jarId: string; runMs: number; exitAt: number }>(SUBMIT, {
      FK_URL: ctx.url,
      FK_JAR: jar,
    });
    await settle(ctx, result.jobId);
    await ctx.client.jars.delete(result.jarId);
    return { wall, runMs: result.runMs };
  };
  const cliRound = async () => {
    const run = await cli.run(['run', '-d', '-p', '2', jar]);
    const jobId = /JobID ([0-9a-f]{32})/.exec(run.output)?.[1];
    if (run.code !== 0 || !jobId) throw new Error(`flink run -d failed (exit ${run.code}):\n${run.output.trim().slice(-2000)}`);
    await settle(ctx, jobId);
    return run.ms;
  };
  // One untimed round each: the JVM's jars and node's modules come from the page cache afterwards.
  await sdkRound();
  await cliRound();
  const sdk: number[] = [];
  const flink: number[] = [];
  const runs: number[] = [];
  for (let i = 1; i <= ctx.rounds; i++) {
    const order = i % 2 ? ['sdk', 'cli'] : ['cli', 'sdk'];
    for (const side of order) {
      if (side === 'sdk') {
        const r = await sdkRound();
        sdk.push(r.wall);
        runs.push(r.runMs);
      } else {
        flink.push(await cliRound());
      }
    }
    round(
      'submit',
      i,
      `flink-kit ${ms(sdk.at(-1) as number)} (of which the run request, main() in the JobManager: ${ms(runs.at(-1) as number)}), flink run -d ${ms(flink.at(-1) as number)}`,
    );
  }
  const r = median(sdk) / median(flink);
  return [
    {
      figure: 'submit WordCount, fresh process (upload + run, SUBMITTED)',
      sdk: ms(median(sdk)),
      baseline: `flink run -d -p 2: ${ms(median(flink))}`,
      ratio: ratio(r),
      target: `<= ${TARGET.toFixed(2)}x`,
      met: r <= TARGET,
      note: `of flink-kit's time, the run request (main() inside the JobManager) took ${ms(median(runs))} (median)`,
    },
  ];
}

if (import.meta.main) await standalone(submitFigures);
