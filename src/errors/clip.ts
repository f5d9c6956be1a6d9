/**
 * `text` cut to `max` characters, saying how much was left out. Keeps error messages readable
 * whatever Flink echoes back (a 20 MB program argument comes back inside its root cause).
 */
export function clip(text: string, max = 400): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}… (${text.length - max} more characters)`;
}
