import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readlinkSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { afterAll, describe, expect, it } from 'vitest';
import { FlinkInputError } from '../../../src/errors/flink-error.js';
import { FlinkClient } from '../../../src/index.js';
import { jarMultipart, type UploadProgress } from '../../../src/transport/multipart.js';
import { caught } from '../../fakes/caught.js';
import { ZIP_BYTES } from '../../fakes/flink-replies.js';
import { selfSignedCert, startHttp, startHttps } from '../../fakes/local-servers.js';

const dir = mkdtempSync(join(tmpdir(), 'flink-kit-multipart-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A jar-looking file of `size` random bytes. */
function jarFile(name: string, size: number): { path: string; bytes: Buffer } {
  const bytes = Buffer.concat([ZIP_BYTES.subarray(0, 4), randomBytes(size - 4)]);
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return { path, bytes };
}

/** Reads a body the way a socket does: each chunk is used before the next is asked for. */
async function drain(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const copies: Buffer[] = [];
  for await (const chunk of chunks) copies.push(Buffer.from(chunk));
  return Buffer.concat(copies);
}

/** How many file descriptors of this process point at `path` (Linux, where CI runs). */
function openFiles(path: string): number {
  return readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === path;
    } catch {
      return false; // closed while listing
    }
  }).length;
}

/** The file part of a multipart body (between the part head and the closing boundary). */
function filePart(body: Buffer, contentType: string): Buffer {
  const boundary = /boundary=(.+)$/.exec(contentType)?.[1] as string;
  const start = body.indexOf('\r\n\r\n') + 4;
  const end = body.lastIndexOf(`\r\n--${boundary}--`);
  return body.subarray(start, end);
}

describe('jarMultipart', () => {
  it('is one file part named with .jar, typed application/x-java-archive, with an exact content-length', async () => {
    const multipart = jarMultipart(ZIP_BYTES, 'app.jar');
    const body = await buffer(multipart.chunks(false));
    const boundary = /boundary=(.+)$/.exec(multipart.headers['content-type'] ?? '')?.[1];
    expect(boundary).toBeDefined();
    expect(multipart.length).toBe(body.length);
    expect(multipart.headers['content-length']).toBe(String(body.length));
    const text = body.toString('latin1');
    expect(text.split(`--${boundary}`).length - 1).toBe(2); // one part, then the closing delimiter
    expect(text).toContain('Content-Disposition: form-data; name="jarfile"; filename="app.jar"');
    expect(text).toContain('Content-Type: application/x-java-archive');
    expect(filePart(body, multipart.headers['content-type'] ?? '').equals(ZIP_BYTES)).toBe(true);
  });

  it('a stream of unknown length is sent chunked (no content-length)', async () => {
    const multipart = jarMultipart(Readable.from([ZIP_BYTES]), 'app.jar');
    expect(multipart.length).toBeUndefined();
    expect(multipart.headers).not.toHaveProperty('content-length');
    expect((await buffer(multipart.chunks(false))).includes(ZIP_BYTES)).toBe(true);
  });

  it('reports progress as the body is read, ending at the total', async () => {
    const seen: UploadProgress[] = [];
    const multipart = jarMultipart(ZIP_BYTES, 'app.jar', (p) => seen.push({ ...p }));
    const body = await buffer(multipart.chunks(false));
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.map((p) => p.loaded)).toEqual([...seen.map((p) => p.loaded)].sort((a, b) => a - b));
    expect(seen.at(-1)).toEqual({ loaded: body.length, total: body.length });
  });

  it('a failing source stream fails the body', async () => {
    const failing = new Readable({
      read() {
        this.destroy(new Error('disk gone'));
      },
    });
    await expect(buffer(jarMultipart(failing, 'app.jar').chunks(false))).rejects.toThrow('disk gone');
  });

  it.each([false, true])('streams a file of several chunks byte for byte (buffers reused: %s)', async (reuse) => {
    const { path, bytes } = jarFile(`several-${reuse}.jar`, 1024 * 1024 + 17);
    const multipart = jarMultipart({ path, size: bytes.length }, 'app.jar');
    const body = await drain(multipart.chunks(reuse));
    expect(body.length).toBe(multipart.length);
    expect(filePart(body, multipart.headers['content-type'] ?? '').equals(bytes)).toBe(true);
  });

  it('a file that shrinks while it is sent fails the body with a FlinkInputError', async () => {
    const { path, bytes } = jarFile('shrinks.jar', 1024 * 1024);
    const chunks = jarMultipart({ path, size: bytes.length }, 'app.jar').chunks(true);
    truncateSync(path, 1000);
    const error = await caught(drain(chunks), FlinkInputError);
    expect(error.message).toContain('shrank while it was uploaded');
  });

  it.each([false, true])(
    'opens the file only when the body is read, and closes it when the upload is cut off (buffers reused: %s)',
    async (reuse) => {
      const { path, bytes } = jarFile(`cut-${reuse}.jar`, 2 * 1024 * 1024);
      const multipart = jarMultipart({ path, size: bytes.length }, 'app.jar');
      const chunks = multipart.chunks(reuse)[Symbol.asyncIterator]();
      // Building the body opened nothing: an upload refused before it is sent leaks no file.
      expect(openFiles(path)).toBe(0);
      await chunks.next(); // the part head
      await chunks.next(); // the first chunk of the file
      expect(openFiles(path)).toBe(1);
      await chunks.return?.(undefined); // what the connection does when it breaks
      expect(openFiles(path)).toBe(0);
      expect(multipart.sent).toBeGreaterThan(0);
      expect(multipart.sent).toBeLessThan(multipart.length as number);
    },
  );

  it('can be sent once', () => {
    const multipart = jarMultipart(ZIP_BYTES, 'app.jar');
    multipart.chunks(false);
    expect(() => multipart.chunks(false)).toThrow('sent once');
  });
});

describe('jar uploads over the default transport (a real server on 127.0.0.1)', () => {
  /** A server that reads uploads `slowly` (pausing between reads) and keeps their bodies; https with `tls`. */
  async function uploadServer(slowly: boolean, tls?: { key: string; cert: string }) {
    const bodies: Array<{ contentType: string; body: Buffer }> = [];
    const read = async (req: IncomingMessage): Promise<Buffer> => {
      const parts: Buffer[] = [];
      for await (const chunk of req) {
        parts.push(chunk as Buffer);
        if (slowly) await new Promise((resolve) => setTimeout(resolve, 1));
      }
      return Buffer.concat(parts);
    };
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      void read(req).then((body) => {
        bodies.push({ contentType: req.headers['content-type'] ?? '', body });
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ filename: '/tmp/flink-web-upload/0b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d_app.jar', status: 'success' }));
      });
    };
    const server = tls ? await startHttps(tls, handler) : await startHttp(handler);
    return { server, bodies };
  }

  it.each([
    ['as fast as it can', false],
    ['with backpressure (the server reads slowly)', true],
  ])('delivers a file of many chunks byte for byte, %s', async (_label, slowly) => {
    const { server, bodies } = await uploadServer(slowly);
    const { path, bytes } = jarFile(`served-${slowly}.jar`, 6 * 1024 * 1024 + 3);
    await using flink = new FlinkClient({ url: server.url });
    try {
      const jar = await flink.jars.upload(path);
      expect(jar.name).toBe('app.jar');
      expect(bodies).toHaveLength(1);
      const { contentType, body } = bodies[0] as { contentType: string; body: Buffer };
      expect(filePart(body, contentType).equals(bytes)).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('delivers a file of many chunks byte for byte over TLS, with backpressure', async () => {
    const tls = selfSignedCert();
    const { server, bodies } = await uploadServer(true, tls);
    const { path, bytes } = jarFile('served-tls.jar', 3 * 1024 * 1024 + 5);
    await using flink = new FlinkClient({ url: server.url, tls: { ca: tls.cert } });
    try {
      await flink.jars.upload(path);
      const { contentType, body } = bodies[0] as { contentType: string; body: Buffer };
      expect(filePart(body, contentType).equals(bytes)).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('a file that shrinks during the upload fails it with a FlinkInputError, not a connection error', async () => {
    const { path, bytes } = jarFile('shrinks-served.jar', 8 * 1024 * 1024);
    const server = await startHttp((req, res) => {
      truncateSync(path, 1000); // the upload has started: the rest of the file is gone
      req.resume();
      req.on('end', () => res.end('{}'));
      req.on('error', () => undefined);
    });
    await using flink = new FlinkClient({ url: server.url });
    try {
      const error = await caught(flink.jars.upload(path), FlinkInputError);
      expect(error.message).toContain(`${bytes.length} bytes expected`);
    } finally {
      await server.close();
    }
  });
});
