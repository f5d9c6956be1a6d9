import { z } from 'zod';
import { JobDetailsWire, upperCaseKeys } from './jobs.js';

/**
 * The replies `jobs.health()` reads besides the ones other calls read too (checkpoint statistics
 * and configuration, exceptions). Metric values come as strings from the job metrics route and as
 * numbers from the aggregated subtask route; both are read into numbers here.
 */

/** A number Flink may write as a string, `"NaN"` or `null`: `undefined` unless finite. */
const finite = z.union([z.number(), z.string(), z.null()]).transform((v) => {
  const n = typeof v === 'number' ? v : v === null ? Number.NaN : Number(v);
  return Number.isFinite(n) ? n : undefined;
});

/** `GET /jobs/:id/metrics` or `…/subtasks/metrics` without `get`: the names the component has now (none until the first fetch). */
export const MetricNames = z.array(z.object({ id: z.string() })).transform((list) => list.map((m) => m.id));

/** `GET /jobs/:id/metrics?get=a,b`: values by name. Flink answers `[]` when one name is unknown. */
export const MetricValues = z
  .array(z.object({ id: z.string(), value: finite.optional() }))
  .transform((list) => Object.fromEntries(list.map((m) => [m.id, m.value])) as Record<string, number | undefined>);

const Aggregate = z.object({
  id: z.string(),
  min: finite.optional(),
  max: finite.optional(),
  avg: finite.optional(),
  sum: finite.optional(),
});

/** Aggregates of one metric over a vertex's subtasks. */
export interface MetricAggregate {
  min: number | undefined;
  max: number | undefined;
  avg: number | undefined;
  sum: number | undefined;
}

/** `GET /jobs/:id/vertices/:vid/subtasks/metrics?get=…&agg=min,max,avg,sum`: aggregates by metric name. */
export const AggregatedMetrics = z
  .array(Aggregate)
  .transform(
    (list) =>
      Object.fromEntries(list.map((m) => [m.id, { min: m.min, max: m.max, avg: m.avg, sum: m.sum }])) as Record<string, MetricAggregate>,
  );

const LEVELS = ['ok', 'low', 'high'] as const;
/** Flink's backpressure level: `ok` (at most 10 % of the time), `low` (at most 50 %), `high` (more). */
export type BackpressureLevel = (typeof LEVELS)[number];
const Level = z
  .string()
  .optional()
  .transform((l) => (l === undefined ? undefined : (LEVELS as readonly string[]).includes(l) ? (l as BackpressureLevel) : undefined));

/**
 * `GET /jobs/:id/vertices/:vid/backpressure`. Computed from the metrics the JobManager last fetched;
 * `status` is `deprecated` while it has none for the vertex (the name is a leftover of the old
 * sampling). 1.x writes the level twice (`backpressureLevel` and `backpressure-level`).
 */
export const BackpressureReply = z
  .object({
    status: z.string(),
    backpressureLevel: z.string().optional(),
    'backpressure-level': z.string().optional(),
    'end-timestamp': z.number().optional(),
    subtasks: z
      .array(
        z.object({
          subtask: z.number(),
          backpressureLevel: z.string().optional(),
          'backpressure-level': z.string().optional(),
          ratio: finite.optional(),
          busyRatio: finite.optional(),
          idleRatio: finite.optional(),
        }),
      )
      .optional(),
  })
  .transform((w) => ({
    /** `false` while Flink has no metrics for the vertex yet. */
    measured: w.status === 'ok',
    level: Level.parse(w.backpressureLevel ?? w['backpressure-level']),
    measuredAt: w['end-timestamp'],
    subtasks: (w.subtasks ?? []).map((s) => ({
      subtask: s.subtask,
      backpressured: s.ratio,
      busy: s.busyRatio,
      idle: s.idleRatio,
    })),
  }));
/** A vertex's backpressure as Flink judges it, per subtask. */
export type BackpressureReply = z.output<typeof BackpressureReply>;

/** `GET /jobs/:id` as health reads it: live clock, state timestamps, vertices and the plan's edges. */
export const HealthJobReply = JobDetailsWire.extend({
  now: z.number().optional(),
  plan: z
    .object({
      nodes: z
        .array(z.object({ id: z.string(), inputs: z.array(z.object({ id: z.string() })).optional() }))
        .optional()
        .default([]),
    })
    .optional(),
}).transform((w) => {
  const inputs = new Map((w.plan?.nodes ?? []).map((n) => [n.id, (n.inputs ?? []).map((i) => i.id)]));
  return {
    id: w.jid,
    name: w.name,
    state: w.state,
    startTime: w['start-time'],
    /** The JobManager's clock when it answered (ages and lags are measured against it, not the client's). */
    now: w.now,
    /** When the job last entered each state (0: never). */
    timestamps: w.timestamps ?? {},
    vertices: w.vertices.map((v) => ({
      id: v.id,
      name: v.name,
      parallelism: v.parallelism,
      status: v.status,
      tasks: upperCaseKeys(v.tasks),
      /** Ids of the vertices that feed this one (from the job plan). */
      upstream: inputs.get(v.id) ?? [],
    })),
  };
});
/** The job as `jobs.health()` reads it. */
export type HealthJobReply = z.output<typeof HealthJobReply>;
