import { FlinkInputError } from '../errors/flink-error.js';

/**
 * Tagged template for REST paths: every interpolated value is percent-encoded, and values holding
 * `/`, `?`, `#` or `..` are refused, so nothing user-given is spliced raw into a URL.
 *
 * @example path`/jobs/${jobId}/savepoints/${triggerId}`
 */
export function path(strings: TemplateStringsArray, ...values: ReadonlyArray<string | number>): string {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    const text = String(value);
    if (text === '' || text === '.' || text === '..' || /[/?#\\]/.test(text)) {
      throw new FlinkInputError(
        `invalid path segment ${JSON.stringify(text)}: ids and names may not be empty or contain / ? # \\ or be . or ..`,
      );
    }
    out += encodeURIComponent(text) + (strings[i + 1] ?? '');
  });
  return out;
}
