import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { FlinkClient } from '../client.js';
import { FlinkError, FlinkInputError } from '../errors/flink-error.js';
import { shorten } from '../errors/java-trace.js';
import type { SqlGateway } from '../sql/gateway.js';
import { checkConfigEntry } from './config.js';
import { fileTail } from './file-tail.js';
import type { LibFlavor } from './flink-lib.js';
import { checkPortFree, type FlinkProcess, freePort, type JvmSetup, startJvm, stopJvm } from './processes.js';
import { whileAlive } from './readiness.js';

/** Options of the local SQL Gateway (`startLocalCluster({ sqlGateway: … })`). */
export interface LocalSqlGatewayOptions {
  /** REST port on 127.0.0.1; 0 picks a free one. @default 0 */
  port?: number;
  /**
   * Configuration of the gateway only (wins over the cluster's), e.g.
   * `{ 'sql-gateway.session.idle-timeout': '5 min' }`.
   */
  config?: Record<string, string | number | boolean>;
  /** Heap of the gateway's JVM (`-Xmx`), in MiB. @default 512 */
  heapMb?: number;
}

/** The SQL Gateway of a local cluster. */
export interface LocalSqlGateway {
  /** Its REST URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  readonly port: number;
  /** Its log (`sql-gateway.log`; stdout and stderr in `sql-gateway.out`). */
  readonly logFile: string;
}

/**
 * What the cluster's classpath needs for SQL: Flink's SQL Gateway with the table runtime, the
 * planner (behind its own class loader, `flink-table-planner-loader`, as in Flink's `lib/`) and
 * the CSV and JSON formats; the filesystem and datagen connectors come with the cluster's jars.
 * The JobManager and TaskManagers get the same classpath: SQL jobs run on the table runtime.
 * Versions are the ones Maven Central has `flink-sql-gateway` for (not every patch release: no
 * 1.20.4 or 1.20.5, for instance), so a line resolves to its newest patch that has one.
 */
export const SQL_FLAVOR: LibFlavor = {
  label: 'Flink with its SQL Gateway',
  suffix: '-sql',
  listedBy: 'flink-sql-gateway',
  artifacts: ['flink-sql-gateway', 'flink-table-runtime', 'flink-table-planner-loader', 'flink-csv', 'flink-json'],
};

/** The gateway jar of an unpacked Flink distribution (`opt/flink-sql-gateway-<v>.jar`). */
export async function distributionGatewayJar(home: string): Promise<string> {
  const opt = join(home, 'opt');
  const jar = existsSync(opt) ? (await readdir(opt)).find((n) => /^flink-sql-gateway-[\d.]+\.jar$/.test(n)) : undefined;
  if (!jar) throw new FlinkInputError(`flinkHome ${home} has no opt/flink-sql-gateway-<version>.jar, which sqlGateway needs`);
  return join(opt, jar);
}

/** Checks the options before anything starts. */
export function checkSqlGatewayOptions(
  value: boolean | LocalSqlGatewayOptions | undefined,
  cluster: { detached?: boolean | undefined; tls?: unknown },
): LocalSqlGatewayOptions | undefined {
  if (value === undefined || value === false) return undefined;
  if (cluster.detached || cluster.tls)
    throw new FlinkInputError(
      `sqlGateway cannot be combined with ${cluster.detached ? 'detached' : 'tls'} yet; start the cluster without it`,
    );
  if (value === true) return {};
  if (typeof value !== 'object' || value === null)
    throw new FlinkInputError(`sqlGateway must be true or an object of options, got ${typeof value}`);
  if (value.port !== undefined && (!Number.isInteger(value.port) || value.port < 0 || value.port > 65535))
    throw new FlinkInputError(`sqlGateway.port must be 0 (any free port) or 1-65535, got ${value.port}`);
  if (value.heapMb !== undefined && (!Number.isInteger(value.heapMb) || value.heapMb < 128))
    throw new FlinkInputError(`sqlGateway.heapMb must be a whole number of MiB, at least 128, got ${value.heapMb}`);
  for (const [key, v] of Object.entries(value.config ?? {})) checkConfigEntry(key, v);
  return value;
}

/**
 * Starts Flink's SQL Gateway (`org.apache.flink.table.gateway.SqlGateway`) on 127.0.0.1 with the
 * cluster's configuration (FLINK_CONF_DIR: it submits to the cluster's REST endpoint) and waits
 * until it answers `GET /api_versions`.
 * @throws {@link FlinkError} with its log tail when it dies or does not answer within `timeoutMs`.
 */
export async function startSqlGateway(
  setup: JvmSetup,
  options: LocalSqlGatewayOptions,
  timeoutMs: number,
): Promise<{ process: FlinkProcess; gateway: LocalSqlGateway }> {
  const port = options.port || (await freePort());
  if (options.port) await checkPortFree(port, 'SQL Gateway');
  const dynamic = Object.entries({
    'sql-gateway.endpoint.rest.address': '127.0.0.1',
    'sql-gateway.endpoint.rest.bind-address': '127.0.0.1',
    'sql-gateway.endpoint.rest.port': String(port),
    ...options.config,
  }).map(([key, value]) => `-D${key}=${String(value)}`);
  const heap = `${options.heapMb ?? 512}m`;
  const proc = startJvm(
    setup,
    'sql-gateway',
    'org.apache.flink.table.gateway.SqlGateway',
    { jvm: [`-Xms${heap}`, `-Xmx${heap}`], dynamic },
    [],
    {
      configDirArg: false,
      env: { FLINK_CONF_DIR: setup.confDir },
    },
  );
  const url = `http://127.0.0.1:${port}`;
  try {
    await whileAlive(
      proc,
      'the SQL Gateway',
      async () => {
        const res = await fetch(`${url}/api_versions`, { signal: AbortSignal.timeout(5_000) }).catch(() => undefined);
        return res?.ok ? { done: true, value: undefined } : { done: false, seen: res ? `HTTP ${res.status}` : 'not answering yet' };
      },
      { what: `the SQL Gateway on 127.0.0.1:${port} to answer`, waitTimeoutMs: timeoutMs },
    );
  } catch (error) {
    await stopJvm(proc, 5_000);
    if (!(error instanceof FlinkError)) throw error;
    const cause = (await fileTail(proc.logFile, 400)).split('\n').findLast((l) => l.startsWith('Caused by: '));
    throw new FlinkError(
      `the local SQL Gateway did not start (${error.message.replace(/\.$/, '')})${cause ? `: ${shorten(cause.slice('Caused by: '.length))}` : ''}. See details for its log (${proc.logFile}).`,
      {
        details: `--- ${proc.outFile}\n${await fileTail(proc.outFile, 30)}\n--- ${proc.logFile}\n${await fileTail(proc.logFile, 40)}`,
        cause: error,
      },
    );
  }
  return { process: proc, gateway: { url, port, logFile: proc.logFile } };
}

/** A client of the local gateway that waits for jobs through the cluster's client. */
export async function connectSqlGateway(url: string, flink: FlinkClient): Promise<SqlGateway> {
  const { SqlGateway } = await import('../sql/gateway.js');
  return new SqlGateway({ url, flink });
}
