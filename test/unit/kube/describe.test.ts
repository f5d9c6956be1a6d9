import { describe, expect, it } from 'vitest';
import { FlinkKubernetesError } from '../../../src/errors/kube-errors.js';
import { describe as describeFlink } from '../../../src/kube/describe.js';
import { caught } from '../../fakes/caught.js';
import type { FakePod } from '../../fakes/kube-api.js';
import { emptyEnvironment, fakeFlink, fakeKube, jobManagerPod, standaloneService } from './world.js';

function taskManagerPod(name: string, more: Partial<FakePod> = {}): FakePod {
  return { name, labels: { app: 'flink', component: 'taskmanager' }, ports: [{ name: 'rpc', containerPort: 6122 }], ...more };
}

/** Flink's /taskmanagers entry for a standalone TaskManager whose pod has `ip`. */
function registered(ip: string): Record<string, unknown> {
  return {
    id: `${ip}:6122-4a5b6c`,
    path: `pekko.tcp://flink@${ip}:6122/user/rpc/taskmanager_0`,
    slotsNumber: 2,
    freeSlots: 2,
    totalResource: {},
    freeResource: {},
  };
}

describe('describeFlinkOnKubernetes', () => {
  it('lists the pods next to what Flink reports and names the mismatches', async () => {
    const { kube, kubeconfig } = await fakeKube();
    const flink = await fakeFlink({ taskManagers: [registered('10.0.0.11'), registered('10.0.0.12')] });
    kube.namespaces.set('flink', {
      services: [standaloneService()],
      pods: [
        jobManagerPod('jm-0', flink.port, { ip: '10.0.0.10' }),
        taskManagerPod('tm-a', { ip: '10.0.0.11' }),
        taskManagerPod('tm-b', { ip: '10.0.0.12', restarts: 3 }),
        taskManagerPod('tm-c', { ip: '10.0.0.13' }),
      ],
    });
    const report = await describeFlink({ kubeconfig, namespace: 'flink' }, { environment: emptyEnvironment() });
    expect(report.service).toMatchObject({ name: 'flink-jobmanager', port: 8081 });
    expect(report.jobManagers).toEqual([
      {
        name: 'jm-0',
        phase: 'Running',
        ready: true,
        readySince: undefined,
        terminating: false,
        node: 'node-1',
        restarts: 0,
        reason: undefined,
        ip: '10.0.0.10',
        registered: undefined,
      },
    ]);
    expect(report.taskManagers.map((p) => [p.name, p.registered, p.restarts])).toEqual([
      ['tm-a', true, 0],
      ['tm-b', true, 3],
      ['tm-c', false, 0],
    ]);
    expect(report.flink).toMatchObject({ flinkVersion: '1.20.3', taskManagers: 2, slotsTotal: 4 });
    expect(report.flinkError).toBeUndefined();
    expect(report.problems.map((p) => p.kind)).toEqual(['pod-restarts', 'taskmanagers-not-registered', 'single-node']);
    expect(report.problems[1]?.message).toContain('not registered with Flink: tm-c');
    expect(report.problems[2]?.message).toContain('all 3 TaskManager pods run on node node-1');
  });

  it('a healthy cluster has no problems; TaskManagers on two nodes', async () => {
    const { kube, kubeconfig } = await fakeKube();
    const flink = await fakeFlink({ taskManagers: [registered('10.0.0.11'), registered('10.0.0.12')] });
    kube.namespaces.set('flink', {
      services: [standaloneService()],
      pods: [
        jobManagerPod('jm-0', flink.port),
        taskManagerPod('tm-a', { ip: '10.0.0.11', node: 'node-1' }),
        taskManagerPod('tm-b', { ip: '10.0.0.12', node: 'node-2' }),
      ],
    });
    const report = await describeFlink({ kubeconfig, namespace: 'flink' }, { environment: emptyEnvironment() });
    expect(report.problems).toEqual([]);
  });

  it('Flink not reachable and a JobManager not ready: reported, not thrown; counts compared when ids do not match pods', async () => {
    const { kube, kubeconfig } = await fakeKube();
    kube.namespaces.set('flink', {
      services: [standaloneService()],
      pods: [
        jobManagerPod('jm-0', 1, { ready: false, phase: 'Pending' }),
        taskManagerPod('tm-a'),
        taskManagerPod('tm-b', { node: 'node-2' }),
      ],
    });
    const down = await describeFlink({ kubeconfig, namespace: 'flink' }, { environment: emptyEnvironment() });
    expect(down.flink).toBeUndefined();
    expect(down.flinkError).toContain('no Ready pod behind Service flink/flink-jobmanager');
    expect(down.problems.map((p) => p.kind)).toEqual(['no-ready-jobmanager', 'flink-unreachable', 'pod-not-ready']);

    const flink = await fakeFlink({ taskManagers: [{ ...registered('x'), id: 'tm-1' }] });
    kube.namespaces.set('flink', {
      services: [standaloneService()],
      pods: [jobManagerPod('jm-0', flink.port), taskManagerPod('tm-a'), taskManagerPod('tm-b', { node: 'node-2' })],
    });
    const counted = await describeFlink({ kubeconfig, namespace: 'flink' }, { environment: emptyEnvironment() });
    expect(counted.taskManagers.every((p) => p.registered === undefined)).toBe(true);
    expect(counted.problems).toEqual([
      {
        kind: 'taskmanagers-not-registered',
        message: '2 TaskManager pods are Ready but Flink has 1 TaskManagers registered.',
        fix: expect.stringContaining('kubectl -n flink logs -l app=flink,component=taskmanager'),
      },
    ]);
    expect(counted.problems[0]?.fix).toMatch(/^the classic jobmanager\.rpc\.address mistake/);
  });

  it('a TaskManager pod Ready for less than a minute is "not registered yet", not "never registered"', async () => {
    const { kube, kubeconfig } = await fakeKube();
    const flink = await fakeFlink({ taskManagers: [registered('10.0.0.11')] });
    const now = Date.parse('2026-06-01T12:00:00Z');
    const ago = (s: number) => new Date(now - s * 1000).toISOString();
    const world = (tmB: string, tmC: string) =>
      kube.namespaces.set('flink', {
        services: [standaloneService()],
        pods: [
          jobManagerPod('jm-0', flink.port),
          taskManagerPod('tm-a', { ip: '10.0.0.11', readySince: ago(600), node: 'node-1' }),
          taskManagerPod('tm-b', { ip: '10.0.0.12', readySince: tmB, node: 'node-2' }),
          taskManagerPod('tm-c', { ip: '10.0.0.13', readySince: tmC, node: 'node-2' }),
        ],
      });
    const problems = async () =>
      (await describeFlink({ kubeconfig, namespace: 'flink' }, { environment: emptyEnvironment(), now: () => now })).problems;

    world(ago(5), ago(12));
    expect(await problems()).toEqual([
      {
        kind: 'taskmanagers-registering',
        message: 'TaskManager pods not registered with Flink yet: tm-b, tm-c (Ready for 5 s).',
        fix: 'a TaskManager registers seconds after it starts: look again in a minute.',
      },
    ]);
    world(ago(5), ago(61));
    expect((await problems()).map((p) => [p.kind, p.message])).toEqual([
      ['taskmanagers-not-registered', 'TaskManager pods Ready but not registered with Flink: tm-c.'],
      ['taskmanagers-registering', 'TaskManager pods not registered with Flink yet: tm-b (Ready for 5 s).'],
    ]);
  });

  it('throws for what stops it from looking: an unknown Service', async () => {
    const { kube, kubeconfig } = await fakeKube();
    kube.namespaces.set('flink', { services: [], pods: [] });
    const error = await caught(
      describeFlink({ kubeconfig, namespace: 'flink' }, { environment: emptyEnvironment() }),
      FlinkKubernetesError,
    );
    expect(error.reason).toBe('no-service');
  });
});
