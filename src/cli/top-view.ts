import type { HealthReport, VertexHealth } from '../index.js';
import { pct, statusWord } from './health-view.js';
import { formatDuration, type Output } from './output.js';

/** How many reads a sparkline shows (the newest on the right). */
export const SPARK_SAMPLES = 12;

/** One job of `top`: its newest report and what earlier reads saw. */
export interface TopRow {
  report: HealthReport;
  /** Duration of the last completed checkpoint at each read (ms; NaN: none). */
  checkpointMs: number[];
  /** The worst vertex's backpressured share of time at each read (0..1; NaN: not measured). */
  backpressure: number[];
  /** The reads of the restart window, oldest first (restarts are counted from the oldest). */
  reads: HealthReport[];
}

const RANK = { unhealthy: 0, degraded: 1, healthy: 2 } as const;

/** The vertex most backpressured, else the busiest. */
export function worstVertex(report: HealthReport): VertexHealth | undefined {
  const measured = report.vertices.filter((v) => v.backpressure);
  return measured.sort(
    (a, b) =>
      (b.backpressure?.backpressured.max ?? 0) - (a.backpressure?.backpressured.max ?? 0) ||
      (b.backpressure?.busy.max ?? 0) - (a.backpressure?.busy.max ?? 0),
  )[0];
}

/** Worst first: unhealthy, degraded, healthy; then more reasons, more backpressure, more restarts; then by name. */
export function sortWorstFirst(rows: TopRow[]): TopRow[] {
  const bp = (r: TopRow) => worstVertex(r.report)?.backpressure?.backpressured.max ?? 0;
  return [...rows].sort(
    (a, b) =>
      RANK[a.report.status] - RANK[b.report.status] ||
      b.report.reasons.length - a.report.reasons.length ||
      bp(b) - bp(a) ||
      (b.report.recentRestarts.count ?? 0) - (a.report.recentRestarts.count ?? 0) ||
      a.report.name.localeCompare(b.report.name),
  );
}

/** Adds a read to a job's row (a new row for a job not seen before). */
export function addRead(row: TopRow | undefined, report: HealthReport): TopRow {
  const keep = (xs: number[], x: number) => [...xs, x].slice(-SPARK_SAMPLES);
  const cp = report.checkpoints.lastCompleted?.durationMs ?? Number.NaN;
  const bp = worstVertex(report)?.backpressure?.backpressured.max ?? Number.NaN;
  const window = report.recentRestarts.windowMs;
  const reads = [...(row?.reads ?? []), report].filter((r) => r.observedAt >= report.observedAt - window);
  return { report, checkpointMs: keep(row?.checkpointMs ?? [], cp), backpressure: keep(row?.backpressure ?? [], bp), reads };
}

/** The columns of `top`. */
export const TOP_HEADER = ['STATUS', 'JOB', 'P', 'UPTIME', 'RESTARTS', 'CHECKPOINT', 'CP TOOK', 'BACKPRESSURE', 'BUSY', 'BP HISTORY'];

/** The cells of one row; `spark` draws a sparkline (none when piped). */
export function topCells(out: Output, row: TopRow, spark: (values: number[], max: number) => string): string[] {
  const r = row.report;
  const worst = worstVertex(r);
  const busiest = Math.max(...r.vertices.map((v) => v.backpressure?.busy.max ?? Number.NaN).filter(Number.isFinite), Number.NaN);
  const cp = r.checkpoints;
  const finite = row.checkpointMs.filter(Number.isFinite);
  return [
    statusWord(out, r.status),
    r.name,
    String(Math.max(0, ...r.vertices.map((v) => v.parallelism))),
    r.uptimeMs === undefined ? out.state(r.state) : formatDuration(r.uptimeMs),
    `${r.restarts ?? '-'}${r.recentRestarts.count > 0 ? out.style('yellow', ` (+${r.recentRestarts.count})`) : ''}`,
    !cp.enabled ? 'off' : cp.lastCompleted ? `${formatDuration(cp.lastCompleted.ageMs)} ago` : 'none yet',
    `${spark(row.checkpointMs, Math.max(1, ...finite))} ${formatDuration(cp.lastCompleted?.durationMs)}`.trim(),
    worst?.backpressure ? `${worst.backpressure.level} ${pct(worst.backpressure.backpressured.max)}` : '-',
    Number.isFinite(busiest) ? pct(busiest) : '-',
    spark(row.backpressure, 1),
  ];
}

/**
 * The live screen of `top`: a title line, then one row per job, worst first, fitted to `width`
 * columns: the job name gets what the other columns leave, and below 120 columns the two sparkline
 * columns are left out. cli-table3 cuts what does not fit with an ellipsis.
 */
export async function topScreen(out: Output, rows: TopRow[], title: string, width: number): Promise<string[]> {
  const [{ default: Table }, { default: sparkly }] = await Promise.all([import('cli-table3'), import('sparkly')]);
  const spark = (values: number[], max: number) =>
    values.some(Number.isFinite)
      ? sparkly(
          values.map((v) => (Number.isFinite(v) ? v : '')),
          { minimum: 0, maximum: max },
        )
      : '';
  const narrow = width < 120;
  // Widths of STATUS, JOB (0: the rest), P, UPTIME, RESTARTS, CHECKPOINT, CP TOOK, BACKPRESSURE, BUSY, BP HISTORY.
  const widths = [12, 0, 3, 10, 9, 11, narrow ? 9 : 10 + SPARK_SAMPLES, 13, 6, narrow ? 0 : SPARK_SAMPLES + 1];
  const shown = TOP_HEADER.map((_, i) => i).filter((i) => !(narrow && i === 9));
  const name = Math.max(8, width - shown.reduce((sum, i) => sum + (widths[i] ?? 0), 0) - 1);
  const table = new Table({
    head: shown.map((i) => out.style('bold', TOP_HEADER[i] ?? '')),
    colWidths: shown.map((i) => (i === 1 ? name : (widths[i] ?? 0))),
    wordWrap: false,
    truncate: '…',
    chars: BORDERLESS,
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 1 },
  });
  for (const row of sortWorstFirst(rows)) {
    const cells = topCells(out, row, narrow ? () => '' : spark);
    table.push(shown.map((i) => cells[i] ?? ''));
  }
  const lines = [
    [...title].slice(0, width).join(''),
    ...table
      .toString()
      .split('\n')
      .map((l) => l.trimEnd()),
  ];
  if (rows.length === 0) lines.push(out.dim('no running job'));
  return lines;
}

const BORDERLESS = Object.fromEntries(
  [
    'top',
    'top-mid',
    'top-left',
    'top-right',
    'bottom',
    'bottom-mid',
    'bottom-left',
    'bottom-right',
    'left',
    'left-mid',
    'mid',
    'mid-mid',
    'right',
    'right-mid',
    'middle',
  ].map((k) => [k, '']),
);

/** The piped / `--json` snapshot's rows: plain cells, no sparkline. */
export function snapshotRows(out: Output, rows: TopRow[]): string[][] {
  return sortWorstFirst(rows).map((row) => topCells(out, row, () => '').map((c) => c.trim()));
}
