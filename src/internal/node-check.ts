/**
 * Imported first by each entry point, so that on a Node.js too old for flink-kit the import fails
 * with one line that says what to do, before undici loads: undici needs Node 22.19+ and on Node 20
 * dies inside its own code with "Cannot read properties of undefined (reading 'bind')".
 */
import { FlinkError } from '../errors/flink-error.js';

/** Why flink-kit cannot run on this Node.js version, or undefined when it can (22.19 or newer). */
export function unsupportedNode(version: string): string | undefined {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  if (major > 22 || (major === 22 && minor >= 19)) return undefined;
  return `flink-kit needs Node.js 22.19 or newer (24 LTS recommended), and this is Node.js ${version}: install a current Node.js from https://nodejs.org or with a version manager (nvm install 24, fnm install 24, volta install node@24), then run again.`;
}

const problem = unsupportedNode(process.versions.node);
if (problem) {
  const error = new FlinkError(problem);
  // The line is the whole story: no trace into the module loader, no empty fields printed with it.
  error.stack = `${error.name}: ${problem}`;
  Object.defineProperty(error, 'details', { enumerable: false });
  throw error;
}
