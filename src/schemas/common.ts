import { z } from 'zod';

/**
 * An enum that also accepts values it does not know, so a newer Flink adding a state does not break
 * parsing. The type keeps the known literals for autocompletion.
 */
export function openEnum<const T extends readonly string[]>(_known: T): z.ZodType<T[number] | (string & {})> {
  return z.string() as z.ZodType<T[number] | (string & {})>;
}

/** Flink's error reply body, `{ "errors": [...] }`. */
export const ErrorBody = z.object({ errors: z.array(z.string()) });

/** `{ "request-id": "…" }`, the answer to every async trigger. */
export const TriggerResponse = z.object({ 'request-id': z.string() }).transform((w) => ({ triggerId: w['request-id'] }));

/** Epoch milliseconds, or `undefined` where Flink writes -1 / 0 for "not yet". */
export const epochMs = z.number().transform((n) => (n > 0 ? n : undefined));
