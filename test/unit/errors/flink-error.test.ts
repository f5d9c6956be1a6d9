import { describe, expect, it } from 'vitest';
import { FlinkError, FlinkInputError, isFlinkError } from '../../../src/errors/flink-error.js';

describe('FlinkError', () => {
  it('sets name, details and cause', () => {
    const cause = new Error('inner');
    const error = new FlinkInputError('bad', { cause, details: 'more' });
    expect(error.name).toBe('FlinkInputError');
    expect(error.message).toBe('bad');
    expect(error.details).toBe('more');
    expect(error.cause).toBe(cause);
    expect(error).toBeInstanceOf(FlinkError);
    expect(error).toBeInstanceOf(Error);
  });

  it('has no cause property when none was given', () => {
    expect('cause' in new FlinkError('x')).toBe(false);
  });
});

describe('isFlinkError', () => {
  it('is true for every FlinkError', () => {
    expect(isFlinkError(new FlinkInputError('x'))).toBe(true);
  });

  it('is true for an error from another copy of flink-kit (same global symbol)', () => {
    const foreign = Object.defineProperty(new Error('x'), Symbol.for('flink-kit.FlinkError'), { value: true });
    expect(isFlinkError(foreign)).toBe(true);
  });

  it.each([new Error('x'), 'FlinkError', null, undefined, { name: 'FlinkError' }])('is false for %o', (value) => {
    expect(isFlinkError(value)).toBe(false);
  });
});
