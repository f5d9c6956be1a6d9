/**
 * Reading an error's `cause` chain (Node's network errors nest the system error a few levels deep).
 */

const MAX_DEPTH = 5;

/** The first string `code` (`ECONNREFUSED`, `UND_ERR_SOCKET`…) along the cause chain. */
export function errorCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < MAX_DEPTH; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/** The message of the innermost error along the cause chain that has one (the root cause's words). */
export function innermostMessage(error: unknown): string {
  let message = error instanceof Error ? error.message : String(error);
  for (let e: unknown = error, depth = 0; e && depth < MAX_DEPTH; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof Error && e.message) message = e.message;
  }
  return message;
}
