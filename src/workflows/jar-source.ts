import type { Readable } from 'node:stream';
import { checkJarId, checkJarSource } from '../core/jar-input.js';
import type { JarsResource, UploadOptions } from '../resources/jars.js';

/** A jar to run: a path, Buffer or stream to upload, or `{ id }` of an uploaded jar. */
export type JarSource = string | Buffer | Readable | { id: string };

/**
 * Checks a jar source before anything is uploaded or stopped.
 * @throws `FlinkInputError` for anything but a path, Buffer, stream or `{ id }` (e.g. a Promise not awaited).
 */
export function checkJarToRun(jar: unknown): void {
  if (isJarRef(jar)) checkJarId(jar.id);
  else checkJarSource(jar);
}

/** The jar id to run, uploading the jar first unless it is a `{ id }` reference. */
export async function jarToRun(
  jars: JarsResource,
  jar: JarSource,
  options: UploadOptions = {},
): Promise<{ jarId: string; uploaded: boolean }> {
  if (isJarRef(jar)) return { jarId: checkJarId(jar.id), uploaded: false };
  return { jarId: (await jars.upload(jar, options)).id, uploaded: true };
}

function isJarRef(jar: unknown): jar is { id: string } {
  return typeof jar === 'object' && jar !== null && !Buffer.isBuffer(jar) && 'id' in jar && !('pipe' in jar) && !('then' in jar);
}
