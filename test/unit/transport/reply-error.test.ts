import { describe, expect, it } from 'vitest';
import { FlinkApiError, FlinkConflictError, FlinkNotFoundError } from '../../../src/errors/api-errors.js';
import { FlinkOperationError } from '../../../src/errors/domain-errors.js';
import { type ReadReply, replyError } from '../../../src/transport/reply-error.js';
import type { ErrorRule, HttpRequest } from '../../../src/transport/request.js';
import { flinkErrors, jobStatusNotFoundErrors, nginxPage } from '../../fakes/flink-replies.js';

const at = { url: new URL('http://flink.test:8081/v1/jobs/x'), shownPath: '/v1/jobs/x' };

function reply(status: number, body: unknown, contentType = 'application/json'): ReadReply {
  return {
    status,
    text: typeof body === 'string' ? body : JSON.stringify(body),
    header: (name) => (name === 'content-type' ? contentType : null),
  };
}

function errorFor(status: number, body: unknown, errors?: ErrorRule[]) {
  const req: HttpRequest<unknown> = { method: 'GET', path: '/jobs/x', ...(errors ? { errors } : {}) };
  return replyError(req, reply(status, body), at);
}

const NOT_FOUND_500 = jobStatusNotFoundErrors('x');

describe('replyError: the one factory of API errors', () => {
  it.each([
    [404, 'FlinkNotFoundError', FlinkNotFoundError],
    [409, 'FlinkConflictError', FlinkConflictError],
    [400, 'FlinkApiError', FlinkApiError],
    [500, 'FlinkApiError', FlinkApiError],
  ] as const)('without rules, %d is a %s', (status, _name, type) => {
    const error = errorFor(status, flinkErrors('boom'));
    expect(error).toBeInstanceOf(type);
    expect(error.constructor).toBe(type);
    expect((error as FlinkApiError).status).toBe(status);
  });

  it.each<[string, ErrorRule, number, unknown, string | undefined]>([
    ['a status alone', { status: 404, hint: 'H' }, 404, flinkErrors('x'), 'H'],
    ['one of several statuses', { status: [400, 500], hint: 'H' }, 500, flinkErrors('x'), 'H'],
    ['another status: no', { status: 404, hint: 'H' }, 400, flinkErrors('x'), undefined],
    ['a pattern alone, any status', { match: /Duplicate/, hint: 'H' }, 400, flinkErrors('a DuplicateJobSubmissionException'), 'H'],
    ['a pattern that does not match: no', { match: /Duplicate/, hint: 'H' }, 400, flinkErrors('other'), undefined],
    ['status and pattern both', { status: 500, match: /FlinkJobNotFoundException/, hint: 'H' }, 500, NOT_FOUND_500, 'H'],
    [
      'status and pattern, pattern missing: no',
      { status: 500, match: /FlinkJobNotFoundException/, hint: 'H' },
      500,
      flinkErrors('x'),
      undefined,
    ],
  ])('a rule covers a reply by %s', (_label, rule, status, body, hint) => {
    const error = errorFor(status, body, [rule]) as FlinkApiError;
    if (hint) expect(error.message).toMatch(/\. H$/);
    else expect(error.message).not.toContain('. H');
  });

  it('the first rule that covers the reply decides', () => {
    const error = errorFor(400, flinkErrors('File a.jar does not exist'), [
      { match: /nothing like this/, hint: 'first' },
      { match: /does not exist/, hint: 'second' },
      { status: 400, hint: 'third' },
    ]);
    expect(error.message).toMatch(/second$/);
  });

  it("is: 'not-found' makes a FlinkNotFoundError that keeps Flink's status", () => {
    const error = errorFor(400, flinkErrors('File a.jar does not exist'), [{ match: /does not exist/, is: 'not-found' }]);
    expect(error).toBeInstanceOf(FlinkNotFoundError);
    expect((error as FlinkApiError).status).toBe(400);
  });

  it('reportStatus reports another status, and the class follows it (the 500 that means no such job)', () => {
    const error = errorFor(500, NOT_FOUND_500, [{ status: 500, match: /FlinkJobNotFoundException/, reportStatus: 404, hint: 'H' }]);
    expect(error).toBeInstanceOf(FlinkNotFoundError);
    expect((error as FlinkApiError).status).toBe(404);
    expect((error as FlinkApiError).rootCause).toBe('FlinkJobNotFoundException: Could not find Flink job (x)');
  });

  it('wrap turns the API error into a domain error with the API error as its cause', () => {
    const error = errorFor(500, flinkErrors('the scheduler does not support changing the parallelism'), [
      { match: /does not support/, wrap: (e) => new FlinkOperationError('use the adaptive scheduler', { operation: 'rescale', cause: e }) },
    ]);
    expect(error).toBeInstanceOf(FlinkOperationError);
    expect(error.cause).toBeInstanceOf(FlinkApiError);
    expect((error.cause as FlinkApiError).status).toBe(500);
  });

  it("a rule's hint replaces the general ones (413, a reply that is not Flink's)", () => {
    const page = errorFor(404, nginxPage('Not Found'), [{ status: 404, hint: 'No job with that id' }]);
    expect(page.message).toMatch(/No job with that id$/);
    const general = errorFor(404, nginxPage('Not Found'));
    expect(general.message).toContain('the Flink JobManager REST endpoint');
    expect(errorFor(413, flinkErrors('too large')).message).toContain('rest.server.max-content-length');
  });
});
