/**
 * One local Flink cluster (or a given URL) and what the figures need from it. The runner makes one
 * context for all figures; each figure script also runs alone with its own.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FlinkClient } from 'flink-kit';
import { exampleJar, type LocalCluster, startLocalCluster } from 'flink-kit/local';
import { type FlinkCli, flinkCli } from './flink-cli.ts';
import { type Row, table } from './measure.ts';

/** What a figure gets. */
export interface BenchContext {
  /** REST URL of the cluster. */
  readonly url: string;
  /** A warm client of the bench process itself (setup, clean-up, Flink's own timestamps). */
  readonly client: FlinkClient;
  /** The exact Flink version the cluster runs. */
  readonly flinkVersion: string;
  /** Rounds per side (flink-kit and baseline alternate). */
  readonly rounds: number;
  /** A cheap run: 1 round, smaller inputs. Proves the runner works; its figures mean little. */
  readonly smoke: boolean;
  /** Savepoint directory URI, or undefined for the cluster's configured default. */
  readonly savepointDir: string | undefined;
  /** A scratch directory, removed at the end. */
  readonly tmp: string;
  /** Local path of a flink-examples-streaming jar (`WordCount`). */
  exampleJar(name: string): Promise<string>;
  /** The real `flink` CLI of the cluster's version, downloaded on first use. */
  flinkCli(): Promise<FlinkCli>;
}

/** The command-line options every bench script takes. */
export const BENCH_OPTIONS = {
  rounds: { type: 'string', default: '5' },
  smoke: { type: 'boolean', default: false },
  'flink-version': { type: 'string', default: '1.20' },
  url: { type: 'string' },
  'savepoint-dir': { type: 'string' },
  only: { type: 'string' },
} as const;

type BenchArgs = ReturnType<typeof parseArgs<{ options: typeof BENCH_OPTIONS; allowPositionals: false }>>['values'];

/** Parses the common options (unknown ones are an error that names the known ones). */
export function benchArgs(argv = process.argv.slice(2)): BenchArgs {
  return parseArgs({ args: argv, options: BENCH_OPTIONS, allowPositionals: false }).values;
}

/** Starts a local cluster unless a URL is given, runs `fn`, and always cleans up. */
export async function withBench<T>(args: BenchArgs, fn: (ctx: BenchContext) => Promise<T>): Promise<T> {
  const log = (line: string) => console.log(`  ${line}`);
  const tmp = await mkdtemp(join(tmpdir(), 'flink-kit-bench-'));
  let local: LocalCluster | undefined;
  let cli: Promise<FlinkCli> | undefined;
  try {
    if (!args.url) {
      console.log(`starting a local Flink ${args['flink-version']} cluster (2 TaskManagers x 2 slots)`);
      local = await startLocalCluster({ flinkVersion: args['flink-version'], taskManagers: 2, slotsPerTaskManager: 2, log });
    }
    const url = args.url ?? (local as LocalCluster).url;
    const client = new FlinkClient({ url });
    const flinkVersion = (await client.cluster.overview()).flinkVersion;
    const smoke = args.smoke ?? false;
    const ctx: BenchContext = {
      url,
      client,
      flinkVersion,
      rounds: smoke ? 1 : Math.max(1, Number(args.rounds)),
      smoke,
      savepointDir: args['savepoint-dir'] ?? (local ? `file://${local.savepointDir}` : undefined),
      tmp,
      exampleJar: (name) => (local ? local.exampleJar(name) : exampleJar(name, { flinkVersion })),
      flinkCli: () => {
        cli ??= flinkCli({ version: flinkVersion, restUrl: url, log });
        return cli;
      },
    };
    try {
      return await fn(ctx);
    } finally {
      await client.close();
    }
  } finally {
    await (await cli?.catch(() => undefined))?.close();
    await local?.stop();
    await rm(tmp, { recursive: true, force: true });
  }
}

/** Runs one figure script on its own: its rounds, then its rows as a table. */
export async function standalone(figures: (ctx: BenchContext) => Promise<Row[]>): Promise<void> {
  const rows = await withBench(benchArgs(), figures);
  console.log(`\n${table(rows)}`);
}
