import type { FlinkClient } from '../../src/client.ts';
import type { HealthOptions } from '../../src/core/health/read.ts';
import { poll } from '../../src/core/poll.ts';
import type { HealthReport } from '../../src/schemas/health-report.ts';

/**
 * Reads a job's health (1 s apart) until `until` holds, then returns that report (`waitTimeoutMs`:
 * the overall deadline, 90 s; `timeoutMs` stays each request's). Health conditions
 * build up on Flink's side: metrics are fetched every 10 s and the per-second rates average over a
 * minute, so backpressure reaches `high` some 20-30 s after the job starts.
 */
export function healthUntil(
  flink: FlinkClient,
  jobId: string,
  what: string,
  until: (report: HealthReport) => boolean,
  options: HealthOptions & { waitTimeoutMs?: number } = {},
): Promise<HealthReport> {
  const { waitTimeoutMs = 90_000, ...read } = options;
  return poll(
    async () => {
      const report = await flink.jobs.health(jobId, read);
      return until(report)
        ? { done: true, value: report }
        : { done: false, seen: `${report.status} ${report.state}: ${report.reasons.map((r) => r.code).join(', ') || 'no reasons'}` };
    },
    { what: `job ${jobId} ${what}`, waitTimeoutMs, minDelayMs: 1_000, maxDelayMs: 1_000 },
  );
}

/** The codes of a report's reasons. */
export const codes = (report: HealthReport) => report.reasons.map((r) => r.code);

/** A raw GET of Flink's own reply, to check a report against what Flink says. */
export function raw<T>(flink: FlinkClient, path: string): Promise<T> {
  return flink.request<T>({ method: 'GET', path });
}
