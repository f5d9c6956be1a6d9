/**
 * What every figure shares: timed child processes, medians, and the result rows of the table.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (where `flink-kit` resolves to the built package). */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** One line of the final table. */
export interface Row {
  figure: string;
  /** flink-kit's figure, formatted with its unit. */
  sdk: string;
  /** The baseline's figure, or '-' when the target is absolute. */
  baseline: string;
  /** flink-kit / baseline (or the difference), formatted. */
  ratio: string;
  target: string;
  /** undefined: no figure (e.g. the command does not exist yet). */
  met: boolean | undefined;
  /** Why there is no figure, or what to know about it. */
  note?: string;
}

/** A finished command: exit code, stdout + stderr, and its wall time from spawn to exit. */
export interface CommandResult {
  code: number;
  output: string;
  stdout: string;
  ms: number;
}

/** Spawns a command, collects its output and times it from spawn to exit. Never throws for a non-zero exit. */
export function timedCommand(
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(command, args, { env: options.env ?? process.env, cwd: options.cwd ?? ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const all: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => {
      out.push(c);
      all.push(c);
    });
    child.stderr.on('data', (c: Buffer) => all.push(c));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 300_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const ms = performance.now() - start;
      resolve({
        code: code ?? (signal ? 128 : 1),
        output: Buffer.concat(all).toString('utf8'),
        stdout: Buffer.concat(out).toString('utf8'),
        ms,
      });
    });
  });
}

/**
 * Runs an ES module snippet in a fresh `node` from the repository root, so `import 'flink-kit'`
 * resolves to the built package, as in a user's script. Its last stdout line is parsed as JSON.
 * @throws when the snippet fails, with its output.
 */
export async function nodeSnippet<T>(code: string, env: Record<string, string> = {}): Promise<{ result: T; ms: number }> {
  const run = await timedCommand(process.execPath, ['--input-type=module', '-e', code], { env: { ...process.env, ...env } });
  const last = run.stdout.trim().split('\n').at(-1) ?? '';
  if (run.code !== 0) throw new Error(`node snippet failed (exit ${run.code}):\n${run.output.trim()}`);
  return { result: JSON.parse(last) as T, ms: run.ms };
}

/** The median (the upper one of an even count). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
}

/** `1.23 s` / `456 ms`. */
export function ms(value: number): string {
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(0)} ms`;
}

/** `+12 ms` / `-3 ms` / `+1.20 s`. */
export function signedMs(value: number): string {
  return `${value < 0 ? '-' : '+'}${ms(Math.abs(value))}`;
}

/** `0.25x`. */
export function ratio(value: number): string {
  return `${value.toFixed(2)}x`;
}

/** Prints one round of a figure, indented under it. */
export function round(figure: string, n: number, text: string): void {
  console.log(`  [${figure}] round ${n}: ${text}`);
}

/** The table: figure, flink-kit, baseline, ratio, target, met or MISSED. */
export function table(rows: readonly Row[]): string {
  const head = ['figure', 'flink-kit', 'baseline', 'ratio', 'target', 'result'];
  const cells = rows.map((r) => [
    r.figure,
    r.sdk,
    r.baseline,
    r.ratio,
    r.target,
    r.met === undefined ? (r.note ?? 'n/a') : r.met ? 'met' : 'MISSED',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] as string).length)));
  const line = (c: readonly string[]) => `| ${c.map((v, i) => v.padEnd(widths[i] as number)).join(' | ')} |`;
  const notes = rows.filter((r) => r.met !== undefined && r.note).map((r) => `- ${r.figure}: ${r.note}`);
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line), ...(notes.length ? ['', ...notes] : [])].join('\n');
}
