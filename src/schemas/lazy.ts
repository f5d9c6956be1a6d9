import type { z } from 'zod';

/**
 * A schema that is loaded when a reply needs it. zod and the schema modules cost tens of
 * milliseconds to load; resources name their schemas through refs so that `import 'flink-kit'`
 * loads neither, and the transport loads them while the request is on the wire. (Not exported by
 * the package: `flink-kit/schemas` exports the schemas themselves.)
 */
export interface SchemaRef<T> {
  load(): Promise<z.ZodType<T>>;
}

type RefsOf<M> = <K extends { [P in keyof M]: M[P] extends z.ZodType ? P : never }[keyof M]>(
  name: K,
) => SchemaRef<M[K] extends z.ZodType<infer T> ? T : never>;

/**
 * Refs to the schemas of one module, loaded on first use.
 * @example
 * ```ts
 * const jobs = lazySchemas(() => import('../schemas/jobs.js'));
 * transport.request({ method: 'GET', path: '/jobs/overview', schema: jobs('JobsOverview') });
 * ```
 */
export function lazySchemas<M extends object>(loadModule: () => Promise<M>): RefsOf<M> {
  let module: Promise<M> | undefined;
  const refs = new Map<PropertyKey, SchemaRef<unknown>>();
  return ((name: keyof M) => {
    let ref = refs.get(name);
    if (!ref) {
      ref = {
        load: async () => {
          module ??= loadModule();
          return (await module)[name] as z.ZodType<unknown>;
        },
      };
      refs.set(name, ref);
    }
    return ref;
  }) as RefsOf<M>;
}

/** True for a {@link SchemaRef}, false for a schema. */
export function isSchemaRef<T>(schema: z.ZodType<T> | SchemaRef<T>): schema is SchemaRef<T> {
  return typeof (schema as { load?: unknown }).load === 'function' && typeof (schema as { safeParse?: unknown }).safeParse !== 'function';
}

/**
 * The schema modules, loaded on first use: `lazy.jobs('JobsOverview')` is a ref to `JobsOverview`.
 */
export const lazy = {
  checkpoints: lazySchemas(() => import('./checkpoints.js')),
  cluster: lazySchemas(() => import('./cluster.js')),
  common: lazySchemas(() => import('./common.js')),
  health: lazySchemas(() => import('./health.js')),
  jars: lazySchemas(() => import('./jars.js')),
  jobs: lazySchemas(() => import('./jobs.js')),
  operations: lazySchemas(() => import('./operations.js')),
};
