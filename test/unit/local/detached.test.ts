import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FlinkError } from '../../../src/errors/index.ts';
import { detachedStateFile, findDetachedCluster, stopDetachedCluster } from '../../../src/local/detached.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A long sleeper whose command line mentions `workDir`, like a JVM started with -Djava.io.tmpdir=<workDir>/tmp. */
function fakeJvm(workDir: string) {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', `${workDir}/tmp`], { stdio: 'ignore' });
  return child;
}

describe('the detached local cluster state file', () => {
  it('none recorded -> undefined; FLINK_KIT_LOCAL_STATE picks the file', () => {
    expect(findDetachedCluster({ stateFile: join(tmpdir(), 'flink-kit-no-such-state.json') })).toBeUndefined();
    process.env['FLINK_KIT_LOCAL_STATE'] = '/x/y.json';
    try {
      expect(detachedStateFile()).toBe('/x/y.json');
    } finally {
      delete process.env['FLINK_KIT_LOCAL_STATE'];
    }
    expect(detachedStateFile({ cacheDir: '/c' })).toBe('/c/local-cluster.json');
  });

  it('a damaged file is a FlinkError that says to delete it', () => {
    const root = mkdtempSync(join(tmpdir(), 'flink-kit-detached-test-'));
    dirs.push(root);
    const stateFile = join(root, 'local-cluster.json');
    writeFileSync(stateFile, '{not json');
    expect(() => findDetachedCluster({ stateFile })).toThrow(FlinkError);
    expect(() => findDetachedCluster({ stateFile })).toThrow(/damaged; delete it/);
  });

  it('tells live JVMs from dead ones, leaves a recycled pid (another command line) alone, and cleans up', async () => {
    const root = mkdtempSync(join(tmpdir(), 'flink-kit-detached-test-'));
    dirs.push(root);
    const workDir = join(root, 'work');
    mkdirSync(workDir);
    const stateFile = join(root, 'local-cluster.json');
    const jm = fakeJvm(workDir);
    const stranger = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    const jmExited = new Promise((resolve) => jm.once('exit', resolve));
    try {
      const jvms = [
        { id: 'jobmanager', pid: jm.pid },
        { id: 'tm-1', pid: stranger.pid },
        { id: 'tm-2', pid: 2 ** 22 + 1 }, // above Linux's pid_max: never alive
      ];
      writeFileSync(stateFile, JSON.stringify({ url: 'http://127.0.0.1:1', flinkVersion: '1.20.3', workDir, jvms, startedAt: 'then' }));
      expect(findDetachedCluster({ stateFile })).toMatchObject({ running: true, alive: ['jobmanager'] });

      const stopped = await stopDetachedCluster({ stateFile, graceMs: 2_000 });
      expect(stopped?.url).toBe('http://127.0.0.1:1');
      await jmExited;
      expect(stranger.exitCode).toBeNull(); // not ours: left alone
      expect(existsSync(workDir)).toBe(false);
      expect(existsSync(stateFile)).toBe(false);
      expect(await stopDetachedCluster({ stateFile })).toBeUndefined();
    } finally {
      jm.kill('SIGKILL');
      stranger.kill('SIGKILL');
    }
  });
});
