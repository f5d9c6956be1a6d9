import type { Socket } from 'node:net';
import { buffer } from 'node:stream/consumers';
import { MockAgent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { loadUndici, UndiciSender } from '../../../src/transport/send.js';
import { startHttp } from '../../fakes/local-servers.js';

const signal = () => AbortSignal.timeout(10_000);

async function* pieces(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield Buffer.from(part);
}

describe('loadUndici', () => {
  it("loads undici's Agent and request API from their own modules, not the whole package", async () => {
    // If an undici release moves them, the transport still works (it loads the package) but every
    // fresh process pays about 60 ms more CPU (measured: see loadUndici): this test says so before a release does.
    const parts = await loadUndici();
    expect(parts.source).toBe('modules');
    expect(typeof parts.Agent).toBe('function');
    expect(typeof parts.request).toBe('function');
  });
});

describe('UndiciSender on a given dispatcher', () => {
  let agent: MockAgent | undefined;
  afterEach(async () => {
    agent?.assertNoPendingInterceptors();
    await agent?.close();
  });

  it("sends through it with undici's request API: method, path, query, headers and a streamed body", async () => {
    agent = new MockAgent();
    agent.disableNetConnect();
    let seen: { headers: unknown; body: unknown } | undefined;
    agent
      .get('http://flink.test:8081')
      .intercept({ method: 'POST', path: '/v1/jars/upload?x=1' })
      .reply((options) => {
        seen = { headers: options.headers, body: options.body };
        return { statusCode: 200, data: '{"ok":true}', responseOptions: { headers: { 'set-cookie': ['a=1', 'b=2'] } } };
      });
    const sender = new UndiciSender(agent, undefined);
    await sender.prepare();
    const reply = await sender.send(new URL('http://flink.test:8081/v1/jars/upload?x=1'), {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', 'x-test': 'yes' },
      body: pieces('PK', '\u0003\u0004'),
      signal: signal(),
    });
    expect(reply.status).toBe(200);
    expect(reply.header('Set-Cookie')).toBe('a=1, b=2');
    expect(reply.header('x-missing')).toBeNull();
    expect(await reply.text()).toBe('{"ok":true}');
    expect(seen?.headers).toMatchObject({ 'x-test': 'yes' });
    expect(Buffer.from(await buffer(seen?.body as AsyncIterable<Uint8Array>)).toString('latin1')).toBe('PK\u0003\u0004');
  });

  it('close() leaves a given dispatcher open (it belongs to the caller)', async () => {
    agent = new MockAgent();
    agent.disableNetConnect();
    const pool = agent.get('http://flink.test:8081');
    pool.intercept({ path: '/v1/config' }).reply(200, '{}').times(2);
    const first = new UndiciSender(agent, undefined);
    await (await first.send(new URL('http://flink.test:8081/v1/config'), { method: 'GET', headers: {}, signal: signal() })).text();
    await first.close();
    const second = new UndiciSender(agent, undefined);
    const reply = await second.send(new URL('http://flink.test:8081/v1/config'), { method: 'GET', headers: {}, signal: signal() });
    expect(reply.status).toBe(200);
    await reply.text();
  });
});

describe('UndiciSender with its own Agent (a real server on 127.0.0.1)', () => {
  it('keeps connections alive between calls and closes them on close()', async () => {
    const sockets = new Set<Socket>();
    const closed: Socket[] = [];
    const server = await startHttp((req, res) => {
      const socket = req.socket;
      if (!sockets.has(socket)) {
        sockets.add(socket);
        socket.on('close', () => closed.push(socket));
      }
      res.setHeader('content-type', 'application/json');
      res.end('{}');
    });
    try {
      const sender = new UndiciSender(undefined, undefined);
      const calls = 6;
      for (let i = 0; i < calls; i++) {
        const reply = await sender.send(new URL(`${server.url}/v1/config`), { method: 'GET', headers: {}, signal: signal() });
        expect(await reply.text()).toBe('{}');
      }
      // undici may open a second connection while the first finishes its reply, but reuses them.
      expect(sockets.size).toBeLessThan(calls);
      expect(closed).toHaveLength(0);
      await sender.close();
      await expect.poll(() => closed.length, { timeout: 5_000 }).toBe(sockets.size);
    } finally {
      await server.close();
    }
  });
});
