import { expect } from 'vitest';

/**
 * What `promise` rejected with, checked to be an instance of `type` (the test fails if it resolved
 * or rejected with something else). Lets a test assert several fields of one error.
 */
export async function caught<E>(promise: Promise<unknown>, type: abstract new (...args: never[]) => E): Promise<E> {
  const outcome = await promise.then(
    (value: unknown) => ({ resolved: true as const, value }),
    (error: unknown) => ({ resolved: false as const, error }),
  );
  if (outcome.resolved) expect.fail(`expected a ${type.name}, but the call resolved with ${JSON.stringify(outcome.value)}`);
  expect(outcome.error).toBeInstanceOf(type);
  return outcome.error as E;
}
