import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import { checkJarBytes, checkJarFile, checkJarId, checkJarSource, checkUploadName, safeUploadName } from '../core/jar-input.js';
import { type RunOptions, runBody } from '../core/run-body.js';
import { FlinkApiError } from '../errors/api-errors.js';
import type { RequestOptions } from '../options.js';
import type { JarInfo, JarPlan, UploadedJar } from '../schemas/jars.js';
import { lazy } from '../schemas/lazy.js';
import type { JarBody, UploadProgress } from '../transport/multipart.js';
import { path } from '../transport/path.js';
import type { ErrorRule } from '../transport/request.js';
import { Resource } from './resource.js';

export type { ClaimMode } from '../core/jar-input.js';
export type { RunOptions } from '../core/run-body.js';

/** Options of {@link JarsResource.upload}. */
export interface UploadOptions extends RequestOptions {
  /** File name sent to Flink; `.jar` is appended when missing. Default: the file's name, or `upload.jar`. */
  filename?: string;
  /** Called as bytes go out. */
  onProgress?: (progress: UploadProgress) => void;
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
    await this.ctx.transport.request({ method: 'DELETE', path: path`/jars/${checkJarId(jarId)}`, errors: [jarNotFound(jarId)] }, options);
  }

  /**
   * The job graph the jar would produce, without running it.
   * @example const plan = await flink.jars.plan(jar.id, { parallelism: 4 });
   */
  async plan(jarId: string, options: Omit<RunOptions, 'savepointPath' | 'allowNonRestoredState' | 'claimMode'> = {}): Promise<JarPlan> {
    checkJarId(jarId);
    const body = await runBody(this.ctx, options, false);
    return this.ctx.transport.request(
      {
        method: 'POST',
        path: path`/jars/${jarId}/plan`,
        json: body,
        schema: lazy.jars('JarPlan'),
        idempotent: true,
        errors: [jarNotFound(jarId)],
      },
      options,
    );
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
    const body = await runBody(this.ctx, options, true);
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
          errors: runErrors(jarId, jobId, options),
        },
        options,
      );
      record();
      return result;
    } catch (error) {
      // An earlier attempt got through before its reply was lost: that job is ours.
      if (attempts > 1 && error instanceof FlinkApiError && DUPLICATE_JOB.test(error.errors.join('\n'))) {
        record();
        return { jobId };
      }
      throw error;
    }
  }
}

/** 1.x: DuplicateJobSubmissionException; 2.3+ runs jars as applications: DuplicateApplicationSubmissionException. */
const DUPLICATE_JOB = /Duplicate(?:Job|Application)SubmissionException/;

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

/**
 * The error rules of `POST /jars/:id/run`, the first that matches applies: a job id used before, an
 * unknown jar, a root cause Flink names, then main() failing at large.
 */
function runErrors(jarId: string, jobId: string, options: RunOptions): ErrorRule[] {
  return [
    { match: DUPLICATE_JOB, hint: `Job id ${jobId} was already used on this cluster; omit jobId to get a fresh one` },
    jarNotFound(jarId),
    ...RUN_FAILURES.map(([match, hint]): ErrorRule => ({ match, hint: hint(options) })),
    { status: 400, hint: "The program's main() failed inside the JobManager, or the request was refused; see the root cause" },
  ];
}

/** Flink answers an unknown jar with 400 or 500 ("… does not exist"): a not-found error that says to upload again. */
function jarNotFound(jarId: string): ErrorRule {
  const id = jarId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return {
    status: [400, 500],
    // The jar id and "does not exist" on one line, in either order.
    match: new RegExp(`${id}.*(?:does not exist|could not be found)|(?:does not exist|could not be found).*${id}`, 'i'),
    is: 'not-found',
    hint: 'Uploaded jars live only as long as the JobManager process; upload it again (jars.list() shows what is there)',
  };
}
