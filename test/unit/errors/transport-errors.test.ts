import { describe, expect, it } from 'vitest';
import { FlinkConnectionError, FlinkResponseError, FlinkTimeoutError } from '../../../src/errors/transport-errors.js';

describe('transport errors', () => {
  it('FlinkResponseError keeps only the first 2,000 characters of the body, and the issues', () => {
    const error = new FlinkResponseError('bad', { status: 200, body: 'x'.repeat(5000), issues: [{ path: ['a'] }] });
    expect(error.body).toHaveLength(2000);
    expect(error.issues).toEqual([{ path: ['a'] }]);
    expect(new FlinkResponseError('bad', { status: 200, body: '' }).issues).toEqual([]);
  });

  it('FlinkConnectionError and FlinkTimeoutError carry url, code and timeoutMs', () => {
    expect(new FlinkConnectionError('x', { url: 'http://jm:8081/', code: 'ECONNREFUSED' })).toMatchObject({
      name: 'FlinkConnectionError',
      url: 'http://jm:8081/',
      code: 'ECONNREFUSED',
    });
    expect(new FlinkTimeoutError('x', { timeoutMs: 200 })).toMatchObject({ name: 'FlinkTimeoutError', timeoutMs: 200 });
  });
});
