import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT, exitCodeOf, exitCodes } from '../../../src/cli/exit-codes.ts';
import {
  FlinkApiError,
  FlinkConflictError,
  FlinkConnectionError,
  FlinkError,
  FlinkInputError,
  FlinkJobFailedError,
  FlinkKubernetesError,
  FlinkNotFoundError,
  FlinkOperationError,
  FlinkResponseError,
  FlinkTimeoutError,
  FlinkUpgradeError,
  InsufficientSlotsError,
} from '../../../src/errors/index.ts';
import { runCliInProcess } from '../../fakes/cli-in-process.ts';

const api = { status: 404, method: 'GET', path: '/jobs/x', errors: [] };

describe('exit codes', () => {
  it.each([
    [new FlinkInputError('x'), EXIT.input, 3],
    [new FlinkNotFoundError(api), EXIT.notFound, 4],
    [new FlinkConflictError({ ...api, status: 409 }), EXIT.conflict, 5],
    [new FlinkConnectionError('x', { url: 'u' }), EXIT.connection, 6],
    [new FlinkTimeoutError('x', { timeoutMs: 1 }), EXIT.timeout, 7],
    [new FlinkJobFailedError('x', { jobId: 'j', state: 'FAILED' }), EXIT.jobFailed, 8],
    [new FlinkOperationError('x', { operation: 'savepoint' }), EXIT.operationFailed, 9],
    [new FlinkUpgradeError('x', { previousJobId: 'j', savepointPath: 's', rolledBack: true }), EXIT.operationFailed, 9],
    [new InsufficientSlotsError({ requested: 5, available: 4, total: 4, taskManagers: 2 }), EXIT.insufficientSlots, 10],
    [new FlinkKubernetesError('x', { reason: 'namespace-not-found' }), EXIT.kubernetes, 12],
    [new FlinkApiError({ ...api, status: 500 }), EXIT.error, 1],
    [new FlinkResponseError('x', { status: 200, body: '' }), EXIT.error, 1],
    [new FlinkError('x'), EXIT.error, 1],
    [Object.assign(new Error('interrupted'), { name: 'AbortError' }), EXIT.interrupted, 130],
    [new TypeError('a bug'), EXIT.internal, 70],
    ['a string', EXIT.internal, 70],
  ])('%s -> %i', (error, code, number) => {
    expect(exitCodeOf(error)).toBe(code);
    expect(code).toBe(number);
  });

  it('a subclass inherits its parent class code', () => {
    class FlinkKubeConnectionError extends FlinkConnectionError {}
    expect(exitCodeOf(new FlinkKubeConnectionError('x', { url: 'u' }))).toBe(EXIT.connection);
  });

  it('every code is distinct', () => {
    const codes = Object.values(EXIT);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('--help ends with every code of EXIT and its label, lowest first', async () => {
    const help = await runCliInProcess(['--help']);
    expect(help.code).toBe(0);
    const listed = help.stdout.slice(help.stdout.indexOf('Exit codes:') + 'Exit codes:'.length).replace(/\s+/g, ' ');
    const pairs = [...listed.matchAll(/(\d+) ([^,.]+)[,.]/g)].map((m) => ({ code: Number(m[1]), label: m[2] }));
    expect(pairs).toEqual(exitCodes().map(({ code, label }) => ({ code, label })));
    expect(pairs.map((p) => p.code).sort((a, b) => a - b)).toEqual(Object.values(EXIT).sort((a, b) => a - b));
  });

  it("the README's exit-code table is EXIT: each code once, with its label, lowest first", () => {
    const readme = readFileSync(resolve(import.meta.dirname, '../../../README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('| Code | Name | Meaning |'));
    const rows = table
      .slice(0, table.search(/\n(?!\|)/))
      .split('\n')
      .slice(2);
    const pairs = rows.map((row) => {
      const [code, label] = row
        .split('|')
        .slice(1, 3)
        .map((cell) => cell.trim());
      return { code: Number(code), label };
    });
    expect(pairs).toEqual(exitCodes().map(({ code, label }) => ({ code, label })));
  });
});
