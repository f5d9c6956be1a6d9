/**
 * Figures: the flink-kit command against the real `flink` command, each a fresh process, as a user
 * types them: `--help`, `list`, and `run -d -p 2 WordCount.jar`, alternating, every round printed
 * with its ratio. Targets: --help and list <= 0.15x, run -d <= 0.25x.
 *
 *   ./dev node bench/cli.ts [--rounds 5] [--smoke] [--url URL]
 */
import { join } from 'node:path';
import { type BenchContext, standalone } from './lib/context.ts';
import { type CommandResult, median, ms, ROOT, type Row, ratio, round, timedCommand } from './lib/measure.ts';

interface Case {
  name: string;
  args: (jar: string) => string[];
  target: number;
}

const CASES: Case[] = [
  { name: '--help', args: () => ['--help'], target: 0.15 },
  { name: 'list', args: () => ['list'], target: 0.15 },
  { name: 'run -d -p 2 WordCount.jar', args: (jar) => ['run', '-d', '-p', '2', jar], target: 0.25 },
];

export async function cliFigures(ctx: BenchContext): Promise<Row[]> {
  const cli = await ctx.flinkCli();
  const jar = await ctx.exampleJar('WordCount');
  const kitMain = join(ROOT, 'dist', 'cli', 'main.js');
  const kit = (args: string[]) => timedCommand(process.execPath, [kitMain, ...args], { env: { ...process.env, FLINK_URL: ctx.url } });

  /** Cancels the jobs a command started and deletes the jars it uploaded, so the next round has free slots. */
  const cleanUp = async (jobsBefore: Set<string>, jarsBefore: Set<string>) => {
    for (const job of await ctx.client.jobs.list()) {
      if (jobsBefore.has(job.id)) continue;
      await ctx.client.jobs.cancel(job.id);
      await ctx.client.jobs.waitFor(job.id, { until: 'TERMINAL', waitTimeoutMs: 60_000 });
    }
    for (const j of await ctx.client.jars.list()) if (!jarsBefore.has(j.id)) await ctx.client.jars.delete(j.id);
  };
  const timed = async (run: () => Promise<CommandResult>): Promise<CommandResult> => {
    const jobsBefore = new Set((await ctx.client.jobs.list()).map((j) => j.id));
    const jarsBefore = new Set((await ctx.client.jars.list()).map((j) => j.id));
    const result = await run();
    await cleanUp(jobsBefore, jarsBefore);
    return result;
  };

  const rows: Row[] = [];
  for (const c of CASES) {
    const figure = `flink-kit ${c.name}, fresh process`;
    // One untimed run each: a broken command fails the figure, and the page and compile caches are warm.
    for (const [side, run] of [
      ['flink-kit', () => kit(c.args(jar))],
      ['flink', () => cli.run(c.args(jar))],
    ] as const) {
      const first = await timed(run);
      if (first.code !== 0) throw new Error(`${side} ${c.name} failed (exit ${first.code}):\n${first.output.trim().slice(-2000)}`);
    }
    const sdk: number[] = [];
    const flink: number[] = [];
    for (let i = 1; i <= ctx.rounds; i++) {
      for (const side of i % 2 ? ['kit', 'flink'] : ['flink', 'kit']) {
        const r = side === 'kit' ? await timed(() => kit(c.args(jar))) : await timed(() => cli.run(c.args(jar)));
        if (r.code !== 0)
          throw new Error(`${side === 'kit' ? 'flink-kit' : 'flink'} ${c.name} failed (exit ${r.code}):\n${r.output.trim().slice(-2000)}`);
        (side === 'kit' ? sdk : flink).push(r.ms);
      }
      const [k, f] = [sdk.at(-1) as number, flink.at(-1) as number];
      round(`cli ${c.name}`, i, `flink-kit ${ms(k)}, flink ${ms(f)}: ${ratio(k / f)}`);
    }
    const r = median(sdk) / median(flink);
    rows.push({
      figure,
      sdk: ms(median(sdk)),
      baseline: `flink ${c.name.split(' ')[0]}: ${ms(median(flink))}`,
      ratio: ratio(r),
      target: `<= ${c.target.toFixed(2)}x`,
      met: r <= c.target,
    });
  }
  return rows;
}

if (import.meta.main) await standalone(cliFigures);
