import { readFile } from 'node:fs/promises';

/** The last `lines` lines of a text. */
export function tail(text: string, lines: number): string {
  return text.split('\n').slice(-lines).join('\n');
}

/** Reads the tail of a file, or '' when it does not exist. */
export async function fileTail(file: string, lines = 40): Promise<string> {
  return tail(await readFile(file, 'utf8').catch(() => ''), lines);
}
