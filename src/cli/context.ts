import type { FlinkClient } from '../index.js';
import { type Connection, connect } from './connect.js';
import type { ArgsOf, CommandName, FlagsOf, GlobalFlags } from './definitions.js';
import { Output } from './output.js';

/**
 * What the module of command `N` (`src/cli/commands/<name>.ts`) default-exports: it gets the
 * context, the arguments and the options as `definitions.ts` declares them, and returns the exit code.
 */
export type CommandRun<N extends CommandName> = (cli: Cli, args: ArgsOf<N>, flags: FlagsOf<N>) => Promise<number>;

/** What every command gets: output, the global flags, the client (connected on first use), Ctrl-C. */
export class Cli {
  readonly out: Output;
  readonly flags: GlobalFlags;
  /** Aborted by Ctrl-C (SIGINT) or SIGTERM. */
  readonly signal: AbortSignal;
  /** The program arguments given after `--` (for the job: `run` and `upgrade` append them to their `[args...]`). */
  readonly afterDash: readonly string[];
  /** The connection, once a command asked for the client. */
  connection: Connection | undefined;

  constructor(flags: GlobalFlags, signal: AbortSignal, afterDash: readonly string[] = []) {
    this.flags = flags;
    this.signal = signal;
    this.afterDash = afterDash;
    this.out = new Output({ json: flags.json === true, verbose: flags.verbose === true });
  }

  /** The deadline of waits (`--timeout`), in milliseconds, when given. */
  get timeoutMs(): number | undefined {
    return this.flags.timeout;
  }

  /** `{ waitTimeoutMs }` when `--timeout` was given, for the SDK's waits. */
  get timeout(): { waitTimeoutMs?: number } {
    return this.flags.timeout === undefined ? {} : { waitTimeoutMs: this.flags.timeout };
  }

  /** The client for this command (`--k8s`, `--url`, `FLINK_URL`, the local cluster, or the default). */
  async client(): Promise<FlinkClient> {
    this.connection ??= await connect(this.flags);
    return this.connection.flink;
  }

  /** Releases the connection. */
  async close(): Promise<void> {
    await this.connection?.close();
  }
}
