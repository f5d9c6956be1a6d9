import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const MAIN = resolve(import.meta.dirname, '../../../src/cli/main.ts');
/**
 * Prints every module the process loaded, one URL a line on stderr, when it exits. Runs the CLI from
 * source: an import of `./x.js` that does not exist resolves to `./x.ts`, as the build would have it.
 */
const TRACE = `data:text/javascript,${encodeURIComponent(`
import { registerHooks } from 'node:module';
const seen = [];
registerHooks({
  resolve(specifier, context, next) {
    try { return next(specifier, context); }
    catch (error) { if (specifier.startsWith('.') && specifier.endsWith('.js')) return next(specifier.slice(0, -3) + '.ts', context); throw error; }
  },
  load(url, context, next) { seen.push(url); return next(url, context); },
});
process.on('exit', () => process.stderr.write(seen.map((u) => 'loaded ' + u + '\\n').join('')));
`)}`;

/** Runs the CLI (from source) and returns its exit code, output and the modules it loaded. */
function traced(args: string[]): Promise<{ code: number; stdout: string; stderr: string; loaded: string[] }> {
  return new Promise((done) =>
    execFile(
      process.execPath,
      ['--import', TRACE, MAIN, ...args],
      { timeout: 30_000, env: { ...process.env, FLINK_URL: '' } },
      (error, stdout, stderr) =>
        done({
          code: error ? (error.code as number) : 0,
          stdout,
          stderr: stderr
            .split('\n')
            .filter((l) => !l.startsWith('loaded '))
            .join('\n'),
          loaded: stderr
            .split('\n')
            .filter((l) => l.startsWith('loaded '))
            .map((l) => l.slice(7)),
        }),
    ),
  );
}

const kubeCode = (url: string) => url.includes('/src/kube/') || url.includes('@kubernetes/client-node');
const localCode = (url: string) => url.includes('/src/local/');
const uploadCode = (url: string) => url.includes('/src/transport/multipart.ts') || url.includes('/node_modules/form-data/');
const sdkCode = (url: string) => url.includes('/src/') && !url.includes('/src/cli/');
const commandModules = (loaded: string[]) =>
  loaded.filter((u) => u.includes('/src/cli/commands/')).map((u) => u.replace(/^.*\/src\/cli\//, ''));

describe('what the CLI loads', () => {
  let flink: Server;
  let url: string;
  beforeAll(async () => {
    flink = createServer((req, res) => {
      res.writeHead(req.url === '/v1/jobs/overview' ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(req.url === '/v1/jobs/overview' ? { jobs: [] } : { errors: ['Not found'] }));
    });
    await new Promise<void>((r) => flink.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(flink.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((r) => flink.close(() => r())));

  it('--help loads no SDK code; list without --k8s loads only its command, and no Kubernetes, local or upload code', async () => {
    const help = await traced(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--k8s');
    expect(help.loaded.filter(kubeCode)).toEqual([]);
    expect(help.loaded.filter((u) => u.includes('/src/client.ts'))).toEqual([]);
    expect(help.loaded.filter(sdkCode)).toEqual([]); // no client, no SDK module at all
    expect(commandModules(help.loaded)).toEqual([]);

    const list = await traced(['list', '--url', url, '--json']);
    expect(list.stderr).toBe('');
    expect(JSON.parse(list.stdout)).toEqual([]);
    expect(list.loaded.filter(kubeCode)).toEqual([]);
    expect(list.loaded.filter(localCode)).toEqual([]);
    expect(list.loaded.filter(uploadCode)).toEqual([]);
    expect(commandModules(list.loaded)).toEqual(['commands/list.ts']);
    // The checks see modules at all: list does load the client.
    expect(list.loaded.some((u) => u.includes('/src/client.ts'))).toBe(true);
  });

  it('--k8s loads flink-kit/kube; its errors exit 12 with the reason', async () => {
    const r = await traced(['--k8s', '--kubeconfig', '/nonexistent/kubeconfig', 'list']);
    expect(r.code).toBe(12);
    expect(r.stderr).toContain('/nonexistent/kubeconfig');
    expect(r.stderr).toContain('Kubernetes reason: kubeconfig-not-found');
    expect(r.loaded.some(kubeCode)).toBe(true);
  });
});
