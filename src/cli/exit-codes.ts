/**
 * The `flink-kit` exit codes: one per failure class, part of the CLI's contract (README table).
 * @packageDocumentation
 */

/** Exit codes of `flink-kit`, by what went wrong. */
export const EXIT = {
  /** Success. */
  ok: 0,
  /** Any other error: Flink answered with an error status, an unexpected reply, the local cluster failed, Node.js too old. */
  error: 1,
  /** Usage: unknown command or option, missing or malformed argument. */
  usage: 2,
  /** Bad input caught before any request (`FlinkInputError`): a malformed job id, a missing jar file, parallelism 0. */
  input: 3,
  /** Not found (`FlinkNotFoundError`): unknown job, jar, savepoint operation. */
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
} as const;

const BY_CLASS: Record<string, number> = {
  InsufficientSlotsError: EXIT.insufficientSlots,
  FlinkJobFailedError: EXIT.jobFailed,
  FlinkUpgradeError: EXIT.operationFailed,
  FlinkOperationError: EXIT.operationFailed,
  FlinkNotFoundError: EXIT.notFound,
  FlinkConflictError: EXIT.conflict,
  FlinkConnectionError: EXIT.connection,
  FlinkTimeoutError: EXIT.timeout,
  FlinkInputError: EXIT.input,
  FlinkKubernetesError: EXIT.kubernetes,
  FlinkError: EXIT.error,
};

/**
 * The exit code for an error: the nearest class on its prototype chain that has one (so subclasses
 * inherit their parent's), read by name to keep the error classes out of the start-up path.
 */
export function exitCodeOf(error: unknown): number {
  if (error instanceof Error && error.name === 'AbortError') return EXIT.interrupted;
  for (let proto = error; proto !== null && typeof proto === 'object'; proto = Object.getPrototypeOf(proto)) {
    const name = (proto as { constructor?: { name?: string } }).constructor?.name;
    if (name !== undefined && Object.hasOwn(BY_CLASS, name)) return BY_CLASS[name] as number;
  }
  return EXIT.internal;
}
