/**
 * Wire replies of the routes `jobs.health()` reads, shaped as real Flink 1.20 and 2.3 sent them
 * (recorded from the test jobs on local clusters, trimmed), with the parts a test varies as options.
 */
import { JOB_ID } from './flink-replies.js';

export const SOURCE_ID = 'f4ed146d70273ee4d2e38f322c939c7e';
export const SINK_ID = 'df7a7d3e68c0b90fc2e078881e78df00';
export const NOW = 1_796_231_965_316;
const TASKS = [
  'SCHEDULED',
  'FINISHED',
  'CANCELING',
  'INITIALIZING',
  'CREATED',
  'CANCELED',
  'RECONCILING',
  'DEPLOYING',
  'RUNNING',
  'FAILED',
];

/** `tasks` as Flink writes it: every state, zero unless given. */
export function taskCounts(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(TASKS.map((s) => [s, counts[s] ?? 0]));
}

interface WireVertex {
  id: string;
  name: string;
  parallelism?: number;
  status?: string;
  tasks?: Record<string, number>;
  inputs?: string[];
}

/** `GET /jobs/:id`. */
export function healthJob(
  options: { state?: string; now?: number; running?: number; start?: number; vertices?: WireVertex[]; jid?: string } = {},
) {
  const vertices = options.vertices ?? [
    { id: SOURCE_ID, name: 'Source: fast source' },
    { id: SINK_ID, name: 'slow sink -> Sink: print', inputs: [SOURCE_ID] },
  ];
  const now = options.now ?? NOW;
  const start = options.start ?? now - 34_004 - 300;
  return {
    jid: options.jid ?? JOB_ID,
    name: 'flink-kit slow-sink',
    isStoppable: false,
    state: options.state ?? 'RUNNING',
    'job-type': 'STREAMING',
    'start-time': start,
    'end-time': -1,
    duration: now - start,
    maxParallelism: -1,
    now,
    timestamps: { RESTARTING: 0, INITIALIZING: start, RUNNING: options.running ?? now - 34_004, CREATED: start + 150, FAILED: 0 },
    vertices: vertices.map((v) => ({
      id: v.id,
      name: v.name,
      maxParallelism: 128,
      parallelism: v.parallelism ?? 1,
      status: v.status ?? 'RUNNING',
      'start-time': start + 600,
      'end-time': -1,
      duration: 1,
      tasks: taskCounts(v.tasks ?? { RUNNING: v.parallelism ?? 1 }),
      metrics: { 'accumulated-busy-time': 297, 'accumulated-idle-time': 188, 'accumulated-backpressured-time': 0 },
    })),
    plan: {
      jid: options.jid ?? JOB_ID,
      name: 'flink-kit slow-sink',
      type: 'STREAMING',
      nodes: vertices.map((v) => ({
        id: v.id,
        parallelism: v.parallelism ?? 1,
        operator: '',
        description: v.name,
        inputs: (v.inputs ?? []).map((id, num) => ({ num, id, ship_strategy: 'HASH', exchange: 'pipelined_bounded' })),
        optimizer_properties: {},
      })),
    },
  };
}

/** `GET /jobs/:id/vertices/:vid/backpressure` (1.x writes the level twice). */
export function backpressure(level: string, subtasks: Array<[ratio: number, busy: number, idle: number]>, endTimestamp = NOW - 5_000) {
  return {
    status: 'ok',
    backpressureLevel: level,
    'backpressure-level': level,
    'end-timestamp': endTimestamp,
    subtasks: subtasks.map(([ratio, busy, idle], subtask) => ({
      subtask,
      backpressureLevel: ratio > 0.5 ? 'high' : ratio > 0.1 ? 'low' : 'ok',
      ratio,
      idleRatio: idle,
      busyRatio: busy,
    })),
  };
}

/** The reply while the JobManager has no metrics of the vertex yet. */
export const BACKPRESSURE_NOT_YET = { status: 'deprecated' };

/** `[{id}]` of a metric list. */
export function metricList(...names: string[]) {
  return names.map((id) => ({ id }));
}

/** `[{id, min, max, avg, sum}]` of an aggregated subtask metrics query. */
export function aggregates(values: Record<string, number | [min: number, max: number, avg: number, sum: number]>) {
  return Object.entries(values).map(([id, v]) => {
    const [min, max, avg, sum] = typeof v === 'number' ? [v, v, v, v] : v;
    return { id, min, max, avg, sum, skew: 0 };
  });
}

/** `GET /jobs/:id/checkpoints` with the latest completed / failed checkpoint as given. */
export function checkpointStats(
  options: {
    completed?: { id: number; ackAt: number; duration?: number; size?: number };
    failed?: { id: number; at: number; message: string; savepoint?: boolean };
    counts?: { completed?: number; failed?: number; inProgress?: number };
    restored?: { id: number; at: number; path: string; savepoint: boolean };
  } = {},
) {
  const completed = options.completed && {
    className: 'completed',
    id: options.completed.id,
    status: 'COMPLETED',
    is_savepoint: false,
    trigger_timestamp: options.completed.ackAt - (options.completed.duration ?? 100),
    latest_ack_timestamp: options.completed.ackAt,
    checkpointed_size: options.completed.size ?? 4_096,
    state_size: options.completed.size ?? 4_096,
    end_to_end_duration: options.completed.duration ?? 100,
    num_subtasks: 2,
    num_acknowledged_subtasks: 2,
    checkpoint_type: 'CHECKPOINT',
    external_path: `file:/tmp/cp/${JOB_ID}/chk-${options.completed.id}`,
    discarded: false,
  };
  const failed = options.failed && {
    className: 'failed',
    id: options.failed.id,
    status: 'FAILED',
    is_savepoint: options.failed.savepoint ?? false,
    trigger_timestamp: options.failed.at - 1_008,
    latest_ack_timestamp: -1,
    checkpointed_size: 0,
    state_size: 0,
    end_to_end_duration: 1_008,
    num_subtasks: 1,
    num_acknowledged_subtasks: 0,
    checkpoint_type: options.failed.savepoint ? 'SAVEPOINT' : 'CHECKPOINT',
    failure_timestamp: options.failed.at,
    failure_message: options.failed.message,
  };
  const history = [completed, failed].filter((c) => c !== undefined).sort((a, b) => b.id - a.id);
  return {
    counts: {
      restored: options.restored ? 1 : 0,
      total: history.length,
      in_progress: options.counts?.inProgress ?? 0,
      completed: options.counts?.completed ?? (completed ? 1 : 0),
      failed: options.counts?.failed ?? (failed ? 1 : 0),
    },
    latest: {
      completed: completed ?? null,
      savepoint: null,
      failed: failed ?? null,
      restored: options.restored
        ? {
            id: options.restored.id,
            restore_timestamp: options.restored.at,
            is_savepoint: options.restored.savepoint,
            external_path: options.restored.path,
          }
        : null,
    },
    history,
  };
}

/** Long.MAX_VALUE as JavaScript reads it: Flink's interval when periodic checkpoints are off. */
export const CHECKPOINTING_OFF = 9_223_372_036_854_776_000;

/** `GET /jobs/:id/checkpoints/config`. */
export function checkpointConfig(interval: number, timeout = 600_000, tolerable = 0) {
  return {
    mode: 'exactly_once',
    interval,
    timeout,
    min_pause: 0,
    max_concurrent: 1,
    externalization: { enabled: false, delete_on_cancellation: true },
    state_backend: 'HashMapStateBackend',
    checkpoint_storage: 'FileSystemCheckpointStorage',
    unaligned_checkpoints: false,
    tolerable_failed_checkpoints: tolerable,
  };
}

const TRACE =
  'flinkkit.testjobs.ExpectedFailure: fail-after: failing on purpose after 10 records (--records 10)\n\tat flinkkit.testjobs.KeyedCounter$Count.processElement(KeyedCounter.java:126)\n';

/** `GET /jobs/:id/exceptions`: 2.x shape (exceptionHistory only), one entry per timestamp given, newest first. */
export function exceptionHistory(timestamps: number[], trace = TRACE) {
  return {
    exceptionHistory: {
      entries: timestamps.map((timestamp) => ({
        exceptionName: 'flinkkit.testjobs.ExpectedFailure',
        stacktrace: trace,
        timestamp,
        taskName: 'count -> Sink: print (1/1)#3',
        endpoint: '127.0.0.1:40123',
        taskManagerId: 'tm-1',
        failureLabels: {},
        concurrentExceptions: [],
      })),
      truncated: false,
    },
  };
}

/** Reply bodies by path below `/v1`, each made from the request's query (a `Response` is sent as it is). */
export type Replies = Record<string, (query: URLSearchParams) => unknown>;

/** Long.MIN_VALUE as JSON.parse reads it: a watermark without event time. */
export const LONG_MIN = -(2 ** 63);

/**
 * What `jobs.health()` reads of a running two-vertex job whose source is backpressured by a busy
 * sink (the slow-sink test job on Flink 1.20), by path; `overrides` replace or add routes.
 */
export function slowSinkReplies(overrides: Replies = {}, jobId = JOB_ID): Replies {
  const job = `/jobs/${jobId}`;
  return {
    [job]: () => healthJob({ jid: jobId }),
    [`${job}/metrics`]: (q) =>
      q.has('get')
        ? q.get('get') === 'numRestarts'
          ? [{ id: 'numRestarts', value: '0' }]
          : []
        : metricList('uptime', 'numRestarts', 'fullRestarts'),
    [`${job}/checkpoints`]: () => checkpointStats({ completed: { id: 7, ackAt: NOW - 900 } }),
    [`${job}/checkpoints/config`]: () => checkpointConfig(1_000),
    [`${job}/exceptions`]: () => exceptionHistory([]),
    [`${job}/vertices/${SOURCE_ID}/backpressure`]: () => backpressure('high', [[0.86, 0, 0.14]]),
    [`${job}/vertices/${SINK_ID}/backpressure`]: () => backpressure('ok', [[0, 0.998, 0.002]]),
    [`${job}/vertices/${SOURCE_ID}/subtasks/metrics`]: (q) =>
      q.has('get')
        ? aggregates({
            numRecordsInPerSecond: 0,
            numRecordsOutPerSecond: 260,
            'Source__fast_source.currentOutputWatermark': LONG_MIN,
          })
        : metricList(
            'numRecordsInPerSecond',
            'numRecordsOutPerSecond',
            'busyTimeMsPerSecond',
            'Source__fast_source.currentOutputWatermark',
          ),
    [`${job}/vertices/${SINK_ID}/subtasks/metrics`]: (q) =>
      q.has('get')
        ? aggregates({ numRecordsInPerSecond: 31.35, numRecordsOutPerSecond: 0, currentInputWatermark: LONG_MIN })
        : metricList('numRecordsInPerSecond', 'numRecordsOutPerSecond', 'currentInputWatermark', 'slow_sink.numRecordsIn'),
    ...overrides,
  };
}
