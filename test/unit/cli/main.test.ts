import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const MAIN = resolve(import.meta.dirname, '../../../src/cli/main.ts');

/** Runs the CLI entry with Node pretending to be `version`. */
function runAs(version: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const pretend = `data:text/javascript,Object.defineProperty(process.versions, 'node', { value: '${version}' });`;
  return new Promise((done) =>
    execFile(process.execPath, ['--import', pretend, MAIN, 'list'], { timeout: 20_000 }, (error, stdout, stderr) =>
      done({ code: error ? (error.code as number) : 0, stdout, stderr }),
    ),
  );
}

describe('the CLI entry on an old Node.js', () => {
  it.each(['20.11.1', '22.18.0'])('Node %s gets one line saying what is needed and how to get it, exit 1', async (version) => {
    const r = await runAs(version);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `flink-kit: needs Node.js 22.19 or newer, this is v${version}. Install Node.js 24 LTS (https://nodejs.org/, or \`nvm install 24\`) and run it again.\n`,
    );
  });
});
