/**
 * Figure: what `import 'flink-kit'` adds to a fresh node process, against bare `node -e 0`.
 * Target: <= 60 ms. Rounds alternate the two; the figure is the median of the paired differences.
 *
 *   ./dev node bench/import.ts [--rounds 5]
 */
import { benchArgs } from './lib/context.ts';
import { median, ms, type Row, round, signedMs, table, timedCommand } from './lib/measure.ts';

const TARGET_MS = 60;

/** The import figure; needs no cluster. */
export async function importFigures(options: { rounds: number }): Promise<Row[]> {
  const bare = () => timedCommand(process.execPath, ['-e', '0']);
  const kit = () => timedCommand(process.execPath, ['--input-type=module', '-e', "import 'flink-kit'"]);
  // Warm the file cache once; a failing import is a broken build, not a figure.
  await bare();
  const first = await kit();
  if (first.code !== 0) throw new Error(`import 'flink-kit' failed; run npm run build first:\n${first.output}`);
  const rounds = Math.max(5, options.rounds) * 2; // cheap: twice the rounds, and never fewer than 10
  const bareMs: number[] = [];
  const kitMs: number[] = [];
  for (let i = 1; i <= rounds; i++) {
    // Alternate which goes first, so a slow moment of the machine hits both sides alike.
    let b: { ms: number };
    let k: { ms: number };
    if (i % 2) {
      b = await bare();
      k = await kit();
    } else {
      k = await kit();
      b = await bare();
    }
    bareMs.push(b.ms);
    kitMs.push(k.ms);
    round('import', i, `node -e 0 ${ms(bareMs.at(-1) as number)}, import 'flink-kit' ${ms(kitMs.at(-1) as number)}`);
  }
  const added = median(kitMs.map((k, i) => k - (bareMs[i] as number)));
  return [
    {
      figure: "import 'flink-kit' (added to node -e 0)",
      sdk: `${signedMs(added)} (${ms(median(kitMs))} in all)`,
      baseline: `node -e 0: ${ms(median(bareMs))}`,
      ratio: signedMs(added),
      target: `<= +${TARGET_MS} ms`,
      met: added <= TARGET_MS,
    },
  ];
}

if (import.meta.main) {
  const args = benchArgs();
  console.log(`\n${table(await importFigures({ rounds: Number(args.rounds) }))}`);
}
