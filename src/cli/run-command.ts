import type { Cli } from './context.js';
import type { GlobalFlags } from './definitions.js';
import { EXIT } from './exit-codes.js';

/**
 * Runs one command: gives it the context (output, flags, the client, an abort signal for Ctrl-C and
 * SIGTERM, the program arguments after `--`), reports its error, and always releases the
 * connection. Returns the exit code.
 */
export async function runCommand(flags: GlobalFlags, afterDash: readonly string[], run: (cli: Cli) => Promise<number>): Promise<number> {
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    if (++interrupts > 1) process.exit(EXIT.interrupted);
    controller.abort(Object.assign(new Error(`interrupted (${signal})`), { name: 'AbortError' }));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const { Cli } = await import('./context.js');
  const cli = new Cli(flags, controller.signal, afterDash);
  try {
    return await run(cli);
  } catch (error) {
    const { reportError } = await import('./report-error.js');
    return reportError(cli, error);
  } finally {
    await cli.close().catch(() => undefined);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
