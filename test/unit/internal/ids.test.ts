import { describe, expect, it } from 'vitest';
import { FlinkInputError } from '../../../src/errors/flink-error.js';
import { checkId, newFlinkId } from '../../../src/internal/ids.js';

describe('checkId', () => {
  it('returns a valid id unchanged', () => {
    expect(checkId('jobId', '0123456789abcdef0123456789abcdef')).toBe('0123456789abcdef0123456789abcdef');
  });

  it.each<[string, unknown]>([
    ['too short', 'abc'],
    ['31 characters', '0123456789abcdef0123456789abcde'],
    ['33 characters', '0123456789abcdef0123456789abcdef0'],
    ['upper case', '0123456789ABCDEF0123456789ABCDEF'],
    ['not hex', '0123456789abcdef0123456789abcdeg'],
    ['with dashes (a UUID)', '01234567-89ab-cdef-0123-456789abcdef'],
    ['surrounded by spaces', ' 0123456789abcdef0123456789abcdef '],
    ['empty', ''],
    ['a number', 42],
    ['undefined', undefined],
  ])('refuses an id that is %s, naming the argument and the value', (_label, value) => {
    expect(() => checkId('jobId', value)).toThrow(FlinkInputError);
    expect(() => checkId('jobId', value)).toThrow(`jobId must be 32 lower-case hex characters`);
    expect(() => checkId('jobId', value)).toThrow(`got ${JSON.stringify(value)}`);
  });
});

describe('newFlinkId', () => {
  it('makes ids that pass checkId and differ each time', () => {
    const ids = new Set(Array.from({ length: 50 }, () => newFlinkId()));
    expect(ids.size).toBe(50);
    for (const id of ids) expect(checkId('jobId', id)).toBe(id);
  });
});
