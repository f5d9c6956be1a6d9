import { describe, expect, it } from 'vitest';
import { AsyncOperation, type OperationSpec } from '../../../src/core/async-operation.js';
import { FlinkApiError, FlinkNotFoundError } from '../../../src/errors/api-errors.js';
import { FlinkOperationError } from '../../../src/errors/domain-errors.js';
import { FlinkResponseError, FlinkTimeoutError } from '../../../src/errors/transport-errors.js';
import { CheckpointResult, SavepointResult } from '../../../src/schemas/operations.js';
import { Transport } from '../../../src/transport/http.js';
import { path } from '../../../src/transport/path.js';
import { caught } from '../../fakes/caught.js';
import {
  checkpointTriggerCompleted,
  disposalCompleted,
  flinkErrors,
  internalServerError,
  JOB_ID,
  MKDIRS_TRACE,
  operationFailed,
  operationInProgress,
  SAVEPOINT_PATH,
  savepointCompleted,
  TRIGGER_ID,
  unknownTriggerErrors,
} from '../../fakes/flink-replies.js';
import { FLINK_URL, fakeDispatcher, inOrder, route, useFakeFlink } from '../../fakes/mock-flink.js';

const flink = useFakeFlink();

const STATUS_ROUTE = `/jobs/${JOB_ID}/savepoints/${TRIGGER_ID}`;
const statusCalls = () => flink.calls().filter((c) => c === `GET /v1${STATUS_ROUTE}`).length;

/** What resources hand an AsyncOperation: a transport to the fake Flink (fast retries). */
function context(): Transport {
  return new Transport({ url: FLINK_URL, dispatcher: fakeDispatcher, retry: { retries: 2, minDelayMs: 1, maxDelayMs: 5 } });
}

/** A savepoint operation of JOB_ID with trigger TRIGGER_ID, optionally with other spec fields. */
function savepointOp(over: Partial<OperationSpec<{ location: string }>> = {}): AsyncOperation<{ location: string }> {
  return new AsyncOperation(context(), {
    kind: 'savepoint',
    triggerId: TRIGGER_ID,
    jobId: JOB_ID,
    statusPath: path`/jobs/${JOB_ID}/savepoints/${TRIGGER_ID}`,
    result: SavepointResult,
    ...over,
  });
}

const fast = { pollIntervalMs: 5 };

describe('AsyncOperation.status', () => {
  it('makes no request until asked, and exposes the trigger id and kind', () => {
    const op = savepointOp();
    expect(op.triggerId).toBe(TRIGGER_ID);
    expect(op.kind).toBe('savepoint');
    expect(flink.requests).toHaveLength(0);
  });

  it('IN_PROGRESS with operation null is IN_PROGRESS', async () => {
    flink.use(route.get(STATUS_ROUTE, () => Response.json(operationInProgress())));
    await expect(savepointOp().status()).resolves.toEqual({ state: 'IN_PROGRESS' });
  });

  it('COMPLETED with a location is COMPLETED with the parsed result', async () => {
    flink.use(route.get(STATUS_ROUTE, () => Response.json(savepointCompleted())));
    await expect(savepointOp().status()).resolves.toEqual({ state: 'COMPLETED', result: { location: SAVEPOINT_PATH } });
  });

  it('COMPLETED with a failure-cause is FAILED, with the first line, the root cause and the full trace', async () => {
    flink.use(route.get(STATUS_ROUTE, () => Response.json(operationFailed(MKDIRS_TRACE))));
    const status = await savepointOp().status();
    expect(status).toEqual({
      state: 'FAILED',
      failure: {
        message:
          'CompletionException: org.apache.flink.runtime.checkpoint.CheckpointException: An Exception occurred while triggering the checkpoint. IO-problem detected.',
        rootCause: 'IOException: Mkdirs failed to create /proc/nope',
        stackTrace: MKDIRS_TRACE,
      },
    });
  });

  it('a 404 (unknown or expired trigger id) is a FlinkOperationError naming rest.async.store-duration', async () => {
    flink.use(route.get(STATUS_ROUTE, () => Response.json(unknownTriggerErrors(TRIGGER_ID, JOB_ID), { status: 404 })));
    const error = await caught(savepointOp().status(), FlinkOperationError);
    expect(error.operation).toBe('savepoint');
    expect(error.message).toContain(`savepoint ${TRIGGER_ID} of job ${JOB_ID} is unknown to the JobManager`);
    expect(error.message).toContain('rest.async.store-duration');
    expect(error.message).toContain('failed over');
    expect(error.cause).toBeInstanceOf(FlinkNotFoundError);
    expect(statusCalls()).toBe(1); // a 404 is not retried
  });

  it('other HTTP errors pass through as they are', async () => {
    flink.use(route.get(STATUS_ROUTE, () => Response.json(internalServerError('java.lang.NullPointerException: boom'), { status: 500 })));
    const error = await caught(savepointOp().status(), FlinkApiError);
    expect(error.status).toBe(500);
  });

  it('a 503 is retried by the transport', async () => {
    let calls = 0;
    flink.use(
      route.get(STATUS_ROUTE, () =>
        ++calls === 1 ? Response.json(flinkErrors('leader changed'), { status: 503 }) : Response.json(savepointCompleted()),
      ),
    );
    await expect(savepointOp().status()).resolves.toMatchObject({ state: 'COMPLETED' });
    expect(calls).toBe(2);
  });

  it('a COMPLETED result of an unexpected shape is a FlinkResponseError, not a bare schema error', async () => {
    flink.use(route.get(STATUS_ROUTE, () => Response.json({ status: { id: 'COMPLETED' }, operation: { path: 'x' } })));
    const error = await caught(savepointOp().status(), FlinkResponseError);
    expect(error.message).toContain('location');
    expect(error.body).toContain('"path"');
  });

  it('a failure-cause of null is not a failure (disposal success)', async () => {
    flink.use(
      route.get('/savepoint-disposal/:id', () => Response.json({ status: { id: 'COMPLETED' }, operation: { 'failure-cause': null } })),
    );
    const op = new AsyncOperation<void>(context(), {
      kind: 'disposal',
      triggerId: TRIGGER_ID,
      statusPath: `/savepoint-disposal/${TRIGGER_ID}`,
    });
    await expect(op.status()).resolves.toEqual({ state: 'COMPLETED', result: undefined });
  });

  it('a failure-cause with only a class still counts as a failure', async () => {
    flink.use(
      route.get(STATUS_ROUTE, () =>
        Response.json({ status: { id: 'COMPLETED' }, operation: { 'failure-cause': { class: 'java.lang.IllegalStateException' } } }),
      ),
    );
    const status = await savepointOp().status();
    expect(status).toEqual({ state: 'FAILED', failure: { message: 'IllegalStateException', rootCause: undefined, stackTrace: undefined } });
  });
});

describe('AsyncOperation.result', () => {
  it('polls through IN_PROGRESS until COMPLETED and returns the result', async () => {
    flink.use(route.get(STATUS_ROUTE, inOrder(operationInProgress(), operationInProgress(), savepointCompleted())));
    await expect(savepointOp().result(fast)).resolves.toEqual({ location: SAVEPOINT_PATH });
    expect(statusCalls()).toBe(3);
  });

  it('keeps polling through 503s beyond the retry budget of one look (a JobManager electing a leader)', async () => {
    let look = 0;
    flink.use(
      route.get(STATUS_ROUTE, () =>
        ++look <= 4 ? Response.json(flinkErrors('Service temporarily unavailable'), { status: 503 }) : Response.json(savepointCompleted()),
      ),
    );
    await expect(savepointOp().result(fast)).resolves.toEqual({ location: SAVEPOINT_PATH });
    expect(statusCalls()).toBe(5);
  });

  it('a failure is a FlinkOperationError with Flink cause, root cause and trace', async () => {
    flink.use(route.get(STATUS_ROUTE, inOrder(operationInProgress(), operationFailed(MKDIRS_TRACE))));
    const error = await caught(savepointOp().result(fast), FlinkOperationError);
    expect(error.operation).toBe('savepoint');
    expect(error.rootCause).toBe('IOException: Mkdirs failed to create /proc/nope');
    expect(error.failureCause).toContain('IO-problem detected');
    expect(error.details).toBe(MKDIRS_TRACE);
    expect(error.savepointPath).toBeUndefined();
    expect(error.message).toBe(`savepoint ${TRIGGER_ID} of job ${JOB_ID} failed: IOException: Mkdirs failed to create /proc/nope`);
    expect(statusCalls()).toBe(2);
  });

  it('onFailure builds the error when given', async () => {
    flink.use(route.get(STATUS_ROUTE, () => Response.json(operationFailed(MKDIRS_TRACE))));
    const custom = new FlinkOperationError('custom', { operation: 'savepoint' });
    const op = savepointOp({
      onFailure: async (failure) =>
        failure.rootCause?.startsWith('IOException') ? custom : new FlinkOperationError('other', { operation: 'x' }),
    });
    await expect(op.result(fast)).rejects.toBe(custom);
  });

  it('a checkpoint failure uses the camelCase failureCause', async () => {
    flink.use(route.get(`/jobs/${JOB_ID}/checkpoints/${TRIGGER_ID}`, () => Response.json(operationFailed(MKDIRS_TRACE, 'failureCause'))));
    const op = new AsyncOperation(context(), {
      kind: 'checkpoint',
      triggerId: TRIGGER_ID,
      jobId: JOB_ID,
      statusPath: `/jobs/${JOB_ID}/checkpoints/${TRIGGER_ID}`,
      result: CheckpointResult,
    });
    const error = await caught(op.result(fast), FlinkOperationError);
    expect(error.operation).toBe('checkpoint');
    expect(error.message).toContain(`checkpoint ${TRIGGER_ID} of job ${JOB_ID} failed: IOException: Mkdirs failed to create /proc/nope`);
  });

  it('a checkpoint success returns the checkpoint id', async () => {
    flink.use(route.get(`/jobs/${JOB_ID}/checkpoints/${TRIGGER_ID}`, inOrder(operationInProgress(), checkpointTriggerCompleted(12))));
    const op = new AsyncOperation(context(), {
      kind: 'checkpoint',
      triggerId: TRIGGER_ID,
      statusPath: `/jobs/${JOB_ID}/checkpoints/${TRIGGER_ID}`,
      result: CheckpointResult,
    });
    await expect(op.result(fast)).resolves.toEqual({ checkpointId: 12 });
  });

  it('an operation without a result schema (disposal) resolves with undefined on an empty operation', async () => {
    flink.use(route.get(`/savepoint-disposal/${TRIGGER_ID}`, inOrder(operationInProgress(), disposalCompleted())));
    const op = new AsyncOperation<void>(context(), {
      kind: 'disposal',
      triggerId: TRIGGER_ID,
      statusPath: `/savepoint-disposal/${TRIGGER_ID}`,
    });
    await expect(op.result(fast)).resolves.toBeUndefined();
  });

  it('a 404 while waiting ends the wait with the expiry FlinkOperationError', async () => {
    flink.use(route.get(STATUS_ROUTE, () => Response.json(unknownTriggerErrors(TRIGGER_ID, JOB_ID), { status: 404 })));
    const error = await caught(savepointOp().result(fast), FlinkOperationError);
    expect(error.message).toContain('rest.async.store-duration');
    expect(statusCalls()).toBe(1);
  });

  it('a deadline is a FlinkTimeoutError naming the operation and what was last seen', async () => {
    flink.use(route.get(STATUS_ROUTE, () => Response.json(operationInProgress())));
    // Long enough for more than one look on a busy machine (the first also loads zod and the schemas).
    const error = await caught(savepointOp().result({ waitTimeoutMs: 500, pollIntervalMs: 10 }), FlinkTimeoutError);
    expect(error.timeoutMs).toBe(500);
    expect(error.message).toContain(`waiting for savepoint ${TRIGGER_ID} of job ${JOB_ID} to complete (last seen: IN_PROGRESS)`);
    expect(statusCalls()).toBeGreaterThan(1);
  });

  it('an abort rejects with the reason and stops polling', async () => {
    const controller = new AbortController();
    const reason = new Error('user cancelled');
    flink.use(
      route.get(STATUS_ROUTE, () => {
        controller.abort(reason);
        return Response.json(operationInProgress());
      }),
    );
    await expect(savepointOp().result({ signal: controller.signal, pollIntervalMs: 60_000 })).rejects.toBe(reason);
    expect(statusCalls()).toBe(1);
  });

  it('a signal aborted before the first look makes no request', async () => {
    const reason = new Error('already cancelled');
    await expect(savepointOp().result({ signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(flink.requests).toHaveLength(0);
  });
});
