/**
 * The rules of describeFlinkOnKubernetes as a table: what was seen (pods, Flink's view, the time)
 * -> the problems found, each with its fix. describe.test.ts covers how the view is gathered.
 */
import { describe, expect, it } from 'vitest';
import {
  type ClusterView,
  type FlinkOnKubernetesProblem,
  type FlinkView,
  findProblems,
  REGISTRATION_GRACE_MS,
} from '../../../src/kube/problems.js';
import { flinkPod as pod } from './world.js';

const NOW = Date.parse('2026-06-01T12:00:00Z');
const ago = (seconds: number) => new Date(NOW - seconds * 1000);
const SELECTOR = 'app=flink,component=taskmanager';

function flink(taskManagers: number): FlinkView {
  return {
    flinkVersion: '1.20.3',
    taskManagers,
    slotsTotal: 2 * taskManagers,
    slotsAvailable: 2 * taskManagers,
    jobsRunning: 0,
    taskManagerIds: [],
  };
}

/** A healthy cluster: a Ready JobManager, two registered TaskManagers on two nodes; `more` changes it. */
function view(more: Partial<ClusterView> = {}): ClusterView {
  return {
    namespace: 'flink',
    jobManagers: [pod('jm-0')],
    taskManagers: [pod('tm-a', { registered: true }), pod('tm-b', { node: 'node-2', registered: true })],
    flink: flink(2),
    flinkError: undefined,
    tmSelector: SELECTOR,
    matched: true,
    now: NOW,
    ...more,
  };
}

const NOT_REGISTERED_FIX = (logs: string) =>
  `the classic jobmanager.rpc.address mistake: set it to the JobManager's Service (e.g. flink-jobmanager, RPC port 6123) in the TaskManagers' configuration; kubectl -n flink logs ${logs} shows "Could not resolve ResourceManager address" until they give up (taskmanager.registration.timeout, 5 min).`;
const REGISTERING_FIX = 'a TaskManager registers seconds after it starts: look again in a minute.';

const ROWS: Array<[string, ClusterView, FlinkOnKubernetesProblem[]]> = [
  ['a healthy cluster', view(), []],
  [
    'no JobManager pod Ready, Flink unreachable',
    view({
      jobManagers: [pod('jm-0', { ready: false, phase: 'Pending', reason: 'Unschedulable' })],
      flink: undefined,
      flinkError: 'no Ready pod',
      matched: false,
    }),
    [
      {
        kind: 'no-ready-jobmanager',
        message: 'no JobManager pod is Ready: Flink cannot be reached until one is.',
        fix: 'kubectl -n flink describe pod jm-0 and kubectl -n flink logs jm-0 say why.',
      },
      {
        kind: 'flink-unreachable',
        message: 'Flink could not be asked: no Ready pod',
        fix: "check the JobManager's log (kubectl -n flink logs jm-0) and that the Service port is Flink's REST port (rest.port, 8081).",
      },
      {
        kind: 'pod-not-ready',
        message: 'pod jm-0 is Pending and not ready (Unschedulable).',
        fix: 'kubectl -n flink describe pod jm-0 shows why (events: scheduling, image pull, probes).',
      },
    ],
  ],
  [
    'no JobManager pod at all',
    view({ jobManagers: [], flink: undefined, flinkError: 'no pod', matched: false }),
    [
      {
        kind: 'no-ready-jobmanager',
        message: 'no JobManager pod is Ready: Flink cannot be reached until one is.',
        fix: 'check the JobManager Deployment and its pods.',
      },
      {
        kind: 'flink-unreachable',
        message: 'Flink could not be asked: no pod',
        fix: "check the JobManager's log and that the Service port is Flink's REST port (rest.port, 8081).",
      },
    ],
  ],
  [
    'a TaskManager restarted after OOMKilled: the fix names both memory settings',
    view({
      taskManagers: [
        pod('tm-a', { registered: true, restarts: 2, reason: 'OOMKilled' }),
        pod('tm-b', { node: 'node-2', registered: true }),
      ],
    }),
    [
      {
        kind: 'pod-restarts',
        message: 'pod tm-a restarted 2 times (last: OOMKilled).',
        fix: "kubectl -n flink logs --previous tm-a shows why; for OOMKilled raise the container's memory limit and Flink's *.memory.process.size together.",
      },
    ],
  ],
  [
    'a JobManager restarted for no known reason',
    view({ jobManagers: [pod('jm-0', { restarts: 1 })] }),
    [{ kind: 'pod-restarts', message: 'pod jm-0 restarted 1 times.', fix: 'kubectl -n flink logs --previous jm-0 shows why.' }],
  ],
  [
    'a TaskManager pod being deleted is neither "not ready" nor counted as live',
    view({
      taskManagers: [
        pod('tm-a', { registered: true }),
        pod('tm-b', { node: 'node-2', registered: true }),
        pod('tm-c', { ready: false, terminating: true, registered: false }),
      ],
    }),
    [],
  ],
  [
    'no TaskManager pods and none registered',
    view({ taskManagers: [], flink: flink(0) }),
    [
      {
        kind: 'no-taskmanager-pods',
        message: `no TaskManager pods (selector ${SELECTOR}).`,
        fix: 'native Kubernetes and the operator start them when a job needs slots; otherwise check the TaskManager Deployment.',
      },
    ],
  ],
  [
    'a pod Ready for over a minute and not registered never will be; a younger one is registering',
    view({
      taskManagers: [
        pod('tm-a', { registered: true, readySince: ago(600) }),
        pod('tm-b', { node: 'node-2', registered: false, readySince: ago(5) }),
        pod('tm-c', { node: 'node-2', registered: false, readySince: ago(61) }),
      ],
      flink: flink(1),
    }),
    [
      {
        kind: 'taskmanagers-not-registered',
        message: 'TaskManager pods Ready but not registered with Flink: tm-c.',
        fix: NOT_REGISTERED_FIX('tm-c'),
      },
      {
        kind: 'taskmanagers-registering',
        message: 'TaskManager pods not registered with Flink yet: tm-b (Ready for 5 s).',
        fix: REGISTERING_FIX,
      },
    ],
  ],
  [
    'exactly the grace period counts as never; a pod Ready since an unknown time too',
    view({
      taskManagers: [
        pod('tm-a', { registered: false, readySince: new Date(NOW - REGISTRATION_GRACE_MS) }),
        pod('tm-b', { node: 'node-2', registered: false }),
      ],
      flink: flink(0),
    }),
    [
      {
        kind: 'taskmanagers-not-registered',
        message: 'TaskManager pods Ready but not registered with Flink: tm-a, tm-b.',
        fix: NOT_REGISTERED_FIX('tm-a'),
      },
    ],
  ],
  [
    'ids that match no pod: counts compared, and the logs of every TaskManager pod by selector',
    view({ taskManagers: [pod('tm-a'), pod('tm-b', { node: 'node-2' })], flink: flink(1), matched: false }),
    [
      {
        kind: 'taskmanagers-not-registered',
        message: '2 TaskManager pods are Ready but Flink has 1 TaskManagers registered.',
        fix: NOT_REGISTERED_FIX(`-l ${SELECTOR}`),
      },
    ],
  ],
  [
    'counts compared while the newest pod is young: still registering',
    view({
      taskManagers: [pod('tm-a', { readySince: ago(300) }), pod('tm-b', { node: 'node-2', readySince: ago(12) })],
      flink: flink(1),
      matched: false,
    }),
    [
      {
        kind: 'taskmanagers-registering',
        message: '2 TaskManager pods are Ready but Flink has 1 TaskManagers registered; the newest pod is Ready for 12 s.',
        fix: REGISTERING_FIX,
      },
    ],
  ],
  [
    'more TaskManagers registered than pods exist (deleted pods linger)',
    view({ flink: flink(3) }),
    [
      {
        kind: 'taskmanager-count',
        message: `Flink has 3 TaskManagers registered but only 2 TaskManager pods exist (selector ${SELECTOR}).`,
        fix: 'deleted pods stay registered until heartbeat.timeout (50 s by default): look again in a minute.',
      },
    ],
  ],
  [
    'every TaskManager on one node',
    view({ taskManagers: [pod('tm-a', { registered: true }), pod('tm-b', { registered: true })] }),
    [
      {
        kind: 'single-node',
        message: 'all 2 TaskManager pods run on node node-1: losing that node loses every slot.',
        fix: 'spread them over nodes with topologySpreadConstraints or pod anti-affinity (topologyKey kubernetes.io/hostname).',
      },
    ],
  ],
  [
    'TaskManager pods not scheduled yet are not "on one node"',
    view({
      taskManagers: [
        pod('tm-a', { node: undefined, ready: false, phase: 'Pending' }),
        pod('tm-b', { node: undefined, ready: false, phase: 'Pending' }),
      ],
      flink: flink(0),
      matched: false,
    }),
    [
      {
        kind: 'pod-not-ready',
        message: 'pod tm-a is Pending and not ready.',
        fix: 'kubectl -n flink describe pod tm-a shows why (events: scheduling, image pull, probes).',
      },
      {
        kind: 'pod-not-ready',
        message: 'pod tm-b is Pending and not ready.',
        fix: 'kubectl -n flink describe pod tm-b shows why (events: scheduling, image pull, probes).',
      },
    ],
  ],
];

describe('findProblems: what was seen -> the problems and their fixes', () => {
  it.each(ROWS)('%s', (_name, input, problems) => {
    expect(findProblems(input)).toEqual(problems);
  });
});
