/**
 * A pass-through HTTP proxy on 127.0.0.1 that counts the requests going through it: for figures of
 * another process (the `flink-kit` CLI), whose requests the bench cannot see from inside.
 */
import { createServer, request as forward } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running counting proxy. */
export interface CountingProxy {
  /** Its URL: point the client at it. */
  readonly url: string;
  /** Epoch ms of each request that came through, in order. */
  readonly seen: number[];
  close(): Promise<void>;
}

/** Starts a proxy to `target` (an http:// URL). */
export async function countingProxy(target: string): Promise<CountingProxy> {
  const upstream = new URL(target);
  const seen: number[] = [];
  const server = createServer((req, res) => {
    seen.push(Date.now());
    const out = forward(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } },
      (reply) => {
        res.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
