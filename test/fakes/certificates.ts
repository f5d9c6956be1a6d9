import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A private key and its certificate, PEM. */
export interface Pem {
  key: string;
  cert: string;
}

/**
 * A fresh RSA key and certificate made with openssl (valid two days): self-signed, and so usable
 * as a CA, unless `issuer` signs it. `altNames` are subjectAltName entries (`IP:127.0.0.1`, `DNS:localhost`).
 * @example const ca = certificate({ subject: '/CN=test-ca' }); const server = certificate({ subject: '/CN=srv', altNames: ['IP:127.0.0.1'], issuer: ca });
 */
export function certificate(options: { subject: string; altNames?: string[]; issuer?: Pem }): Pem {
  const dir = mkdtempSync(join(tmpdir(), 'flink-kit-tls-'));
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  const san = options.altNames?.length ? `subjectAltName=${options.altNames.join(',')}` : undefined;
  try {
    if (!options.issuer) {
      ssl(
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        'key.pem',
        '-out',
        'cert.pem',
        '-days',
        '2',
        '-subj',
        options.subject,
        ...(san ? ['-addext', san] : []),
      );
    } else {
      writeFileSync(join(dir, 'ca.key'), options.issuer.key);
      writeFileSync(join(dir, 'ca.crt'), options.issuer.cert);
      writeFileSync(join(dir, 'ext.cnf'), `${san ?? ''}\n`);
      ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'key.pem', '-out', 'cert.csr', '-subj', options.subject);
      ssl(
        'x509',
        '-req',
        '-in',
        'cert.csr',
        '-CA',
        'ca.crt',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-out',
        'cert.pem',
        '-days',
        '2',
        '-extfile',
        'ext.cnf',
      );
    }
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
