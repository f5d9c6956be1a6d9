import { styleText } from 'node:util';

type Style = Parameters<typeof styleText>[0];

/** True when `stream` is a terminal that can redraw lines (not piped, not TERM=dumb). */
export function isInteractive(stream: NodeJS.WriteStream): boolean {
  return stream.isTTY === true && process.env['TERM'] !== 'dumb';
}

/**
 * Everything a command prints. Results go to stdout (one JSON document with `--json`), everything
 * else (notes, warnings, errors, spinners, progress bars) to stderr. Colour and tables only on a TTY;
 * `NO_COLOR`, `--no-color` and `TERM=dumb` are honoured (Node's `styleText` checks the stream).
 */
export class Output {
  /** `--json`: results as one JSON document (JSON lines for streams). */
  readonly json: boolean;
  /** `--verbose`: notes and stack traces. */
  readonly verbose: boolean;

  constructor(options: { json: boolean; verbose: boolean }) {
    this.json = options.json;
    this.verbose = options.verbose;
  }

  /** The command's result: `value` as JSON with `--json`, else the human text. */
  result(value: unknown, human: () => string | string[] | Promise<string | string[]>): Promise<void> | void {
    if (this.json) return this.jsonLine(value, 2);
    const text = human();
    if (text instanceof Promise) return text.then((t) => this.lines(t));
    this.lines(text);
  }

  /** One JSON value on one line (JSON lines for `--watch`), or indented with `indent`. */
  jsonLine(value: unknown, indent?: number): void {
    process.stdout.write(`${JSON.stringify(value, undefined, indent)}\n`);
  }

  /** Text lines to stdout. */
  lines(text: string | string[]): void {
    const all = Array.isArray(text) ? text : [text];
    if (all.length > 0) process.stdout.write(`${all.join('\n')}\n`);
  }

  /** A progress or status note on stderr, only when stderr is a terminal (or with --verbose). */
  note(text: string): void {
    if (isInteractive(process.stderr) || this.verbose) process.stderr.write(`${this.dim(text, process.stderr)}\n`);
  }

  /** A warning on stderr, always. */
  warn(text: string): void {
    process.stderr.write(`${styleText('yellow', 'warning:', { stream: process.stderr })} ${text}\n`);
  }

  /** `text` in a style, on `stream` (stdout by default) when it shows colour. */
  style(format: Style, text: string, stream: NodeJS.WriteStream = process.stdout): string {
    return styleText(format, text, { stream });
  }

  /** Dim text (secondary information). */
  dim(text: string, stream: NodeJS.WriteStream = process.stdout): string {
    return styleText('dim', text, { stream });
  }

  /** A job or task state, coloured by what it means. */
  state(state: string, stream: NodeJS.WriteStream = process.stdout): string {
    return styleText(STATE_STYLE[state] ?? 'reset', state, { stream });
  }

  /**
   * Rows as a table: aligned columns under a header on a terminal; tab-separated lines without a
   * header when piped (for `cut`, `awk`).
   */
  async table(header: string[], rows: string[][]): Promise<string[]> {
    if (!isInteractive(process.stdout)) return rows.map((r) => r.join('\t'));
    const { default: Table } = await import('cli-table3');
    const table = new Table({
      head: header.map((h) => styleText('bold', h, { stream: process.stdout })),
      chars: BORDERLESS,
      style: { head: [], border: [], 'padding-left': 0, 'padding-right': 2 },
    });
    table.push(...rows);
    return table
      .toString()
      .split('\n')
      .map((line) => line.trimEnd());
  }
}

const STATE_STYLE: Record<string, Style> = {
  RUNNING: 'green',
  FINISHED: 'cyan',
  COMPLETED: 'green',
  FAILED: 'red',
  FAILING: 'red',
  RESTARTING: 'yellow',
  CANCELLING: 'yellow',
  CANCELED: 'dim',
  IN_PROGRESS: 'yellow',
  pass: 'green',
  warn: 'yellow',
  fail: 'red',
};

const BORDERLESS = {
  top: '',
  'top-mid': '',
  'top-left': '',
  'top-right': '',
  bottom: '',
  'bottom-mid': '',
  'bottom-left': '',
  'bottom-right': '',
  left: '',
  'left-mid': '',
  mid: '',
  'mid-mid': '',
  right: '',
  'right-mid': '',
  middle: '',
};

/** `1234567` ms -> `20m 34s`. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || ms < 0) return '-';
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  const s = Math.floor(ms / 1_000);
  if (s < 60) return `${(ms / 1_000).toFixed(1)} s`;
  const parts = [Math.floor(s / 86_400) && `${Math.floor(s / 86_400)}d`, Math.floor(s / 3_600) % 24 && `${Math.floor(s / 3_600) % 24}h`];
  parts.push(`${Math.floor(s / 60) % 60}m`, `${s % 60}s`);
  return parts.filter(Boolean).join(' ');
}

/** Epoch ms -> `2026-11-29 23:45:01` in local time. */
export function formatTime(ms: number | undefined): string {
  if (ms === undefined || ms <= 0) return '-';
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** Bytes -> `12.3 MiB`. */
export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined) return '-';
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}
