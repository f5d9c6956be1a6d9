import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { FlinkApiError, FlinkNotFoundError } from '../../../src/errors/api-errors.js';
import { FlinkInputError } from '../../../src/errors/flink-error.js';
import type { UploadProgress } from '../../../src/transport/multipart.js';
import { caught } from '../../fakes/caught.js';
import { dashboardConfig, duplicateJobErrors, flinkErrors, JAR_ID, JOB_ID, jarUploadReply, ZIP_BYTES } from '../../fakes/flink-replies.js';
import { fakeClient, route, useFakeFlink } from '../../fakes/mock-flink.js';

const flink = useFakeFlink();

const dir = mkdtempSync(join(tmpdir(), 'flink-kit-jars-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

function directory(name: string): string {
  const path = join(dir, name);
  mkdirSync(path, { recursive: true });
  return path;
}

/** One part of a multipart body as the server received it. */
interface Part {
  field: string;
  filename: string;
  type: string;
  bytes: Buffer;
}

/** Answers uploads like Flink and keeps the parts of every upload it saw. */
function acceptUploads(): Part[][] {
  const uploads: Part[][] = [];
  flink.use(
    route.post('/jars/upload', async ({ request }) => {
      const form = await request.formData();
      const parts: Part[] = [];
      for (const [field, value] of form.entries()) {
        if (typeof value === 'string') parts.push({ field, filename: '', type: 'text', bytes: Buffer.from(value) });
        else parts.push({ field, filename: value.name, type: value.type, bytes: Buffer.from(await value.arrayBuffer()) });
      }
      uploads.push(parts);
      const name = parts[0]?.filename ?? 'x.jar';
      return Response.json(jarUploadReply(`2f1e6c1a-4b7d-4c39-9d0e-8a5b3c2d1e0f_${name}`));
    }),
  );
  return uploads;
}

/** Answers runs like Flink (echoing the job id) and keeps every body it saw. */
function acceptRuns(jarId = JAR_ID): Array<Record<string, unknown>> {
  const bodies: Array<Record<string, unknown>> = [];
  flink.use(
    route.post(`/jars/${jarId}/run`, async ({ request }) => {
      const body = (await request.json()) as Record<string, unknown>;
      bodies.push(body);
      return Response.json({ jobid: body['jobId'] });
    }),
  );
  return bodies;
}

/** The connected Flink reports `version` on /config. */
function flinkVersion(version: string): void {
  flink.use(route.get('/config', () => Response.json(dashboardConfig(version))));
}

describe('jars.upload: bad input is caught before any request', () => {
  it.each<[string, () => string, string]>([
    ['a missing file', () => join(dir, 'missing.jar'), 'does not exist'],
    ['a directory', () => directory('dir.jar'), 'is not a file'],
    ['an empty file', () => file('empty.jar', ''), 'is empty (0 bytes)'],
    ['a file that is not a zip', () => file('text.jar', 'this is not a jar'), 'is not a jar (no zip header)'],
    ['a file shorter than a zip header', () => file('short.jar', 'PK'), 'is not a jar'],
  ])('%s is a FlinkInputError', async (_label, make, words) => {
    const path = make();
    const error = await caught(fakeClient().jars.upload(path), FlinkInputError);
    expect(error.message).toContain(path);
    expect(error.message).toContain(words);
    expect(flink.requests).toHaveLength(0);
  });

  it.each<[string, Buffer, string]>([
    ['an empty buffer', Buffer.alloc(0), 'is empty'],
    ['a buffer that is not a zip', Buffer.from('<html></html>'), 'is not a jar'],
  ])('%s is a FlinkInputError', async (_label, buffer, words) => {
    const error = await caught(fakeClient().jars.upload(buffer), FlinkInputError);
    expect(error.message).toContain(words);
    expect(flink.requests).toHaveLength(0);
  });
});

describe('jars.upload', () => {
  it('sends a buffer as exactly one .jar part of type application/x-java-archive', async () => {
    const uploads = acceptUploads();
    const jar = await fakeClient().jars.upload(ZIP_BYTES);
    expect(uploads).toHaveLength(1);
    const parts = uploads[0] ?? [];
    expect(parts).toHaveLength(1);
    expect(parts[0]?.filename).toMatch(/\.jar$/);
    expect(parts[0]?.type).toBe('application/x-java-archive');
    expect(parts[0]?.bytes.equals(ZIP_BYTES)).toBe(true);
    expect(jar).toEqual({
      id: '2f1e6c1a-4b7d-4c39-9d0e-8a5b3c2d1e0f_upload.jar',
      name: 'upload.jar',
      serverPath: `/tmp/flink-web-7a6c3f1e-3b1f-4f8e-9a61-0c9d3f2b1a7e/flink-web-upload/2f1e6c1a-4b7d-4c39-9d0e-8a5b3c2d1e0f_upload.jar`,
    });
    expect(flink.requests[0]?.headers.get('content-type')).toMatch(/^multipart\/form-data; boundary=/);
  });

  it('streams a file under its own name, adding .jar when it has none', async () => {
    const uploads = acceptUploads();
    const path = file('wordcount', Buffer.concat([ZIP_BYTES, Buffer.alloc(100_000, 7)]));
    const jar = await fakeClient().jars.upload(path);
    expect(uploads[0]?.[0]?.filename).toBe('wordcount.jar');
    expect(uploads[0]?.[0]?.bytes.length).toBe(ZIP_BYTES.length + 100_000);
    expect(jar.name).toBe('wordcount.jar');
  });

  it('uses the filename option', async () => {
    const uploads = acceptUploads();
    await fakeClient().jars.upload(ZIP_BYTES, { filename: 'etl-1.2.3.JAR' });
    expect(uploads[0]?.[0]?.filename).toBe('etl-1.2.3.JAR');
  });

  it('sends a stream of unknown length', async () => {
    const uploads = acceptUploads();
    await fakeClient().jars.upload(Readable.from([ZIP_BYTES.subarray(0, 6), ZIP_BYTES.subarray(6)]), { filename: 'stream' });
    expect(uploads[0]?.[0]?.filename).toBe('stream.jar');
    expect(uploads[0]?.[0]?.bytes.equals(ZIP_BYTES)).toBe(true);
  });

  it('reports progress up to the whole body', async () => {
    acceptUploads();
    const seen: UploadProgress[] = [];
    await fakeClient().jars.upload(ZIP_BYTES, { onProgress: (p) => seen.push(p) });
    const last = seen.at(-1);
    expect(last?.total).toBeGreaterThan(ZIP_BYTES.length);
    expect(last?.loaded).toBe(last?.total);
  });

  it('is never retried: the stream body is gone after one attempt', async () => {
    flink.use(route.post('/jars/upload', () => Response.json(flinkErrors('unavailable'), { status: 503 })));
    await caught(fakeClient().jars.upload(ZIP_BYTES), FlinkApiError);
    expect(flink.calls()).toEqual(['POST /v1/jars/upload']);
  });

  it("passes Flink's refusal on", async () => {
    flink.use(route.post('/jars/upload', () => Response.json(flinkErrors('Only Jar files are allowed.'), { status: 400 })));
    const error = await caught(fakeClient().jars.upload(ZIP_BYTES), FlinkApiError);
    expect(error.message).toContain('HTTP 400: Only Jar files are allowed.');
  });
});

describe('jars.run: bad input is caught before any request', () => {
  it.each<[string, unknown]>([
    ['0', 0],
    ['-1', -1],
    ['1.5', 1.5],
    ['"2"', '2'],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
  ])('parallelism %s is a FlinkInputError', async (_label, parallelism) => {
    const error = await caught(fakeClient().jars.run(JAR_ID, { parallelism: parallelism as number }), FlinkInputError);
    expect(error.message).toContain('parallelism must be a positive integer');
    expect(flink.requests).toHaveLength(0);
  });

  it.each(['abc', JOB_ID.toUpperCase(), JOB_ID.slice(1)])('jobId %j is a FlinkInputError', async (jobId) => {
    const error = await caught(fakeClient().jars.run(JAR_ID, { jobId }), FlinkInputError);
    expect(error.message).toContain('jobId must be 32 lower-case hex characters');
    expect(flink.requests).toHaveLength(0);
  });

  it.each(['app', '../etc/app.jar', 'a/b.jar', 'app.jar?x=1', ''])('jar id %j is a FlinkInputError', async (jarId) => {
    const error = await caught(fakeClient().jars.run(jarId), FlinkInputError);
    expect(error.message).toContain('is not a Flink jar id');
    expect(flink.requests).toHaveLength(0);
  });

  it.each(['com.acme.Main; rm -rf /', 'com..acme', '1Main', 'com.acme.Main '])('entryClass %j is a FlinkInputError', async (entryClass) => {
    const error = await caught(fakeClient().jars.run(JAR_ID, { entryClass }), FlinkInputError);
    expect(error.message).toContain('is not a Java class name');
    expect(flink.requests).toHaveLength(0);
  });
});

describe('jars.run', () => {
  it('sends a fresh 32-hex jobId and programArgsList, and returns the job id', async () => {
    const bodies = acceptRuns();
    const args = ['--input', 'a file with spaces.txt', "it's", '--flag=x,y'];
    const { jobId } = await fakeClient().jars.run(JAR_ID, { entryClass: 'com.acme.Main', args, parallelism: 2 });
    expect(bodies).toHaveLength(1);
    const body = bodies[0] ?? {};
    expect(body['jobId']).toMatch(/^[0-9a-f]{32}$/);
    expect(jobId).toBe(body['jobId']);
    expect(body).toEqual({ entryClass: 'com.acme.Main', programArgsList: args, parallelism: 2, jobId });
    // No version lookup when nothing version-dependent is sent.
    expect(flink.calls()).toEqual([`POST /v1/jars/${JAR_ID}/run`]);
  });

  it('uses a new job id for each run', async () => {
    const bodies = acceptRuns();
    const client = fakeClient();
    await client.jars.run(JAR_ID);
    await client.jars.run(JAR_ID);
    expect(bodies[0]?.['jobId']).not.toBe(bodies[1]?.['jobId']);
  });

  it('sends the job id, savepoint path and allowNonRestoredState it was given', async () => {
    const bodies = acceptRuns();
    await fakeClient().jars.run(JAR_ID, {
      jobId: JOB_ID,
      savepointPath: 's3://bucket/savepoints/savepoint-0123-abcdef',
      allowNonRestoredState: true,
    });
    expect(bodies[0]).toEqual({
      jobId: JOB_ID,
      savepointPath: 's3://bucket/savepoints/savepoint-0123-abcdef',
      allowNonRestoredState: true,
    });
  });

  it('sends claimMode as restoreMode to Flink 1.19', async () => {
    flinkVersion('1.19.1');
    const bodies = acceptRuns();
    await fakeClient().jars.run(JAR_ID, { claimMode: 'CLAIM' });
    expect(bodies[0]?.['restoreMode']).toBe('CLAIM');
    expect(bodies[0]).not.toHaveProperty('claimMode');
  });

  it('sends claimMode as claimMode to Flink 1.20', async () => {
    flinkVersion('1.20.3');
    const bodies = acceptRuns();
    await fakeClient().jars.run(JAR_ID, { claimMode: 'NO_CLAIM' });
    expect(bodies[0]?.['claimMode']).toBe('NO_CLAIM');
    expect(bodies[0]).not.toHaveProperty('restoreMode');
  });

  it('reads the version once per client', async () => {
    flinkVersion('1.20.3');
    acceptRuns();
    const client = fakeClient();
    await client.jars.run(JAR_ID, { claimMode: 'CLAIM' });
    await client.jars.run(JAR_ID, { claimMode: 'CLAIM' });
    expect(flink.calls().filter((c) => c === 'GET /v1/config')).toHaveLength(1);
  });

  it('refuses config (flinkConfiguration) for Flink 1.16 before running anything', async () => {
    flinkVersion('1.16.3');
    const error = await caught(fakeClient().jars.run(JAR_ID, { config: { 'pipeline.name': 'x' } }), FlinkInputError);
    expect(error.message).toBe('config (flinkConfiguration) needs Flink 1.17+, the cluster runs 1.16.3');
    expect(flink.calls()).toEqual(['GET /v1/config']);
  });

  it('sends config as flinkConfiguration to Flink 1.17', async () => {
    flinkVersion('1.17.2');
    const bodies = acceptRuns();
    await fakeClient().jars.run(JAR_ID, { config: { 'pipeline.name': 'nightly' } });
    expect(bodies[0]?.['flinkConfiguration']).toEqual({ 'pipeline.name': 'nightly' });
  });

  it('is retried on 503 with the same job id', async () => {
    const bodies: Array<Record<string, unknown>> = [];
    flink.use(
      route.post(`/jars/${JAR_ID}/run`, async ({ request }) => {
        const body = (await request.json()) as Record<string, unknown>;
        bodies.push(body);
        return bodies.length === 1
          ? Response.json(flinkErrors('leader election'), { status: 503 })
          : Response.json({ jobid: body['jobId'] });
      }),
    );
    const { jobId } = await fakeClient().jars.run(JAR_ID);
    expect(bodies).toHaveLength(2);
    expect(bodies[1]?.['jobId']).toBe(bodies[0]?.['jobId']);
    expect(jobId).toBe(bodies[0]?.['jobId']);
  });

  it('a duplicate-job answer after a lost reply is success with the job id it sent', async () => {
    const sent: unknown[] = [];
    flink.use(
      route.post(`/jars/${JAR_ID}/run`, async ({ request }) => {
        const body = (await request.json()) as Record<string, unknown>;
        sent.push(body['jobId']);
        // The first attempt got through, but its connection died before the reply.
        return sent.length === 1 ? Response.error() : Response.json(duplicateJobErrors(String(body['jobId'])), { status: 400 });
      }),
    );
    const result = await fakeClient().jars.run(JAR_ID);
    expect(sent).toHaveLength(2);
    expect(sent[1]).toBe(sent[0]);
    expect(result).toEqual({ jobId: sent[0] });
  });

  it('a duplicate-job answer to the first attempt is a FlinkApiError saying the job id was already used', async () => {
    flink.use(route.post(`/jars/${JAR_ID}/run`, () => Response.json(duplicateJobErrors(JOB_ID), { status: 400 })));
    const error = await caught(fakeClient().jars.run(JAR_ID, { jobId: JOB_ID }), FlinkApiError);
    expect(error.status).toBe(400);
    expect(error.message).toContain(`Job id ${JOB_ID} was already used on this cluster`);
    expect(error.message).toContain('omit jobId');
    expect(error.rootCause).toContain('DuplicateJobSubmissionException: Job has already been submitted.');
    expect(flink.requests).toHaveLength(1);
  });

  it('an unknown jar id is a FlinkNotFoundError that says to upload again', async () => {
    flink.use(
      route.post('/jars/abc.jar/run', () =>
        Response.json(flinkErrors('File abc.jar does not exist in /tmp/flink-web-7a6c3f1e/flink-web-upload.'), { status: 400 }),
      ),
    );
    const error = await caught(fakeClient().jars.run('abc.jar'), FlinkNotFoundError);
    expect(error.status).toBe(400);
    expect(error.message).toContain('File abc.jar does not exist');
    expect(error.message).toContain('upload it again');
  });

  it('a failing main() is a FlinkApiError with the hint to look at the root cause', async () => {
    flink.use(
      route.post(`/jars/${JAR_ID}/run`, () =>
        Response.json(
          flinkErrors(
            'org.apache.flink.runtime.rest.handler.RestHandlerException: Could not execute application.\n\tat x.Y(Y.java:1)\nCaused by: java.lang.IllegalArgumentException: --input is required',
          ),
          { status: 400 },
        ),
      ),
    );
    const error = await caught(fakeClient().jars.run(JAR_ID), FlinkApiError);
    expect(error).not.toBeInstanceOf(FlinkNotFoundError);
    expect(error.rootCause).toBe('IllegalArgumentException: --input is required');
    expect(error.message).toContain('main() failed inside the JobManager');
  });
});

describe('jars.list / delete / plan', () => {
  it('list maps the jars and their entry classes', async () => {
    flink.use(
      route.get('/jars', () =>
        Response.json({
          address: 'http://127.0.0.1:8081',
          files: [{ id: JAR_ID, name: 'app.jar', uploaded: 1_795_248_721_128, entry: [{ name: 'com.acme.Main', description: null }] }],
        }),
      ),
    );
    expect(await fakeClient().jars.list()).toEqual([
      { id: JAR_ID, name: 'app.jar', uploadedAt: 1_795_248_721_128, entryClasses: ['com.acme.Main'] },
    ]);
  });

  it('delete sends DELETE /jars/:id', async () => {
    flink.use(route.delete(`/jars/${JAR_ID}`, () => new Response(null, { status: 200 })));
    await fakeClient().jars.delete(JAR_ID);
    expect(flink.calls()).toEqual([`DELETE /v1/jars/${JAR_ID}`]);
  });

  it('delete of an unknown jar is a FlinkNotFoundError', async () => {
    flink.use(
      route.delete('/jars/abc.jar', () =>
        Response.json(flinkErrors('File abc.jar does not exist in /tmp/flink-web-upload.'), { status: 400 }),
      ),
    );
    await caught(fakeClient().jars.delete('abc.jar'), FlinkNotFoundError);
  });

  it('delete of a bad jar id sends nothing', async () => {
    await caught(fakeClient().jars.delete('../../jobs'), FlinkInputError);
    expect(flink.requests).toHaveLength(0);
  });

  it('plan maps the nodes and is retried (it starts nothing)', async () => {
    let calls = 0;
    flink.use(
      route.post(`/jars/${JAR_ID}/plan`, () =>
        ++calls === 1
          ? Response.json(flinkErrors('unavailable'), { status: 503 })
          : Response.json({
              plan: {
                jid: JOB_ID,
                name: 'WordCount',
                type: 'BATCH',
                nodes: [{ id: 'n1', parallelism: 2, description: 'Source', operator: '' }],
              },
            }),
      ),
    );
    const plan = await fakeClient().jars.plan(JAR_ID, { parallelism: 2 });
    expect(plan).toEqual({ jobId: JOB_ID, name: 'WordCount', nodes: [{ id: 'n1', parallelism: 2, description: 'Source' }] });
    expect(calls).toBe(2);
  });
});
