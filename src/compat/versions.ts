import { FlinkInputError } from '../errors/flink-error.js';

/** A parsed Flink version, e.g. `1.20.3` or `2.0-preview1` (treated as 2.0.0). */
export class FlinkVersion {
  /** The version as the server printed it. */
  readonly raw: string;
  /** 1 in 1.20.3. */
  readonly major: number;
  /** 20 in 1.20.3. */
  readonly minor: number;
  /** 3 in 1.20.3 (0 when the server printed none). */
  readonly patch: number;

  private constructor(raw: string, major: number, minor: number, patch: number) {
    this.raw = raw;
    this.major = major;
    this.minor = minor;
    this.patch = patch;
  }

  /** Parses `1.20.3`, `1.18`, `2.0-preview1`, `1.19-SNAPSHOT`. */
  static parse(raw: string): FlinkVersion {
    const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(raw.trim());
    if (!m) throw new FlinkInputError(`cannot read Flink version ${JSON.stringify(raw)}; expected e.g. 1.20.3`);
    return new FlinkVersion(raw.trim(), Number(m[1]), Number(m[2]), Number(m[3] ?? 0));
  }

  /** True when this version is `major.minor` or newer. */
  atLeast(major: number, minor: number): boolean {
    return this.major > major || (this.major === major && this.minor >= minor);
  }

  /** The version as the server printed it. */
  toString(): string {
    return this.raw;
  }
}

/**
 * What the connected Flink accepts. Before 1.20 the server rejects unknown body fields with 400,
 * so every optional field is gated here (see flink-rest-api.md, section 11).
 */
export const compat = {
  /** `flinkConfiguration` in run/plan bodies. */
  runConfig: (v: FlinkVersion) => v.atLeast(1, 17),
  /** A run body may say how to claim the restored snapshot (`restoreMode`, 1.15+). */
  claimMode: (v: FlinkVersion) => v.atLeast(1, 15),
  /** Name of the restore-mode field in run bodies: `claimMode` from 1.20, `restoreMode` before. */
  claimModeField: (v: FlinkVersion): 'claimMode' | 'restoreMode' => (v.atLeast(1, 20) ? 'claimMode' : 'restoreMode'),
  /** `POST /jobs/:id/checkpoints` exists. */
  checkpointTrigger: (v: FlinkVersion) => v.atLeast(1, 17),
  /** INCREMENTAL checkpoints may be triggered over REST (refused from 1.19). */
  incrementalCheckpointTrigger: (v: FlinkVersion) => v.atLeast(1, 17) && !v.atLeast(1, 19),
  /** The config file the version reads: `flink-conf.yaml` up to 1.18, `config.yaml` from 1.19. */
  configFileName: (v: FlinkVersion) => (v.atLeast(1, 19) ? 'config.yaml' : 'flink-conf.yaml'),
  /** Key of the checkpoint directory (`state.checkpoints.dir` is a deprecated alias from 1.20). */
  checkpointDirKey: (v: FlinkVersion) => (v.atLeast(1, 20) ? 'execution.checkpointing.dir' : 'state.checkpoints.dir'),
  /** Key of the default savepoint directory. */
  savepointDirKey: (v: FlinkVersion) => (v.atLeast(1, 20) ? 'execution.checkpointing.savepoint-dir' : 'state.savepoints.dir'),
} as const;
