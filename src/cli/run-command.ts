import type { Args, CommandRun, GlobalFlags } from './context.js';
import { EXIT } from './exit-codes.js';

/**
 * Runs one command: imports its module, gives it the context (output, flags, the client, an abort
 * signal for Ctrl-C and SIGTERM), reports its error, and always releases the connection.
 * Returns the exit code.
 */
export async function runCommand(
  name: string,
  sub: string | undefined,
  args: Args,
  flags: GlobalFlags & Record<string, unknown>,
): Promise<number> {
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    if (++interrupts > 1) process.exit(EXIT.interrupted);
    controller.abort(Object.assign(new Error(`interrupted (${signal})`), { name: 'AbortError' }));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const { Cli } = await import('./context.js');
  const cli = new Cli(flags, controller.signal);
  try {
    const module = (await import(`./commands/${name}.js`)) as { default: CommandRun; [sub: string]: CommandRun };
    const run = sub === undefined ? module.default : (module[sub] as CommandRun);
    return (await run(cli, args, flags)) ?? EXIT.ok;
  } catch (error) {
    const { reportError } = await import('./report-error.js');
    return reportError(cli, error);
  } finally {
    await cli.close().catch(() => undefined);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
