/**
 * The built `flink-kit` binary as a child process (piped, so not a TTY), for tests of what a user
 * sees of the package as published: exit code, stdout, stderr. Unit tests run the CLI from the
 * sources in their own process instead (`cli-in-process.ts`).
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
/** The built entry point. */
export const CLI_BIN = join(ROOT, 'dist/cli/main.js');

/** What a finished CLI run left. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Builds dist/ when a source file is newer than the built entry point (scripts/test.sh builds first). */
export function ensureBuilt(): void {
  const built = existsSync(CLI_BIN) ? statSync(CLI_BIN).mtimeMs : 0;
  const newer = execFileSync('find', [join(ROOT, 'src'), '-name', '*.ts', '-newermt', `@${Math.floor(built / 1000)}`], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .some((f) => statSync(f).mtimeMs > built);
  if (newer || built === 0) execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
}

/**
 * Runs `flink-kit args…` to its end. The environment has no FLINK_URL and a state file of its own
 * (never a developer's `local up` cluster) unless `env` says otherwise.
 */
export function runCli(args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; stateFile?: string } = {}): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    FLINK_KIT_LOCAL_STATE: options.stateFile ?? join(ROOT, '.cache', 'no-local-cluster.json'),
  };
  delete env['FLINK_URL'];
  return new Promise((done) => {
    execFile(
      process.execPath,
      [CLI_BIN, ...args],
      { env: options.env ?? env, timeout: options.timeoutMs ?? 240_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => done({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
    );
  });
}
