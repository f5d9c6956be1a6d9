import { execFileSync } from 'node:child_process';

/** PIDs of processes (other than this one) whose command line mentions `needle`, e.g. a cluster's work dir. */
export function pidsMentioning(needle: string): number[] {
  try {
    return execFileSync('pgrep', ['-f', needle], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number)
      .filter((pid) => pid !== process.pid);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}
