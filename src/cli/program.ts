import { readFileSync } from 'node:fs';
import { CommanderError, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { COMMANDS, type CommandTable } from './command-table.js';
import type { Cli } from './context.js';
import { type ArgsOf, type CommandName, defineCommands, defineProgram, type FlagsOf, type GlobalFlags } from './definitions.js';
import { EXIT } from './exit-codes.js';

/**
 * Parses argv and runs the one command asked for; only that command's module (and what it uses)
 * is imported. Returns the exit code.
 */
export async function main(argv: string[]): Promise<number> {
  // Everything after `--` is the job's: kept away from the parser, so that it can never fill an
  // optional argument (`upgrade <job> [jar] -- --input x`), and handed to the command's [args...].
  const dash = argv.indexOf('--');
  const afterDash = dash < 0 ? [] : argv.slice(dash + 1);
  let exitCode: number = EXIT.ok;
  const program = buildProgram(afterDash, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(dash < 0 ? argv : argv.slice(0, dash), { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    throw error; // not reached: command errors are handled in runCommand
  }
}

/** The global flags that go with `--k8s`. */
const KUBE_FLAGS: Array<keyof GlobalFlags> = ['namespace', 'service', 'port', 'context', 'kubeconfig'];

/** A command of `definitions.ts` as the wiring uses it: its parsed arguments and options, and its action. */
interface Defined<N extends CommandName> {
  readonly processedArgs: ArgsOf<N>;
  opts(): FlagsOf<N>;
  action(fn: () => Promise<void>): unknown;
}

/** What the action of each command needs from `main`. */
interface Wiring {
  readonly global: () => GlobalFlags;
  readonly afterDash: readonly string[];
  readonly done: (exitCode: number) => void;
}

function buildProgram(afterDash: readonly string[], done: (exitCode: number) => void) {
  const program = defineProgram(packageVersion());
  program.hook('preAction', (_, action) => {
    const global = program.opts();
    if (global.color === false) process.env['NO_COLOR'] = '1';
    const kube = KUBE_FLAGS.filter((flag) => global[flag] !== undefined).map((flag) => `--${flag}`);
    if (kube.length > 0 && !global.k8s)
      action.error(`error: ${kube.join(', ')} ${kube.length > 1 ? 'are' : 'is'} for Flink on Kubernetes: add --k8s`);
    if (global.k8s && global.url !== undefined) action.error('error: --url and --k8s both say where Flink is: give one of them');
    if (afterDash.length > 0 && !action.registeredArguments.at(-1)?.variadic)
      action.error(`error: ${action.name()} takes no program arguments (after --)`);
  });
  const defined: { readonly [N in CommandName]: Defined<N> } = defineCommands(program);
  const wiring: Wiring = { global: () => program.opts(), afterDash, done };
  for (const name of Object.keys(COMMANDS).filter(isCommandName)) attach(name, defined, COMMANDS, wiring);

  for (const cmd of allCommands(program)) {
    cmd
      .exitOverride()
      .showHelpAfterError(
        `(flink-kit ${cmd.parent === program ? '' : `${cmd.parent?.name()} `}${cmd.name()} --help for usage${cmd.registeredArguments.some((a) => a.variadic) ? '; program arguments go after --' : ''})`,
      );
  }
  return program;
}

function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(COMMANDS, name);
}

/** Gives command `name` the action that imports its module from the command table and runs it. */
function attach<N extends CommandName>(
  name: N,
  defined: { readonly [K in CommandName]: Defined<K> },
  table: CommandTable,
  wiring: Wiring,
): void {
  const cmd = defined[name];
  const load = table[name];
  cmd.action(async () => {
    const { runCommand } = await import('./run-command.js');
    const run = async (cli: Cli) => (await load()).default(cli, cmd.processedArgs, cmd.opts());
    wiring.done(await runCommand(wiring.global(), wiring.afterDash, run));
  });
}

function allCommands(cmd: CommandUnknownOpts): CommandUnknownOpts[] {
  return cmd.commands.flatMap((c) => [c, ...allCommands(c)]);
}

function packageVersion(): string {
  try {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    return typeof version === 'string' ? version : 'unknown';
  } catch {
    return 'unknown';
  }
}
