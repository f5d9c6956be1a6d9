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
import {
  type ClaimMode,
  checkJarBytes,
  checkJarFile,
  checkJarId,
  checkJarSource,
  checkParallelism,
  checkRunInput,
  checkUploadName,
  safeUploadName,
} from './jar-input.js';
import { Resource } from './resource.js';

export { type ClaimMode, checkParallelism } from './jar-input.js';

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
    const checked = checkJarSource(source);
    let body: JarBody;
    let name: string;
    if (checked.kind === 'path') {
      body = { path: checked.path, size: await checkJarFile(checked.path) };
      name = basename(checked.path);
    } else if (checked.kind === 'buffer') {
      checkJarBytes(checked.bytes, 'the jar buffer');
      body = checked.bytes;
      name = 'upload.jar';
    } else {
      body = checked.stream;
      name = 'upload.jar';
    }
    name = options.filename === undefined ? safeUploadName(name) : checkUploadName(options.filename);
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
      throw jarNotFound(jarId)(runFailure(error, options));
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
    checkRunInput(forRun ? options : { entryClass: options.entryClass, args: options.args, config: options.config });
    const body: Record<string, unknown> = {};
    if (options.entryClass !== undefined) body['entryClass'] = options.entryClass;
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
      if (forRun && options.claimMode !== undefined) {
        if (!compat.claimMode(version)) {
          throw new FlinkInputError(
            `claimMode needs Flink 1.15+ (restoreMode; claimMode from 1.20), the cluster runs ${version}: omit it, and the job restores as that version always does`,
          );
        }
        body[compat.claimModeField(version)] = options.claimMode;
      }
    }
    return body;
  }
}

function isDuplicateJob(error: FlinkApiError): boolean {
  // 1.x: DuplicateJobSubmissionException; 2.3+ runs jars as applications: DuplicateApplicationSubmissionException.
  return error.errors.some((e) => /Duplicate(?:Job|Application)SubmissionException/.test(e));
}

/** What to do about a failed run whose root cause Flink names, by that cause. */
const RUN_FAILURES: ReadonlyArray<[RegExp, (options: RunOptions) => string]> = [
  [
    /Cannot find checkpoint or savepoint/,
    (o) =>
      `savepointPath ${JSON.stringify(o.savepointPath)} does not exist where the JobManager looks: give the location a savepoint or stop returned (savepoints.trigger, jobs.stop), on a file system every JobManager and TaskManager can read (e.g. s3://…, or a shared file:// mount)`,
  ],
  [
    /Neither a 'Main-Class', nor a 'program-class' entry/,
    () => "The jar's manifest names no entry class: pass entryClass (flink-kit run -c com.acme.Main), or build the jar with a Main-Class",
  ],
  [/ClassNotFoundException/, () => 'A class is missing from the jar: check entryClass and that the jar bundles its dependencies'],
  [
    /StreamConstraintsException/,
    () =>
      "A value in the request is over the JobManager's JSON limit (Flink 2.x: 20,000,000 characters per string): pass large inputs as a file or URL the job reads, not as program arguments",
  ],
];

/** A failed run with the what-to-do its root cause calls for; other errors pass unchanged. */
function runFailure(error: unknown, options: RunOptions): unknown {
  if (!(error instanceof FlinkApiError) || error.rootCause === undefined) return error;
  const hint = RUN_FAILURES.find(([cause]) => cause.test(error.errors.join('\n')))?.[1](options);
  if (!hint) return error;
  return FlinkApiError.from({ status: error.status, method: error.method, path: error.path, errors: error.errors, hint, cause: error });
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
