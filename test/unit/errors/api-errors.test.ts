import { describe, expect, it } from 'vitest';
import { FlinkApiError, FlinkConflictError, FlinkNotFoundError } from '../../../src/errors/api-errors.js';
import { FlinkError, isFlinkError } from '../../../src/errors/flink-error.js';
import { CLASS_NOT_FOUND_TRACE, internalServerError } from '../../fakes/flink-replies.js';

const base = { method: 'POST', path: '/v1/jars/app.jar/run' };

describe('FlinkApiError.from', () => {
  it.each<[number, typeof FlinkApiError]>([
    [404, FlinkNotFoundError],
    [409, FlinkConflictError],
    [400, FlinkApiError],
    [500, FlinkApiError],
    [503, FlinkApiError],
  ])('HTTP %i -> %o', (status, cls) => {
    const error = FlinkApiError.from({ ...base, status, errors: [] });
    expect(error.constructor).toBe(cls);
    expect(error).toBeInstanceOf(FlinkApiError);
    expect(error).toBeInstanceOf(FlinkError);
    expect(error.name).toBe(cls.name);
    expect(error.status).toBe(status);
    expect(isFlinkError(error)).toBe(true);
  });
});

describe('FlinkApiError message', () => {
  it('is method, path and status when Flink sent no errors', () => {
    expect(FlinkApiError.from({ ...base, status: 502, errors: [] }).message).toBe('POST /v1/jars/app.jar/run failed with HTTP 502');
  });

  it("adds the first line of Flink's first error and the hint", () => {
    const error = FlinkApiError.from({
      method: 'GET',
      path: '/v1/jobs/0123456789abcdef0123456789abcdef',
      status: 404,
      errors: ['Job 0123456789abcdef0123456789abcdef not found'],
      hint: 'Check the job id',
    });
    expect(error.message).toBe(
      'GET /v1/jobs/0123456789abcdef0123456789abcdef failed with HTTP 404: Job 0123456789abcdef0123456789abcdef not found. Check the job id',
    );
    expect(error.rootCause).toBeUndefined();
  });

  it("skips Flink's generic 500 line and names the root cause of the stack trace", () => {
    const body = internalServerError(CLASS_NOT_FOUND_TRACE);
    const error = FlinkApiError.from({ ...base, status: 500, errors: body.errors });
    expect(error.rootCause).toBe('ClassNotFoundException: com.acme.Main');
    expect(error.message).toContain('HTTP 500');
    expect(error.message).toContain('ClassNotFoundException: com.acme.Main');
    expect(error.message).not.toContain('Internal server error.');
    expect(error.message).not.toContain('\tat ');
    // The whole trace stays on the error for whoever needs it.
    expect(error.errors).toEqual(body.errors);
    expect(error.details).toContain('java.net.URLClassLoader.findClass');
  });

  it('drops the Java class name in front of a RestHandlerException message', () => {
    const error = FlinkApiError.from({
      ...base,
      status: 400,
      errors: ['org.apache.flink.runtime.rest.handler.RestHandlerException: Could not execute application.\n\tat x.Y.z(Y.java:1)'],
    });
    expect(error.message).toMatch(/^POST \/v1\/jars\/app.jar\/run failed with HTTP 400: Could not execute application\./);
  });

  it('drops several wrapped Java class names in front of the message', () => {
    const error = FlinkApiError.from({
      ...base,
      status: 500,
      errors: [
        "java.util.concurrent.CompletionException: org.apache.flink.client.program.ProgramInvocationException: Neither a 'Main-Class', nor a 'program-class' entry was found in the jar file.\n\tat x.Y.z(Y.java:1)",
      ],
    });
    expect(error.message).toMatch(/failed with HTTP 500: Neither a 'Main-Class', nor a 'program-class' entry/);
  });

  it('clips a huge echoed value in the message and the root cause; the whole text stays in errors', () => {
    const huge = 'x'.repeat(5_000_000);
    const errors = [
      `Could not execute application.\nCaused by: java.lang.IllegalArgumentException: bad value '${huge}'\n\tat a.B.c(B.java:1)`,
    ];
    const error = FlinkApiError.from({ ...base, status: 400, errors });
    expect(error.message.length).toBeLessThan(1_000);
    expect(error.message).toMatch(/bad value 'x+… \(\d+ more characters\)/);
    expect(error.rootCause?.length).toBeLessThan(1_100);
    expect(error.errors).toEqual(errors);
  });

  it('does not repeat a root cause that is the first line already', () => {
    const error = FlinkApiError.from({ ...base, status: 400, errors: ['x\nCaused by: java.lang.A: boom'] });
    expect(error.rootCause).toBe('A: boom');
    expect(error.message).toBe('POST /v1/jars/app.jar/run failed with HTTP 400: x (root cause: A: boom)');
  });

  it('keeps retryAfterMs and cause', () => {
    const cause = new Error('inner');
    const error = FlinkApiError.from({ ...base, status: 503, errors: [], retryAfterMs: 2000, cause });
    expect(error.retryAfterMs).toBe(2000);
    expect(error.cause).toBe(cause);
  });
});
