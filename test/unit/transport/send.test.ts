import { describe, expect, it } from 'vitest';
import { loadUndici } from '../../../src/transport/send.js';

describe('loadUndici', () => {
  it("loads undici's Agent and request API from their own modules, not the whole package", async () => {
    // If an undici release moves them, the transport still works (it loads the package) but every
    // fresh process pays twice the load time: this test says so before a release does.
    const parts = await loadUndici();
    expect(parts.source).toBe('modules');
    expect(typeof parts.Agent).toBe('function');
    expect(typeof parts.request).toBe('function');
  });
});
