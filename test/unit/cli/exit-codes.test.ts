import { describe, expect, it } from 'vitest';
import { EXIT, exitCodeOf } from '../../../src/cli/exit-codes.ts';
import {
  FlinkApiError,
  FlinkConflictError,
  FlinkConnectionError,
  FlinkError,
  FlinkInputError,
  FlinkJobFailedError,
  FlinkKubernetesError,
  FlinkNotFoundError,
  FlinkOperationError,
  FlinkResponseError,
  FlinkTimeoutError,
  FlinkUpgradeError,
  InsufficientSlotsError,
} from '../../../src/errors/index.ts';

const api = { status: 404, method: 'GET', path: '/jobs/x', errors: [] };

describe('exit codes', () => {
  it.each([
    [new FlinkInputError('x'), EXIT.input, 3],
    [new FlinkNotFoundError(api), EXIT.notFound, 4],
    [new FlinkConflictError({ ...api, status: 409 }), EXIT.conflict, 5],
    [new FlinkConnectionError('x', { url: 'u' }), EXIT.connection, 6],
    [new FlinkTimeoutError('x', { timeoutMs: 1 }), EXIT.timeout, 7],
    [new FlinkJobFailedError('x', { jobId: 'j', state: 'FAILED' }), EXIT.jobFailed, 8],
    [new FlinkOperationError('x', { operation: 'savepoint' }), EXIT.operationFailed, 9],
    [new FlinkUpgradeError('x', { previousJobId: 'j', savepointPath: 's', rolledBack: true }), EXIT.operationFailed, 9],
    [new InsufficientSlotsError({ requested: 5, available: 4, total: 4, taskManagers: 2 }), EXIT.insufficientSlots, 10],
    [new FlinkKubernetesError('x', { reason: 'namespace-not-found' }), EXIT.kubernetes, 12],
    [new FlinkApiError({ ...api, status: 500 }), EXIT.error, 1],
    [new FlinkResponseError('x', { status: 200, body: '' }), EXIT.error, 1],
    [new FlinkError('x'), EXIT.error, 1],
    [Object.assign(new Error('interrupted'), { name: 'AbortError' }), EXIT.interrupted, 130],
    [new TypeError('a bug'), EXIT.internal, 70],
    ['a string', EXIT.internal, 70],
  ])('%s -> %i', (error, code, number) => {
    expect(exitCodeOf(error)).toBe(code);
    expect(code).toBe(number);
  });

  it('a subclass inherits its parent class code', () => {
    class FlinkKubeConnectionError extends FlinkConnectionError {}
    expect(exitCodeOf(new FlinkKubeConnectionError('x', { url: 'u' }))).toBe(EXIT.connection);
  });

  it('every code is distinct', () => {
    const codes = Object.values(EXIT);
    expect(new Set(codes).size).toBe(codes.length);
  });
});
