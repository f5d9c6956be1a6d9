/**
 * The benchmark suite (`./dev bench`): starts one local Flink cluster, fetches the baselines (curl
 * must be installed; the real `flink` CLI of the cluster's version comes from PyPI's
 * apache-flink-libraries, cached under the local cluster's cache dir), runs every figure with
 * flink-kit and its baseline in alternating rounds (every round printed), and prints one table:
 * figure, flink-kit, baseline, ratio, target, met or MISSED. Medians of the rounds.
 *
 *   ./dev bench [--rounds 5] [--only import,cli,upload,submit,upgrade,watch,health] [--smoke]
 *               [--flink-version 1.20] [--url URL --savepoint-dir DIR]
 *
 * --smoke: one round, no 1 GiB upload, short watch rounds: proves the suite works (CI runs it after
 * the tests); its figures mean little. Missed targets never fail the run; a figure that cannot be
 * measured (a crash, a missing baseline) does, with exit code 1.
 */
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { cliFigures } from './cli.ts';
import { healthFigures } from './health.ts';
import { importFigures } from './import.ts';
import { type BenchContext, benchArgs, withBench } from './lib/context.ts';
import { ROOT, type Row, table, timedCommand } from './lib/measure.ts';
import { submitFigures } from './submit.ts';
import { upgradeFigures } from './upgrade.ts';
import { uploadFigures } from './upload.ts';
import { watchFigures } from './watch.ts';

const CLUSTER_FIGURES: Record<string, (ctx: BenchContext) => Promise<Row[]>> = {
  cli: cliFigures,
  upload: uploadFigures,
  submit: submitFigures,
  upgrade: upgradeFigures,
  watch: watchFigures,
  health: healthFigures,
};
const ALL = ['import', ...Object.keys(CLUSTER_FIGURES)];

const args = benchArgs();
const only = args.only ? args.only.split(',').map((s) => s.trim()) : ALL;
const unknown = only.filter((name) => !ALL.includes(name));
if (unknown.length) {
  console.error(`unknown figure(s) ${unknown.join(', ')}; choose from ${ALL.join(', ')}`);
  process.exit(2);
}

const commit = (await timedCommand('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT }).catch(() => undefined))?.stdout.trim();
console.log(
  [
    `flink-kit benchmarks${commit ? ` at ${commit}` : ''}, ${new Date().toISOString()}`,
    `node ${process.version}; ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}, ${(freemem() / 2 ** 30).toFixed(1)} of ${(totalmem() / 2 ** 30).toFixed(1)} GiB free`,
    'Wall-clock figures: other work on the machine (see the load average) slows both sides of a round alike, not always equally.',
    '',
  ].join('\n'),
);

if (only.includes('upload')) {
  const curl = await timedCommand('curl', ['--version']).catch(() => undefined);
  if (curl?.code !== 0) {
    console.error('curl is needed for the upload baseline: install it (e.g. apt-get install curl), or leave upload out with --only');
    process.exit(1);
  }
}

const rows: Row[] = [];
let broken = false;
const attempt = async (name: string, run: () => Promise<Row[]>) => {
  console.log(`\n== ${name}`);
  try {
    rows.push(...(await run()));
  } catch (error) {
    broken = true;
    const message = error instanceof Error ? error.message : String(error);
    console.error(`  [${name}] could not be measured: ${message}`);
    rows.push({ figure: name, sdk: 'error', baseline: '-', ratio: '-', target: '-', met: false, note: message.split('\n')[0] ?? '' });
  }
};

if (only.includes('import')) await attempt('import', () => importFigures({ rounds: args.smoke ? 1 : Number(args.rounds) }));
const clusterFigures = only.filter((name) => name !== 'import');
if (clusterFigures.length) {
  await withBench(args, async (ctx) => {
    console.log(`Flink ${ctx.flinkVersion} at ${ctx.url}; ${ctx.rounds} round(s) per side`);
    if (clusterFigures.some((name) => ['cli', 'submit', 'upgrade'].includes(name))) {
      await attempt('the flink CLI baseline', async () => {
        const cli = await ctx.flinkCli();
        console.log(`  flink CLI ${cli.version} from ${cli.lib}`);
        return [];
      });
    }
    for (const name of clusterFigures) await attempt(name, () => (CLUSTER_FIGURES[name] as (c: BenchContext) => Promise<Row[]>)(ctx));
  });
}

console.log(`\n${table(rows)}`);
if (broken) {
  console.error('\nsome figures could not be measured (see above)');
  process.exitCode = 1;
}
