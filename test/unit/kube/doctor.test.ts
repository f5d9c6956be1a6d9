import { describe, expect, it } from 'vitest';
import { FlinkKubernetesError } from '../../../src/errors/kube-errors.js';
import type { FlinkOnKubernetes } from '../../../src/kube/describe.js';
import { doctorWithoutJobManager, kubernetesChecks, kubernetesDoctorSection } from '../../../src/kube/doctor.js';
import { doctor } from '../../../src/workflows/doctor.js';
import { fakeKube, jobManagerPod, flinkPod as pod, standaloneService } from './world.js';

/** What describeFlinkOnKubernetes returns for the standalone layout. */
function described(more: Partial<FlinkOnKubernetes> = {}): FlinkOnKubernetes {
  return {
    context: 'prod',
    namespace: 'flink',
    service: { name: 'flink-jobmanager', namespace: 'flink', port: 8081, portName: 'webui', targetPort: 8081 },
    jobManagers: [pod('flink-jobmanager-7c9d-abcde')],
    taskManagers: [pod('tm-a', { registered: true }), pod('tm-b', { node: 'node-2', registered: true })],
    flink: { flinkVersion: '1.20.3', taskManagers: 2, slotsTotal: 4, slotsAvailable: 4, jobsRunning: 0, taskManagerIds: ['a', 'b'] },
    flinkError: undefined,
    problems: [],
    ...more,
  };
}

describe('kubernetesChecks (doctor --k8s)', () => {
  it('a healthy cluster: four passing checks, each saying what it saw', () => {
    expect(kubernetesChecks(described())).toEqual([
      {
        id: 'k8s-jobmanager',
        status: 'pass',
        summary: 'JobManager pod flink-jobmanager-7c9d-abcde (node node-1) Ready behind Service flink/flink-jobmanager port 8081',
      },
      { id: 'k8s-pods', status: 'pass', summary: '2 TaskManager pods and 1 JobManager pod, all Ready, none restarted' },
      { id: 'k8s-taskmanagers', status: 'pass', summary: '2 TaskManager pods, 2 TaskManagers registered with Flink' },
      { id: 'k8s-spread', status: 'pass', summary: 'TaskManager pods on 2 nodes: node-1 (1), node-2 (1)' },
    ]);
  });

  it('a TaskManager pod that never registered fails with the jobmanager.rpc.address fix; one node and restarts warn', () => {
    const checks = kubernetesChecks(
      described({
        taskManagers: [pod('tm-a', { registered: true, restarts: 2, reason: 'OOMKilled' }), pod('tm-b', { registered: false })],
        flink: { flinkVersion: '1.20.3', taskManagers: 1, slotsTotal: 2, slotsAvailable: 2, jobsRunning: 0, taskManagerIds: ['a'] },
        problems: [
          {
            kind: 'pod-restarts',
            message: 'pod tm-a restarted 2 times (last: OOMKilled).',
            fix: 'kubectl -n flink logs --previous tm-a …',
          },
          {
            kind: 'taskmanagers-not-registered',
            message: 'TaskManager pods Ready but not registered with Flink: tm-b.',
            fix: 'the classic jobmanager.rpc.address mistake: …',
          },
          { kind: 'single-node', message: 'all 2 TaskManager pods run on node node-1: …', fix: 'spread them …' },
        ],
      }),
    );
    expect(checks.map((c) => [c.id, c.status])).toEqual([
      ['k8s-jobmanager', 'pass'],
      ['k8s-pods', 'warn'],
      ['k8s-taskmanagers', 'fail'],
      ['k8s-spread', 'warn'],
    ]);
    expect(checks[2]).toEqual({
      id: 'k8s-taskmanagers',
      status: 'fail',
      summary: 'TaskManager pods Ready but not registered with Flink: tm-b.',
      fix: 'the classic jobmanager.rpc.address mistake: …',
    });
    for (const c of checks) if (c.status !== 'pass') expect(c.fix).toBeTruthy();
  });

  it('no Ready JobManager fails; TaskManagers still registering only warn', () => {
    const checks = kubernetesChecks(
      described({
        jobManagers: [pod('jm-0', { ready: false, phase: 'Pending', reason: 'Unschedulable' })],
        flink: undefined,
        flinkError: 'no Ready pod',
        problems: [
          { kind: 'no-ready-jobmanager', message: 'no JobManager pod is Ready', fix: 'kubectl -n flink describe pod jm-0' },
          { kind: 'flink-unreachable', message: 'Flink could not be asked: no Ready pod', fix: 'check the log' },
          { kind: 'pod-not-ready', message: 'pod jm-0 is Pending and not ready (Unschedulable).', fix: 'describe' },
          { kind: 'taskmanagers-registering', message: 'not registered yet', fix: 'look again in a minute.' },
        ],
      }),
    );
    expect(checks.map((c) => [c.id, c.status])).toEqual([
      ['k8s-jobmanager', 'fail'],
      ['k8s-pods', 'warn'],
      ['k8s-taskmanagers', 'warn'],
      ['k8s-taskmanagers', 'warn'],
      ['k8s-spread', 'pass'],
    ]);
  });
});

describe('kubernetesDoctorSection', () => {
  it("plugs into doctor: Flink's view comes from the doctor's client, the pods from the API server", async () => {
    const { kube, kubeconfig } = await fakeKube();
    kube.namespaces.set('flink', {
      services: [standaloneService()],
      pods: [
        jobManagerPod('jm-0', 1),
        ...['tm-a', 'tm-b', 'tm-c'].map((name) => ({ name, labels: { app: 'flink', component: 'taskmanager' } })),
      ],
    });
    const reads: string[] = [];
    const cluster = {
      overview: async () => {
        reads.push('overview');
        return { flinkVersion: '1.20.3', taskManagers: 2, slotsTotal: 4, slotsAvailable: 4, jobsRunning: 0 };
      },
      taskManagers: async () => {
        reads.push('taskmanagers');
        return [];
      },
      jobManagerConfig: async () => ({}),
    };
    const jobs = { list: async () => [] };
    const report = await doctor({ url: 'http://flink', cluster, jobs } as never, {
      sections: [kubernetesDoctorSection({ kubeconfig, namespace: 'flink' })],
    });
    expect(reads).toEqual(['overview', 'overview', 'taskmanagers']);
    expect(report.ok).toBe(false);
    const k8s = report.checks.filter((c) => c.id.startsWith('k8s'));
    expect(k8s.map((c) => [c.id, c.status])).toEqual([
      ['k8s-jobmanager', 'pass'],
      ['k8s-pods', 'pass'],
      ['k8s-taskmanagers', 'fail'],
      ['k8s-spread', 'warn'],
    ]);
    expect(k8s[2]?.summary).toBe('3 TaskManager pods are Ready but Flink has 2 TaskManagers registered.');
  });

  it('cannot look (unknown namespace): one failed check saying so, no exception', async () => {
    const { kubeconfig } = await fakeKube();
    const checks = await kubernetesDoctorSection({ kubeconfig, namespace: 'nope' })({
      deps: {} as never,
      overview: undefined,
      config: undefined,
      request: {},
    });
    expect(checks).toEqual([
      {
        id: 'k8s',
        status: 'fail',
        summary: expect.stringMatching(/^could not look at Flink's pods: namespace nope does not exist/),
        fix: 'check the namespace, Service, context and kubeconfig given: the message lists what exists',
      },
    ]);
  });

  it('no Ready JobManager pod: the report says so and the pods say why, no exception', async () => {
    const { kube, kubeconfig } = await fakeKube();
    kube.namespaces.set('flink', {
      services: [standaloneService()],
      pods: [jobManagerPod('jm-0', 1, { ready: false, restarts: 5 }), { name: 'tm-a', labels: { app: 'flink', component: 'taskmanager' } }],
    });
    const error = new FlinkKubernetesError('no Ready pod behind Service flink/flink-jobmanager', { reason: 'no-ready-pod' });
    const report = await doctorWithoutJobManager({ kubeconfig, namespace: 'flink' }, error);
    expect(report.ok).toBe(false);
    expect(report.checks.map((c) => [c.id, c.status, c.summary])).toEqual([
      ['rest', 'fail', 'no Ready pod behind Service flink/flink-jobmanager'],
      ['k8s-jobmanager', 'fail', 'no JobManager pod is Ready: Flink cannot be reached until one is.'],
      ['k8s-pods', 'warn', 'pod jm-0 is Running and not ready (ContainersNotReady).'],
      ['k8s-pods', 'warn', 'pod jm-0 restarted 5 times (last: ContainersNotReady).'],
      ['k8s-taskmanagers', 'warn', 'Flink could not be asked: no JobManager pod is Ready'],
      ['k8s-spread', 'pass', '1 TaskManager pod, on node node-1'],
    ]);
    expect(report.checks[1]?.fix).toBe('kubectl -n flink describe pod jm-0 and kubectl -n flink logs jm-0 say why.');
    expect(report.checks[3]?.fix).toBe('kubectl -n flink logs --previous jm-0 shows why.');
  });
});
