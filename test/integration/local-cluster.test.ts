import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestJob, type LocalCluster } from '../../src/local/index.ts';
import { jdkTool } from '../../src/local/tools.ts';
import { pidsMentioning } from '../fakes/processes.ts';
import { FLINK_VERSION, startTestCluster } from './support.ts';

describe(`local cluster (Flink ${FLINK_VERSION})`, () => {
  let cluster: LocalCluster;

  beforeAll(async () => {
    cluster = await startTestCluster();
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('comes up with 2 TaskManagers x 2 slots = 4 slots of the requested version', async () => {
    const overview = await cluster.client.cluster.overview();
    expect(overview.flinkVersion).toBe(cluster.flinkVersion);
    expect(overview.flinkVersion.startsWith(`${FLINK_VERSION}.`) || overview.flinkVersion === FLINK_VERSION).toBe(true);
    expect(overview.taskManagers).toBe(2);
    expect(overview.slotsTotal).toBe(4);
    expect(overview.slotsAvailable).toBe(4);
    expect(overview.jobsRunning).toBe(0);
  });

  it('lists each TaskManager with its slots, and capacity adds them up', async () => {
    const tms = await cluster.client.cluster.taskManagers();
    expect(tms.map((tm) => tm.id).sort()).toEqual(['tm-1', 'tm-2']);
    expect(tms.every((tm) => tm.slotsTotal === 2 && tm.slotsFree === 2)).toBe(true);
    expect(await cluster.client.cluster.capacity()).toEqual({ taskManagers: 2, slotsTotal: 4, slotsAvailable: 4, slotsPerTaskManager: 2 });
  });

  it('reads /config and /jobmanager/config: loopback-only, jar submission on, the shared checkpoint dir', async () => {
    const config = await cluster.client.cluster.config();
    expect(config.flinkVersion).toBe(cluster.flinkVersion);
    expect(config.features.webSubmit).toBe(true);
    const jm = await cluster.client.cluster.jobManagerConfig();
    expect(jm['rest.bind-address']).toBe('127.0.0.1');
    expect(jm['jobmanager.bind-host']).toBe('127.0.0.1');
    expect(jm['taskmanager.numberOfTaskSlots']).toBe('2');
    const checkpointKey =
      FLINK_VERSION.startsWith('1.18') || FLINK_VERSION.startsWith('1.19') ? 'state.checkpoints.dir' : 'execution.checkpointing.dir';
    expect(jm[checkpointKey]).toBe(`file://${cluster.checkpointDir}`);
    expect((await cluster.client.cluster.version()).raw).toBe(cluster.flinkVersion);
  });

  it('writes the config file this version reads', () => {
    const name = FLINK_VERSION.startsWith('1.18') ? 'flink-conf.yaml' : 'config.yaml';
    const other = name === 'config.yaml' ? 'flink-conf.yaml' : 'config.yaml';
    expect(existsSync(join(cluster.workDir, 'conf', name))).toBe(true);
    expect(existsSync(join(cluster.workDir, 'conf', other))).toBe(false);
  });

  it("builds flink-kit's test jobs for this version once: the cluster's jar is buildTestJob's, with its entry class", async () => {
    const jar = await cluster.testJobJar('keyed-counter');
    expect(await buildTestJob('keyed-counter', { flinkVersion: cluster.flinkVersion })).toBe(jar);
    const dir = mkdtempSync(join(tmpdir(), 'flink-kit-jar-'));
    try {
      execFileSync(jdkTool('jar'), ['--extract', '--file', jar, 'META-INF/MANIFEST.MF'], { cwd: dir });
      expect(readFileSync(join(dir, 'META-INF', 'MANIFEST.MF'), 'utf8')).toMatch(/^Main-Class: flinkkit\.testjobs\.KeyedCounter\r?$/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // The datagen connector is bundled: Flink 1.18's classpath lacks it.
    expect(execFileSync(jdkTool('jar'), ['--list', '--file', jar], { encoding: 'utf8' })).toContain(
      'org/apache/flink/connector/datagen/source/DataGeneratorSource.class',
    );
  });

  it('stop() kills every JVM and removes the work dir', async () => {
    expect(pidsMentioning(cluster.workDir)).toHaveLength(3); // 1 JobManager + 2 TaskManagers
    await cluster.stop();
    expect(pidsMentioning(cluster.workDir)).toEqual([]);
    expect(existsSync(cluster.workDir)).toBe(false);
    await cluster.stop(); // a second stop is harmless
  });
});
