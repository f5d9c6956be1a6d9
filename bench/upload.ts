/**
 * Figures: jar upload throughput and memory, flink-kit against `curl -H 'Expect:' -F jarfile=@x.jar`.
 *
 * curl is run the way someone who times an upload ends up running it: without `Expect:` it sends
 * `Expect: 100-continue` and waits a second for a `100 Continue` that Flink never sends.
 * Each round uploads the jar three times, in alternating order: curl (its own `time_total`, and
 * its process from spawn to exit), flink-kit in a process whose client is warm (it already made a
 * call and uploaded a 1 MiB jar; the upload alone is timed) and flink-kit from a fresh process (spawn to exit,
 * as a CLI or CI step runs it). Extra RSS is the warm process's peak RSS during the upload over its
 * RSS before it. Targets: >= 1.0x curl, extra RSS < 32 MiB at 90 MiB and at 1 GiB. The client's
 * CPU time (user + system) is printed too: on a loaded machine it varies far less than wall time,
 * so it tells two versions of the upload code apart where throughput cannot.
 *
 *   ./dev node bench/upload.ts [--rounds 5] [--smoke] [--url URL]
 */
import { randomBytes } from 'node:crypto';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { type BenchContext, standalone } from './lib/context.ts';
import { median, ms, nodeSnippet, type Row, ratio, round, timedCommand } from './lib/measure.ts';

const MiB = 1024 * 1024;
const RSS_TARGET_MiB = 32;

const WARM = `
import { FlinkClient } from 'flink-kit';
const flink = new FlinkClient({ url: process.env.FK_URL });
await flink.cluster.overview();
const warmup = await flink.jars.upload(process.env.FK_SMALL);
await flink.jars.delete(warmup.id);
const before = process.memoryUsage.rss();
const cpu = process.cpuUsage();
const start = performance.now();
const jar = await flink.jars.upload(process.env.FK_FILE);
const uploadMs = performance.now() - start;
const { user, system } = process.cpuUsage(cpu);
const extraRss = process.resourceUsage().maxRSS * 1024 - before;
console.log(JSON.stringify({ uploadMs, cpuMs: (user + system) / 1000, extraRss, jarId: jar.id }));
await flink.close();`;

const FRESH = `
import { FlinkClient } from 'flink-kit';
const flink = new FlinkClient({ url: process.env.FK_URL });
const jar = await flink.jars.upload(process.env.FK_FILE);
await flink.close();
const { user, system } = process.cpuUsage();
console.log(JSON.stringify({ jarId: jar.id, cpuMs: (user + system) / 1000 }));`;

/** A jar-looking file of `sizeMiB` random MiB. */
async function makeJar(dir: string, sizeMiB: number): Promise<string> {
  const path = join(dir, `bench-${sizeMiB}MiB.jar`);
  const handle = await open(path, 'w');
  try {
    const block = randomBytes(MiB);
    block.write('PK\x03\x04', 0, 'latin1');
    for (let i = 0; i < sizeMiB; i++) {
      block.writeUInt32LE(i, 4); // no two blocks alike
      await handle.write(block);
    }
  } finally {
    await handle.close();
  }
  return path;
}

async function curlUpload(url: string, file: string): Promise<{ totalMs: number; processMs: number; jarId: string }> {
  const run = await timedCommand('curl', [
    '-sS',
    '-H',
    'Expect:',
    '-F',
    `jarfile=@${file};type=application/x-java-archive`,
    '-w',
    '\n%{time_total}',
    `${url}/v1/jars/upload`,
  ]);
  const lines = run.stdout.trim().split('\n');
  if (run.code !== 0) throw new Error(`curl failed (exit ${run.code}): ${run.output}`);
  const reply = JSON.parse(lines[0] ?? '{}') as { filename?: string };
  return { totalMs: Number(lines.at(-1)) * 1000, processMs: run.ms, jarId: (reply.filename ?? '').split('/').pop() ?? '' };
}

async function oneSize(ctx: BenchContext, sizeMiB: number): Promise<Row[]> {
  const file = await makeJar(ctx.tmp, sizeMiB);
  const env = { FK_URL: ctx.url, FK_FILE: file, FK_SMALL: await makeJar(ctx.tmp, 1) };
  const bytes = sizeMiB * MiB;
  const mibps = (msTaken: number) => bytes / MiB / (msTaken / 1000);
  const name = sizeMiB >= 1024 ? `${sizeMiB / 1024} GiB` : `${sizeMiB} MiB`;
  const curlTotal: number[] = [];
  const curlProcess: number[] = [];
  const warm: number[] = [];
  const warmCpu: number[] = [];
  const fresh: number[] = [];
  const freshCpu: number[] = [];
  const rss: number[] = [];
  // One untimed upload each, so the page cache holds the file for every timed one.
  await ctx.client.jars.delete((await curlUpload(ctx.url, file)).jarId);
  for (let i = 1; i <= ctx.rounds; i++) {
    const sides = [
      async () => {
        const c = await curlUpload(ctx.url, file);
        curlTotal.push(c.totalMs);
        curlProcess.push(c.processMs);
        await ctx.client.jars.delete(c.jarId);
      },
      async () => {
        const { result } = await nodeSnippet<{ uploadMs: number; cpuMs: number; extraRss: number; jarId: string }>(WARM, env);
        warm.push(result.uploadMs);
        warmCpu.push(result.cpuMs);
        rss.push(result.extraRss / MiB);
        await ctx.client.jars.delete(result.jarId);
      },
      async () => {
        const { result, ms: wall } = await nodeSnippet<{ jarId: string; cpuMs: number }>(FRESH, env);
        fresh.push(wall);
        freshCpu.push(result.cpuMs);
        await ctx.client.jars.delete(result.jarId);
      },
    ];
    for (const side of i % 2 ? sides : [...sides].reverse()) await side();
    round(
      `upload ${name}`,
      i,
      `curl ${mibps(curlTotal.at(-1) as number).toFixed(0)} MiB/s (process ${mibps(curlProcess.at(-1) as number).toFixed(0)} MiB/s), ` +
        `flink-kit warm ${mibps(warm.at(-1) as number).toFixed(0)} MiB/s (extra RSS ${(rss.at(-1) as number).toFixed(1)} MiB, ` +
        `CPU ${ms(warmCpu.at(-1) as number)}), fresh process ${mibps(fresh.at(-1) as number).toFixed(0)} MiB/s (CPU ${ms(freshCpu.at(-1) as number)})`,
    );
  }
  const warmRate = mibps(median(warm));
  const freshRate = mibps(median(fresh));
  const curlRate = mibps(median(curlTotal));
  const curlProcessRate = mibps(median(curlProcess));
  return [
    {
      figure: `upload ${name}, warm client`,
      sdk: `${warmRate.toFixed(0)} MiB/s`,
      baseline: `curl -H 'Expect:' -F: ${curlRate.toFixed(0)} MiB/s`,
      ratio: ratio(warmRate / curlRate),
      target: '>= 1.00x',
      met: warmRate >= curlRate,
      note: `client CPU per upload ${ms(median(warmCpu))} (median)`,
    },
    {
      figure: `upload ${name}, fresh process`,
      sdk: `${freshRate.toFixed(0)} MiB/s`,
      baseline: `curl process: ${curlProcessRate.toFixed(0)} MiB/s`,
      ratio: ratio(freshRate / curlProcessRate),
      target: '>= 1.00x',
      met: freshRate >= curlProcessRate,
      note: `CPU of the whole process ${ms(median(freshCpu))} (median)`,
    },
    {
      figure: `upload ${name}, extra RSS`,
      sdk: `${Math.max(...rss).toFixed(1)} MiB (max of ${rss.length})`,
      baseline: '-',
      ratio: '-',
      target: `< ${RSS_TARGET_MiB} MiB`,
      met: Math.max(...rss) < RSS_TARGET_MiB,
    },
  ];
}

/** The upload figures: 90 MiB, and 1 GiB unless --smoke. */
export async function uploadFigures(ctx: BenchContext): Promise<Row[]> {
  const rows = await oneSize(ctx, 90);
  if (ctx.smoke) {
    rows.push({
      figure: 'upload 1 GiB',
      sdk: '-',
      baseline: '-',
      ratio: '-',
      target: '>= 1.00x',
      met: undefined,
      note: 'skipped (--smoke)',
    });
  } else {
    rows.push(...(await oneSize(ctx, 1024)));
  }
  return rows;
}

if (import.meta.main) await standalone(uploadFigures);
