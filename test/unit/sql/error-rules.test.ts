import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FlinkApiError } from '../../../src/errors/index.ts';
import { javaExceptions, positionOf } from '../../../src/sql/error-parse.ts';
import { type SqlErrorContext, sqlErrorRules } from '../../../src/sql/error-rules.ts';
import {
  FlinkSqlError,
  FlinkSqlSessionError,
  FlinkSqlSyntaxError,
  FlinkSqlUnknownTableError,
  FlinkSqlValidationError,
} from '../../../src/sql/errors.ts';
import { replyError } from '../../../src/transport/reply-error.ts';

const at = { url: new URL('http://gateway.test:8083/v3/sessions/s'), shownPath: '/v3/sessions/s' };

/** The errors[] of a reply recorded from a real Flink 1.20.3 SQL Gateway (stack frames cut to two per exception). */
function recordedErrors(name: string): { status: number; errors: string[] } {
  const file = join(import.meta.dirname, '../../fixtures/sql-gateway/1.20', `${name}.json`);
  const { status, body } = JSON.parse(readFileSync(file, 'utf8')) as { status: number; body: { errors: string[] } };
  return { status, errors: body.errors };
}

/** The error a call with the gateway's rules ends with for a recorded reply: the one factory, replyError, applies them. */
function typed(name: string, context: SqlErrorContext = {}, method: 'GET' | 'POST' = 'GET') {
  const { status, errors } = recordedErrors(name);
  return replyError(
    { method, path: '/sessions/s', errors: sqlErrorRules(context) },
    { status, text: JSON.stringify({ errors }), header: () => 'application/json' },
    at,
  );
}

const NO_TRACE = /\tat |\.java:\d+\)|Exception on server side/;

describe("the gateway's error rules: its replies as typed SQL errors (replies of a real gateway)", () => {
  it('a syntax error: Flink message, line and column, a caret under the statement, no stack trace', () => {
    const statement = 'SELECT id FROM (VALUES (1)) AS t(id) WHERE';
    const error = typed('syntax-error', { statement }) as FlinkSqlSyntaxError;
    expect(error).toBeInstanceOf(FlinkSqlSyntaxError);
    expect(error.position).toEqual({ line: 1, column: 42 });
    expect(error.exception).toBe('SqlParserEOFException');
    expect(error.message.split('\n')).toEqual([
      'SQL syntax error at line 1, column 42: Encountered "<EOF>" at line 1, column 42.',
      `  ${statement}`,
      `  ${' '.repeat(41)}^`,
    ]);
    expect(error.flinkMessage).toMatch(/Was expecting one of/);
    expect(error.details).toMatch(/SqlParserEOFException/);
    expect(error.cause).toBeInstanceOf(FlinkApiError);
  });

  it('a syntax error Flink gives no position for', () => {
    const error = typed('syntax-error-no-position', { statement: 'SELEC 1' }) as FlinkSqlSyntaxError;
    expect(error).toBeInstanceOf(FlinkSqlSyntaxError);
    expect(error.position).toBeUndefined();
    expect(error.message).toBe('SQL syntax error: Non-query expression encountered in illegal context');
  });

  it('an unknown table (a query): its name and range', () => {
    const error = typed('unknown-table', { statement: 'SELECT * FROM nope' }) as FlinkSqlUnknownTableError;
    expect(error).toBeInstanceOf(FlinkSqlUnknownTableError);
    expect(error).toBeInstanceOf(FlinkSqlValidationError);
    expect([error.table, error.catalog, error.database]).toEqual(['nope', undefined, undefined]);
    expect(error.position).toEqual({ line: 1, column: 15, endLine: 1, endColumn: 18 });
    expect(error.message).toMatch(
      /^SQL validation error at line 1, column 15: Object 'nope' not found\n {2}SELECT \* FROM nope\n {16}\^{4}$/,
    );
  });

  it('an unknown INSERT target names its catalog and database', () => {
    const error = typed('unknown-insert-target') as FlinkSqlUnknownTableError;
    expect(error).toBeInstanceOf(FlinkSqlUnknownTableError);
    expect([error.table, error.catalog, error.database]).toEqual([
      'default_catalog.default_database.nope',
      'default_catalog',
      'default_database',
    ]);
  });

  it.each([
    ['unknown-column', /Column 'nocol' not found in any table/],
    [
      'unknown-connector',
      /Unable to create a source for reading table 'default_catalog\.default_database\.t'\. \(Could not find any factory for identifier 'nope'/,
    ],
  ])('%s is a validation error with Flink message', (name, message) => {
    const error = typed(name) as FlinkSqlValidationError;
    expect(error).toBeInstanceOf(FlinkSqlValidationError);
    expect(error).not.toBeInstanceOf(FlinkSqlUnknownTableError);
    expect(error.message).toMatch(message);
    expect(error.message).not.toMatch(NO_TRACE);
  });

  it('a session the gateway does not know: expired when this client opened it, else gone', () => {
    const handle = '00000000-0000-0000-0000-000000000000';
    const expired = typed('session-gone', { sessionHandle: handle, sessionOpen: true }, 'POST') as FlinkSqlSessionError;
    expect(expired).toBeInstanceOf(FlinkSqlSessionError);
    expect(expired.expired).toBe(true);
    expect(expired.message).toMatch(/^SQL Gateway session 0{8}-0{4}-0{4}-0{4}-0{12} expired: .*sql-gateway\.session\.idle-timeout/);
    const gone = typed('session-gone', {}, 'POST') as FlinkSqlSessionError;
    expect(gone.expired).toBe(false);
    expect(gone.message).toMatch(/does not exist \(closed, expired/);
  });

  it('an operation the gateway does not know', () => {
    const error = typed('operation-gone') as FlinkSqlError;
    expect(error).toBeInstanceOf(FlinkSqlError);
    expect(error.message).toMatch(/^SQL Gateway operation 0{8}-0{4}-0{4}-0{4}-0{12} is unknown to the gateway/);
  });

  it('a savepoint the statement cannot restore: the root cause, and what keeps operator ids', () => {
    const error = typed('restore-mismatch') as FlinkSqlError;
    expect(error.constructor).toBe(FlinkSqlError);
    expect(error.message).toMatch(
      /^Flink could not run the statement: IllegalStateException: Failed to rollback to checkpoint\/savepoint .*Cannot map checkpoint\/savepoint state for operator/,
    );
    expect(error.message).toMatch(/allowNonRestoredState/);
    expect(error.message).not.toMatch(NO_TRACE);
  });

  it('leaves replies without a Java trace, and statuses other than 500, to the general rules', () => {
    const rules = sqlErrorRules();
    const plain = (status: number, errors: string[]) =>
      replyError(
        { method: 'GET', path: '/info', errors: rules },
        { status, text: JSON.stringify({ errors }), header: () => 'application/json' },
        at,
      );
    expect(plain(502, ['Bad Gateway']).constructor).toBe(FlinkApiError);
    expect(plain(500, ['Internal server error.']).constructor).toBe(FlinkApiError);
    // A trace that would be a syntax error at 500 is Flink's reply as it is at another status.
    expect(plain(400, recordedErrors('syntax-error').errors).constructor).toBe(FlinkApiError);
  });

  it('keeps the reply as the cause and its whole text in details', () => {
    const error = typed('unknown-column') as FlinkSqlValidationError;
    expect(error.cause).toBeInstanceOf(FlinkApiError);
    expect((error.cause as FlinkApiError).status).toBe(500);
    expect(error.details).toBe(recordedErrors('unknown-column').errors.join('\n'));
  });
});

describe('javaExceptions and positionOf', () => {
  it('reads the chain outermost first, with multi-line messages', () => {
    const chain = javaExceptions(recordedErrors('syntax-error').errors);
    expect(chain.map((e) => e.className.split('.').pop())).toEqual([
      'SqlGatewayException',
      'SqlGatewayException',
      'SqlExecutionException',
      'SqlParserEOFException',
      'SqlParseException',
      'ParseException',
    ]);
    expect(chain[3]?.message.split('\n')[1]).toBe('Was expecting one of:');
  });

  it('finds points and ranges', () => {
    expect(positionOf('Encountered "x" at line 3, column 7.')).toEqual({ line: 3, column: 7 });
    expect(positionOf('From line 1, column 8 to line 2, column 12: Column')).toEqual({ line: 1, column: 8, endLine: 2, endColumn: 12 });
    expect(positionOf('no position')).toBeUndefined();
  });
});
