import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlinkError, FlinkInputError } from '../../src/errors/index.ts';
import { defaultCacheDir } from '../../src/local/cache-dir.ts';
import { caught } from '../fakes/caught.ts';
import { pidsMentioning } from '../fakes/processes.ts';
import { FLINK_VERSION, startTestCluster } from './support.ts';

/** Runs `start`, expects it to throw, and checks that no JVM of `workDir` survived. */
async function failsCleanly(workDir: string, start: () => Promise<unknown>): Promise<FlinkError> {
  const error = await caught(start, FlinkError);
  expect(pidsMentioning(workDir)).toEqual([]);
  return error;
}

describe(`local cluster bad input (Flink ${FLINK_VERSION})`, () => {
  let workDir: string;
  beforeAll(() => {
    workDir = mkdtempSync(join(tmpdir(), 'flink-kit-errors-'));
  });
  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  it('no Java: says to install JDK 17 or set JAVA_HOME', async () => {
    const error = await failsCleanly(workDir, () => startTestCluster({ javaHome: '/nonexistent/jdk', workDir }));
    expect(error.message).toMatch(/Java was not found.*JDK 17.*JAVA_HOME/);
  });

  it('no Maven: says to install Maven or pass flinkHome', async () => {
    const error = await failsCleanly(workDir, () => startTestCluster({ mvn: '/nonexistent/mvn', workDir }));
    expect(error.message).toMatch(/Maven was not found.*install Maven.*flinkHome/);
  });

  it('unknown versions: names what exists', async () => {
    const line = await failsCleanly(workDir, () => startTestCluster({ flinkVersion: '1.99', workDir }));
    expect(line).toBeInstanceOf(FlinkInputError);
    expect(line.message).toMatch(/no Flink 1\.99\.x is published.*1\.20/);
    const patch = await failsCleanly(workDir, () => startTestCluster({ flinkVersion: `${FLINK_VERSION}.99`, workDir }));
    expect(patch.message).toMatch(
      new RegExp(
        `Flink ${FLINK_VERSION.replace('.', '\\.')}\\.99 is not published.*Versions of the ${FLINK_VERSION.replace('.', '\\.')} line`,
      ),
    );
    const garbage = await failsCleanly(workDir, () => startTestCluster({ flinkVersion: 'latest', workDir }));
    expect(garbage.message).toMatch(/not a Flink version.*1\.20\.3/);
  });

  it('REST port in use: names the port and the fix', async () => {
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const error = await failsCleanly(workDir, () => startTestCluster({ restPort: port, workDir }));
      expect(error.message).toMatch(new RegExp(`REST port ${port} on 127\\.0\\.0\\.1 is already in use.*pass 0`));
    } finally {
      server.close();
    }
  });

  it('a TaskManager that never registers: times out with the JVM log tails, nothing left running', async () => {
    const dir = join(workDir, 'slow');
    const error = await failsCleanly(dir, () => startTestCluster({ workDir: dir, startTimeoutMs: 1_500 }));
    expect(error.message).toMatch(/did not come up within 1500 ms.*See details for the JVM logs/);
    expect(error.details).toContain('taskmanager-tm-1.log');
    expect(error.details).toContain('jobmanager.log');
  });

  it('a JVM that dies at start-up: fails fast with its log tail attached', async () => {
    const dir = join(workDir, 'broken');
    const error = await failsCleanly(dir, () =>
      startTestCluster({
        workDir: dir,
        taskManagers: 1,
        startTimeoutMs: 60_000,
        config: { 'high-availability.type': 'com.example.NoSuchHaFactory' },
      }),
    );
    // Both JVMs read the broken key; whichever exits first is reported.
    expect(error.message).toMatch(/(the JobManager|TaskManager tm-1) JVM exited during start-up.*See details for its log tail/);
    expect(error.details).toContain('NoSuchHaFactory');
  });

  it('runs an existing Flink installation given as flinkHome', async () => {
    // A minimal "distribution": lib/ holding the jars the Maven assembly produced for this version.
    const first = await startTestCluster({ taskManagers: 1, slotsPerTaskManager: 1 });
    const version = first.flinkVersion;
    await first.stop();
    const home = join(workDir, `flink-${version}`);
    mkdirSync(home);
    symlinkSync(join(defaultCacheDir(), `flink-${version}`, 'lib'), join(home, 'lib'));
    const cluster = await startTestCluster({ flinkHome: home, taskManagers: 1, slotsPerTaskManager: 3, mvn: '/nonexistent/mvn' });
    try {
      const overview = await cluster.client.cluster.overview();
      expect(overview.flinkVersion).toBe(version);
      expect(overview.slotsTotal).toBe(3);
    } finally {
      await cluster.stop();
    }
    expect(pidsMentioning(cluster.workDir)).toEqual([]);
  });

  it('refuses nonsense counts before doing anything', async () => {
    await expect(startTestCluster({ taskManagers: 0 })).rejects.toThrow(/taskManagers must be an integer from 1 to 64/);
    await expect(startTestCluster({ slotsPerTaskManager: 1.5 })).rejects.toThrow(/slotsPerTaskManager must be an integer/);
    await expect(startTestCluster({ restPort: 70000 })).rejects.toThrow(/restPort must be 0/);
  });
});
