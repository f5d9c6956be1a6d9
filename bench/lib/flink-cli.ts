/**
 * The real `flink` command-line client, as the baseline of the submit, list, start-up and upgrade
 * figures. flink-dist is not on Maven Central, but PyPI's `apache-flink-libraries` (an sdist of
 * ~230 MB, every version from 1.13) carries the distribution's jars in `deps/lib/`. It has no
 * `bin/` scripts, so the CLI's entry point runs directly, the way `bin/flink` starts it:
 *
 *   java <--add-opens…> -Dlog4j.configurationFile=… -cp 'lib/*' org.apache.flink.client.cli.CliFrontend run -d …
 *
 * with FLINK_CONF_DIR pointing at a folder whose config file names the cluster's REST address.
 * The jars are cached under the local cluster's cache dir (`<cache>/flink-cli/<version>/lib`).
 */
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type CommandResult, timedCommand } from './measure.ts';

/**
 * What Flink's scripts add on Java 17 (`env.java.opts.all` of the shipped config); without them
 * `flink run` fails with InaccessibleObjectException.
 */
export const JAVA_17_OPENS = [
  'java.util',
  'java.lang',
  'java.lang.reflect',
  'java.net',
  'java.io',
  'java.nio',
  'sun.nio.ch',
  'java.text',
  'java.time',
  'java.util.concurrent',
  'java.util.concurrent.atomic',
  'java.util.concurrent.locks',
].flatMap((pkg) => ['--add-opens', `java.base/${pkg}=ALL-UNNAMED`]);

/** The real Flink CLI of one version, configured for one cluster. */
export interface FlinkCli {
  readonly version: string;
  /** The folder holding the distribution's jars. */
  readonly lib: string;
  /** Runs `flink <args>` in a fresh JVM (as a user's shell would) and times it. */
  run(args: readonly string[], options?: { timeoutMs?: number }): Promise<CommandResult>;
  /** Removes the configuration folder. */
  close(): Promise<void>;
}

/** Same rule as flink-kit/local: `$FLINK_KIT_CACHE`, else `$XDG_CACHE_HOME/flink-kit`, else `~/.cache/flink-kit`. */
export function benchCacheDir(): string {
  return process.env['FLINK_KIT_CACHE'] ?? join(process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'flink-kit');
}

/**
 * The real `flink` CLI of `version` talking to the cluster at `restUrl`; downloads the jars from
 * PyPI (or `$PIP_INDEX_URL`, a PEP 691 simple index) on first use and checks their sha256.
 */
export async function flinkCli(options: {
  version: string;
  restUrl: string;
  cacheDir?: string;
  javaHome?: string;
  log?: (line: string) => void;
}): Promise<FlinkCli> {
  const log = options.log ?? (() => {});
  const lib = await ensureFlinkLibraries(options.version, options.cacheDir ?? benchCacheDir(), log);
  const url = new URL(options.restUrl);
  const conf = await mkdtemp(join(tmpdir(), 'flink-kit-cli-conf-'));
  const [major, minor] = options.version.split('.').map(Number) as [number, number];
  // 1.19+ read config.yaml (standard YAML); older versions flink-conf.yaml (flat key: value).
  const configFile = major > 1 || minor >= 19 ? 'config.yaml' : 'flink-conf.yaml';
  await writeFile(join(conf, configFile), `rest.address: ${url.hostname}\nrest.port: ${url.port || 80}\n`);
  // bin/flink logs to a file through conf/log4j-cli.properties; do the same so the JVM does the same work.
  await writeFile(
    join(conf, 'log4j-cli.properties'),
    [
      'rootLogger.level = INFO',
      'rootLogger.appenderRef.file.ref = FileAppender',
      'appender.file.name = FileAppender',
      'appender.file.type = FILE',
      `appender.file.fileName = ${join(conf, 'flink-cli.log')}`,
      'appender.file.layout.type = PatternLayout',
      'appender.file.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n',
      'appender.file.append = false',
      '',
    ].join('\n'),
  );
  const java = options.javaHome
    ? join(options.javaHome, 'bin', 'java')
    : process.env['JAVA_HOME']
      ? join(process.env['JAVA_HOME'], 'bin', 'java')
      : 'java';
  const jvmArgs = [
    ...JAVA_17_OPENS,
    `-Dlog.file=${join(conf, 'flink-cli.log')}`,
    `-Dlog4j.configuration=file:${join(conf, 'log4j-cli.properties')}`,
    `-Dlog4j.configurationFile=file:${join(conf, 'log4j-cli.properties')}`,
    '-classpath',
    join(lib, '*'),
    'org.apache.flink.client.cli.CliFrontend',
  ];
  const env = { ...process.env, FLINK_CONF_DIR: conf, FLINK_LIB_DIR: lib };
  return {
    version: options.version,
    lib,
    run: (args, o = {}) => timedCommand(java, [...jvmArgs, ...args], { env, timeoutMs: o.timeoutMs ?? 300_000 }),
    close: () => rm(conf, { recursive: true, force: true }),
  };
}

/** `<cacheDir>/flink-cli/<version>/lib`, downloaded and unpacked once. */
async function ensureFlinkLibraries(version: string, cacheDir: string, log: (line: string) => void): Promise<string> {
  const dir = join(cacheDir, 'flink-cli', version);
  const lib = join(dir, 'lib');
  if (existsSync(join(dir, 'complete'))) return lib;
  const index = (process.env['PIP_INDEX_URL'] ?? 'https://pypi.org/simple').replace(/\/$/, '');
  const listing = await fetch(`${index}/apache-flink-libraries/`, { headers: { accept: 'application/vnd.pypi.simple.v1+json' } });
  if (!listing.ok) throw new Error(`could not list apache-flink-libraries on ${index}: HTTP ${listing.status}`);
  const { files } = (await listing.json()) as { files: Array<{ filename: string; url: string; hashes: { sha256?: string } }> };
  const file = files.find((f) => f.filename.replace(/_/g, '-') === `apache-flink-libraries-${version}.tar.gz`);
  if (!file) throw new Error(`PyPI has no apache-flink-libraries ${version}; the flink CLI baseline needs the cluster's exact version`);
  const scratch = `${dir}.tmp-${process.pid}`;
  await rm(scratch, { recursive: true, force: true });
  await mkdir(scratch, { recursive: true });
  try {
    const archive = join(scratch, file.filename);
    log(`downloading ${file.filename} (the real flink CLI, ~230 MB) from ${new URL(file.url, `${index}/`).host}`);
    const res = await fetch(new URL(file.url, `${index}/apache-flink-libraries/`));
    if (!res.ok || !res.body) throw new Error(`could not download ${file.url}: HTTP ${res.status}`);
    const hash = createHash('sha256');
    const hasher = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        done(null, chunk);
      },
    });
    await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), hasher, createWriteStream(archive));
    const digest = hash.digest('hex');
    if (file.hashes.sha256 && digest !== file.hashes.sha256)
      throw new Error(`sha256 of ${file.filename} is ${digest}, PyPI says ${file.hashes.sha256}`);
    const untar = await timedCommand('tar', ['-xzf', archive, '-C', scratch]);
    if (untar.code !== 0) throw new Error(`tar -xzf ${archive} failed: ${untar.output}`);
    const top = (await readdir(scratch, { withFileTypes: true })).find((e) => e.isDirectory());
    if (!top || !existsSync(join(scratch, top.name, 'deps', 'lib'))) throw new Error(`${file.filename} has no deps/lib folder`);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    await rename(join(scratch, top.name, 'deps', 'lib'), lib);
    await writeFile(join(dir, 'complete'), `${file.filename} sha256 ${digest}\n`);
    return lib;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
