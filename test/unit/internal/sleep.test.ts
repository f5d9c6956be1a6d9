import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { sleep } from '../../../src/internal/sleep.js';

describe('sleep', () => {
  it('resolves', async () => {
    await expect(sleep(1)).resolves.toBeUndefined();
  });

  it('rejects with the reason of an already aborted signal', async () => {
    const reason = new Error('stop');
    await expect(sleep(60_000, AbortSignal.abort(reason))).rejects.toBe(reason);
  });

  it('rejects with the reason as soon as the signal aborts', async () => {
    const controller = new AbortController();
    const reason = new Error('stop now');
    const pending = sleep(60_000, controller.signal);
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });

  it('listens to the signal while it waits, and stops listening once it resolved', async () => {
    const controller = new AbortController();
    const pending = sleep(1, controller.signal);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    await pending;
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('stops listening once it rejected', async () => {
    const controller = new AbortController();
    const pending = sleep(60_000, controller.signal);
    controller.abort(new Error('stop'));
    await expect(pending).rejects.toThrow('stop');
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });
});
