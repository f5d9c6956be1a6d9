import type * as ClientNode from '@kubernetes/client-node';
import { FlinkKubernetesError } from '../errors/kube-errors.js';

/** The `@kubernetes/client-node` module. */
export type K8s = typeof ClientNode;

let loading: Promise<K8s> | undefined;

/**
 * Loads `@kubernetes/client-node` (an optional peer dependency) on first use, so that a missing
 * install is a typed error with the fix rather than ERR_MODULE_NOT_FOUND at import time.
 */
export function loadClientNode(): Promise<K8s> {
  loading ??= import('@kubernetes/client-node').catch((error: unknown) => {
    loading = undefined;
    let missing = false;
    for (let e: unknown = error, depth = 0; e && depth < 3 && !missing; e = (e as Error).cause, depth++) {
      missing =
        (e as { code?: unknown }).code === 'ERR_MODULE_NOT_FOUND' && String((e as Error).message).includes('@kubernetes/client-node');
    }
    throw new FlinkKubernetesError(
      missing
        ? 'flink-kit/kube needs the optional peer dependency @kubernetes/client-node (2.x): npm install @kubernetes/client-node'
        : `@kubernetes/client-node could not be loaded (${(error as Error).message}); flink-kit/kube needs its 2.x line on Node.js 22.19 or newer`,
      { reason: 'client-missing', cause: error },
    );
  });
  return loading;
}
