import { describe, expect, it } from 'vitest';
import { clientParts } from '../../../src/client.js';
import { RunRegistry } from '../../../src/core/context.js';
import { fakeClient } from '../../fakes/mock-flink.js';

const id = (n: number) => n.toString(16).padStart(32, '0');

describe('RunRegistry', () => {
  it('remembers how a job was started, and forgets nothing it was not told', () => {
    const runs = new RunRegistry();
    runs.record(id(1), { jarId: 'a_app.jar', entryClass: 'com.acme.Main', args: ['--x'], parallelism: 2 });
    expect(runs.get(id(1))).toEqual({ jarId: 'a_app.jar', entryClass: 'com.acme.Main', args: ['--x'], parallelism: 2 });
    expect(runs.get(id(2))).toBeUndefined();
  });

  it('keeps the newest 1,000 runs', () => {
    const runs = new RunRegistry();
    for (let n = 1; n <= 1_001; n++) runs.record(id(n), { jarId: `${n}_app.jar` });
    expect(runs.get(id(1))).toBeUndefined();
    expect(runs.get(id(2))).toEqual({ jarId: '2_app.jar' });
    expect(runs.get(id(1_001))).toEqual({ jarId: '1001_app.jar' });
  });

  it('recording a job again replaces it and makes it the newest', () => {
    const runs = new RunRegistry();
    for (let n = 1; n <= 1_000; n++) runs.record(id(n), { jarId: `${n}_app.jar` });
    runs.record(id(1), { jarId: 'again_app.jar' });
    runs.record(id(1_001), { jarId: '1001_app.jar' });
    expect(runs.get(id(1))).toEqual({ jarId: 'again_app.jar' });
    expect(runs.get(id(2))).toBeUndefined(); // now the oldest one went
  });

  it('clients derived with withOptions share the registry (jars.run on one, upgrade on the other)', () => {
    const client = fakeClient();
    const derived = client.withOptions({ timeoutMs: 60_000 });
    clientParts(client).ctx.runs.record(id(7), { jarId: 'x_app.jar' });
    expect(clientParts(derived).ctx.runs.get(id(7))).toEqual({ jarId: 'x_app.jar' });
  });
});
