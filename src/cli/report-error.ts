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
  if (code === EXIT.interrupted) {
    err.write(`flink-kit: interrupted\n`);
    return code;
  }
  const e = read(error);
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
    let cause = e.cause;
    for (let depth = 0; cause && depth < 5; depth++) {
      const c = read(cause);
      lines.push(`caused by: ${c.stack ?? c.message ?? String(cause)}`);
      cause = c.cause;
    }
    if (e.details) lines.push('', e.details);
  } else if (code === EXIT.internal || e.details) {
    lines.push(styleText('dim', '  (--verbose for details)', { stream: err }));
  }
  err.write(`${lines.join('\n')}\n`);
  return code;
}

/** The fields of a thrown value that the report shows (FlinkError's and Error's), each only when it is a string. */
function read(thrown: unknown) {
  const text = (key: string): string | undefined => {
    const value = typeof thrown === 'object' && thrown !== null ? Reflect.get(thrown, key) : undefined;
    return typeof value === 'string' ? value : undefined;
  };
  return {
    name: text('name'),
    message: text('message'),
    rootCause: text('rootCause'),
    details: text('details'),
    stack: text('stack'),
    reason: text('reason'),
    cause: typeof thrown === 'object' && thrown !== null ? Reflect.get(thrown, 'cause') : undefined,
  };
}
