import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { jarSource, runFlags } from '../../../src/cli/commands/args.ts';
import { kubeOptions } from '../../../src/cli/connect.ts';
import { formatBytes, formatDuration } from '../../../src/cli/output.ts';
import { runCliInProcess } from '../../fakes/cli-in-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'flink-kit-args-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('CLI arguments', () => {
  it('a jar argument is a file when it exists, else an uploaded jar id when it looks like one', () => {
    const id = '1f0e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b_app.jar';
    expect(jarSource(id)).toEqual({ id });
    expect(jarSource('./app.jar')).toBe('./app.jar'); // missing: the upload says so
    const file = join(dir, id);
    writeFileSync(file, 'PK');
    expect(jarSource(file)).toBe(file);
  });

  it('run flags map to the SDK options, program arguments kept as a list', () => {
    expect(
      runFlags({ parallelism: 4, class: 'com.acme.Main', allowNonRestored: true, claimMode: 'CLAIM', D: { 'a.b': 'c=d' } }, [
        '--input',
        'x y',
      ]),
    ).toEqual({
      parallelism: 4,
      entryClass: 'com.acme.Main',
      allowNonRestoredState: true,
      claimMode: 'CLAIM',
      config: { 'a.b': 'c=d' },
      args: ['--input', 'x y'],
    });
    expect(runFlags({}, [])).toEqual({});
  });

  it.each([
    [['run'], /missing required argument 'jar'/],
    [['run', 'x.jar', '-p', '0'], /expected a whole number of at least 1/],
    [['run', 'x.jar', '-D', 'novalue'], /expected key=value/],
    [['run', 'x.jar', '--claim-mode', 'MAYBE'], /Allowed choices are CLAIM, NO_CLAIM, LEGACY/],
    [['--timeout', 'soon', 'list'], /expected a duration such as 90s/],
    [['lsit'], /unknown command 'lsit'[\s\S]*Did you mean list\?/],
    [['list', '--', 'x'], /list takes no program arguments \(after --\)/],
    [['--namespace', 'flink', 'list'], /--namespace is for Flink on Kubernetes: add --k8s/],
    [['list', '--service', 'flink-rest', '--context', 'prod'], /--service, --context are for Flink on Kubernetes: add --k8s/],
    [['--k8s', '--url', 'http://jobmanager:8081', 'list'], /--url and --k8s both say where Flink is: give one of them/],
  ])('usage error for %j: exit 2 with the reason', async (argv, message) => {
    const r = await runCliInProcess(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('--k8s flags map to connectKubernetes options: a numeric --port is a port number, else a port name', () => {
    expect(kubeOptions({ k8s: true, namespace: 'flink', service: 'basic-rest', context: 'prod', kubeconfig: '/k', port: '8081' })).toEqual({
      namespace: 'flink',
      service: 'basic-rest',
      context: 'prod',
      kubeconfig: '/k',
      port: 8081,
    });
    expect(kubeOptions({ k8s: true, port: 'rest' })).toEqual({ port: 'rest' });
    expect(kubeOptions({ k8s: true })).toEqual({});
  });

  it('formats durations and sizes for people', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(6_336)).toBe('6.3 s');
    expect(formatDuration(3_723_000)).toBe('1h 2m 3s');
    expect(formatBytes(2_986)).toBe('2.9 KiB');
    expect(formatBytes(90 * 1024 * 1024)).toBe('90 MiB');
  });
});
