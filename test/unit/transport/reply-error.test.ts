import { describe, expect, it } from 'vitest';
import { FlinkApiError, FlinkConflictError, FlinkNotFoundError } from '../../../src/errors/api-errors.js';
import { FlinkOperationError } from '../../../src/errors/domain-errors.js';
import { parseReply, type ReadReply, replyError } from '../../../src/transport/reply-error.js';
import type { ErrorRule, HttpRequest } from '../../../src/transport/request.js';
import { isTransient } from '../../../src/transport/retry-policy.js';
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
    ['a test of the errors', { match: (errors) => errors.length === 2, hint: 'H' }, 500, { errors: ['a', 'b'] }, 'H'],
    ['a test that fails: no', { match: (errors) => errors.length === 2, hint: 'H' }, 500, { errors: ['a'] }, undefined],
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

describe('rules of every call', () => {
  // Flink 1.20 answered GET /jobs/:id/checkpoints so for 2 s after a failover (seen in CI).
  const initializing = flinkErrors(
    'Internal server error.',
    '<Exception on server side:\norg.apache.flink.runtime.dispatcher.UnavailableDispatcherOperationException: Unable to get JobMasterGateway for initializing job. The requested operation is not available while the JobManager is initializing.\n\tat org.apache.flink.runtime.dispatcher.Dispatcher.getJobMasterGateway(Dispatcher.java:1503)\n\nEnd of exception on server side>',
  );

  it('a 500 for a job Flink is still initializing reports 503, which the transient rule rides out', () => {
    const error = errorFor(500, initializing) as FlinkApiError;
    expect(error.status).toBe(503);
    expect(isTransient(error)).toBe(true);
    expect(error.message).toContain('still initializing the job');
    expect(isTransient(errorFor(500, flinkErrors('boom')))).toBe(false);
  });

  it("the call's own rules come first", () => {
    const error = errorFor(500, initializing, [{ status: 500, hint: 'own' }]) as FlinkApiError;
    expect(error.status).toBe(500);
    expect(error.message).toMatch(/own$/);
  });
});

describe('parseReply', () => {
  const ok = (text: string) => ({ status: 200, text, header: () => 'application/json' });

  it("reads the JSON with the call's own parser when it has one", () => {
    const exact = (text: string) => JSON.parse(text, (_key, value, context?: { source?: string }) => context?.source ?? value);
    expect(parseReply({ method: 'GET', path: '/x', parse: exact }, undefined, ok('{"n": 9007199254740993}'), at)).toEqual({
      n: '9007199254740993',
    });
    expect(parseReply({ method: 'GET', path: '/x' }, undefined, ok('{"n": 9007199254740993}'), at)).toEqual({ n: 9007199254740992 });
  });

  it('names the server the transport talks to when the reply is not its JSON', () => {
    const server = { refusedHint: 'R', otherServerHint: (origin: string) => `Is ${origin} the gateway?` };
    expect(() => parseReply({ method: 'GET', path: '/x' }, undefined, ok('<html></html>'), { ...at, server })).toThrow(
      /not Flink's JSON\. Is http:\/\/flink\.test:8081 the gateway\?$/,
    );
    expect(() => parseReply({ method: 'GET', path: '/x' }, undefined, ok('<html></html>'), at)).toThrow(
      /the Flink JobManager REST endpoint/,
    );
  });
});
