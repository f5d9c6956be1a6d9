import type { HealthReport, HealthStatus, VertexHealth } from '../index.js';
import { EXIT } from './exit-codes.js';
import { formatDuration, type Output } from './output.js';

/** `health`'s exit code: 0 healthy, 13 degraded, 14 unhealthy (the README's table). */
export function healthExitCode(status: HealthStatus): number {
  return status === 'healthy' ? EXIT.ok : status === 'degraded' ? EXIT.degraded : EXIT.unhealthy;
}

const STATUS_STYLE = { healthy: 'green', degraded: 'yellow', unhealthy: 'red' } as const;
const MARK = { healthy: '✓', degraded: '!', unhealthy: '✗' } as const;

/** The status word with its mark, coloured on a terminal. */
export function statusWord(out: Output, status: HealthStatus): string {
  return out.style(STATUS_STYLE[status], `${MARK[status]} ${status}`);
}

/** `91 %`, `-` when unknown. */
export function pct(ratio: number | undefined): string {
  return ratio === undefined ? '-' : `${Math.round(ratio * 100)} %`;
}

/** Records per second, short: `0`, `8.2`, `1.3k`. */
export function rate(n: number | undefined): string {
  if (n === undefined) return '-';
  if (n >= 1_000) return `${(n / 1_000).toFixed(1)}k`;
  return n >= 10 || Number.isInteger(n) ? String(Math.round(n)) : n.toFixed(1);
}

/** `high 77 %`, or `-` before Flink has measured. */
export function backpressureCell(out: Output, v: VertexHealth): string {
  const bp = v.backpressure;
  if (!bp) return '-';
  const text = `${bp.level} ${pct(bp.backpressured.max)}`;
  return bp.level === 'high' ? out.style('red', text) : bp.level === 'low' ? out.style('yellow', text) : text;
}

/**
 * The human summary of a report: the status first, then the reasons, then job facts, a table of
 * the vertices and the newest exception.
 */
export async function healthLines(out: Output, report: HealthReport): Promise<string[]> {
  const lines = [
    `${statusWord(out, report.status)}  ${report.name} (${report.jobId}) ${out.state(report.state)}${
      report.uptimeMs === undefined ? '' : `, up ${formatDuration(report.uptimeMs)}`
    }`,
  ];
  for (const r of report.reasons) lines.push(`  ${out.style(r.severity === 'unhealthy' ? 'red' : 'yellow', r.code)}  ${r.message}`);
  const restarts = report.restarts === undefined ? 'not reported yet' : String(report.restarts);
  lines.push(`restarts: ${restarts} (${report.recentRestarts.count} in the last ${formatDuration(report.recentRestarts.windowMs)})`);
  const cp = report.checkpoints;
  if (!cp.enabled) lines.push('checkpoints: off');
  else {
    const last = cp.lastCompleted
      ? `last ${cp.lastCompleted.id} ${formatDuration(cp.lastCompleted.ageMs)} ago, took ${formatDuration(cp.lastCompleted.durationMs)}`
      : 'none completed yet';
    lines.push(`checkpoints: every ${formatDuration(cp.intervalMs)}, ${last}; ${cp.completed} completed, ${cp.failed} failed`);
  }
  if (cp.restoredFrom) lines.push(`restored from: ${cp.restoredFrom.path ?? `checkpoint ${cp.restoredFrom.checkpointId}`}`);
  lines.push(
    ...(await out.table(
      ['VERTEX', 'P', 'BACKPRESSURE', 'BUSY', 'IDLE', 'IN/S', 'OUT/S', 'WATERMARK LAG', 'PENDING'],
      report.vertices.map((v) => [
        v.name,
        String(v.parallelism),
        backpressureCell(out, v),
        pct(v.backpressure?.busy.max),
        pct(v.backpressure?.idle.max),
        rate(v.recordsInPerSecond),
        rate(v.recordsOutPerSecond),
        v.watermarkLagMs === undefined ? '-' : formatDuration(v.watermarkLagMs),
        v.pendingRecords === undefined ? '-' : String(v.pendingRecords),
      ]),
    )),
  );
  const latest = report.exceptions[0];
  if (latest) lines.push(`latest failure: ${latest.message}${latest.taskName ? ` (${latest.taskName})` : ''}`);
  return lines;
}

/** One line per read for `health --watch`: time, status, the reason codes. */
export function watchLine(out: Output, report: HealthReport): string {
  const time = new Date(report.observedAt).toISOString().slice(11, 19);
  const codes = report.reasons.map((r) => r.code).join(', ');
  return `${time}  ${statusWord(out, report.status)}  ${out.state(report.state)}${codes ? `  ${codes}` : ''}${
    report.reasons[0] ? out.dim(`  ${report.reasons[0].message}`) : ''
  }`;
}
