import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { compat, type FlinkVersion } from '../compat/versions.js';
import { FlinkInputError } from '../errors/flink-error.js';

/** Directories and ports of one local cluster. */
export interface ClusterLayout {
  version: FlinkVersion;
  confDir: string;
  tmpDir: string;
  checkpointDir: string;
  savepointDir: string;
  restPort: number;
  rpcPort: number;
  slotsPerTaskManager: number;
}

/** Configuration of a loopback-only session cluster; `overrides` win, and `null` removes a default key. */
export function clusterConfig(
  layout: ClusterLayout,
  overrides: Record<string, string | number | boolean | null> = {},
): Record<string, string> {
  const config: Record<string, string> = {
    'jobmanager.rpc.address': '127.0.0.1',
    'jobmanager.rpc.port': String(layout.rpcPort),
    'jobmanager.bind-host': '127.0.0.1',
    'taskmanager.bind-host': '127.0.0.1',
    'taskmanager.host': '127.0.0.1',
    'rest.address': '127.0.0.1',
    'rest.bind-address': '127.0.0.1',
    'rest.port': String(layout.restPort),
    'jobmanager.memory.process.size': '1600m',
    'taskmanager.memory.process.size': '1728m',
    'taskmanager.numberOfTaskSlots': String(layout.slotsPerTaskManager),
    'parallelism.default': '1',
    'io.tmp.dirs': layout.tmpDir,
    'web.tmpdir': layout.tmpDir,
    'web.upload.dir': layout.tmpDir,
    [compat.checkpointDirKey(layout.version)]: `file://${layout.checkpointDir}`,
    [compat.savepointDirKey(layout.version)]: `file://${layout.savepointDir}`,
  };
  for (const [key, value] of Object.entries(overrides)) {
    checkConfigEntry(key, value);
    if (value === null) delete config[key];
    else config[key] = String(value);
  }
  return config;
}

/**
 * A configuration entry the config file can hold as one `key: value` line: a key without spaces,
 * colons or control characters, a value without line breaks (which would add keys of its own).
 * @throws {@link FlinkInputError} naming the key.
 */
export function checkConfigEntry(key: string, value: unknown): void {
  if (!/^[^\s:#\p{Cc}]+$/u.test(key)) {
    throw new FlinkInputError(
      `config key ${JSON.stringify(key.slice(0, 80))} is not a Flink configuration key: use a dotted name such as execution.checkpointing.interval (no spaces, colons or control characters)`,
    );
  }
  if (value !== null && !['string', 'number', 'boolean'].includes(typeof value)) {
    throw new FlinkInputError(`config ${key} must be a string, number or boolean (or null to remove a default), got ${typeof value}`);
  }
  if (typeof value === 'string' && /[\r\n\0]/.test(value)) {
    throw new FlinkInputError(
      `config ${key} holds a line break, which would add lines of its own to the config file; give the value on one line`,
    );
  }
}

/** Writes the config file in the form the version reads (flat dotted keys, never a key twice). */
export async function writeClusterConfig(confDir: string, version: FlinkVersion, config: Record<string, string>): Promise<string> {
  const name = compat.configFileName(version);
  const yaml = name === 'config.yaml';
  const lines = Object.entries(config).map(([key, value]) => `${key}: ${yaml ? yamlScalar(value) : value}`);
  const file = join(confDir, name);
  await writeFile(file, `# Written by flink-kit (local cluster)\n${lines.join('\n')}\n`);
  await writeFile(join(confDir, 'log4j-console.properties'), LOG4J);
  return file;
}

/** Plain when safe, else a double-quoted YAML scalar (JSON strings are valid YAML). */
function yamlScalar(value: string): string {
  return /^[\w./:@+-]+$/.test(value) && !/^[-?:,[\]{}#&*!|>'"%@`]/.test(value) && !value.includes(': ') ? value : JSON.stringify(value);
}

const LOG4J = `# Written by flink-kit: log to \${sys:log.file}, like Flink's log4j-console.properties.
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = MainAppender
appender.main.name = MainAppender
appender.main.type = File
appender.main.fileName = \${sys:log.file}
appender.main.layout.type = PatternLayout
appender.main.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n
logger.pekko.name = org.apache.pekko
logger.pekko.level = INFO
logger.netty.name = org.jboss.netty.channel.DefaultChannelPipeline
logger.netty.level = ERROR
`;

/** The flags Flink's shipped config passes to every JVM on Java 17 (`env.java.opts.all`). */
export const JAVA17_FLAGS: readonly string[] = [
  '-XX:+IgnoreUnrecognizedVMOptions',
  '--add-exports=java.base/sun.net.util=ALL-UNNAMED',
  '--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED',
  ...['api', 'file', 'parser', 'tree', 'util'].map((p) => `--add-exports=jdk.compiler/com.sun.tools.javac.${p}=ALL-UNNAMED`),
  '--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED',
  ...[
    'java.lang',
    'java.net',
    'java.io',
    'java.nio',
    'sun.nio.ch',
    'java.lang.reflect',
    'java.text',
    'java.time',
    'java.util',
    'java.util.concurrent',
    'java.util.concurrent.atomic',
    'java.util.concurrent.locks',
  ].map((p) => `--add-opens=java.base/${p}=ALL-UNNAMED`),
];
