/**
 * `flink-kit args…` run in the test's own process, from the sources (no build): the command line
 * is parsed and the command runs as in the binary, with stdout and stderr captured. The environment
 * has no FLINK_URL and a state file of its own (never a developer's `local up` cluster), as in
 * {@link runCli}; both are restored afterwards, as is anything a command set (`--no-color`).
 */
import { join, resolve } from 'node:path';
import { vi } from 'vitest';
import { main } from '../../src/cli/program.ts';
import type { CliRun } from './cli-process.ts';

const ROOT = resolve(import.meta.dirname, '../..');

/** Runs `flink-kit args…` in this process and returns its exit code, stdout and stderr. */
export async function runCliInProcess(args: string[], options: { env?: Record<string, string | undefined> } = {}): Promise<CliRun> {
  const saved = { ...process.env };
  const env: Record<string, string | undefined> = {
    FLINK_URL: undefined,
    FLINK_KIT_LOCAL_STATE: join(ROOT, '.cache', 'no-local-cluster.json'),
    ...options.env,
  };
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  const stdout: string[] = [];
  const stderr: string[] = [];
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout.push(String(chunk));
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr.push(String(chunk));
    return true;
  });
  try {
    const code = await main(args);
    return { code, stdout: stdout.join(''), stderr: stderr.join('') };
  } finally {
    out.mockRestore();
    err.mockRestore();
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
}
