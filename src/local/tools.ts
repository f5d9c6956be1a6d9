import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { FlinkError } from '../errors/flink-error.js';

/** Result of running an external tool. */
export interface ToolResult {
  code: number;
  output: string;
}

/** Runs a command, capturing stdout and stderr together; never throws for a non-zero exit. */
export function runTool(
  command: string,
  args: readonly string[],
  options: { cwd?: string; timeoutMs?: number; signal?: AbortSignal | undefined; env?: NodeJS.ProcessEnv } = {},
): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      {
        cwd: options.cwd,
        timeout: options.timeoutMs ?? 600_000,
        maxBuffer: 64 * 1024 * 1024,
        signal: options.signal,
        env: options.env ?? process.env,
      },
      (error, stdout, stderr) => {
        const output = `${stdout}${stderr}`;
        if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') return reject(error);
        if (error && options.signal?.aborted) return reject(options.signal.reason);
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, output });
      },
    );
  });
}

/** The `java` executable to use: `<javaHome>/bin/java`, `$JAVA_HOME/bin/java`, or `java` on PATH. */
export function javaBinary(javaHome?: string): string {
  return jdkTool('java', javaHome);
}

/** A JDK tool (`java`, `javac`, `jar`): `<javaHome>/bin/<tool>`, `$JAVA_HOME/bin/<tool>`, or `<tool>` on PATH. */
export function jdkTool(tool: 'java' | 'javac' | 'jar', javaHome?: string): string {
  const home = javaHome ?? process.env['JAVA_HOME'];
  return home ? join(home, 'bin', tool) : tool;
}

/**
 * Checks that Java 11+ runs and returns its major version.
 * @throws {@link FlinkError} naming the fix when Java is missing or too old.
 */
export async function checkJava(java: string): Promise<number> {
  let result: ToolResult;
  try {
    result = await runTool(java, ['-version'], { timeoutMs: 30_000 });
  } catch {
    throw new FlinkError(
      `Java was not found (tried ${java}). The local Flink cluster needs a JDK 17: install one (e.g. apt-get install openjdk-17-jdk-headless) or set JAVA_HOME / javaHome.`,
    );
  }
  const m = /version "(\d+)(?:\.(\d+))?/.exec(result.output);
  const major = m ? (Number(m[1]) === 1 ? Number(m[2]) : Number(m[1])) : Number.NaN;
  if (result.code !== 0 || !Number.isFinite(major)) {
    throw new FlinkError(`${java} -version failed; check the Java installation (JAVA_HOME).`, { details: result.output });
  }
  if (major < 11) throw new FlinkError(`Java ${major} is too old for Flink 1.18+; install JDK 17 and set JAVA_HOME.`);
  return major;
}

/**
 * Checks that Maven runs.
 * @throws {@link FlinkError} naming the fix when it is missing.
 */
export async function checkMaven(mvn: string): Promise<void> {
  try {
    const result = await runTool(mvn, ['-v'], { timeoutMs: 60_000 });
    if (result.code !== 0) throw new Error(result.output);
  } catch (error) {
    throw new FlinkError(
      `Maven was not found or does not run (tried ${mvn}). The local cluster assembles Flink from Maven Central with it: install Maven 3.8+ (e.g. apt-get install maven), or pass flinkHome with an unpacked Flink distribution.`,
      { cause: error },
    );
  }
}
