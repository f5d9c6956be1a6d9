import { describe, expect, it } from 'vitest';
import { FlinkJobFailedError, FlinkOperationError, InsufficientSlotsError } from '../../../src/errors/domain-errors.js';
import { isFlinkError } from '../../../src/errors/flink-error.js';

describe('InsufficientSlotsError', () => {
  it('says what is needed and what the cluster has, and what to do', () => {
    const error = new InsufficientSlotsError({ requested: 10, available: 8, total: 8, taskManagers: 4, slotsPerTaskManager: 2 });
    expect(error.message).toMatch(/^parallelism 10 needs 10 slots, the cluster has 8 \(4 TaskManagers x 2\)\. /);
    expect(error.message).toContain('taskmanager.numberOfTaskSlots');
    expect(error.message).toContain('checkSlots: false');
    expect(error).toMatchObject({ requested: 10, available: 8, total: 8, taskManagers: 4 });
    expect(isFlinkError(error)).toBe(true);
  });

  it('mentions how many slots are free when some are taken', () => {
    const error = new InsufficientSlotsError({ requested: 4, available: 2, total: 8, taskManagers: 4, slotsPerTaskManager: 2 });
    expect(error.message).toContain('the cluster has 8 (4 TaskManagers x 2), 2 of them free.');
  });

  it('leaves out slots per TaskManager when they differ', () => {
    const error = new InsufficientSlotsError({ requested: 9, available: 5, total: 5, taskManagers: 2, slotsPerTaskManager: undefined });
    expect(error.message).toContain('the cluster has 5 (2 TaskManagers).');
  });
});

describe('FlinkJobFailedError and FlinkOperationError', () => {
  it('carry what was awaited', () => {
    const failed = new FlinkJobFailedError('job ended FAILED', {
      jobId: 'j',
      state: 'FAILED',
      rootCause: 'ArithmeticException: / by zero',
    });
    expect(failed).toMatchObject({ name: 'FlinkJobFailedError', jobId: 'j', state: 'FAILED', rootCause: 'ArithmeticException: / by zero' });
    const op = new FlinkOperationError('savepoint failed', { operation: 'savepoint', failureCause: 'x', rootCause: 'y' });
    expect(op).toMatchObject({ name: 'FlinkOperationError', operation: 'savepoint', failureCause: 'x', rootCause: 'y' });
  });
});
