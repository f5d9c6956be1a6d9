import { describe, expect, it, vi } from 'vitest';
import { FlinkKubernetesError } from '../../../src/errors/kube-errors.js';
import { type KubeApi, scrub, statusOf, toKubeError } from '../../../src/kube/api.js';

const api = { context: 'prod', server: 'https://10.0.0.1:6443' } as KubeApi;
const listPods = { verb: 'list', resource: 'pods', namespace: 'flink' } as const;

function apiException(code: number, body: unknown): Error {
  return Object.assign(new Error(`HTTP-Code: ${code}\nMessage: x\nBody: ${JSON.stringify(body)}\nHeaders: {}`), { code, body });
}

function fetchFailed(code: string, message = code): Error {
  return new TypeError('fetch failed', { cause: Object.assign(new Error(message), { code }) });
}

describe('toKubeError', () => {
  it.each([
    [
      '403',
      apiException(403, { message: 'pods is forbidden: User "bob" cannot list resource "pods"' }),
      'forbidden',
      /forbids list pods in namespace flink \(context prod: pods is forbidden: User "bob"/,
    ],
    ['401', apiException(401, { message: 'Unauthorized' }), 'unauthorized', /rejected the credentials of context prod \(HTTP 401\)/],
    [
      '500',
      apiException(500, { message: 'etcdserver: request timed out' }),
      'api-error',
      /list pods in namespace flink failed with HTTP 500: etcdserver: request timed out/,
    ],
    [
      'ECONNREFUSED',
      fetchFailed('ECONNREFUSED'),
      'unreachable',
      /cannot reach the Kubernetes API server https:\/\/10\.0\.0\.1:6443 \(ECONNREFUSED\)/,
    ],
    ['ENOTFOUND', fetchFailed('ENOTFOUND'), 'unreachable', /\(ENOTFOUND\)/],
    [
      'self-signed',
      fetchFailed('DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate'),
      'untrusted-certificate',
      /not trusted \(DEPTH_ZERO_SELF_SIGNED_CERT\)/,
    ],
    ['wrong host name', fetchFailed('ERR_TLS_CERT_ALTNAME_INVALID'), 'untrusted-certificate', /certificate-authority/],
    [
      'plain http',
      new Error('HTTP protocol is not allowed when skipTLSVerify is not set or false'),
      'kubeconfig-invalid',
      /uses plain http/,
    ],
    ['upgrade 404', new Error('Unexpected server response: 404'), 'api-error', /HTTP 404/],
  ])('%s', (_label, error, reason, message) => {
    const mapped = toKubeError(error, api, listPods);
    expect(mapped).toBeInstanceOf(FlinkKubernetesError);
    expect(mapped.reason).toBe(reason);
    expect(mapped.message).toMatch(message);
    expect(mapped.cause).toBe(error);
  });

  it('keeps tokens out of messages that quote the server', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJib2IifQ.c2lnbmF0dXJl';
    const mapped = toKubeError(apiException(403, { message: `denied for Bearer ${jwt}` }), api, listPods);
    expect(mapped.message).not.toContain(jwt);
    expect(mapped.message).toContain('Bearer ***');
  });

  it('reads the status of ApiExceptions and failed WebSocket upgrades', () => {
    expect(statusOf(apiException(409, {}))).toBe(409);
    expect(statusOf(new Error('Unexpected server response: 403'))).toBe(403);
    expect(statusOf(fetchFailed('ECONNREFUSED'))).toBeUndefined();
  });
});

describe('scrub', () => {
  it('removes bearer tokens, JWTs and token query parameters', () => {
    expect(scrub('Authorization: Bearer abc.def-ghi')).toBe('Authorization: Bearer ***');
    expect(scrub('token eyJhbGciOi.eyJzdWIiOiJ4.c2ln here')).toBe('token *** here');
    expect(scrub('/api?access_token=secret&x=1')).toBe('/api?access_token=***&x=1');
    expect(scrub('nothing secret')).toBe('nothing secret');
  });
});

describe('loadClientNode', () => {
  it('a missing @kubernetes/client-node is a typed error with the install command', async () => {
    vi.resetModules();
    vi.doMock('@kubernetes/client-node', () => {
      throw Object.assign(new Error("Cannot find package '@kubernetes/client-node' imported from flink-kit"), {
        code: 'ERR_MODULE_NOT_FOUND',
      });
    });
    try {
      const { loadClientNode } = await import('../../../src/kube/client-node.js');
      const error = await loadClientNode().catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'FlinkKubernetesError', reason: 'client-missing' });
      expect((error as Error).message).toContain('npm install @kubernetes/client-node');
    } finally {
      vi.doUnmock('@kubernetes/client-node');
      vi.resetModules();
    }
  });
});
