import { InvalidArgumentError } from '@commander-js/extra-typings';

/** `-p 4`: a whole number of at least 1. */
export function positiveInt(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('expected a whole number of at least 1.');
  return Number(value);
}

export function keyValue(value: string, previous: Record<string, string> | undefined): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError('expected key=value, e.g. -D parallelism.default=2.');
  return { ...previous, [value.slice(0, eq).trim()]: value.slice(eq + 1) };
}

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** `90s`, `5m`, `1h`, `500ms`, or plain seconds -> milliseconds. */
export function duration(value: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (!m) throw new InvalidArgumentError('expected a duration such as 90s, 5m or 1h.');
  const factor = UNIT_MS[m[2] ?? 's'] ?? 1_000;
  const ms = Math.round(Number(m[1]) * factor);
  if (ms < 1) throw new InvalidArgumentError('must be more than 0.');
  return ms;
}

/** `--max-restarts 0`: a whole number, 0 allowed. */
export function wholeNumber(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a whole number (0 or more).');
  return Number(value);
}
