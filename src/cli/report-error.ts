import { styleText } from 'node:util';
import { connectionHint } from './connect.js';
import type { Cli } from './context.js';
import { EXIT, exitCodeOf } from './exit-codes.js';

/**
 * Prints a failed command's error on stderr (what happened and what to do, then Flink's root cause;
 * the stack trace and details only with --verbose) and returns its exit code.
 */
export function reportError(cli: Cli, error: unknown): number {
  const code = exitCodeOf(error);
  const err = process.stderr;
  const e = (error ?? {}) as {
    name?: string;
    message?: string;
    rootCause?: string;
    details?: string;
    stack?: string;
    cause?: unknown;
    reason?: string;
  };
  if (code === EXIT.interrupted) {
    err.write(`flink-kit: interrupted\n`);
    return code;
  }
  const lines = [`${styleText('red', 'flink-kit:', { stream: err })} ${e.message ?? String(error)}`];
  if (e.rootCause && !(e.message ?? '').includes(e.rootCause)) lines.push(`  root cause: ${e.rootCause}`);
  if (e.name === 'FlinkConnectionError' && cli.connection) {
    const hint = connectionHint(cli.connection);
    if (hint) lines.push(`  ${hint}`);
  }
  if (code === EXIT.kubernetes && e.reason) lines.push(`  Kubernetes reason: ${e.reason}`);
  if (e.name === 'FlinkTimeoutError') lines.push('  Give waits longer with --timeout, e.g. --timeout 10m.');
  if (code === EXIT.internal) lines.push('  This is a bug in flink-kit; please report it with the output of --verbose.');
  if (cli.out.verbose) {
    if (e.stack) lines.push('', e.stack);
    for (let cause = e.cause as typeof e | undefined, depth = 0; cause && depth < 5; cause = cause.cause as typeof e, depth++)
      lines.push(`caused by: ${cause.stack ?? cause.message ?? String(cause)}`);
    if (e.details) lines.push('', e.details);
  } else if (code === EXIT.internal || e.details) {
    lines.push(styleText('dim', '  (--verbose for details)', { stream: err }));
  }
  err.write(`${lines.join('\n')}\n`);
  return code;
}
