import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** Where one local cluster keeps its files. */
export interface ClusterDirs {
  workDir: string;
  /** The work dir is a fresh temp dir of ours (removed by `stop()`), not the caller's. */
  ownWorkDir: boolean;
  conf: string;
  log: string;
  tmp: string;
  checkpoints: string;
  savepoints: string;
  /** Keys and certificates (with `tls`); removed by `stop()` even from a caller's work dir. */
  tls: string;
  /** High-availability storage and ZooKeeper's data (with `highAvailability`). */
  ha: string;
  zooKeeper: string;
}

/** The directories of a cluster: the work dir (a fresh temp dir unless given) is created, the rest are not yet. */
export async function clusterDirs(options: { workDir?: string; checkpointDir?: string; savepointDir?: string }): Promise<ClusterDirs> {
  const ownWorkDir = options.workDir === undefined;
  const workDir = options.workDir === undefined ? await mkdtemp(join(tmpdir(), 'flink-kit-')) : resolve(options.workDir);
  return {
    workDir,
    ownWorkDir,
    conf: join(workDir, 'conf'),
    log: join(workDir, 'log'),
    tmp: join(workDir, 'tmp'),
    checkpoints: resolve(options.checkpointDir ?? join(workDir, 'checkpoints')),
    savepoints: resolve(options.savepointDir ?? join(workDir, 'savepoints')),
    tls: join(workDir, 'tls'),
    ha: join(workDir, 'ha'),
    zooKeeper: join(workDir, 'zookeeper'),
  };
}

/** Creates the directories every cluster uses (config, logs, temp files, checkpoints, savepoints). */
export async function makeDirs(dirs: ClusterDirs): Promise<void> {
  for (const dir of [dirs.conf, dirs.log, dirs.tmp, dirs.checkpoints, dirs.savepoints]) await mkdir(dir, { recursive: true });
}
