import type { FlinkClient } from '../client.js';
import { type ConnectFlags, type Connection, connect } from './connect.js';
import { Output } from './output.js';

/** A command module: `src/cli/commands/<name>.ts` default-exports one of these. */
export type CommandRun = (cli: Cli, args: Args, flags: Record<string, unknown>) => Promise<number | undefined>;

/** Positional arguments as declared: a string, `undefined` for an optional one not given, a list for variadic ones. */
export type Args = readonly (string | string[] | undefined)[];

/** Global flags, as commander parses them (the connection flags: `--url`, `--k8s`, `--namespace`, …). */
export interface GlobalFlags extends ConnectFlags {
  json?: boolean;
  verbose?: boolean;
  timeout?: number;
}

/** What every command gets: output, the global flags, the client (connected on first use), Ctrl-C. */
export class Cli {
  readonly out: Output;
  readonly flags: GlobalFlags;
  /** Aborted by Ctrl-C (SIGINT) or SIGTERM. */
  readonly signal: AbortSignal;
  /** The connection, once a command asked for the client. */
  connection: Connection | undefined;

  constructor(flags: GlobalFlags, signal: AbortSignal) {
    this.flags = flags;
    this.signal = signal;
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
