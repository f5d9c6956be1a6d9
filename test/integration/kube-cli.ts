/**
 * The built `flink-kit` binary with `--k8s`, against the lab of kube.test.ts (a real kube-apiserver,
 * kwok forwarding the pods' port 8081 to a real local Flink). Called inside that file's describe, so
 * it shares its lab and Flink.
 */

import { execFile, spawn } from 'node:child_process';
import type * as k8s from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { poll } from '../../src/core/poll.ts';
import { FlinkKubernetesError } from '../../src/errors/kube-errors.ts';
import { connectKubernetes } from '../../src/kube/index.ts';
import type { LocalCluster } from '../../src/local/index.ts';
import { CLI_BIN, ensureBuilt } from '../fakes/cli-process.ts';
import { connectionsTo } from '../kube-lab/lab.ts';
import { continuousWordCountArgs, FLINK_VERSION, wordInputDir } from './support.ts';

/** What the CLI tests need of kube.test.ts's world. */
export interface KubeCliWorld {
  kubeconfig: string;
  core: k8s.CoreV1Api;
  flink: LocalCluster;
  wordCountJar: string;
  /** Port of kwok's kubelet API: the API server holds a connection to it per open forward stream. */
  kwokPort: number;
  scale(namespace: string, name: string, replicas: number): Promise<void>;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Sets the Ready condition's lastTransitionTime of the pods to `seconds` ago, as if they had been Ready that long. */
export async function readyFor(core: k8s.CoreV1Api, namespace: string, selector: string, seconds: number): Promise<void> {
  const since = new Date(Date.now() - seconds * 1000);
  for (const { metadata } of (await core.listNamespacedPod({ namespace, labelSelector: selector })).items) {
    const name = metadata?.name as string;
    await poll(
      async () => {
        const pod = await core.readNamespacedPodStatus({ name, namespace });
        for (const c of pod.status?.conditions ?? []) if (c.type === 'Ready') c.lastTransitionTime = since;
        // kwok may update the status in between: a conflict (409) means read and try again.
        const done = await core.replaceNamespacedPodStatus({ name, namespace, body: pod }).then(
          () => true,
          (error: { code?: number }) => (error.code === 409 ? false : Promise.reject(error)),
        );
        return done ? { done: true, value: undefined } : { done: false, seen: 'conflict' };
      },
      { what: `the Ready time of pod ${name}`, waitTimeoutMs: 20_000 },
    );
  }
}

/** Makes the pods look like a container in CrashLoopBackOff (Running, not Ready, restarted): kwok leaves a Running pod's status alone. */
async function crashLooping(core: k8s.CoreV1Api, namespace: string, selector: string): Promise<void> {
  for (const { metadata } of (await core.listNamespacedPod({ namespace, labelSelector: selector })).items) {
    const name = metadata?.name as string;
    const pod = await core.readNamespacedPodStatus({ name, namespace });
    const status = pod.status ?? {};
    for (const c of status.conditions ?? [])
      if (c.type === 'Ready' || c.type === 'ContainersReady') Object.assign(c, { status: 'False', reason: 'ContainersNotReady' });
    for (const c of status.containerStatuses ?? [])
      Object.assign(c, {
        ready: false,
        restartCount: 4,
        state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 1m20s restarting failed container' } },
      });
    await core.replaceNamespacedPodStatus({ name, namespace, body: { ...pod, status } });
  }
}

export function kubeCliTests(world: () => KubeCliWorld): void {
  describe('the flink-kit CLI with --k8s (the built binary, piped)', () => {
    let w: KubeCliWorld;
    /** Runs `flink-kit --k8s --kubeconfig <lab> args…` to the end. */
    const cli = (args: string[], options: { timeoutMs?: number } = {}): Promise<Run> =>
      new Promise((done) =>
        execFile(
          process.execPath,
          [CLI_BIN, '--k8s', '--kubeconfig', w.kubeconfig, ...args],
          { timeout: options.timeoutMs ?? 120_000, maxBuffer: 16 * 1024 * 1024 },
          (error, stdout, stderr) => done({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
        ),
      );
    const json = async <T = Record<string, unknown>>(args: string[], code = 0): Promise<T> => {
      const r = await cli(['--json', ...args]);
      if (r.code !== code) throw new Error(`flink-kit ${args.join(' ')} exited ${r.code}, not ${code}:\n${r.stderr}`);
      return JSON.parse(r.stdout) as T;
    };
    /** No forward stream left: the API server holds no connection to kwok's kubelet API. */
    const noStreams = () =>
      poll(
        async () => {
          const open = connectionsTo(w.kwokPort);
          return open === 0 ? { done: true, value: undefined } : { done: false, seen: `${open} open` };
        },
        { what: 'the forward streams to close', waitTimeoutMs: 10_000 },
      );
    type Check = { id: string; status: string; summary: string; fix?: string };
    const k8sChecks = (report: { checks: Check[] }) => report.checks.filter((c) => c.id.startsWith('k8s'));

    beforeAll(() => {
      w = world();
      ensureBuilt();
    });

    it('cluster, run -p 2 of WordCount (jar upload through the forward) and list --json, each forward closed on exit', async () => {
      const cluster = await json<{ flinkVersion: string; taskManagers: number; url: string }>(['--namespace', 'flink', 'cluster']);
      expect(cluster.flinkVersion).toContain(FLINK_VERSION);
      expect(cluster.taskManagers).toBe(2);
      expect(cluster.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);

      const run = await json<{ jobId: string; jarId: string; state: string; job: { vertices: { parallelism: number }[] } }>([
        '--namespace',
        'flink',
        'run',
        w.wordCountJar,
        '-p',
        '2',
      ]);
      expect(['RUNNING', 'FINISHED']).toContain(run.state);
      expect(run.job.vertices.slice(1).every((v) => v.parallelism === 2)).toBe(true);
      // The jar and the job are Flink's own, seen without the forward.
      expect((await w.flink.client.jars.list()).map((j) => j.id)).toContain(run.jarId);
      await w.flink.client.jobs.waitFor(run.jobId, { until: 'FINISHED' });

      const jobs = await json<{ id: string; state: string }[]>(['--namespace', 'flink', 'list']);
      expect(jobs.find((j) => j.id === run.jobId)?.state).toBe('FINISHED');
      await w.flink.client.jars.delete(run.jarId);
      await noStreams();
    });

    it('Ctrl-C during checkpoints --watch ends the command and its forward', async () => {
      const input = wordInputDir();
      const { jobId } = await json<{ jobId: string }>([
        '--namespace',
        'flink',
        'run',
        w.wordCountJar,
        '-p',
        '1',
        '--',
        ...continuousWordCountArgs(input),
      ]);
      const child = spawn(process.execPath, [
        CLI_BIN,
        '--k8s',
        '--kubeconfig',
        w.kubeconfig,
        '--namespace',
        'flink',
        'checkpoints',
        jobId,
        '--watch',
      ]);
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      await poll(async () => (connectionsTo(w.kwokPort) > 0 ? { done: true, value: undefined } : { done: false }), {
        what: 'the watch to reach Flink through a forward stream',
        waitTimeoutMs: 30_000,
      });
      child.kill('SIGINT');
      expect(await exited, stderr).toBe(0);
      await noStreams();
      expect((await json<{ state: string }>(['--namespace', 'flink', 'cancel', jobId])).state).toBe('CANCELED');
    });

    it('doctor --k8s passes the healthy standalone layout: JobManager Ready, 2 TaskManager pods for 2 registered', async () => {
      const report = await json<{ ok: boolean; checks: Check[] }>(['--namespace', 'flink', 'doctor']);
      expect(report.ok).toBe(true);
      expect(k8sChecks(report).map((c) => [c.id, c.status])).toEqual([
        ['k8s-jobmanager', 'pass'],
        ['k8s-pods', 'pass'],
        ['k8s-taskmanagers', 'pass'],
        ['k8s-spread', 'warn'], // one kwok node
      ]);
      expect(k8sChecks(report)[2]?.summary).toBe('2 TaskManager pods, 2 TaskManagers registered with Flink');
      expect(k8sChecks(report)[3]?.fix).toContain('topologySpreadConstraints');
    });

    it('doctor --k8s: TaskManager pods Flink never registered (4 replicas, 2 TaskManagers) fail with the jobmanager.rpc.address fix', async () => {
      // kwok's TaskManager pods are fakes that never start a JVM: 2 more replicas are 2 pods Flink never sees.
      await w.scale('flink', 'flink-taskmanager', 4);
      await poll(
        async () => {
          const pods = (await w.core.listNamespacedPod({ namespace: 'flink', labelSelector: 'app=flink,component=taskmanager' })).items;
          const running = pods.filter((p) => p.status?.phase === 'Running' && !p.metadata?.deletionTimestamp).length;
          return running === 4 ? { done: true, value: undefined } : { done: false, seen: `${running} running` };
        },
        { what: '4 TaskManager pods', waitTimeoutMs: 60_000 },
      );
      // Just scaled: the new pods may still be registering, which only warns.
      const fresh = await json<{ ok: boolean; checks: Check[] }>(['--namespace', 'flink', 'doctor']);
      expect(fresh.ok).toBe(true);
      expect(k8sChecks(fresh).find((c) => c.id === 'k8s-taskmanagers')).toMatchObject({
        status: 'warn',
        summary: expect.stringMatching(
          /^4 TaskManager pods are Ready but Flink has 2 TaskManagers registered; the newest pod is Ready for \d+ s\.$/,
        ),
      });

      // A few minutes on, they never registered: the classic mistake, a failed check and exit 11.
      await readyFor(w.core, 'flink', 'app=flink,component=taskmanager', 300);
      const r = await cli(['--namespace', 'flink', 'doctor']);
      console.log(`flink-kit doctor --k8s --namespace flink, with 2 TaskManager pods that never registered:\n${r.stdout}`);
      expect(r.code, r.stderr).toBe(11);
      expect(r.stdout).toContain('✗ fail  4 TaskManager pods are Ready but Flink has 2 TaskManagers registered.');
      expect(r.stdout).toMatch(
        /fix: the classic jobmanager\.rpc\.address mistake: .*; kubectl -n flink logs -l app=flink,component=taskmanager shows "Could not resolve ResourceManager address"/,
      );
      expect(r.stdout).toMatch(/\n1 failed, \d+ warnings?\n$/);
    });

    it('doctor --k8s with no Ready JobManager pod (CrashLoopBackOff): not exit 12 but a report whose pod checks say why', async () => {
      await crashLooping(w.core, 'operator', 'app=basic,component=jobmanager');
      await poll(
        async () => {
          const error = await connectKubernetes({ kubeconfig: w.kubeconfig, namespace: 'operator' }).then(
            (conn) => conn.close(),
            (e: unknown) => e,
          );
          return error instanceof FlinkKubernetesError && error.reason === 'no-ready-pod'
            ? { done: true, value: undefined }
            : { done: false };
        },
        { what: 'the EndpointSlice to drop the JobManager pod', waitTimeoutMs: 30_000 },
      );
      const r = await cli(['--namespace', 'operator', '--json', 'doctor']);
      expect(r.code, r.stderr).toBe(11);
      const report = JSON.parse(r.stdout) as { ok: boolean; checks: Check[] };
      expect(report.checks.map((c) => [c.id, c.status])).toEqual([
        ['rest', 'fail'],
        ['k8s-jobmanager', 'fail'],
        ['k8s-pods', 'warn'],
        ['k8s-pods', 'warn'],
        ['k8s-pods', 'warn'], // native layout: no TaskManager pods until a job needs slots
        ['k8s-taskmanagers', 'warn'],
      ]);
      expect(report.checks[0]?.summary).toMatch(
        /^no Ready pod behind Service operator\/basic-rest .*\(Running, not ready: CrashLoopBackOff\)/,
      );
      expect(report.checks[2]?.summary).toMatch(/^pod basic-[a-z0-9-]+ is Running and not ready \(CrashLoopBackOff\)\.$/);
      expect(report.checks[3]).toMatchObject({
        summary: expect.stringMatching(/restarted 4 times \(last: CrashLoopBackOff\)\.$/),
        fix: expect.stringMatching(/^kubectl -n operator logs --previous basic-[a-z0-9-]+ shows why\.$/),
      });
    });

    it('errors: an unknown job exits 4 with its forward closed; an unknown namespace exits 12 naming the namespaces that exist', async () => {
      const unknownJob = await cli(['--namespace', 'flink', 'status', '0123456789abcdef0123456789abcdef']);
      expect(unknownJob.code, unknownJob.stderr).toBe(4);
      await noStreams();

      const r = await cli(['--namespace', 'flnk', 'list']);
      expect(r.code).toBe(12);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^flink-kit: namespace flnk does not exist \(context kube-lab\); namespaces: .*flink/);
      expect(r.stderr).toContain('Kubernetes reason: namespace-not-found');
    });
  });
}
