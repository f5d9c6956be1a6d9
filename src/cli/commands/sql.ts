import { readFile } from 'node:fs/promises';
import { type ClaimMode, FlinkInputError } from '../../index.js';
import {
  DEFAULT_SQL_GATEWAY_PORT,
  rowToJson,
  type SqlGateway,
  type SqlSession,
  splitStatements,
  statementKind,
  stripComments,
} from '../../sql/index.js';
import type { Cli, CommandRun } from '../context.js';
import type { FlagsOf } from '../definitions.js';
import { isInteractive } from '../output.js';
import { OP, StreamingTable } from '../sql-table.js';
import { createSpinner } from '../ui.js';

/**
 * `flink-kit sql -e "…" | -f script.sql`: runs the statements one after the other in one session
 * of the SQL Gateway. A query streams its rows (a table on a terminal, tab-separated when piped,
 * JSON lines with --json); a statement that starts a job prints the job id (--wait: once it runs).
 */
const sql: CommandRun<'sql'> = async (cli, _args, flags) => {
  const statements = splitStatements(await scriptOf(flags));
  if (statements.length === 0) throw new FlinkInputError('the script holds no statement (only comments or blanks)');
  const jobs = statements.filter((s) => statementKind(s) === 'job').length;
  if (jobs > 1 && flags.savepoint !== undefined)
    throw new FlinkInputError(`-s gives one savepoint, and the script starts ${jobs} jobs: run each INSERT with its own savepoint`);
  const { SqlGateway } = await import('../../sql/index.js');
  const gateway: SqlGateway = new SqlGateway({
    url: await gatewayUrl(cli, flags),
    ...(flags.wait ? { flink: await cli.client() } : {}),
  });
  try {
    const session = await gateway.openSession({ signal: cli.signal });
    for (const statement of statements) {
      const kind = statementKind(statement);
      if (kind === 'job') await submit(cli, session, statement, flags);
      else if (kind === 'query' || kind === 'explain') {
        if (await query(cli, session, statement, flags)) break;
      } else {
        const op = await session.execute(statement, { signal: cli.signal });
        for await (const _ of op.rows({ signal: cli.signal })) {
          // DDL, SET, USE: an `OK` row, nothing to show
        }
        cli.out.note(`OK: ${firstLine(statement)}`);
      }
    }
    return 0;
  } finally {
    await gateway.close();
  }
};
export default sql;

type Flags = FlagsOf<'sql'>;

/** The script: `-e` text, or `-f` file (`-` for stdin). */
async function scriptOf(flags: Flags): Promise<string> {
  const inline = flags.execute;
  const file = flags.file;
  if ((inline === undefined) === (file === undefined))
    throw new FlinkInputError('give the statements with -e "<sql>" or -f <file> (one of them)');
  if (inline !== undefined) return inline;
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }
  return readFile(file as string, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new FlinkInputError(`cannot read the script ${file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`);
  });
}

/** `--sql-url`, else `FLINK_SQL_URL`, else the host of the JobManager URL on the gateway's default port. */
async function gatewayUrl(cli: Cli, flags: Flags): Promise<string> {
  const given = flags.sqlUrl ?? process.env['FLINK_SQL_URL'];
  if (given) return given;
  if (cli.flags.k8s)
    throw new FlinkInputError(
      'with --k8s, give the SQL Gateway with --sql-url (or FLINK_SQL_URL): flink-kit finds only the JobManager on Kubernetes',
    );
  const jobManager = new URL((await cli.client()).url);
  jobManager.port = String(DEFAULT_SQL_GATEWAY_PORT);
  jobManager.pathname = '/';
  return jobManager.href;
}

async function submit(cli: Cli, session: SqlSession, statement: string, flags: Flags): Promise<void> {
  const wait = flags.wait === true;
  const spinner = await createSpinner(wait ? 'waiting until all tasks run' : 'submitting');
  spinner.start();
  try {
    const result = await session.submit(statement, {
      ...(flags.savepoint !== undefined ? { savepointPath: flags.savepoint } : {}),
      ...(flags.parallelism !== undefined ? { parallelism: flags.parallelism } : {}),
      ...(flags.allowNonRestored ? { allowNonRestoredState: true } : {}),
      ...(flags.claimMode !== undefined ? { claimMode: flags.claimMode as ClaimMode } : {}),
      ...(flags.D ? { config: flags.D } : {}),
      until: wait ? 'RUNNING' : 'SUBMITTED',
      ...(cli.timeoutMs !== undefined ? { waitTimeoutMs: cli.timeoutMs } : {}),
      signal: cli.signal,
    });
    spinner.stop();
    const state = result.job?.state ?? 'SUBMITTED';
    if (cli.out.json) cli.out.jsonLine({ jobId: result.jobId, state, statement, config: result.config });
    else cli.out.lines(`${result.jobId} ${cli.out.state(state)} ${cli.out.dim(firstLine(statement))}`);
  } finally {
    spinner.stop();
  }
}

/** Streams a query's rows. True when it was stopped (Ctrl-C, --max-rows): the script ends there. */
async function query(cli: Cli, session: SqlSession, statement: string, flags: Flags): Promise<boolean> {
  const maxRows = flags.maxRows;
  const op = await session.execute(statement, { signal: cli.signal });
  const tty = isInteractive(process.stdout);
  let table: StreamingTable | undefined;
  let count = 0;
  try {
    for await (const page of op.pages({ signal: cli.signal })) {
      for (const { kind, row } of page.changes) {
        if (cli.out.json) process.stdout.write(`${rowToJson({ kind, row })}\n`);
        else if (tty) {
          if (!table) {
            table = new StreamingTable(page.columns);
            cli.out.lines(table.header((s) => cli.out.style('bold', s)));
          }
          cli.out.lines(table.row(kind, Object.values(row)));
        } else {
          const values = Object.values(row).map((v) => (typeof v === 'string' ? v : rowToJson(v)));
          cli.out.lines([OP[kind], ...values].join('\t'));
        }
        count++;
        if (maxRows !== undefined && count >= maxRows) return true;
      }
    }
  } catch (error) {
    // Ctrl-C ends a query that would run forever: the normal way out, like `checkpoints --watch`.
    if (cli.signal.aborted) return true;
    throw error;
  }
  if (!cli.out.json) cli.out.note(`${count} row${count === 1 ? '' : 's'}, end of result: ${firstLine(statement)}`);
  return false;
}

function firstLine(statement: string): string {
  const line = stripComments(statement).trim().split('\n')[0] ?? '';
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}
