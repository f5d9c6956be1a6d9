import { PassThrough, type Readable, Transform } from 'node:stream';
import FormData from 'form-data';

/** A streamed multipart body with its headers. One-shot: it can be sent once. */
export interface Multipart {
  body: Readable;
  headers: Record<string, string>;
  /** Total body size in bytes when known (sent as Content-Length), else chunked. */
  length: number | undefined;
}

/** Upload progress, in bytes of the request body. */
export interface UploadProgress {
  loaded: number;
  /** Total body size, when known. */
  total: number | undefined;
}

/**
 * Builds the multipart body Flink's `/jars/upload` expects: one file part with a `.jar` file name
 * and `application/x-java-archive`, streamed by form-data (the jar is never held in memory).
 */
export async function jarMultipart(
  file: Readable | Buffer,
  filename: string,
  knownLength: number | undefined,
  onProgress?: (progress: UploadProgress) => void,
): Promise<Multipart> {
  const form = new FormData();
  form.append('jarfile', file, {
    filename,
    contentType: 'application/x-java-archive',
    ...(knownLength === undefined ? {} : { knownLength }),
  });
  const length = knownLength === undefined && !Buffer.isBuffer(file) ? undefined : await lengthOf(form);
  const headers: Record<string, string> = { ...form.getHeaders() };
  if (length !== undefined) headers['content-length'] = String(length);
  let loaded = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      loaded += chunk.length;
      onProgress?.({ loaded, total: length });
      done(null, chunk);
    },
  });
  // form-data is a legacy stream: pipe it into a modern one that fetch can consume.
  const body = onProgress ? counter : new PassThrough();
  form.on('error', (error) => body.destroy(error));
  form.pipe(body);
  return { body, headers, length };
}

function lengthOf(form: FormData): Promise<number> {
  return new Promise((resolve, reject) => form.getLength((error, length) => (error ? reject(error) : resolve(length))));
}
