import { z } from 'zod';

/** `POST /jars/upload`: the jar id is the basename of the server-side path. */
export const JarUpload = z.object({ filename: z.string(), status: z.string().optional() }).transform((w) => {
  const id = w.filename.split(/[\\/]/).pop() ?? w.filename;
  return { id, name: id.replace(/^[0-9a-f-]{36}_/, ''), serverPath: w.filename };
});
/** An uploaded jar: its id (to run it) and original file name. */
export type UploadedJar = z.output<typeof JarUpload>;

/** `GET /jars`. */
export const JarList = z
  .object({
    address: z.string().optional(),
    files: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        uploaded: z.number(),
        entry: z.array(z.object({ name: z.string(), description: z.string().nullish() })).default([]),
      }),
    ),
  })
  .transform((w) =>
    w.files.map((f) => ({
      id: f.id,
      name: f.name,
      uploadedAt: f.uploaded,
      entryClasses: f.entry.map((e) => e.name),
    })),
  );
/** A jar held by the JobManager. */
export type JarInfo = z.output<typeof JarList>[number];

/** `POST /jars/:id/run`. */
export const JarRun = z.object({ jobid: z.string() }).transform((w) => ({ jobId: w.jobid }));

/** `POST /jars/:id/plan`: the plan is free JSON before 2.1 and typed after; kept as given. */
export const JarPlan = z
  .object({
    plan: z.looseObject({
      jid: z.string().optional(),
      name: z.string().optional(),
      nodes: z.array(z.looseObject({ id: z.string(), parallelism: z.number().optional(), description: z.string().optional() })).default([]),
    }),
  })
  .transform((w) => ({
    jobId: w.plan.jid,
    name: w.plan.name,
    nodes: w.plan.nodes.map((n) => ({ id: n.id, parallelism: n.parallelism, description: n.description })),
  }));
/** A job graph preview of a jar: its vertices and their parallelism. */
export type JarPlan = z.output<typeof JarPlan>;
