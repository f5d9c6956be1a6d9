import { emitKeypressEvents } from 'node:readline';
import { setTimeout } from 'node:timers/promises';
import pLimit from 'p-limit';
import { type FlinkClient, FlinkNotFoundError, type HealthOptions, TERMINAL_JOB_STATES } from '../../index.js';
import type { Cli, CommandRun } from '../context.js';
import { isInteractive } from '../output.js';
import { addRead, snapshotRows, sortWorstFirst, TOP_HEADER, type TopRow, topScreen } from '../top-view.js';
import { thresholdOptions } from './health.js';

/** Refresh of the live view: Flink fetches metrics every 10 s and caches job details for 3 s. */
export const TOP_INTERVAL_MS = 5_000;
/** Jobs read at once (each read keeps at most 2 requests in flight). */
const JOBS_AT_ONCE = 2;

/**
 * `flink-kit top`: on a terminal, a live view of every running job, worst first, redrawn every
 * `--interval` until `q` (or Ctrl-C); piped or with `--json`, one snapshot (a table, or the health
 * reports as a JSON array, worst first). Per job and refresh it reads 4 + vertices routes
 * (`jobs.health` with the previous read, no exceptions, no vertex metrics), plus the job list.
 */
const top: CommandRun<'top'> = async (cli, _args, flags) => {
  const flink = await cli.client();
  const thresholds = thresholdOptions(flags);
  if (cli.out.json || !isInteractive(process.stdout)) {
    const rows = [...(await readAll(flink, new Map(), { ...thresholds, signal: cli.signal }, true)).values()];
    if (cli.out.json)
      cli.out.jsonLine(
        sortWorstFirst(rows).map((r) => r.report),
        2,
      );
    else cli.out.lines(await cli.out.table(TOP_HEADER, snapshotRows(cli.out, rows)));
    return 0;
  }
  return live(cli, flink, thresholds, flags.interval ?? TOP_INTERVAL_MS);
};

export default top;

/** Reads every job that has not ended; each with its previous read, so restarts are counted between reads. */
async function readAll(
  flink: FlinkClient,
  rows: Map<string, TopRow>,
  options: HealthOptions,
  snapshot: boolean,
): Promise<Map<string, TopRow>> {
  const jobs = (await flink.jobs.list({ ...(options.signal ? { signal: options.signal } : {}) })).filter(
    (j) => !TERMINAL_JOB_STATES.has(j.state),
  );
  const limit = pLimit(JOBS_AT_ONCE);
  const next = new Map<string, TopRow>();
  await Promise.all(
    jobs.map((job) =>
      limit(async () => {
        const row = rows.get(job.id);
        const read: HealthOptions = { ...options, concurrency: 2, vertexMetrics: false, exceptions: snapshot ? 1 : 0 };
        if (row?.reads[0]) read.previous = row.reads[0];
        try {
          next.set(job.id, addRead(row, await flink.jobs.health(job.id, read)));
        } catch (error) {
          if (!(error instanceof FlinkNotFoundError)) throw error; // ended and gone between the list and the read
        }
      }),
    ),
  );
  return next;
}

async function live(cli: Cli, flink: FlinkClient, thresholds: HealthOptions, interval: number): Promise<number> {
  const { createLogUpdate } = await import('log-update');
  const draw = createLogUpdate(process.stdout);
  const quit = new AbortController();
  const signal = AbortSignal.any([quit.signal, cli.signal]);
  // Raw mode: keys arrive one by one (q quits) and Ctrl-C arrives as a key, not as SIGINT.
  const input = process.stdin;
  const onKey = (text: string | undefined, key: { name?: string; ctrl?: boolean } | undefined) => {
    if (text === 'q' || text === 'Q' || (key?.ctrl && key.name === 'c')) quit.abort();
  };
  if (input.isTTY) {
    emitKeypressEvents(input);
    input.setRawMode(true);
    input.on('keypress', onKey);
    input.resume();
  }
  let rows = new Map<string, TopRow>();
  let problem = '';
  try {
    while (!signal.aborted) {
      try {
        rows = await readAll(flink, rows, { ...thresholds, signal }, false);
        problem = '';
      } catch (error) {
        if (signal.aborted) break;
        const width = process.stdout.columns || 100;
        const message = error instanceof Error ? error.message : String(error);
        problem = cli.out.style('red', [...`could not read: ${message.split('\n')[0]}`].slice(0, width).join(''));
      }
      const counts = [...rows.values()].map((r) => r.report.status);
      const title = `flink-kit top  ${flink.url}  ${rows.size} job${rows.size === 1 ? '' : 's'}: ${counts.filter((s) => s === 'unhealthy').length} unhealthy, ${counts.filter((s) => s === 'degraded').length} degraded  every ${interval / 1000} s  q quits`;
      const screen = await topScreen(cli.out, [...rows.values()], title, process.stdout.columns || 100);
      draw([...screen, ...(problem ? [problem] : [])].join('\n'));
      await setTimeout(interval, undefined, { signal }).catch(() => undefined);
    }
  } finally {
    draw.done();
    if (input.isTTY) {
      input.off('keypress', onKey);
      input.setRawMode(false);
      input.pause();
    }
  }
  return 0;
}
