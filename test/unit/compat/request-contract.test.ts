/**
 * Contract test: every request the SDK can send, checked against the OpenAPI spec of each Flink
 * version from 1.16 to 2.3 (test/fixtures/flink-rest-api/, Flink's own generated specs).
 *
 * - the route and method exist in that version's spec, and every query parameter is declared;
 * - every JSON body field is declared in the version's request schema with the right type, enum
 *   value and pattern: 1.16–1.19 reject unknown fields with 400, and 1.20+ silently ignore them,
 *   which is worse;
 * - where a version has a field's successor, the old name is not sent (`claimMode` over
 *   `restoreMode`, `programArgsList` over `programArgs`);
 * - calls a version cannot serve are refused before any request with a FlinkInputError.
 *
 * A new SDK call that sends a request belongs in CALLS below.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { FlinkClient } from '../../../src/client.ts';
import { FlinkClient as Client } from '../../../src/client.ts';
import { FlinkInputError } from '../../../src/errors/index.ts';
import {
  checkpointStats,
  checkpointTriggerCompleted,
  dashboardConfig,
  disposalCompleted,
  JAR_ID,
  JOB_ID,
  jarUploadReply,
  jobDetails,
  jobExceptions,
  jobsOverviewReply,
  overview,
  restoredEntry,
  SAVEPOINT_PATH,
  savepointCompleted,
  taskManagers,
  triggerReply,
  ZIP_BYTES,
} from '../../fakes/flink-replies.ts';

const VERSIONS = ['1.16', '1.17', '1.18', '1.19', '1.20', '2.0', '2.1', '2.2', '2.3'] as const;
type Version = (typeof VERSIONS)[number];

/** A field and the field that replaced it: when a version's schema has the successor, the old name must not be sent. */
const SUPERSEDED: Record<string, string> = { restoreMode: 'claimMode', programArgs: 'programArgsList' };

interface Schema {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  enum?: string[];
  pattern?: string;
  format?: string;
}
interface Parameter {
  name: string;
  in: string;
  schema?: Schema;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
}
interface Spec {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

const specs = new Map<Version, Spec>(
  VERSIONS.map((v) => [
    v,
    parse(readFileSync(new URL(`../../fixtures/flink-rest-api/rest_v1_dispatcher-${v}.yml`, import.meta.url), 'utf8')),
  ]),
);

function deref(spec: Spec, schema: Schema): Schema {
  return schema.$ref ? deref(spec, spec.components.schemas[schema.$ref.replace('#/components/schemas/', '')] ?? {}) : schema;
}

/** Problems of `value` against `schema`, each naming the field path. */
function validate(spec: Spec, raw: Schema, value: unknown, at: string): string[] {
  const schema = deref(spec, raw);
  const type = schema.type ?? (schema.properties ? 'object' : undefined);
  switch (type) {
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        return [`${at}: expected an object, got ${JSON.stringify(value)}`];
      const problems: string[] = [];
      for (const [key, v] of Object.entries(value)) {
        const field = `${at}.${key}`;
        const declared = schema.properties?.[key];
        if (declared) {
          const successor = SUPERSEDED[key];
          if (successor && schema.properties?.[successor]) problems.push(`${field}: superseded by ${successor}, which this version has`);
          problems.push(...validate(spec, declared, v, field));
        } else if (typeof schema.additionalProperties === 'object') problems.push(...validate(spec, schema.additionalProperties, v, field));
        else problems.push(`${field}: not in this version's request schema (${Object.keys(schema.properties ?? {}).join(', ')})`);
      }
      return problems;
    }
    case 'array':
      return Array.isArray(value)
        ? value.flatMap((item, i) => validate(spec, schema.items ?? {}, item, `${at}[${i}]`))
        : [`${at}: expected an array, got ${JSON.stringify(value)}`];
    case 'string': {
      if (typeof value !== 'string') return [`${at}: expected a string, got ${JSON.stringify(value)}`];
      if (schema.enum && !schema.enum.includes(value)) return [`${at}: ${value} is not one of ${schema.enum.join(', ')}`];
      if (schema.pattern && !new RegExp(`^(?:${schema.pattern})$`).test(value)) return [`${at}: ${value} does not match ${schema.pattern}`];
      return [];
    }
    case 'integer':
      return Number.isInteger(value) && (schema.format !== 'int32' || Math.abs(value as number) < 2 ** 31)
        ? []
        : [`${at}: expected an ${schema.format ?? 'integer'}, got ${JSON.stringify(value)}`];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${at}: expected a boolean, got ${JSON.stringify(value)}`];
    default:
      return [];
  }
}

/** The spec operation serving `method path` (`/v1` stripped), literal segments preferred over `{params}`. */
function operationOf(spec: Spec, method: string, path: string): Operation | undefined {
  const matches = Object.keys(spec.paths)
    .filter((template) => new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path))
    .sort((a, b) => (a.match(/\{/g)?.length ?? 0) - (b.match(/\{/g)?.length ?? 0));
  for (const template of matches) {
    const op = spec.paths[template]?.[method.toLowerCase()];
    if (op) return op;
  }
  return undefined;
}

interface Sent {
  method: string;
  path: string;
  query: URLSearchParams;
  contentType: string;
  body: unknown;
}

/** Problems of one request against one version's spec. */
function checkRequest(spec: Spec, request: Sent): string[] {
  const where = `${request.method} ${request.path}`;
  const op = operationOf(spec, request.method, request.path);
  if (!op) return [`${where}: no such route in this version`];
  const problems: string[] = [];
  for (const [name, value] of request.query) {
    const param = op.parameters?.find((p) => p.in === 'query' && p.name === name);
    if (!param) problems.push(`${where}: query parameter ${name} is not declared`);
    const values = param?.schema ? deref(spec, param.schema).enum : undefined;
    // Flink upper-cases enum query values (e.g. mode=cancel), so compare case-insensitively.
    if (values && !values.includes(value.toUpperCase())) problems.push(`${where}: ${name}=${value} is not one of ${values.join(', ')}`);
  }
  if (request.contentType.startsWith('application/json')) {
    const schema = op.requestBody?.content['application/json']?.schema;
    if (!schema) problems.push(`${where}: this version takes no JSON body`);
    else problems.push(...validate(spec, schema, request.body, `${where} body`).map((p) => p));
  }
  return problems;
}

/**
 * A fake Flink of one version answering every route the SDK uses, recording each request. The job
 * runs until a stop or cancel; operations complete at once.
 */
function fakeFlink(version: Version): { client: FlinkClient; sent: Sent[] } {
  const sent: Sent[] = [];
  let state = 'RUNNING';
  let jobId = JOB_ID;
  const json = (body: unknown, status = 200) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : input);
    const method = (init?.method ?? 'GET').toUpperCase();
    const headers = new Headers(init?.headers);
    const contentType = headers.get('content-type') ?? '';
    let body: unknown;
    if (contentType.startsWith('application/json') && typeof init?.body === 'string') body = JSON.parse(init.body);
    else if (init?.body && typeof (init.body as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function')
      for await (const _ of init.body as AsyncIterable<unknown>); // drain a multipart upload
    const path = url.pathname.replace(/^\/v1/, '');
    sent.push({ method, path, query: url.searchParams, contentType, body });
    const route = `${method} ${path.replace(/[0-9a-f]{32}/g, ':id').replace(JAR_ID, ':jar')}`;
    const triggerId = (body as Record<string, string> | undefined)?.['triggerId'];
    switch (route) {
      case 'GET /config':
        return json(dashboardConfig(`${version}.0`));
      case 'GET /overview':
        return json(overview({ 'flink-version': `${version}.0` }));
      case 'GET /taskmanagers':
        return json(taskManagers(2, 2));
      case 'GET /jobs/overview':
        return json(jobsOverviewReply(jobDetails(state, ['RUNNING'], jobId)));
      case 'GET /jobs/:id':
        return json(jobDetails(state, ['RUNNING'], jobId));
      case 'GET /jobs/:id/exceptions':
        return json(jobExceptions());
      case 'GET /jobs/:id/status':
        return json({ status: state });
      case 'PATCH /jobs/:id':
        state = 'CANCELED';
        return json({}, 202);
      case 'POST /jars/upload':
        return json(jarUploadReply());
      case 'GET /jars':
        return json({ address: 'http://127.0.0.1:8081', files: [] });
      case 'DELETE /jars/:jar':
        return json({});
      case 'POST /jars/:jar/run':
        jobId = (body as Record<string, string>)['jobId'] ?? JOB_ID;
        state = 'RUNNING';
        return json({ jobid: jobId });
      case 'POST /jars/:jar/plan':
        return json({ plan: { jid: JOB_ID, name: 'plan', type: 'STREAMING', nodes: [] } });
      case 'POST /jobs/:id/stop':
        state = 'FINISHED';
        return json(triggerReply(triggerId), 202);
      case 'POST /jobs/:id/savepoints':
      case 'POST /jobs/:id/checkpoints':
        return json(triggerReply(triggerId), 202);
      case 'GET /jobs/:id/savepoints/:id':
        return json(savepointCompleted());
      case 'GET /jobs/:id/checkpoints':
        return json(checkpointStats([], { restored: restoredEntry(3) }));
      case 'GET /jobs/:id/checkpoints/:id':
        return json(checkpointTriggerCompleted(7));
      case 'POST /savepoint-disposal':
        return json(triggerReply(), 200);
      case 'GET /savepoint-disposal/:id':
        return json(disposalCompleted());
      default:
        return json({ errors: [`fake Flink: no reply for ${route}`] }, 404);
    }
  };
  const client = new Client({ url: 'http://flink.test:8081', fetch: fetch as typeof globalThis.fetch, retry: false });
  return { client, sent };
}

const CONFIG = { 'pipeline.name': 'etl' };
const DIR = 'file:///tmp/flink-kit/savepoints';

/** Every call of the SDK that sends a request, with the most options it takes (and the fewest). */
const CALLS: Record<string, (flink: FlinkClient) => Promise<unknown>> = {
  'cluster.overview': (f) => f.cluster.overview(),
  'cluster.taskManagers': (f) => f.cluster.taskManagers(),
  'cluster.config': (f) => f.cluster.config(),
  'jars.upload': (f) => f.jars.upload(ZIP_BYTES, { filename: 'app.jar' }),
  'jars.list': (f) => f.jars.list(),
  'jars.delete': (f) => f.jars.delete(JAR_ID),
  'jars.plan (fewest options)': (f) => f.jars.plan(JAR_ID),
  'jars.plan (all options)': (f) =>
    f.jars.plan(JAR_ID, { entryClass: 'com.acme.Main', args: ['--x', 'y'], parallelism: 2, config: CONFIG }),
  'jars.run (fewest options)': (f) => f.jars.run(JAR_ID),
  'jars.run (all options)': (f) =>
    f.jars.run(JAR_ID, {
      entryClass: 'com.acme.Main',
      args: ['--x', 'y'],
      parallelism: 2,
      jobId: JOB_ID,
      savepointPath: SAVEPOINT_PATH,
      allowNonRestoredState: true,
      claimMode: 'NO_CLAIM',
      config: CONFIG,
    }),
  'jars.run (claimMode without config)': (f) => f.jars.run(JAR_ID, { savepointPath: SAVEPOINT_PATH, claimMode: 'CLAIM' }),
  'jobs.list': (f) => f.jobs.list(),
  'jobs.get': (f) => f.jobs.get(JOB_ID),
  'jobs.status': (f) => f.jobs.status(JOB_ID),
  'jobs.exceptions': (f) => f.jobs.exceptions(JOB_ID, { maxExceptions: 5 }),
  'jobs.cancel': (f) => f.jobs.cancel(JOB_ID),
  'jobs.stop (fewest options)': (f) => f.jobs.stop(JOB_ID),
  'jobs.stop (all options)': (f) => f.jobs.stop(JOB_ID, { targetDirectory: DIR, drain: true, formatType: 'NATIVE' }),
  'savepoints.trigger (fewest options)': async (f) => (await f.savepoints.trigger(JOB_ID)).result(),
  'savepoints.trigger (all options)': async (f) =>
    (
      await f.savepoints.trigger(JOB_ID, { targetDirectory: DIR, cancelJob: true, formatType: 'NATIVE', triggerId: 'b'.repeat(32) })
    ).result(),
  'savepoints.dispose': (f) => f.savepoints.dispose(SAVEPOINT_PATH),
  'checkpoints.trigger (CONFIGURED)': async (f) => (await f.checkpoints.trigger(JOB_ID)).result(),
  'checkpoints.trigger (FULL)': async (f) => (await f.checkpoints.trigger(JOB_ID, { type: 'FULL' })).result(),
  'checkpoints.trigger (INCREMENTAL)': async (f) => (await f.checkpoints.trigger(JOB_ID, { type: 'INCREMENTAL' })).result(),
  upgrade: (f) =>
    f.upgrade(JOB_ID, {
      jar: ZIP_BYTES,
      filename: 'app-v2.jar',
      args: ['--v', '2'],
      parallelism: 2,
      allowNonRestoredState: true,
      claimMode: 'NO_CLAIM',
      config: CONFIG,
      previous: false,
      targetDirectory: DIR,
      formatType: 'NATIVE',
    }),
  submit: (f) => f.submit({ jar: ZIP_BYTES, filename: 'app.jar', parallelism: 2, args: ['--x'], config: CONFIG, until: 'RUNNING' }),
};

/** Calls a version cannot serve: the SDK refuses them before sending anything. */
const REFUSED: Partial<Record<Version, string[]>> = {
  '1.16': [
    'jars.plan (all options)',
    'jars.run (all options)',
    'checkpoints.trigger (CONFIGURED)',
    'checkpoints.trigger (FULL)',
    'checkpoints.trigger (INCREMENTAL)',
    'upgrade',
    'submit',
  ],
  ...Object.fromEntries(['1.19', '1.20', '2.0', '2.1', '2.2', '2.3'].map((v) => [v, ['checkpoints.trigger (INCREMENTAL)']])),
};

describe('every request matches the Flink REST spec of each version', () => {
  for (const version of VERSIONS) {
    const spec = specs.get(version) as Spec;
    describe(`Flink ${version}`, () => {
      for (const [name, call] of Object.entries(CALLS)) {
        const refused = REFUSED[version]?.includes(name) ?? false;
        it(`${name}${refused ? ': refused before any request' : ''}`, async () => {
          const { client, sent } = fakeFlink(version);
          const outcome = await call(client).then(
            () => undefined,
            (e: unknown) => e,
          );
          if (refused) {
            expect(outcome).toBeInstanceOf(FlinkInputError);
            expect(sent.filter((r) => r.method !== 'GET')).toEqual([]);
          } else {
            expect(outcome).toBeUndefined();
          }
          expect(sent.flatMap((r) => checkRequest(spec, r))).toEqual([]);
        });
      }
    });
  }

  it('knows the renames: claimMode from 1.20 (restoreMode before), and no programArgs anywhere', async () => {
    const bodies = new Map<Version, Record<string, unknown>>();
    for (const version of VERSIONS) {
      const { client, sent } = fakeFlink(version);
      await client.jars.run(JAR_ID, { args: ['a'], savepointPath: SAVEPOINT_PATH, claimMode: 'NO_CLAIM' });
      bodies.set(version, sent.find((r) => r.path.endsWith('/run'))?.body as Record<string, unknown>);
    }
    for (const [version, body] of bodies) {
      const modern = version === '1.20' || version.startsWith('2.');
      expect(body[modern ? 'claimMode' : 'restoreMode']).toBe('NO_CLAIM');
      expect(body).not.toHaveProperty(modern ? 'restoreMode' : 'claimMode');
      expect(body['programArgsList']).toEqual(['a']);
      expect(body).not.toHaveProperty('programArgs');
    }
  });

  it('the checker itself finds what a version rejects', () => {
    const run = (version: Version, body: unknown) =>
      checkRequest(specs.get(version) as Spec, {
        method: 'POST',
        path: `/jars/${JAR_ID}/run`,
        query: new URLSearchParams(),
        contentType: 'application/json',
        body,
      });
    expect(run('1.19', { claimMode: 'CLAIM' })).toEqual([expect.stringMatching(/body\.claimMode: not in this version's request schema/)]);
    expect(run('1.20', { restoreMode: 'CLAIM' })).toEqual([expect.stringMatching(/body\.restoreMode: superseded by claimMode/)]);
    expect(run('2.0', { programArgs: '--x y' })).toEqual([
      expect.stringMatching(/body\.programArgs: not in this version's request schema/),
    ]);
    expect(run('1.16', { flinkConfiguration: {} })).toEqual([expect.stringMatching(/flinkConfiguration: not in this version's/)]);
    expect(run('2.3', { parallelism: '2', jobId: 'nope', claimMode: 'MAYBE' })).toHaveLength(3);
    expect(
      checkRequest(specs.get('1.16') as Spec, {
        method: 'POST',
        path: `/jobs/${JOB_ID}/checkpoints`,
        query: new URLSearchParams(),
        contentType: 'application/json',
        body: {},
      }),
    ).toEqual([expect.stringMatching(/no such route/)]);
  });
});
