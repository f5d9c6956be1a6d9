import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CheckpointEvent, WatchOptions } from '../../../src/core/checkpoint-watch.js';
import { FlinkApiError, FlinkNotFoundError } from '../../../src/errors/api-errors.js';
import { FlinkInputError } from '../../../src/errors/flink-error.js';
import { FlinkResponseError } from '../../../src/errors/transport-errors.js';
import { caught } from '../../fakes/caught.js';
import {
  checkpointEntry,
  checkpointStats,
  flinkErrors,
  internalServerError,
  JOB_ID,
  jobStatusNotFoundErrors,
  nginxPage,
  restoredEntry,
} from '../../fakes/flink-replies.js';
import { fakeClient, route, useFakeFlink } from '../../fakes/mock-flink.js';

const flink = useFakeFlink();

const INTERVAL = 50;
const STATS = `GET /v1/jobs/${JOB_ID}/checkpoints`;
const STATUS = `GET /v1/jobs/${JOB_ID}/status`;

/** One scripted answer: a JSON body, or a resolver for errors. */
type Step = unknown;
const refused = (): Response => Response.error();
const unavailable = (): Response =>
  Response.json(flinkErrors('Service temporarily unavailable due to an ongoing leader election.'), { status: 503 });
const gone = (): Response => Response.json(flinkErrors('Job could not be found.'), { status: 404 });

/** Answers `steps` one after another, repeating the last one. */
function sequence(steps: readonly Step[]): () => Response {
  let next = 0;
  return () => {
    const step = steps[Math.min(next++, steps.length - 1)];
    return typeof step === 'function' ? (step as () => Response)() : Response.json(step);
  };
}

/** Scripts the two routes the watch reads: checkpoint statistics and job status (`{ status }` bodies from state names). */
function script(stats: readonly Step[], states: readonly Step[]): void {
  flink.use(
    route.get(`/jobs/${JOB_ID}/checkpoints`, sequence(stats)),
    route.get(`/jobs/${JOB_ID}/status`, sequence(states.map((s) => (typeof s === 'string' ? { status: s } : s)))),
  );
}

/** History of completed checkpoints with the given ids, newest first. */
function completed(...ids: number[]): Array<Record<string, unknown>> {
  return ids.sort((a, b) => b - a).map((id) => checkpointEntry(id));
}

/** Every event of the watch until it ends (or `stop` says enough). */
async function collect(events: AsyncIterable<CheckpointEvent>, stop?: (seen: CheckpointEvent[]) => boolean): Promise<CheckpointEvent[]> {
  const seen: CheckpointEvent[] = [];
  for await (const event of events) {
    seen.push(event);
    if (stop?.(seen)) break;
  }
  return seen;
}

/** Events in short form: `completed 4`, `failed 2`, `state RUNNING`, `missed 6`, `restored 7`. */
function short(events: readonly CheckpointEvent[]): string[] {
  return events.map((e) => {
    if (e.type === 'state') return `state ${e.state}`;
    if (e.type === 'missed') return `missed ${e.count}`;
    return `${e.type} ${e.checkpointId}`;
  });
}

/** Ends any watch a failed test left running, so it cannot make requests during the next test. */
let cleanup = new AbortController();
beforeEach(() => {
  cleanup = new AbortController();
});
afterEach(() => cleanup.abort());

/** A watch of JOB_ID every 50 ms, ended by the test's cleanup too. */
const watch = (options: WatchOptions = {}) =>
  fakeClient().checkpoints.watch(JOB_ID, {
    intervalMs: INTERVAL,
    ...options,
    signal: options.signal ? AbortSignal.any([options.signal, cleanup.signal]) : cleanup.signal,
  });

describe('checkpoints.watch: what is reported', () => {
  it('the first look is the baseline; later checkpoints come once each, in increasing order, even several per look', async () => {
    script(
      [checkpointStats(completed(1, 2, 3)), checkpointStats(completed(1, 2, 3, 4, 5, 6)), checkpointStats(completed(2, 3, 4, 5, 6, 7))],
      ['RUNNING', 'FINISHED'],
    );
    const events = await collect(watch());
    expect(short(events)).toEqual(['state RUNNING', 'completed 4', 'completed 5', 'completed 6', 'state FINISHED', 'completed 7']);
    expect(events[1]).toEqual({
      type: 'completed',
      checkpointId: 4,
      isSavepoint: false,
      externalPath: `file:/tmp/x/checkpoints/${JOB_ID}/chk-4`,
      stateSize: 2967,
      checkpointedSize: 2967,
      durationMs: 34,
      triggeredAt: 1_795_250_484_000,
      completedAt: 1_795_250_484_034,
    });
    expect(events[0]).toEqual({ type: 'state', state: 'RUNNING', previous: undefined });
    expect(flink.calls()).toEqual([STATS, STATUS, STATS, STATUS, STATS]);
  });

  it('a checkpoint IN_PROGRESS at one look and COMPLETED at the next is reported exactly once', async () => {
    script(
      [
        checkpointStats(completed(1)),
        checkpointStats([checkpointEntry(2, 'IN_PROGRESS'), ...completed(1)]),
        checkpointStats(completed(1, 2)),
        checkpointStats([checkpointEntry(3, 'IN_PROGRESS'), ...completed(1, 2)]),
      ],
      ['RUNNING', 'RUNNING', 'FINISHED'],
    );
    const events = await collect(watch());
    expect(short(events)).toEqual(['state RUNNING', 'completed 2', 'state FINISHED']);
  });

  it('a checkpoint in progress at the first look, below one that already completed, is reported when it completes', async () => {
    // Concurrent checkpoints, or a savepoint taken while a checkpoint runs: ids settle out of order.
    const savepoint6 = checkpointEntry(6, 'COMPLETED', { savepoint: true });
    script(
      [
        checkpointStats([savepoint6, checkpointEntry(5, 'IN_PROGRESS'), checkpointEntry(4)]),
        checkpointStats([savepoint6, ...completed(4, 5)]),
      ],
      ['FINISHED'],
    );
    const events = await collect(watch());
    expect(short(events)).toEqual(['state FINISHED', 'completed 5']);
  });

  it('a failed checkpoint or savepoint is a failed event with its message', async () => {
    script(
      [
        checkpointStats(completed(1)),
        checkpointStats([checkpointEntry(2, 'FAILED', { savepoint: true, failureMessage: 'Checkpoint was declined.' }), ...completed(1)]),
      ],
      ['RUNNING', 'FINISHED'],
    );
    const events = await collect(watch());
    expect(short(events)).toEqual(['state RUNNING', 'failed 2', 'state FINISHED']);
    expect(events[1]).toEqual({
      type: 'failed',
      checkpointId: 2,
      isSavepoint: true,
      failureMessage: 'Checkpoint was declined.',
      triggeredAt: 1_795_250_482_000,
      failedAt: 1_795_250_482_500,
    });
  });

  it('more completions than the history shows give one missed event with the difference', async () => {
    const ten = Array.from({ length: 10 }, (_, i) => 11 + i); // 11..20: the history holds 10
    script(
      [checkpointStats(completed(1, 2, 3, 4)), checkpointStats(completed(...ten), { counts: { completed: 20 } })],
      ['RUNNING', 'FINISHED'],
    );
    const events = await collect(watch());
    expect(short(events)).toEqual(['state RUNNING', ...ten.map((id) => `completed ${id}`), 'missed 6', 'state FINISHED']);
  });

  it('a new restore (changed restore_timestamp) is one restored event, the restore before the watch is not; from a checkpoint never seen, one missed too', async () => {
    const before = checkpointStats(completed(1), { restored: restoredEntry(1, 'file:/sp/savepoint-a', 1_795_250_400_000) });
    const afterFailover = checkpointStats([], {
      restored: restoredEntry(7, 'file:/tmp/x/checkpoints/chk-7', 1_795_250_500_000),
      counts: { completed: 0 },
    });
    script([before, before, afterFailover, afterFailover], ['RUNNING', 'RESTARTING', 'RUNNING', 'CANCELED']);
    const events = await collect(watch());
    // A new JobManager's statistics (counts from zero) restored checkpoint 7, which completed on the old one unseen.
    expect(short(events)).toEqual(['state RUNNING', 'state RESTARTING', 'restored 7', 'missed 1', 'state RUNNING', 'state CANCELED']);
    expect(events[2]).toEqual({
      type: 'restored',
      checkpointId: 7,
      isSavepoint: true,
      externalPath: 'file:/tmp/x/checkpoints/chk-7',
      restoredAt: 1_795_250_500_000,
    });
  });

  it('a failover that restores the last checkpoint reported misses nothing; the new JobManager counting from zero is no loss', async () => {
    const T0 = 1_795_250_480_000;
    const old = checkpointStats(completed(1, 2, 3, 4, 5));
    const successor = checkpointStats(completed(6, 7), {
      restored: restoredEntry(5, 'file:/tmp/x/checkpoints/chk-5', T0 + 5_500),
      counts: { total: 2 }, // its own statistics: 2 checkpoints triggered since it took over
    });
    script(
      [checkpointStats(completed(1, 2, 3)), old, refused, refused, successor],
      ['RUNNING', refused, unavailable, 'RUNNING', 'CANCELED'],
    );
    const events = await collect(watch());
    expect(short(events)).toEqual([
      'state RUNNING',
      'completed 4',
      'completed 5',
      'restored 5',
      'completed 6',
      'completed 7',
      'state CANCELED',
    ]);
  });

  it('after a failover, completions beyond the new history are counted from zero, plus the unseen checkpoint restored', async () => {
    const T0 = 1_795_250_480_000;
    const ids = Array.from({ length: 10 }, (_, i) => 8 + i); // the new JobManager completed 6..17; its history holds 8..17
    const successor = checkpointStats(completed(...ids), {
      restored: restoredEntry(5, 'file:/tmp/x/checkpoints/chk-5', T0 + 5_500),
      counts: { completed: 12, total: 12 },
    });
    script([checkpointStats(completed(1, 2, 3)), refused, successor], [refused, 'RUNNING', 'CANCELED']);
    const events = await collect(watch());
    // More in total than before: the new statistics are told by their first counted id (6, was 1).
    expect(short(events)).toEqual(['state RUNNING', 'restored 5', ...ids.map((id) => `completed ${id}`), 'missed 3', 'state CANCELED']);
  });

  it('a look spanning a restore yields checkpoints and the restore in the order they happened', async () => {
    // Flink caches the statistics for 3 s: one look can hold checkpoints from before and after a
    // restart. Checkpoint n is acknowledged at T0 + n s (+34 ms); the restore from 3 happens at T0 + 4 s.
    const restore = restoredEntry(3, 'file:/tmp/x/checkpoints/chk-3', 1_795_250_480_000 + 4_000);
    const look = checkpointStats(completed(1, 2, 3, 5, 6), { restored: restore });
    script([checkpointStats(completed(1)), look], ['RUNNING', 'FINISHED']);
    const events = await collect(watch());
    expect(short(events)).toEqual([
      'state RUNNING',
      'completed 2',
      'completed 3',
      'restored 3',
      'completed 5',
      'completed 6',
      'state FINISHED',
    ]);
  });

  it('afterCheckpointId reports the settled checkpoints above it from the first look on', async () => {
    script([checkpointStats(completed(1, 2, 3, 4))], ['FINISHED']);
    const events = await collect(watch({ afterCheckpointId: 2 }));
    expect(short(events)).toEqual(['completed 3', 'completed 4', 'state FINISHED']);
  });
});

describe('checkpoints.watch: job state and the end', () => {
  it('yields a state event for each change only, and ends after one more stats look once the job is terminal', async () => {
    script([checkpointStats(completed(1))], ['RUNNING', 'RESTARTING', 'RUNNING', 'RUNNING', 'CANCELED']);
    const events = await collect(watch());
    expect(events).toEqual([
      { type: 'state', state: 'RUNNING', previous: undefined },
      { type: 'state', state: 'RESTARTING', previous: 'RUNNING' },
      { type: 'state', state: 'RUNNING', previous: 'RESTARTING' },
      { type: 'state', state: 'CANCELED', previous: 'RUNNING' },
    ]);
    expect(flink.calls()).toEqual([STATS, STATUS, STATS, STATUS, STATS, STATUS, STATS, STATUS, STATS, STATUS, STATS]);
  });

  it("the final look's new checkpoints are reported (e.g. the savepoint of a stop)", async () => {
    script(
      [checkpointStats(completed(1)), checkpointStats([checkpointEntry(2, 'COMPLETED', { savepoint: true }), ...completed(1)])],
      ['FINISHED'],
    );
    const events = await collect(watch());
    expect(short(events)).toEqual(['state FINISHED', 'completed 2']);
    expect(events[1]).toMatchObject({ isSavepoint: true, externalPath: 'file:/tmp/x/savepoints/savepoint-00bd84-2' });
    expect(flink.calls()).toEqual([STATS, STATUS, STATS]);
  });
});

describe('checkpoints.watch: failures', () => {
  it('refused connections and 503s for a few looks do not end the watch; events after recovery arrive', async () => {
    script(
      [checkpointStats(completed(1)), refused, unavailable, checkpointStats(completed(1, 2, 3))],
      [unavailable, 'RUNNING', 'FINISHED'],
    );
    const events = await collect(watch());
    expect(short(events)).toEqual(['state RUNNING', 'state FINISHED', 'completed 2', 'completed 3']);
    // Each failed look is one request: the watch does its own retrying, not the transport.
    expect(flink.calls()).toEqual([STATS, STATUS, STATS, STATUS, STATS, STATUS, STATS]);
  });

  it('a 404 shorter than notFoundGraceMs (a JobManager failover) does not end the watch', async () => {
    script([checkpointStats(completed(1)), gone, checkpointStats(completed(1, 2))], [gone, 'RUNNING', 'FINISHED']);
    const events = await collect(watch({ notFoundGraceMs: 10_000 }));
    expect(short(events)).toEqual(['state RUNNING', 'completed 2', 'state FINISHED']);
  });

  it('a 404 for longer than notFoundGraceMs is a FlinkNotFoundError', async () => {
    script([checkpointStats(completed(1)), gone], ['RUNNING', gone]);
    const seen: CheckpointEvent[] = [];
    const run = async () => {
      for await (const event of watch({ notFoundGraceMs: 100 })) seen.push(event);
    };
    const error = await caught(run(), FlinkNotFoundError);
    expect(error.message).toContain('Job could not be found.');
    expect(short(seen)).toEqual(['state RUNNING']);
    expect(flink.calls().length).toBeGreaterThan(3); // it kept looking during the grace period
  });

  it('a vanished job (stats 404, status 500 FlinkJobNotFoundException as in Flink 1.18-1.20) ends the watch after the grace', async () => {
    script([checkpointStats(completed(1)), gone], [() => Response.json(jobStatusNotFoundErrors(JOB_ID), { status: 500 })]);
    await caught(collect(watch({ notFoundGraceMs: 100 })), FlinkNotFoundError);
  });

  it('another 500 ends the watch: Flink sends it when a handler threw, and a later look gets the same (the one transient rule)', async () => {
    const crash = () => Response.json(internalServerError('java.lang.NullPointerException'), { status: 500 });
    script([checkpointStats(completed(1)), crash, checkpointStats(completed(1, 2))], ['RUNNING', 'FINISHED']);
    const seen: CheckpointEvent[] = [];
    const run = async () => {
      for await (const event of watch()) seen.push(event);
    };
    const error = await caught(run(), FlinkApiError);
    expect(error.status).toBe(500);
    expect(error.message).toContain('NullPointerException');
    expect(short(seen)).toEqual(['state RUNNING']);
  });

  it('a reply that is not Flink (an HTML page) ends the watch with a FlinkResponseError', async () => {
    flink.use(
      route.get(
        `/jobs/${JOB_ID}/checkpoints`,
        () => new Response(nginxPage('Welcome to nginx!'), { headers: { 'content-type': 'text/html' } }),
      ),
    );
    await caught(collect(watch()), FlinkResponseError);
    expect(flink.calls()).toEqual([STATS]);
  });
});

describe('checkpoints.watch: abort', () => {
  it('aborting while the watch sleeps ends the loop without an error and without another request', async () => {
    script([checkpointStats(completed(1))], ['RUNNING']);
    const controller = new AbortController();
    let requestsAtAbort = -1;
    const events = await collect(watch({ signal: controller.signal }), (seen) => {
      if (seen.length === 1) {
        requestsAtAbort = flink.requests.length;
        controller.abort();
      }
      return false; // keep iterating: the watch itself must end
    });
    expect(short(events)).toEqual(['state RUNNING']);
    expect(flink.requests).toHaveLength(requestsAtAbort);
  });

  it('aborting during a request ends the loop without an error', async () => {
    const controller = new AbortController();
    script(
      [checkpointStats(completed(1))],
      [
        () => {
          controller.abort(new Error('stop watching'));
          return Response.json({ status: 'RUNNING' });
        },
      ],
    );
    const events = await collect(watch({ signal: controller.signal }));
    expect(events.length).toBeLessThanOrEqual(1);
    expect(flink.calls()).toEqual([STATS, STATUS]);
  });

  it('a signal aborted before the start makes no request', async () => {
    await expect(collect(watch({ signal: AbortSignal.abort() }))).resolves.toEqual([]);
    expect(flink.requests).toHaveLength(0);
  });
});

describe('checkpoints.watch: pacing and input', () => {
  it('reads stats, then status, once per interval, however many events a look yields', async () => {
    let look = 0;
    flink.use(
      route.get(`/jobs/${JOB_ID}/checkpoints`, () => {
        look++; // three new checkpoints per look
        return Response.json(checkpointStats(completed(...Array.from({ length: 3 * look }, (_, i) => i + 1).slice(-10))));
      }),
      route.get(
        `/jobs/${JOB_ID}/status`,
        sequence(['RUNNING', 'RUNNING', 'RUNNING', 'RUNNING', 'RUNNING', 'FINISHED'].map((s) => ({ status: s }))),
      ),
    );
    const started = performance.now();
    const events = await collect(watch());
    const elapsed = performance.now() - started;
    const calls = flink.calls();
    expect(calls).toEqual(calls.map((_, i) => (i % 2 === 0 ? STATS : STATUS)));
    expect(calls).toHaveLength(13); // 7 stats looks (the last the final one), 6 status looks
    expect(events.filter((e) => e.type === 'completed')).toHaveLength(18); // 3 per look after the baseline
    // 13 requests are 7 looks with 6 pauses of intervalMs between them: at most two requests per
    // interval, no burst (10% slack for timer rounding).
    const pauses = Math.floor(elapsed / (INTERVAL * 0.9));
    expect(pauses).toBeGreaterThanOrEqual(6);
    expect(calls.length).toBeLessThanOrEqual(2 * (pauses + 1));
  });

  it.each([
    ['below 50', 49],
    ['zero', 0],
    ['NaN', Number.NaN],
  ])('intervalMs %s is a FlinkInputError, with no request', async (_label, intervalMs) => {
    const error = await caught(collect(fakeClient().checkpoints.watch(JOB_ID, { intervalMs })), FlinkInputError);
    expect(error.message).toContain('intervalMs must be at least 50');
    expect(flink.requests).toHaveLength(0);
  });

  it('a malformed job id is a FlinkInputError at once', () => {
    expect(() => fakeClient().checkpoints.watch('nope')).toThrow(FlinkInputError);
    expect(flink.requests).toHaveLength(0);
  });
});
