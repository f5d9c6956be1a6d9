import { clip } from './clip.js';

/**
 * The innermost cause of a Java stack trace in short form: the last "Caused by:" line (or the first
 * line when there is none), with the exception's package dropped:
 * `Caused by: java.lang.ClassNotFoundException: com.acme.Main` -> `ClassNotFoundException: com.acme.Main`.
 * At most 1,000 characters: the message of a cause may echo a huge input.
 */
export function rootCauseOf(texts: readonly string[] | string | undefined): string | undefined {
  const all = typeof texts === 'string' ? [texts] : (texts ?? []);
  let found: string | undefined;
  for (const text of all) {
    // A 500's second element wraps the trace: "<Exception on server side:\n<trace>\nEnd of exception on server side>".
    const lines = text.replace(/^<Exception on server side:\s*/, '').split('\n');
    const causes = lines.filter((l) => l.trimStart().startsWith('Caused by:'));
    const candidate = causes.length > 0 ? causes[causes.length - 1] : looksLikeTrace(lines) ? lines[0] : undefined;
    if (candidate !== undefined) found = clip(shorten(candidate.trim().replace(/^Caused by:\s*/, '')), 1_000);
  }
  return found;
}

function looksLikeTrace(lines: readonly string[]): boolean {
  return lines.some((l) => /^\s+at [\w$.]+\(/.test(l));
}

/** `org.apache.x.FooException: msg` -> `FooException: msg`. */
export function shorten(line: string): string {
  return line.replace(/^(?:[a-z_$][\w$]*\.)+([A-Z][\w$]*)/, '$1');
}
