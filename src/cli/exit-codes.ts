/**
 * The `flink-kit` exit codes: one per failure class, part of the CLI's contract (README table).
 * @packageDocumentation
 */

/** Exit codes of `flink-kit`, by what went wrong. */
export const EXIT = Object.freeze({
  /** Success. */
  ok: 0,
  /** Any other error: Flink answered with an error status, an unexpected reply, the local cluster failed, Node.js too old. */
  error: 1,
  /** Usage: unknown command or option, missing or malformed argument. */
  usage: 2,
  /** Bad input caught before any request (`FlinkInputError`): a malformed job id, a missing jar file, parallelism 0; an SQL statement Flink cannot parse or validate (`FlinkSqlSyntaxError`, `FlinkSqlValidationError`). */
  input: 3,
  /** Not found (`FlinkNotFoundError`): unknown job, jar, savepoint operation; an unknown table, an expired SQL Gateway session (`FlinkSqlUnknownTableError`, `FlinkSqlSessionError`). */
  notFound: 4,
  /** Conflict (`FlinkConflictError`): the job is in a state that does not allow it. */
  conflict: 5,
  /** Connection (`FlinkConnectionError`): nothing answered at the URL. */
  connection: 6,
  /** Timeout (`FlinkTimeoutError`): a request or a wait ran past its deadline. */
  timeout: 7,
  /** Job failed (`FlinkJobFailedError`): the job ended (FAILED, CANCELED) while waited for. */
  jobFailed: 8,
  /** Operation failed (`FlinkOperationError`, `FlinkUpgradeError`): a savepoint, stop, checkpoint, disposal or upgrade failed. */
  operationFailed: 9,
  /** Insufficient slots (`InsufficientSlotsError`): the parallelism needs more slots than are free. */
  insufficientSlots: 10,
  /** `doctor` found at least one failing check. */
  checksFailed: 11,
  /** Kubernetes (`FlinkKubernetesError`, with `--k8s`): kubeconfig, context, namespace, Service, no Ready pod, RBAC, API server; the message names the fix. */
  kubernetes: 12,
  /** `health`: the job is degraded (it works, look at the reasons). */
  degraded: 13,
  /** `health`: the job is unhealthy (not doing its job: page someone). */
  unhealthy: 14,
  /** Interrupted (Ctrl-C) before the command finished. */
  interrupted: 130,
  /** A bug in flink-kit (an error that is not a FlinkError). */
  internal: 70,
});

/** The name of an exit code, a key of {@link EXIT}. */
export type ExitName = keyof typeof EXIT;

/** A short label per exit code, for `flink-kit --help` and the README's table. */
export const EXIT_LABEL: Readonly<Record<ExitName, string>> = {
  ok: 'ok',
  error: 'error',
  usage: 'usage',
  input: 'input',
  notFound: 'not found',
  conflict: 'conflict',
  connection: 'connection',
  timeout: 'timeout',
  jobFailed: 'job failed',
  operationFailed: 'operation failed',
  insufficientSlots: 'insufficient slots',
  checksFailed: 'doctor checks failed',
  kubernetes: 'Kubernetes',
  degraded: 'health degraded',
  unhealthy: 'health unhealthy',
  interrupted: 'interrupted',
  internal: 'bug in flink-kit',
};

/** Every exit code with its name and label, lowest code first. */
export function exitCodes(): Array<{ name: ExitName; code: number; label: string }> {
  return Object.keys(EXIT)
    .filter((name): name is ExitName => Object.hasOwn(EXIT, name))
    .map((name) => ({ name, code: EXIT[name], label: EXIT_LABEL[name] }))
    .sort((a, b) => a.code - b.code);
}

/** `Exit codes: 0 ok, 1 error, …` for the end of `flink-kit --help`, wrapped at `width` columns. */
export function exitCodeHelp(width = 100): string {
  const lines = ['Exit codes:'];
  const all = exitCodes();
  all.forEach(({ code, label }, i) => {
    const item = `${code} ${label}${i === all.length - 1 ? '.' : ','}`;
    const last = lines.length - 1;
    if (`${lines[last]} ${item}`.length > width) lines.push(item);
    else lines[last] = `${lines[last]} ${item}`;
  });
  return lines.join('\n');
}

const BY_CLASS = new Map<string, number>([
  ['FlinkSqlSessionError', EXIT.notFound],
  ['FlinkSqlUnknownTableError', EXIT.notFound],
  ['FlinkSqlSyntaxError', EXIT.input],
  ['FlinkSqlValidationError', EXIT.input],
  ['InsufficientSlotsError', EXIT.insufficientSlots],
  ['FlinkJobFailedError', EXIT.jobFailed],
  ['FlinkUpgradeError', EXIT.operationFailed],
  ['FlinkOperationError', EXIT.operationFailed],
  ['FlinkNotFoundError', EXIT.notFound],
  ['FlinkConflictError', EXIT.conflict],
  ['FlinkConnectionError', EXIT.connection],
  ['FlinkTimeoutError', EXIT.timeout],
  ['FlinkInputError', EXIT.input],
  ['FlinkKubernetesError', EXIT.kubernetes],
  ['FlinkError', EXIT.error],
]);

/**
 * The exit code for an error: the nearest class on its prototype chain that has one (so subclasses
 * inherit their parent's), read by name to keep the error classes out of the start-up path.
 */
export function exitCodeOf(error: unknown): number {
  if (error instanceof Error && error.name === 'AbortError') return EXIT.interrupted;
  for (let proto: unknown = error; typeof proto === 'object' && proto !== null; proto = Object.getPrototypeOf(proto)) {
    const code = Object.hasOwn(proto, 'constructor') ? BY_CLASS.get(proto.constructor.name) : undefined;
    if (code !== undefined) return code;
  }
  return EXIT.internal;
}
