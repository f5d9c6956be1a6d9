import type { Readable } from 'node:stream';
import type { JarsResource, UploadOptions } from '../resources/jars.js';

/** A jar to run: a path, Buffer or stream to upload, or `{ id }` of an uploaded jar. */
export type JarSource = string | Buffer | Readable | { id: string };

/** The jar id to run, uploading the jar first unless it is a `{ id }` reference. */
export async function jarToRun(
  jars: JarsResource,
  jar: JarSource,
  options: UploadOptions = {},
): Promise<{ jarId: string; uploaded: boolean }> {
  if (typeof jar === 'object' && !Buffer.isBuffer(jar) && !('pipe' in jar)) return { jarId: jar.id, uploaded: false };
  return { jarId: (await jars.upload(jar, options)).id, uploaded: true };
}
