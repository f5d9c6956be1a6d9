import { afterEach, describe, expect, it, vi } from 'vitest';
import { poll } from '../../../src/core/poll.js';
import { FlinkTimeoutError } from '../../../src/errors/transport-errors.js';

afterEach(() => {
  vi.useRealTimers();
});

/** Fake clock: setTimeout and performance.now move only when the test says so. */
function fakeClock(): void {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance', 'Date'] });
}

describe('poll', () => {
  it('returns the value of the first look that is done, counting attempts from 1', async () => {
    const attempts: number[] = [];
    const value = await poll(
      async (attempt) => {
        attempts.push(attempt);
        return attempt === 3 ? { done: true, value: 'ready' } : { done: false };
      },
      { what: 'x', minDelayMs: 1, maxDelayMs: 1 },
    );
    expect(value).toBe('ready');
    expect(attempts).toEqual([1, 2, 3]);
  });

  it('waits min, x1.5, ..., up to the cap between looks', async () => {
    fakeClock();
    const lookedAt: number[] = [];
    const start = performance.now();
    const pending = poll(
      async () => {
        lookedAt.push(performance.now() - start);
        return lookedAt.length === 6 ? { done: true, value: lookedAt } : { done: false };
      },
      { what: 'x', minDelayMs: 100, maxDelayMs: 300, waitTimeoutMs: 60_000 },
    );
    await vi.advanceTimersByTimeAsync(2_000);
    await expect(pending).resolves.toEqual([0, 100, 250, 475, 775, 1075]);
  });

  it('with pauseRatio, pauses at most that share of the time waited so far, never below min', async () => {
    fakeClock();
    const lookedAt: number[] = [];
    const start = performance.now();
    const pending = poll(
      async () => {
        lookedAt.push(performance.now() - start);
        return lookedAt.length === 30 ? { done: true, value: lookedAt } : { done: false };
      },
      { what: 'x', minDelayMs: 10, maxDelayMs: 1_000, pauseRatio: 0.1, waitTimeoutMs: 60_000 },
    );
    await vi.advanceTimersByTimeAsync(5_000);
    const looks = await pending;
    looks.slice(1).forEach((t, i) => {
      const before = looks[i] as number;
      expect(t - before).toBeLessThanOrEqual(Math.max(10, before * 0.1) + 1);
    });
    expect(looks.slice(1, 11).map((t, i) => t - (looks[i] as number))).toEqual(Array(10).fill(10)); // the first 100 ms
    expect((looks[29] as number) - (looks[28] as number)).toBeGreaterThan(10); // then a tenth of the wait
  });

  it('with pauseRatio, a long wait still backs off to the cap', async () => {
    fakeClock();
    const lookedAt: number[] = [];
    const start = performance.now();
    const pending = poll(
      async () => {
        lookedAt.push(performance.now() - start);
        return lookedAt.length === 40 ? { done: true, value: lookedAt } : { done: false };
      },
      { what: 'x', minDelayMs: 20, maxDelayMs: 40, pauseRatio: 0.1, waitTimeoutMs: 60_000 },
    );
    await vi.advanceTimersByTimeAsync(5_000);
    const looks = await pending;
    const pauses = looks.slice(1).map((t, i) => t - (looks[i] as number));
    expect(pauses.slice(0, 10).every((p) => p === 20)).toBe(true);
    expect(pauses.slice(-5)).toEqual([40, 40, 40, 40, 40]);
  });

  it('stops at the deadline with a FlinkTimeoutError naming what was awaited and the last thing seen', async () => {
    fakeClock();
    let looks = 0;
    const pending = poll(
      async () => {
        looks++;
        return { done: false, seen: looks === 1 ? 'CREATED' : 'RUNNING, tasks: 1 SCHEDULED' };
      },
      { what: 'job 0123 to reach RUNNING', minDelayMs: 20, maxDelayMs: 20, waitTimeoutMs: 100 },
    );
    const outcome = expect(pending).rejects.toThrow(FlinkTimeoutError);
    await vi.advanceTimersByTimeAsync(100);
    await outcome;
    const error = await pending.catch((e: unknown) => e);
    expect(error).toMatchObject({ timeoutMs: 100 });
    expect((error as Error).message).toBe(
      'timed out after 100 ms waiting for job 0123 to reach RUNNING (last seen: RUNNING, tasks: 1 SCHEDULED). Raise waitTimeoutMs if this is expected to take longer.',
    );
    expect(looks).toBe(6); // at 0, 20, 40, 60, 80 and 100 ms
  });

  it('a look that finds it done returns, however short the deadline; one that does not then ends the wait', async () => {
    fakeClock();
    const slowLook = async <T>(step: T) => {
      await new Promise((r) => setTimeout(r, 50)); // a look that takes longer than the whole deadline
      return step;
    };
    const done = poll(() => slowLook({ done: true as const, value: 'RUNNING' }), { what: 'x', waitTimeoutMs: 1 });
    await vi.advanceTimersByTimeAsync(50);
    await expect(done).resolves.toBe('RUNNING');
    let looks = 0;
    const notDone = poll(() => slowLook({ done: false as const, seen: `look ${++looks}` }), { what: 'x', waitTimeoutMs: 1 });
    const outcome = expect(notDone).rejects.toThrow('timed out after 1 ms waiting for x (last seen: look 1)');
    await vi.advanceTimersByTimeAsync(50);
    await outcome;
    expect(looks).toBe(1);
  });

  it('never sleeps past the deadline, even when the backoff is longer', async () => {
    fakeClock();
    let looks = 0;
    const pending = poll(
      async () => {
        looks++;
        return { done: false };
      },
      { what: 'x', minDelayMs: 10_000, maxDelayMs: 10_000, waitTimeoutMs: 50 },
    );
    const outcome = expect(pending).rejects.toThrow('timed out after 50 ms waiting for x. Raise waitTimeoutMs');
    // 50 ms of clock are enough: the one wait is cut to what is left of the deadline.
    await vi.advanceTimersByTimeAsync(50);
    await outcome;
    expect(looks).toBe(2);
  });

  it('keeps the last "seen" when later looks report none', async () => {
    fakeClock();
    let looks = 0;
    const pending = poll(async () => (++looks === 1 ? { done: false, seen: 'INITIALIZING' } : { done: false }), {
      what: 'x',
      minDelayMs: 10,
      waitTimeoutMs: 30,
    });
    const outcome = expect(pending).rejects.toThrow('(last seen: INITIALIZING)');
    await vi.advanceTimersByTimeAsync(30);
    await outcome;
  });

  it('ends the wait when a look throws, with that error', async () => {
    const failure = new Error('job lookup failed');
    let looks = 0;
    await expect(
      poll(
        async () => {
          looks++;
          if (looks === 2) throw failure;
          return { done: false };
        },
        { what: 'x', minDelayMs: 1 },
      ),
    ).rejects.toBe(failure);
    expect(looks).toBe(2);
  });

  it('rejects with the reason of a signal aborted during a wait, without looking again', async () => {
    const controller = new AbortController();
    const reason = new Error('user cancelled');
    let looks = 0;
    const pending = poll(
      async () => {
        looks++;
        queueMicrotask(() => controller.abort(reason));
        return { done: false };
      },
      { what: 'x', minDelayMs: 60_000, waitTimeoutMs: 600_000, signal: controller.signal },
    );
    await expect(pending).rejects.toBe(reason);
    expect(looks).toBe(1);
  });

  it('does not look at all when the signal is already aborted', async () => {
    const reason = new Error('already cancelled');
    const check = vi.fn(async () => ({ done: true as const, value: 1 }));
    await expect(poll(check, { what: 'x', signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(check).not.toHaveBeenCalled();
  });
  it('errors that tolerate accepts do not end the wait; the next look succeeds', async () => {
    const unreachable = new Error('connection refused');
    const value = await poll(
      async (attempt) => {
        if (attempt < 3) throw unreachable;
        return { done: true, value: 'back' };
      },
      { what: 'x', minDelayMs: 1, maxDelayMs: 1, tolerate: (e) => e === unreachable },
    );
    expect(value).toBe('back');
  });

  it('other errors still end the wait at once', async () => {
    const fatal = new Error('bad reply');
    let looks = 0;
    await expect(
      poll(
        async () => {
          looks++;
          throw fatal;
        },
        { what: 'x', minDelayMs: 1, maxDelayMs: 1, tolerate: () => false },
      ),
    ).rejects.toBe(fatal);
    expect(looks).toBe(1);
  });

  it('tolerated errors until the deadline give a FlinkTimeoutError that names the last one and keeps it as cause', async () => {
    const unreachable = new Error('connection refused');
    const error = await poll(
      async () => {
        throw unreachable;
      },
      { what: 'the job to run', waitTimeoutMs: 30, minDelayMs: 5, maxDelayMs: 5, tolerate: () => true },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlinkTimeoutError);
    expect((error as Error).message).toContain('waiting for the job to run (last seen: no answer: connection refused)');
    expect((error as Error).cause).toBe(unreachable);
  });
});
