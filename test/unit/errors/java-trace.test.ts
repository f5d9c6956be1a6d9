import { describe, expect, it } from 'vitest';
import { rootCauseOf, shorten } from '../../../src/errors/java-trace.js';
import { CLASS_NOT_FOUND_TRACE, DIVIDE_BY_ZERO_TRACE, internalServerError } from '../../fakes/flink-replies.js';

describe('rootCauseOf', () => {
  it("takes the last Caused by: of Flink's two-element 500 body", () => {
    expect(rootCauseOf(internalServerError(CLASS_NOT_FOUND_TRACE).errors)).toBe('ClassNotFoundException: com.acme.Main');
  });

  it('takes the last Caused by: of a single trace string', () => {
    expect(rootCauseOf(DIVIDE_BY_ZERO_TRACE)).toBe('ArithmeticException: / by zero');
  });

  it('takes the first line of a trace without Caused by:', () => {
    expect(rootCauseOf('java.lang.IllegalStateException: no leader\n\tat org.apache.flink.X.y(X.java:1)')).toBe(
      'IllegalStateException: no leader',
    );
  });

  it('reads Windows line endings and indented Caused by: lines', () => {
    const trace =
      'org.apache.flink.X: outer\r\n\tat a.B.c(B.java:1)\r\n\tCaused by: java.io.IOException: disk full\r\n\tat a.B.d(B.java:2)';
    expect(rootCauseOf(trace)).toBe('IOException: disk full');
  });

  it('keeps nested class names', () => {
    expect(rootCauseOf('x\nCaused by: com.acme.Job$Inner$BadRecordException: record 7')).toBe('Job$Inner$BadRecordException: record 7');
  });

  it('prefers the last text that holds a trace', () => {
    expect(rootCauseOf(['Caused by: java.lang.A: first', 'plain message', 'Caused by: java.lang.B: second'])).toBe('B: second');
  });

  it.each<[string, string | readonly string[] | undefined]>([
    ['a plain message', ['Job 0123456789abcdef0123456789abcdef not found']],
    ["Flink's generic 500 line", ['Internal server error.']],
    ['an empty list', []],
    ['an empty string', ''],
    ['undefined', undefined],
  ])('gives undefined for %s', (_label, input) => {
    expect(rootCauseOf(input)).toBeUndefined();
  });
});

describe('shorten', () => {
  it.each([
    ['java.lang.ArithmeticException: / by zero', 'ArithmeticException: / by zero'],
    [
      'org.apache.flink.runtime.client.DuplicateJobSubmissionException: Job has already been submitted.',
      'DuplicateJobSubmissionException: Job has already been submitted.',
    ],
    ['ArithmeticException: / by zero', 'ArithmeticException: / by zero'],
    ['Could not execute application.', 'Could not execute application.'],
    ['e.g. this is prose', 'e.g. this is prose'],
  ])('%s -> %s', (line, short) => {
    expect(shorten(line)).toBe(short);
  });
});
