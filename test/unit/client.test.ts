import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { FlinkClient } from '../../src/client.js';
import { FlinkApiError } from '../../src/errors/api-errors.js';
import { FlinkInputError } from '../../src/errors/flink-error.js';
import { FlinkConnectionError, FlinkResponseError } from '../../src/errors/transport-errors.js';
import { caught } from '../fakes/caught.js';
import { flinkErrors, JOB_ID, overview } from '../fakes/flink-replies.js';
import { selfSignedCert, startHttps } from '../fakes/local-servers.js';
import { FLINK_URL, fakeClient, route, useFakeFlink } from '../fakes/mock-flink.js';

const flink = useFakeFlink();

describe('FlinkClient', () => {
  it('url is the REST base with a trailing slash', () => {
    expect(fakeClient().url).toBe(`${FLINK_URL}/`);
  });

  it('request sends a raw call below /v1 with query and JSON body, and validates with the schema', async () => {
    let seen: unknown;
    flink.use(
      route.post(`/jobs/${JOB_ID}/stop`, async ({ request }) => {
        seen = { body: await request.json(), type: request.headers.get('content-type') };
        return Response.json({ 'request-id': 'fedcba9876543210fedcba9876543210' }, { status: 202 });
      }),
    );
    const reply = await fakeClient().request({
      method: 'POST',
      path: `/jobs/${JOB_ID}/stop`,
      query: { x: 1, skipped: undefined },
      body: { drain: false },
      schema: z.object({ 'request-id': z.string() }),
    });
    expect(reply).toEqual({ 'request-id': 'fedcba9876543210fedcba9876543210' });
    expect(seen).toEqual({ body: { drain: false }, type: 'application/json' });
    expect(flink.calls()).toEqual([`POST /v1/jobs/${JOB_ID}/stop?x=1`]);
  });

  it('request without a schema returns the parsed JSON unchecked', async () => {
    flink.use(route.get(`/jobs/${JOB_ID}/config`, () => Response.json({ jid: JOB_ID, 'execution-config': {} })));
    expect(await fakeClient().request({ method: 'GET', path: `/jobs/${JOB_ID}/config` })).toEqual({ jid: JOB_ID, 'execution-config': {} });
  });

  it('request with a schema the reply does not match is a FlinkResponseError', async () => {
    flink.use(route.get('/whatever', () => Response.json({ a: 'x' })));
    await caught(fakeClient().request({ method: 'GET', path: '/whatever', schema: z.object({ a: z.number() }) }), FlinkResponseError);
  });

  it('request refuses a path without a leading /, sending nothing', async () => {
    const error = await caught(fakeClient().request({ method: 'GET', path: 'jobs' }), FlinkInputError);
    expect(error.message).toBe('path must start with /, got "jobs"');
    expect(flink.requests).toHaveLength(0);
  });

  it('withOptions derives a client with changed options and leaves the original alone', async () => {
    let calls = 0;
    flink.use(
      route.get('/overview', () => (++calls <= 2 ? Response.json(flinkErrors('busy'), { status: 503 }) : Response.json(overview()))),
    );
    const client = fakeClient({ headers: { 'x-team': 'data' } });
    const strict = client.withOptions({ retry: false });
    await caught(strict.cluster.overview(), FlinkApiError);
    await expect(client.cluster.overview()).resolves.toMatchObject({ taskManagers: 2 });
    expect(calls).toBe(3);
    expect(flink.requests.every((r) => r.headers.get('x-team') === 'data')).toBe(true);
    expect(strict.url).toBe(client.url);
  });

  it('withOptions on a client with tls shares its connections: closing the original closes them', async () => {
    const cert = selfSignedCert();
    const https = await startHttps(cert, (_req, res) => res.end(JSON.stringify(overview())));
    try {
      const client = new FlinkClient({ url: https.url, tls: { ca: cert.cert }, retry: false });
      const derived = client.withOptions({ timeoutMs: 5_000 });
      await expect(derived.cluster.overview()).resolves.toMatchObject({ taskManagers: 2 });
      await client.close();
      await caught(derived.cluster.overview(), FlinkConnectionError);
    } finally {
      await https.close();
    }
  });

  it('close and async dispose resolve for an injected fetch', async () => {
    const client = fakeClient();
    await expect(client.close()).resolves.toBeUndefined();
    {
      await using _scoped = new FlinkClient({ url: FLINK_URL });
    }
  });
});
