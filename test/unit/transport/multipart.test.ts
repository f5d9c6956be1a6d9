import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { jarMultipart, type UploadProgress } from '../../../src/transport/multipart.js';
import { ZIP_BYTES } from '../../fakes/flink-replies.js';

describe('jarMultipart', () => {
  it('is one file part named with .jar, typed application/x-java-archive, with an exact content-length', async () => {
    const multipart = await jarMultipart(ZIP_BYTES, 'app.jar', ZIP_BYTES.length);
    const body = await buffer(multipart.body);
    const boundary = /boundary=(.+)$/.exec(multipart.headers['content-type'] ?? '')?.[1];
    expect(boundary).toBeDefined();
    expect(multipart.length).toBe(body.length);
    expect(multipart.headers['content-length']).toBe(String(body.length));
    const text = body.toString('latin1');
    expect(text.split(`--${boundary}`).length - 1).toBe(2); // one part, then the closing delimiter
    expect(text).toContain('Content-Disposition: form-data; name="jarfile"; filename="app.jar"');
    expect(text).toContain('Content-Type: application/x-java-archive');
    expect(body.includes(ZIP_BYTES)).toBe(true);
  });

  it('a stream of unknown length is sent chunked (no content-length)', async () => {
    const multipart = await jarMultipart(Readable.from([ZIP_BYTES]), 'app.jar', undefined);
    expect(multipart.length).toBeUndefined();
    expect(multipart.headers).not.toHaveProperty('content-length');
    expect((await buffer(multipart.body)).includes(ZIP_BYTES)).toBe(true);
  });

  it('reports progress as the body is read, ending at the total', async () => {
    const seen: UploadProgress[] = [];
    const multipart = await jarMultipart(ZIP_BYTES, 'app.jar', ZIP_BYTES.length, (p) => seen.push({ ...p }));
    const body = await buffer(multipart.body);
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
    const multipart = await jarMultipart(failing, 'app.jar', undefined);
    await expect(buffer(multipart.body)).rejects.toThrow('disk gone');
  });
});
