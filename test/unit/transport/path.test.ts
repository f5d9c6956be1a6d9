import { describe, expect, it } from 'vitest';
import { FlinkInputError } from '../../../src/errors/flink-error.js';
import { path } from '../../../src/transport/path.js';

describe('path', () => {
  it('splices values between the literal parts', () => {
    expect(path`/jobs/${'0123456789abcdef0123456789abcdef'}/savepoints/${'fedcba9876543210fedcba9876543210'}`).toBe(
      '/jobs/0123456789abcdef0123456789abcdef/savepoints/fedcba9876543210fedcba9876543210',
    );
  });

  it('returns a template without values unchanged', () => {
    expect(path`/overview`).toBe('/overview');
  });

  it('accepts numbers', () => {
    expect(path`/jobs/x/checkpoints/details/${42}`).toBe('/jobs/x/checkpoints/details/42');
  });

  it.each([
    ['abc def.jar', 'abc%20def.jar'],
    ['ä_app.jar', '%C3%A4_app.jar'],
    ['a&b=c', 'a%26b%3Dc'],
    ['100%', '100%25'],
    // An encoded traversal stays encoded: the server never sees "..".
    ['%2e%2e', '%252e%252e'],
    ['a..b', 'a..b'],
  ])('percent-encodes %j as %j', (value, encoded) => {
    expect(path`/jars/${value}/run`).toBe(`/jars/${encoded}/run`);
  });

  it.each(['', '.', '..', 'a/b', '../jobs', '/', 'a?mode=stop', 'a#frag', 'a\\b'])('refuses %j with a FlinkInputError', (value) => {
    expect(() => path`/jars/${value}`).toThrow(FlinkInputError);
    expect(() => path`/jars/${value}`).toThrow(`invalid path segment ${JSON.stringify(value)}`);
  });

  it('checks every value, not only the first', () => {
    expect(() => path`/jobs/${'ok'}/savepoints/${'..'}`).toThrow(FlinkInputError);
  });
});
