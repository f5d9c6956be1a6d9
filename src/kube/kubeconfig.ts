import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { FlinkKubernetesError } from '../errors/kube-errors.js';
import { scrub } from './api.js';
import type { K8s } from './client-node.js';

/** Where kubeconfig loading looks; tests replace it. */
export interface KubeEnvironment {
  /** Environment variables (`KUBECONFIG`, `KUBERNETES_SERVICE_HOST`, `KUBERNETES_SERVICE_PORT`). */
  env: Record<string, string | undefined>;
  /** Home directory, for `~/.kube/config`. */
  home: string;
  /** Prefix of `/var/run/secrets/kubernetes.io/serviceaccount` (empty in production). */
  inClusterPrefix: string;
}

/** The real environment of this process. */
export function processEnvironment(): KubeEnvironment {
  return { env: process.env, home: homedir(), inClusterPrefix: '' };
}

/** A loaded kubeconfig with the context, namespace and its origin resolved. */
export interface LoadedConfig {
  kc: KubeConfig;
  context: string;
  namespace: string;
  /** True when the config is the mounted service account of the pod this runs in. */
  inCluster: boolean;
}

const SERVICE_ACCOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * Loads the kubeconfig like kubectl: `kubeconfig` (a path), else `$KUBECONFIG` (several files
 * merged), else `~/.kube/config`, else the in-cluster service account. Never falls back to
 * `localhost:8080`.
 */
export function loadKubeConfig(
  k8s: K8s,
  options: { kubeconfig?: string | undefined; context?: string | undefined; namespace?: string | undefined },
  environment: KubeEnvironment,
): LoadedConfig {
  const kc = new k8s.KubeConfig();
  let inCluster = false;
  if (options.kubeconfig !== undefined) {
    const file = resolve(options.kubeconfig);
    if (!existsSync(file)) {
      throw new FlinkKubernetesError(`no kubeconfig at ${file}. Check the path, or omit kubeconfig to use $KUBECONFIG or ~/.kube/config.`, {
        reason: 'kubeconfig-not-found',
      });
    }
    loadFiles(kc, k8s, [file]);
  } else if (environment.env['KUBECONFIG']) {
    const listed = environment.env['KUBECONFIG'].split(delimiter).filter(Boolean);
    const files = listed.filter((f) => existsSync(f));
    if (files.length === 0) {
      throw new FlinkKubernetesError(
        `no kubeconfig at $KUBECONFIG (${listed.join(delimiter)}): none of its files exists. Fix KUBECONFIG or pass kubeconfig: '<path>'.`,
        { reason: 'kubeconfig-not-found' },
      );
    }
    loadFiles(kc, k8s, files);
  } else if (existsSync(join(environment.home, '.kube', 'config'))) {
    loadFiles(kc, k8s, [join(environment.home, '.kube', 'config')]);
  } else if (
    environment.env['KUBERNETES_SERVICE_HOST'] &&
    environment.env['KUBERNETES_SERVICE_PORT'] &&
    existsSync(`${environment.inClusterPrefix}${SERVICE_ACCOUNT}/token`)
  ) {
    kc.loadFromCluster(environment.inClusterPrefix);
    inCluster = true;
  } else {
    throw new FlinkKubernetesError(
      'no kubeconfig found: $KUBECONFIG is unset, ~/.kube/config does not exist, and this is not a pod with a mounted service account. ' +
        "Pass kubeconfig: '<path>' or set KUBECONFIG.",
      { reason: 'kubeconfig-not-found' },
    );
  }

  const contexts = kc.getContexts().map((c) => c.name);
  const context = options.context ?? kc.getCurrentContext();
  if (!context || !contexts.includes(context)) {
    const known = contexts.length > 0 ? contexts.join(', ') : 'none';
    throw new FlinkKubernetesError(
      options.context
        ? `context ${JSON.stringify(options.context)} is not in the kubeconfig; its contexts: ${known}.`
        : `the kubeconfig sets no current context (its contexts: ${known}); pass context: '<name>' or run kubectl config use-context.`,
      { reason: 'context-not-found' },
    );
  }
  kc.setCurrentContext(context);
  const contextObject = kc.getContextObject(context);
  if (!kc.getCurrentCluster()) {
    throw new FlinkKubernetesError(
      `context ${context} names cluster ${JSON.stringify(contextObject?.cluster)}, which is not in the kubeconfig. Fix the kubeconfig.`,
      { reason: 'kubeconfig-invalid' },
    );
  }
  const namespace = options.namespace ?? (contextObject?.namespace?.trim() || 'default');
  return { kc, context, namespace, inCluster };
}

function loadFiles(kc: KubeConfig, k8s: K8s, files: string[]): void {
  for (const [i, file] of files.entries()) {
    try {
      if (i === 0) {
        kc.loadFromFile(file);
      } else {
        const more = new k8s.KubeConfig();
        more.loadFromFile(file);
        kc.mergeConfig(more, Boolean(kc.getCurrentContext())); // like kubectl: the first file that sets it wins
      }
    } catch (error) {
      // The parser's message may quote the offending line, which could hold a token.
      throw new FlinkKubernetesError(
        `the kubeconfig ${file} could not be read: ${scrub(firstLine(error))}. Fix the file or pass another.`,
        {
          reason: 'kubeconfig-invalid',
        },
      );
    }
  }
}

function firstLine(error: unknown): string {
  return String(error instanceof Error ? error.message : error).split('\n')[0] ?? '';
}
