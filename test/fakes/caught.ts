import { expect } from 'vitest';
import { isFlinkError } from '../../src/errors/flink-error.ts';

/** What a refusal must hold beyond its class (see {@link caught}). */
export interface Refusal {
  /**
   * What the message must tell the user to do. With it, the error must also be a FlinkError whose
   * message carries no stack trace (Java's or JavaScript's).
   */
  advice?: RegExp;
  /** No answer within this many milliseconds fails the test as a hang. Default: the test's own timeout. */
  withinMs?: number;
  /** Names the call in failure messages, e.g. the bad input of a table row. */
  label?: string;
}

/** A stack trace in a message: JavaScript's `at` lines, Java's tab-indented ones, or a `Caused by:`. */
const STACK_TRACE = /\n\s+at |\tat |Caused by:/;

/**
 * What `call` rejected with, checked to be an instance of `type` and, with `advice`, a FlinkError
 * that says what to do, with no stack trace; the test fails if it resolved, rejected with something
 * else, or gave no answer within `withinMs`. Lets a test assert several fields of one error.
 * @example const error = await caught(() => client.jobs.status('nope'), FlinkInputError, { advice: /32 lower-case hex/ });
 */
export async function caught<E>(
  call: Promise<unknown> | (() => Promise<unknown>),
  type: abstract new (...args: never[]) => E,
  expected: Refusal = {},
): Promise<E> {
  const at = expected.label ? `${expected.label}: ` : '';
  const promise = typeof call === 'function' ? call() : call;
  const outcome = promise.then(
    (value: unknown) => ({ resolved: true as const, value }),
    (error: unknown) => ({ resolved: false as const, error }),
  );
  const hung = Symbol('hung');
  let timer: NodeJS.Timeout | undefined;
  const result = await (expected.withinMs === undefined
    ? outcome
    : Promise.race([outcome, new Promise<typeof hung>((resolve) => (timer = setTimeout(() => resolve(hung), expected.withinMs)))]));
  clearTimeout(timer);
  if (result === hung) expect.fail(`${at}no answer within ${expected.withinMs} ms (a hang)`);
  if (result.resolved) expect.fail(`${at}expected a ${type.name}, but the call resolved with ${JSON.stringify(result.value)}`);
  const error = result.error;
  if (expected.advice) expect(isFlinkError(error), `${at}${String(error)}`).toBe(true);
  expect(error, at).toBeInstanceOf(type);
  if (expected.advice) {
    const message = (error as Error).message;
    expect(message, at).toMatch(expected.advice);
    expect(message, `${at}a stack trace in the message`).not.toMatch(STACK_TRACE);
  }
  return error as E;
}
