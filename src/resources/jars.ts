import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import { compat } from '../compat/versions.js';
import { FlinkApiError, FlinkNotFoundError } from '../errors/api-errors.js';
import { FlinkInputError } from '../errors/flink-error.js';
import { checkId, newFlinkId } from '../internal/ids.js';
import type { RequestOptions } from '../options.js';
import type { JarInfo, JarPlan, UploadedJar } from '../schemas/jars.js';
import { lazy } from '../schemas/lazy.js';
import type { JarBody, UploadProgress } from '../transport/multipart.js';
import { path } from '../transport/path.js';
import { Resource } from './resource.js';

/** How a job restored from a savepoint treats it (Flink's `RecoveryClaimMode`). */
export type ClaimMode = 'CLAIM' | 'NO_CLAIM' | 'LEGACY';

/** Options of {@link JarsResource.upload}. */
export interface UploadOptions extends RequestOptions {
  /** File name sent to Flink; `.jar` is appended when missing. Default: the file's name, or `upload.jar`. */
  filename?: string;
  /** Called as bytes go out. */
  onProgress?: (progress: UploadProgress) => void;
}

/** What to run and how (options of {@link JarsResource.run}). */
export interface RunOptions extends RequestOptions {
  /** Main class; default: the jar manifest's `Main-Class` / `program-class`. */
  entryClass?: string;
  /** Program arguments, passed as a list (never re-tokenised). */
  args?: readonly string[];
  /** Parallelism of the job; default: the cluster's `parallelism.default`. */
  parallelism?: number;
  /** Job id to use (32 hex chars). Generated when omitted; makes the call safe to retry. */
  jobId?: string;
  /** Savepoint or retained checkpoint to restore from. */
  savepointPath?: string;
  /** Skip state that no operator of the new job claims. @default false */
  allowNonRestoredState?: boolean;
  /** Ownership of the restored snapshot. @default Flink's default (NO_CLAIM) */
  claimMode?: ClaimMode;
  /** Job configuration overrides (`flinkConfiguration`, Flink 1.17+). */
  config?: Record<string, string>;
}

/**
 * Jars on the JobManager: upload, list, plan, run, delete.
 *
 * @example
 * ```ts
 * const jar = await flink.jars.upload('./app.jar');
 * const { jobId } = await flink.jars.run(jar.id, { parallelism: 2, args: ['--input', 'x'] });
 * ```
 */
export class JarsResource extends Resource {
  /**
   * Uploads a jar from a path, a Buffer or a stream. Files and streams are streamed, never read whole.
   * @throws {@link FlinkInputError} for a missing, empty or non-jar file.
   * @throws {@link FlinkApiError} 413 when the jar is over `rest.server.max-content-length`.
   * @example const jar = await flink.jars.upload('./app.jar', { onProgress: (p) => console.log(p.loaded) });
   */
  async upload(source: string | Buffer | Readable, options: UploadOptions = {}): Promise<UploadedJar> {
    let body: JarBody;
    let name: string;
    if (typeof source === 'string') {
      body = { path: source, size: await checkJarFile(source) };
      name = options.filename ?? basename(source);
    } else if (Buffer.isBuffer(source)) {
      checkJarBytes(source, 'the jar buffer');
      body = source;
      name = options.filename ?? 'upload.jar';
    } else {
      body = source;
      name = options.filename ?? 'upload.jar';
    }
    if (!name.toLowerCase().endsWith('.jar')) name += '.jar';
    // form-data (and the multipart code) load with the first upload, not with `import 'flink-kit'`.
    const { jarMultipart } = await import('../transport/multipart.js');
    const multipart = jarMultipart(body, name, options.onProgress);
    return this.ctx.transport.request(
      { method: 'POST', path: '/jars/upload', multipart, schema: lazy.jars('JarUpload') },
      { timeoutMs: 600_000, ...options },
    );
  }

  /**
   * The jars the JobManager holds (uploads are lost when it restarts).
   * @example for (const jar of await flink.jars.list()) console.log(jar.id, jar.entryClasses);
   */
  async list(options?: RequestOptions): Promise<JarInfo[]> {
    return this.ctx.transport.request({ method: 'GET', path: '/jars', schema: lazy.jars('JarList') }, options);
  }

  /**
   * Deletes an uploaded jar.
   * @throws {@link FlinkNotFoundError} when no jar has that id.
   * @example await flink.jars.delete(jar.id);
   */
  async delete(jarId: string, options?: RequestOptions): Promise<void> {
    await this.ctx.transport.request({ method: 'DELETE', path: path`/jars/${checkJarId(jarId)}` }, options).catch(jarNotFound(jarId));
  }

  /**
   * The job graph the jar would produce, without running it.
   * @example const plan = await flink.jars.plan(jar.id, { parallelism: 4 });
   */
  async plan(jarId: string, options: Omit<RunOptions, 'savepointPath' | 'allowNonRestoredState' | 'claimMode'> = {}): Promise<JarPlan> {
    const body = await this.runBody(options, false);
    return this.ctx.transport
      .request(
        { method: 'POST', path: path`/jars/${checkJarId(jarId)}/plan`, json: body, schema: lazy.jars('JarPlan'), idempotent: true },
        options,
      )
      .catch(jarNotFound(jarId));
  }

  /**
   * Runs an uploaded jar: its `main()` runs inside the JobManager and submits the job. Always sends
   * a job id, so a retried call never starts a second job.
   * @throws {@link FlinkInputError} for a bad parallelism or job id.
   * @throws {@link FlinkApiError} when `main()` fails (see `rootCause`, e.g. `ClassNotFoundException: com.acme.Main`).
   * @example const { jobId } = await flink.jars.run(jar.id, { entryClass: 'com.acme.Main', parallelism: 4 });
   */
  async run(jarId: string, options: RunOptions = {}): Promise<{ jobId: string }> {
    checkJarId(jarId);
    const body = await this.runBody(options, true);
    const jobId = body['jobId'] as string;
    let attempts = 0;
    const record = () =>
      this.ctx.runs.record(jobId, {
        jarId,
        entryClass: options.entryClass,
        args: options.args,
        parallelism: options.parallelism,
        config: options.config,
      });
    try {
      const result = await this.ctx.transport.request(
        {
          method: 'POST',
          path: path`/jars/${jarId}/run`,
          json: body,
          schema: lazy.jars('JarRun'),
          idempotent: true, // the job id makes a repeat harmless
          onAttempt: (n) => {
            attempts = n;
          },
          hints: { 400: "The program's main() failed inside the JobManager, or the request was refused; see the root cause" },
        },
        options,
      );
      record();
      return result;
    } catch (error) {
      if (error instanceof FlinkApiError && isDuplicateJob(error)) {
        // An earlier attempt got through before its reply was lost: that job is ours.
        if (attempts > 1) {
          record();
          return { jobId };
        }
        throw new FlinkApiError({
          status: error.status,
          method: error.method,
          path: error.path,
          errors: error.errors,
          hint: `Job id ${jobId} was already used on this cluster; omit jobId to get a fresh one`,
          cause: error,
        });
      }
      throw jarNotFound(jarId)(error);
    }
  }

  /**
   * @internal Checks run options as `run` would (class name, parallelism, job id, what the cluster's
   * version accepts) without running anything, so workflows refuse bad input before they upload a jar
   * or stop a job.
   */
  async checkRun(options: RunOptions = {}): Promise<void> {
    await this.runBody(options, true);
  }

  private async runBody(options: RunOptions, forRun: boolean): Promise<Record<string, unknown>> {
    const body: Record<string, unknown> = {};
    if (options.entryClass !== undefined) {
      if (!/^[\p{L}_$][\p{L}\p{N}_$]*(\.[\p{L}_$][\p{L}\p{N}_$]*)*$/u.test(options.entryClass)) {
        throw new FlinkInputError(`entryClass ${JSON.stringify(options.entryClass)} is not a Java class name such as com.acme.Main`);
      }
      body['entryClass'] = options.entryClass;
    }
    if (options.args !== undefined) body['programArgsList'] = [...options.args];
    if (options.parallelism !== undefined) body['parallelism'] = checkParallelism(options.parallelism);
    body['jobId'] = options.jobId === undefined ? newFlinkId() : checkId('jobId', options.jobId);
    if (forRun) {
      if (options.savepointPath !== undefined) body['savepointPath'] = options.savepointPath;
      if (options.allowNonRestoredState !== undefined) body['allowNonRestoredState'] = options.allowNonRestoredState;
    }
    const needsVersion = options.config !== undefined || (forRun && options.claimMode !== undefined);
    if (needsVersion) {
      const version = await this.ctx.version(options);
      if (options.config !== undefined) {
        if (!compat.runConfig(version))
          throw new FlinkInputError(`config (flinkConfiguration) needs Flink 1.17+, the cluster runs ${version}`);
        body['flinkConfiguration'] = options.config;
      }
      if (forRun && options.claimMode !== undefined) body[compat.claimModeField(version)] = options.claimMode;
    }
    return body;
  }
}

/**
 * Checks a parallelism value.
 * @throws {@link FlinkInputError} unless it is a positive integer.
 */
export function checkParallelism(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new FlinkInputError(`parallelism must be a positive integer (1, 2, …), got ${JSON.stringify(value)}`);
  }
  return value;
}

function checkJarId(jarId: unknown): string {
  if (typeof jarId !== 'string' || !/^[^/\\?#]+\.jar$/.test(jarId)) {
    throw new FlinkInputError(
      `jar id ${JSON.stringify(jarId)} is not a Flink jar id; use the id jars.upload() returned (like 6f1d…_app.jar)`,
    );
  }
  return jarId;
}

function isDuplicateJob(error: FlinkApiError): boolean {
  // 1.x: DuplicateJobSubmissionException; 2.3+ runs jars as applications: DuplicateApplicationSubmissionException.
  return error.errors.some((e) => /Duplicate(?:Job|Application)SubmissionException/.test(e));
}

/** Flink answers "… does not exist" with 400 or 500 for unknown jars; surface it as a not-found error. */
function jarNotFound(jarId: string) {
  return (error: unknown): never => {
    if (
      error instanceof FlinkApiError &&
      !(error instanceof FlinkNotFoundError) &&
      error.errors.some((e) => /does not exist|could not be found/i.test(e) && e.includes(jarId))
    ) {
      throw new FlinkNotFoundError({
        status: error.status,
        method: error.method,
        path: error.path,
        errors: error.errors,
        hint: 'Uploaded jars live only as long as the JobManager process; upload it again (jars.list() shows what is there)',
        cause: error,
      });
    }
    throw error;
  };
}

async function checkJarFile(file: string): Promise<number> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(file);
  } catch {
    throw new FlinkInputError(`jar file ${file} does not exist; check the path (relative paths start at ${process.cwd()})`);
  }
  if (!info.isFile()) throw new FlinkInputError(`${file} is not a file; give the path of a .jar`);
  if (info.size === 0) throw new FlinkInputError(`jar file ${file} is empty (0 bytes); rebuild it`);
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(4);
    await handle.read(head, 0, 4, 0);
    checkJarBytes(head, `file ${file}`);
  } finally {
    await handle.close();
  }
  return info.size;
}

function checkJarBytes(bytes: Buffer, what: string): void {
  if (bytes.length === 0) throw new FlinkInputError(`${what} is empty (0 bytes)`);
  if (bytes.length < 4 || bytes.readUInt32LE(0) !== 0x04034b50) {
    throw new FlinkInputError(`${what} is not a jar (no zip header); build it with mvn package or gradle jar`);
  }
}
