import { describe, expect, it } from 'vitest';
import { FlinkInputError } from '../../../src/errors/flink-error.js';
import { FlinkResponseError } from '../../../src/errors/transport-errors.js';
import { caught } from '../../fakes/caught.js';
import { dashboardConfig, overview, taskManagers } from '../../fakes/flink-replies.js';
import { fakeClient, route, useFakeFlink } from '../../fakes/mock-flink.js';

const flink = useFakeFlink();

describe('cluster', () => {
  it('overview maps the wire keys of Flink 1.20.3', async () => {
    flink.use(route.get('/overview', () => Response.json(overview({ 'jobs-running': 1, 'slots-available': 3 }))));
    expect(await fakeClient().cluster.overview()).toEqual({
      flinkVersion: '1.20.3',
      flinkCommit: '01e3a6d',
      taskManagers: 2,
      slotsTotal: 4,
      slotsAvailable: 3,
      jobsRunning: 1,
      jobsFinished: 0,
      jobsCancelled: 0,
      jobsFailed: 0,
    });
  });

  it('overview keeps working when a newer Flink adds fields', async () => {
    flink.use(route.get('/overview', () => Response.json(overview({ 'taskmanagers-blocked': 0, 'slots-free-and-blocked': 0 }))));
    await expect(fakeClient().cluster.overview()).resolves.toMatchObject({ taskManagers: 2 });
  });

  it('overview with a field of the wrong type is a FlinkResponseError', async () => {
    flink.use(route.get('/overview', () => Response.json(overview({ 'slots-total': '4' }))));
    const error = await caught(fakeClient().cluster.overview(), FlinkResponseError);
    expect(error.message).toContain('slots-total');
  });

  it('capacity adds up the TaskManagers', async () => {
    flink.use(route.get('/taskmanagers', () => Response.json(taskManagers(3, 2, 1))));
    expect(await fakeClient().cluster.capacity()).toEqual({ taskManagers: 3, slotsTotal: 6, slotsAvailable: 3, slotsPerTaskManager: 2 });
  });

  it('capacity has no slots per TaskManager when they differ, and copes with none', async () => {
    const mixed = { taskmanagers: [...taskManagers(1, 2).taskmanagers, ...taskManagers(1, 4).taskmanagers] };
    flink.use(route.get('/taskmanagers', () => Response.json(mixed)));
    expect(await fakeClient().cluster.capacity()).toMatchObject({ slotsTotal: 6, slotsPerTaskManager: undefined });
    flink.use(route.get('/taskmanagers', () => Response.json({ taskmanagers: [] })));
    expect(await fakeClient().cluster.capacity()).toEqual({
      taskManagers: 0,
      slotsTotal: 0,
      slotsAvailable: 0,
      slotsPerTaskManager: undefined,
    });
  });

  it('config maps the features', async () => {
    flink.use(route.get('/config', () => Response.json(dashboardConfig('1.18.1'))));
    expect(await fakeClient().cluster.config()).toMatchObject({ flinkVersion: '1.18.1', features: { webSubmit: true, webCancel: false } });
  });

  it('jobManagerConfig turns [{key, value}] into a record', async () => {
    flink.use(
      route.get('/jobmanager/config', () =>
        Response.json([
          { key: 'rest.port', value: '8081' },
          { key: 'state.savepoints.dir', value: 'file:///tmp/sp' },
        ]),
      ),
    );
    expect(await fakeClient().cluster.jobManagerConfig()).toEqual({ 'rest.port': '8081', 'state.savepoints.dir': 'file:///tmp/sp' });
  });

  it('taskManagerStdout returns text and encodes the TaskManager id', async () => {
    flink.use(route.get('/taskmanagers/:id/stdout', () => new Response('(hello,1)\n(world,2)\n')));
    expect(await fakeClient().cluster.taskManagerStdout('127.0.0.1:40123-0a1b20')).toBe('(hello,1)\n(world,2)\n');
    expect(flink.calls()).toEqual(['GET /v1/taskmanagers/127.0.0.1%3A40123-0a1b20/stdout']);
  });

  it('taskManagerStdout refuses an id that would leave the path, sending nothing', async () => {
    await caught(fakeClient().cluster.taskManagerStdout('../jobmanager'), FlinkInputError);
    expect(flink.requests).toHaveLength(0);
  });

  it('version is read from /config once, and read again after a failure', async () => {
    let calls = 0;
    flink.use(
      route.get('/config', () =>
        ++calls === 1 ? Response.json(flinkErrors500(), { status: 500 }) : Response.json(dashboardConfig('2.0.0')),
      ),
    );
    const client = fakeClient();
    await expect(client.cluster.version()).rejects.toThrow('HTTP 500');
    const version = await client.cluster.version();
    expect(version.raw).toBe('2.0.0');
    expect(version.atLeast(1, 20)).toBe(true);
    await client.cluster.version();
    expect(calls).toBe(2);
  });

  it('a version that cannot be read is a FlinkInputError naming it', async () => {
    flink.use(route.get('/config', () => Response.json(dashboardConfig('master'))));
    await expect(fakeClient().cluster.version()).rejects.toThrow('cannot read Flink version "master"');
  });
});

function flinkErrors500(): { errors: string[] } {
  return { errors: ['Internal server error.'] };
}
