import type { HealthReason, VertexHealth } from '../../schemas/health-report.js';
import { percent } from './words.js';

const RANK = { ok: 0, low: 1, high: 2 } as const;

/**
 * One `BACKPRESSURE` reason per vertex at or above `level`, naming its bottleneck: backpressure
 * means a vertex waits for its downstream to take its output, so the cause is the first vertex
 * downstream that is itself not backpressured; the busiest of those is named.
 */
export function backpressureReasons(vertices: readonly VertexHealth[], level: 'low' | 'high'): HealthReason[] {
  const pressed = (v: VertexHealth) => v.backpressure !== undefined && RANK[v.backpressure.level] >= RANK[level];
  const downstreamOf = (id: string) => vertices.filter((v) => v.upstream.includes(id));
  const reasons: HealthReason[] = [];
  for (const vertex of vertices.filter(pressed)) {
    const bp = vertex.backpressure as NonNullable<VertexHealth['backpressure']>;
    const bottleneck = findBottleneck(vertex, downstreamOf, pressed);
    const seen = `vertex ${vertex.name} is backpressured ${percent(bp.backpressured.max)} of the time (Flink's level: ${bp.level}${skew(bp.backpressured)})`;
    let message: string;
    if (bottleneck?.backpressure) {
      const busy = bottleneck.backpressure.busy;
      message = `${seen}; downstream, ${bottleneck.name} is busy ${percent(busy.max)}${skew(busy)}: ${bottleneck.name} is the bottleneck. Give it more parallelism or make it faster (external calls, state access${busy.max - busy.avg > 0.3 ? ', and data skew: one subtask is much busier than the rest' : ''}).`;
    } else if (bottleneck) {
      message = `${seen}; downstream, ${bottleneck.name} has no busy metrics yet: look at it first (it is the nearest vertex that is not backpressured).`;
    } else {
      message = `${seen}, and no vertex downstream of it is free of backpressure: look at the sinks and what they write to.`;
    }
    reasons.push({ code: 'BACKPRESSURE', severity: 'degraded', message, vertexId: vertex.id, vertexName: vertex.name });
  }
  return reasons;
}

/** The nearest vertex downstream that is not backpressured (the busiest, when several are equally near). */
function findBottleneck(
  from: VertexHealth,
  downstreamOf: (id: string) => VertexHealth[],
  pressed: (v: VertexHealth) => boolean,
): VertexHealth | undefined {
  const seen = new Set([from.id]);
  let frontier = downstreamOf(from.id);
  while (frontier.length > 0) {
    const free = frontier.filter((v) => !pressed(v));
    if (free.length > 0) return free.sort((a, b) => (b.backpressure?.busy.max ?? -1) - (a.backpressure?.busy.max ?? -1))[0];
    for (const v of frontier) seen.add(v.id);
    frontier = frontier.flatMap((v) => downstreamOf(v.id)).filter((v) => !seen.has(v.id));
  }
  return undefined;
}

function skew(s: { max: number; avg: number }): string {
  return s.max - s.avg >= 0.05 ? `, mean over subtasks ${percent(s.avg)}` : '';
}
