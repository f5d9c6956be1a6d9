import { describe, expect, it } from 'vitest';
import { healthChange } from '../../../../src/core/health/compare.js';
import type { HealthEvidence } from '../../../../src/core/health/describe.js';
import { judgeHealth } from '../../../../src/core/health/judge.js';
import { readVertexMetrics, restartMetric, vertexMetricNames } from '../../../../src/core/health/metrics.js';
import { checkpointProgressWindow } from '../../../../src/core/health/thresholds.js';
import type { VertexHealth } from '../../../../src/schemas/health-report.js';

/** Long.MIN_VALUE and MAX_VALUE as JSON.parse reads them. */
const LONG_MIN = -(2 ** 63);
const LONG_MAX = 2 ** 63;

const NOW = 1_800_000_000_000;
const ID = '0123456789abcdef0123456789abcdef';

function vertex(
  id: string,
  upstream: string[],
  bp?: [level: 'ok' | 'low' | 'high', backpressured: number, busy: number, busyAvg?: number],
): VertexHealth {
  const v: VertexHealth = { id, name: id, parallelism: 2, status: 'RUNNING', tasks: { RUNNING: 2 }, upstream };
  if (bp) {
    const [level, backpressured, busy, busyAvg = busy] = bp;
    v.backpressure = {
      level,
      backpressured: { max: backpressured, avg: backpressured },
      busy: { max: busy, avg: busyAvg },
      idle: { max: 0, avg: 0 },
    };
  }
  return v;
}

/** A healthy running job with checkpoints every second, its last 2 s ago; `change` alters it. */
function evidence(change: (e: HealthEvidence) => void = () => {}): HealthEvidence {
  const e: HealthEvidence = {
    jobId: ID,
    name: 'job',
    state: 'RUNNING',
    observedAt: NOW,
    restarts: 0,
    recentRestarts: { count: 0, windowMs: 120_000, basis: 'job-age' },
    uptimeMs: 600_000,
    checkpoints: {
      enabled: true,
      intervalMs: 1_000,
      timeoutMs: 600_000,
      tolerableFailures: 0,
      completed: 500,
      failed: 0,
      inProgress: 0,
      lastCompleted: { id: 500, completedAt: NOW - 2_000, ageMs: 2_000 },
    },
    vertices: [vertex('source', [], ['ok', 0, 0.1]), vertex('sink', ['source'], ['ok', 0, 0.2])],
    exceptions: [],
  };
  change(e);
  return e;
}

describe('judgeHealth', () => {
  it('a running job with fresh checkpoints and no backpressure is healthy, with no reasons', () => {
    const report = judgeHealth(evidence());
    expect(report).toMatchObject({ status: 'healthy', reasons: [] });
    expect(report.thresholds).toEqual({ restartWindowMs: 120_000, maxRestarts: 64, backpressure: 'high' });
    expect(report.checkpoints.allowedAgeMs).toBe(1_200_000); // max(1 s, 10 min) x (0 + 2)
  });

  it.each<[string, (e: HealthEvidence) => void, object, string[]]>([
    ['RESTARTING', (e) => (e.state = 'RESTARTING'), {}, ['RESTARTING:unhealthy']],
    ['FAILING', (e) => (e.state = 'FAILING'), {}, ['RESTARTING:unhealthy']],
    ['FAILED', (e) => (e.state = 'FAILED'), {}, ['NOT_RUNNING:unhealthy']],
    ['CANCELED', (e) => (e.state = 'CANCELED'), {}, ['NOT_RUNNING:unhealthy']],
    ['INITIALIZING (on its way up)', (e) => (e.state = 'INITIALIZING'), {}, ['NOT_RUNNING:degraded']],
    [
      'subtasks waiting for slots',
      (e) => ((e.vertices[1] as VertexHealth).tasks = { RUNNING: 1, SCHEDULED: 1 }),
      {},
      ['TASKS_NOT_RUNNING:unhealthy'],
    ],
    [
      'subtasks deploying',
      (e) => ((e.vertices[1] as VertexHealth).tasks = { RUNNING: 1, DEPLOYING: 1 }),
      {},
      ['TASKS_NOT_RUNNING:degraded'],
    ],
    ['one restart in the window', (e) => (e.recentRestarts.count = 1), {}, ['RESTARTS:degraded']],
    ['65 restarts in the window (operator: more than 64)', (e) => (e.recentRestarts.count = 65), {}, ['RESTARTS:unhealthy']],
    ['1 restart with maxRestarts 0', (e) => (e.recentRestarts.count = 1), { maxRestarts: 0 }, ['RESTARTS:unhealthy']],
    [
      'no checkpoint for 21 min (past the default window)',
      (e) => {
        e.checkpoints.lastCompleted = { id: 1, completedAt: NOW - 1_260_000, ageMs: 1_260_000 };
        e.uptimeMs = 3_600_000;
      },
      {},
      ['CHECKPOINTS_STALLED:unhealthy'],
    ],
    [
      'none completed, running for 30 s of an allowed 20 s',
      (e) => {
        e.checkpoints.lastCompleted = undefined as never;
        delete e.checkpoints.lastCompleted;
        e.uptimeMs = 30_000;
      },
      { checkpointAgeMs: 20_000 },
      ['CHECKPOINTS_STALLED:unhealthy'],
    ],
    [
      'none completed, running for 10 s of an allowed 20 s',
      (e) => {
        delete e.checkpoints.lastCompleted;
        e.uptimeMs = 10_000;
      },
      { checkpointAgeMs: 20_000 },
      [],
    ],
    [
      'an old checkpoint but a restart 5 s ago (the window starts at RUNNING)',
      (e) => {
        e.checkpoints.lastCompleted = { id: 1, completedAt: NOW - 60_000, ageMs: 60_000 };
        e.uptimeMs = 5_000;
      },
      { checkpointAgeMs: 20_000 },
      [],
    ],
    [
      'checkpointing off: no checkpoint rule',
      (e) => {
        e.checkpoints = { enabled: false, completed: 0, failed: 0, inProgress: 0 };
      },
      { checkpointAgeMs: 1 },
      [],
    ],
    [
      'the newest checkpoint failed',
      (e) => (e.checkpoints.lastFailure = { id: 501, failedAt: NOW - 100, message: 'Checkpoint expired before completing.' }),
      {},
      ['CHECKPOINTS_FAILING:degraded'],
    ],
    [
      'a source at high backpressure',
      (e) => (e.vertices = [vertex('source', [], ['high', 0.9, 0]), vertex('sink', ['source'], ['ok', 0, 0.99])]),
      {},
      ['BACKPRESSURE:degraded'],
    ],
    [
      'low backpressure passes by default',
      (e) => (e.vertices = [vertex('source', [], ['low', 0.3, 0]), vertex('sink', ['source'], ['ok', 0, 0.7])]),
      {},
      [],
    ],
    [
      'low backpressure with backpressure: low',
      (e) => (e.vertices = [vertex('source', [], ['low', 0.3, 0]), vertex('sink', ['source'], ['ok', 0, 0.7])]),
      { backpressure: 'low' },
      ['BACKPRESSURE:degraded'],
    ],
    [
      'a lagging watermark, threshold off (the default)',
      (e) => Object.assign(e.vertices[1] as VertexHealth, { watermark: NOW - 600_000, watermarkLagMs: 600_000 }),
      {},
      [],
    ],
    [
      'a lagging watermark past watermarkLagMs',
      (e) => Object.assign(e.vertices[1] as VertexHealth, { watermark: NOW - 600_000, watermarkLagMs: 600_000 }),
      { watermarkLagMs: 60_000 },
      ['WATERMARK_LAG:degraded'],
    ],
    [
      'unhealthy reasons come first',
      (e) => {
        e.recentRestarts.count = 2;
        e.state = 'RESTARTING';
      },
      {},
      ['RESTARTING:unhealthy', 'RESTARTS:degraded'],
    ],
  ])('%s', (_what, change, thresholds, expected) => {
    const report = judgeHealth(evidence(change), thresholds);
    expect(report.reasons.map((r) => `${r.code}:${r.severity}`)).toEqual(expected);
    expect(report.status).toBe(expected.some((c) => c.endsWith('unhealthy')) ? 'unhealthy' : expected.length ? 'degraded' : 'healthy');
  });

  it('backpressure names the nearest downstream vertex that is not backpressured, the busiest of several', () => {
    const report = judgeHealth(
      evidence((e) => {
        e.vertices = [
          vertex('source', [], ['high', 0.95, 0.02]),
          vertex('map', ['source'], ['high', 0.8, 0.1]),
          vertex('fast sink', ['map'], ['ok', 0, 0.3]),
          vertex('slow sink', ['map'], ['ok', 0, 0.97, 0.5]),
        ];
      }),
    );
    expect(report.reasons.map((r) => r.vertexName)).toEqual(['source', 'map']);
    for (const r of report.reasons) expect(r.message).toContain('slow sink is the bottleneck');
    expect(report.reasons[0]?.message).toBe(
      "vertex source is backpressured 95 % of the time (Flink's level: high); downstream, slow sink is busy 97 %, mean over subtasks 50 %: slow sink is the bottleneck. Give it more parallelism or make it faster (external calls, state access, and data skew: one subtask is much busier than the rest).",
    );
  });

  it('a report judged again with other thresholds: same evidence, new verdict, no request', () => {
    const report = judgeHealth(evidence((e) => (e.recentRestarts.count = 1)));
    expect(report.status).toBe('degraded');
    const strict = judgeHealth(report, { maxRestarts: 0 });
    expect(strict.status).toBe('unhealthy');
    expect(strict.thresholds.maxRestarts).toBe(0);
    expect(judgeHealth(strict).status).toBe('degraded'); // the defaults again
  });

  it('messages say what was seen and what to look at', () => {
    const stalled = judgeHealth(
      evidence((e) => {
        e.checkpoints.lastCompleted = { id: 3, completedAt: NOW - 400_000, ageMs: 400_000 };
        e.checkpoints.lastFailure = { id: 9, message: 'Checkpoint expired before completing.' };
        e.checkpoints.timeoutMs = 1_000;
        e.checkpoints.failed = 6;
      }),
      { checkpointAgeMs: 300_000 },
    ).reasons;
    expect(stalled.map((r) => r.message)).toEqual([
      'no checkpoint completed for 6m 40s (the last, 3, 6m 40s ago; allowed 5m); the latest failed with "Checkpoint expired before completing.": look at checkpoint durations against the timeout (1 s, execution.checkpointing.timeout), backpressure (barriers wait behind records) and slow snapshots',
      'checkpoint 9 failed: Checkpoint expired before completing. (6 failed, 500 completed since the job started; 0 failures in a row tolerated): a checkpoint takes longer than the timeout of 1 s: raise execution.checkpointing.timeout, or find the slow snapshot or backpressure',
    ]);
    const waiting = judgeHealth(evidence((e) => ((e.vertices[1] as VertexHealth).tasks = { RUNNING: 1, SCHEDULED: 1 }))).reasons[0];
    expect(waiting).toMatchObject({
      vertexId: 'sink',
      message: 'vertex sink: 1 of 2 subtasks SCHEDULED: they wait for slots; add TaskManagers or slots, or lower the parallelism',
    });
  });
});

describe('metrics', () => {
  it('counts restarts with numRestarts, else fullRestarts', () => {
    expect(restartMetric(['uptime', 'fullRestarts', 'numRestarts'])).toBe('numRestarts');
    expect(restartMetric(['uptime', 'fullRestarts'])).toBe('fullRestarts');
    expect(restartMetric([])).toBeUndefined();
  });

  it('asks a vertex only for what it has: rates, input watermark, operator output watermarks, pending records', () => {
    expect(
      vertexMetricNames([
        'numRecordsInPerSecond',
        'busyTimeMsPerSecond',
        'Source__events.currentOutputWatermark',
        'Source__events.pendingRecords',
        'Source__events.watermarkLag',
      ]),
    ).toEqual(['numRecordsInPerSecond', 'Source__events.currentOutputWatermark', 'Source__events.pendingRecords']);
  });

  it('reads a source watermark from its operators, ignores Long.MIN_VALUE and MAX_VALUE, sums pending records', () => {
    const agg = (min: number, sum = min) => ({ min, max: min, avg: min, sum });
    expect(
      readVertexMetrics({
        numRecordsOutPerSecond: agg(4, 8),
        currentInputWatermark: agg(LONG_MIN),
        'Source__events.currentOutputWatermark': agg(NOW - 61_000),
        'Map.currentOutputWatermark': agg(NOW - 60_000),
        'Source__events.pendingRecords': agg(10, 999_381),
      }),
    ).toEqual({ recordsOutPerSecond: 8, watermark: NOW - 61_000, pendingRecords: 999_381 });
    expect(readVertexMetrics({ currentInputWatermark: agg(LONG_MAX) })).toEqual({});
  });

  it("the operator's checkpoint-progress window", () => {
    expect(checkpointProgressWindow(1_000, 600_000, 0)).toBe(1_200_000);
    expect(checkpointProgressWindow(60_000, 10_000, 3)).toBe(300_000);
  });
});

describe('healthChange', () => {
  it('restarts and checkpoints between two reads; left RUNNING when the uptime started over', () => {
    const a = judgeHealth(evidence());
    const b = judgeHealth(
      evidence((e) => {
        e.observedAt = NOW + 60_000;
        e.restarts = 2;
        e.uptimeMs = 10_000;
        e.checkpoints.completed = 530;
        e.checkpoints.failed = 1;
      }),
    );
    expect(healthChange(a, b)).toEqual({
      elapsedMs: 60_000,
      restarts: 2,
      checkpointsCompleted: 30,
      checkpointsFailed: 1,
      leftRunning: true,
    });
    const steady = judgeHealth(
      evidence((e) => {
        e.observedAt = NOW + 60_000;
        e.uptimeMs = 660_000;
        e.checkpoints.completed = 560;
      }),
    );
    expect(healthChange(a, steady)).toMatchObject({ restarts: 0, checkpointsCompleted: 60, leftRunning: false });
    expect(() => healthChange(steady, a)).toThrow('swap them');
    expect(() => healthChange(a, { ...b, jobId: 'x' })).toThrow('reports of two jobs');
  });
});
