import type { MetricAggregate } from '../../schemas/health.js';

/**
 * Which metrics to ask Flink for, chosen from the names a component has. Flink answers a metrics
 * query with `[]` as soon as one name in it is unknown, and a job or vertex has no metrics at all
 * until the JobManager's first fetch (`metrics.fetcher.update-interval`, 10 s): so health lists the
 * names first and asks only for what is there.
 */

/** The job metric that counts restarts: `numRestarts`, or `fullRestarts` on a Flink that only has that. */
export function restartMetric(names: readonly string[]): string | undefined {
  return ['numRestarts', 'fullRestarts'].find((n) => names.includes(n));
}

const TASK_METRICS = ['numRecordsInPerSecond', 'numRecordsOutPerSecond', 'currentInputWatermark'];

/**
 * The subtask metrics health reads, of those a vertex has: records in and out per second and the
 * input watermark (task scope), the output watermark of each operator (`<operator>.currentOutputWatermark`:
 * a source has no input watermark) and the connector's `<operator>.pendingRecords` (FLIP-33, sources).
 */
export function vertexMetricNames(names: readonly string[]): string[] {
  return names.filter((n) => TASK_METRICS.includes(n) || n.endsWith('.currentOutputWatermark') || n.endsWith('.pendingRecords'));
}

/** Watermarks below this are Long.MIN_VALUE ("none yet"), above the next Long.MAX_VALUE (end of input). */
const NO_WATERMARK = -1e15;
const END_OF_INPUT = 9e18;

/** What a vertex's aggregated subtask metrics say, in the report's terms. */
export interface VertexMetrics {
  recordsInPerSecond?: number;
  recordsOutPerSecond?: number;
  watermark?: number;
  pendingRecords?: number;
}

/** Reads the aggregates of {@link vertexMetricNames} into rates, watermark and pending records. */
export function readVertexMetrics(aggregates: Record<string, MetricAggregate>): VertexMetrics {
  const out: VertexMetrics = {};
  const inRate = aggregates['numRecordsInPerSecond']?.sum;
  const outRate = aggregates['numRecordsOutPerSecond']?.sum;
  if (inRate !== undefined) out.recordsInPerSecond = inRate;
  if (outRate !== undefined) out.recordsOutPerSecond = outRate;
  const entries = Object.entries(aggregates);
  // A vertex with inputs has a task input watermark; a source only its operators' output watermarks.
  const input = aggregates['currentInputWatermark']?.min;
  const watermark = realWatermark(input) ?? lowest(entries.filter(([n]) => n.endsWith('.currentOutputWatermark')).map(([, a]) => a.min));
  if (watermark !== undefined) out.watermark = watermark;
  const pending = entries.filter(([n]) => n.endsWith('.pendingRecords')).map(([, a]) => a.sum);
  if (pending.some((p) => p !== undefined)) out.pendingRecords = pending.reduce<number>((s, p) => s + (p ?? 0), 0);
  return out;
}

function realWatermark(value: number | undefined): number | undefined {
  return value !== undefined && value > NO_WATERMARK && value < END_OF_INPUT ? value : undefined;
}

function lowest(values: (number | undefined)[]): number | undefined {
  const real = values.map(realWatermark).filter((v): v is number => v !== undefined);
  return real.length > 0 ? Math.min(...real) : undefined;
}
