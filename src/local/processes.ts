import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { FlinkError } from '../errors/flink-error.js';
import { JAVA17_FLAGS } from './config.js';
import { tail } from './file-tail.js';
import { runTool } from './tools.js';

/** How to start Flink's JVMs. */
export interface JvmSetup {
  java: string;
  /** Classpath entries (globs like `<lib>/*` allowed). */
  classpath: string[];
  confDir: string;
  logDir: string;
  tmpDir: string;
  /** Start the JVMs in their own session, so they outlive this process once released ({@link releaseJvm}). */
  detached?: boolean;
}

/** A started Flink JVM. */
export interface FlinkProcess {
  /** `jobmanager`, `zookeeper` or the TaskManager resource id (`tm-1`, …). */
  readonly id: string;
  readonly child: ChildProcess;
  readonly logFile: string;
  readonly outFile: string;
  /** Resolves with the exit code (or signal) once the JVM is gone. */
  readonly exited: Promise<string>;
}

const live = new Set<ChildProcess>();
let hooksInstalled = false;

/** Kills our JVMs when the Node process exits or is interrupted, so none outlive it. */
function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const handler = () => {
      for (const child of live) child.kill('SIGKILL');
      process.removeListener(signal, handler);
      // With no other handler, behave as Node would have: die of the signal.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.on(signal, handler);
  }
}

/** Runs BashJavaUtils as Flink's start scripts do: line 1 = JVM flags, line 2 = `-D` dynamic properties. */
export async function resourceParams(setup: JvmSetup, which: 'JM' | 'TM'): Promise<{ jvm: string[]; dynamic: string[] }> {
  const result = await runTool(
    setup.java,
    [
      '-cp',
      setup.classpath.join(':'),
      'org.apache.flink.runtime.util.bash.BashJavaUtils',
      `GET_${which}_RESOURCE_PARAMS`,
      '--configDir',
      setup.confDir,
    ],
    { timeoutMs: 120_000 },
  );
  const lines = result.output
    .split('\n')
    .filter((l) => l.startsWith('BASH_JAVA_UTILS_EXEC_RESULT:'))
    .map((l) => l.slice('BASH_JAVA_UTILS_EXEC_RESULT:'.length).trim());
  if (result.code !== 0 || lines.length < 2) {
    throw new FlinkError(
      `Flink could not compute the ${which === 'JM' ? 'JobManager' : 'TaskManager'} memory settings; check the memory keys in config.`,
      {
        details: tail(result.output, 40),
      },
    );
  }
  return { jvm: (lines[0] ?? '').split(/\s+/).filter(Boolean), dynamic: (lines[1] ?? '').split(/\s+/).filter(Boolean) };
}

/** Starts one Flink JVM, its stdout/stderr going to `<log>/<id>.out` (where Flink's REST log views read it). */
export function startJvm(
  setup: JvmSetup,
  id: string,
  mainClass: string,
  params: { jvm: string[]; dynamic: string[] },
  extra: string[] = [],
): FlinkProcess {
  installExitHooks();
  const base = id === 'jobmanager' || id === 'zookeeper' ? id : `taskmanager-${id}`;
  const logFile = join(setup.logDir, `${base}.log`);
  const outFile = join(setup.logDir, `${base}.out`);
  const out = openSync(outFile, 'a');
  const args = [
    ...params.jvm,
    ...(id === 'jobmanager' ? [] : ['-XX:+UseG1GC']),
    ...JAVA17_FLAGS,
    `-Djava.io.tmpdir=${setup.tmpDir}`,
    `-Dlog.file=${logFile}`,
    `-Dlog4j.configurationFile=file:${join(setup.confDir, 'log4j-console.properties')}`,
    '-cp',
    setup.classpath.join(':'),
    mainClass,
    '--configDir',
    setup.confDir,
    ...params.dynamic,
    ...extra,
  ];
  const child = spawn(setup.java, args, { stdio: ['ignore', out, out], env: process.env, detached: setup.detached === true });
  closeSync(out);
  live.add(child);
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve(signal ?? `exit code ${code}`);
    });
    child.once('error', (error) => {
      live.delete(child);
      resolve(`failed to start: ${error.message}`);
    });
  });
  return { id, child, logFile, outFile, exited };
}

/** Lets a JVM started with `detached` outlive this process: no longer killed on exit, no longer keeps Node alive. */
export function releaseJvm(proc: FlinkProcess): void {
  live.delete(proc.child);
  proc.child.unref();
}

/** Stops a JVM: SIGTERM (Flink cleans its temp files), then SIGKILL after `graceMs`. */
export async function stopJvm(proc: FlinkProcess, graceMs = 15_000, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  proc.child.kill(signal);
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), graceMs);
  await proc.exited;
  clearTimeout(timer);
}

/** A TCP port on 127.0.0.1 that is free right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Checks that a port on 127.0.0.1 can be bound.
 * @throws {@link FlinkError} naming the port and the fix when it is taken.
 */
export function checkPortFree(port: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new FlinkError(
          `${what} port ${port} on 127.0.0.1 is ${error.code === 'EADDRINUSE' ? 'already in use (another Flink cluster?)' : `not usable (${error.code})`}. Stop what holds it, or pass 0 to pick a free port.`,
          { cause: error },
        ),
      ),
    );
    server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
  });
}
