import { describe, expect, it } from 'vitest';
import { Backoff } from '../../../src/core/backoff.js';

/** The delays of `steps` looks, growing after each. */
function delays(backoff: Backoff, steps: number): number[] {
  return Array.from({ length: steps }, () => {
    const delay = backoff.delayMs;
    backoff.grow();
    return delay;
  });
}

describe('Backoff', () => {
  it.each([
    ['the port-forward', { minMs: 100, maxMs: 1_000, factor: 2 }, [100, 200, 400, 800, 1_000, 1_000]],
    ['the poller', { minMs: 100, maxMs: 2_000, factor: 1.5 }, [100, 150, 225, 337.5, 506.25, 759.375]],
    [
      'the checkpoint watch (interval 1 s, at most 5 s)',
      { minMs: 1_000, maxMs: 5_000, factor: 2 },
      [1_000, 2_000, 4_000, 5_000, 5_000, 5_000],
    ],
    ['a first delay above the cap', { minMs: 3_000, maxMs: 1_000, factor: 2 }, [1_000, 1_000, 1_000, 1_000, 1_000, 1_000]],
  ])('grows like %s', (_label, options, expected) => {
    expect(delays(new Backoff(options), 6)).toEqual(expected);
  });

  it('starts over on reset', () => {
    const backoff = new Backoff({ minMs: 100, maxMs: 1_000, factor: 2 });
    backoff.grow();
    expect(backoff.grow()).toBe(400);
    backoff.reset();
    expect(backoff.delayMs).toBe(100);
  });
});
