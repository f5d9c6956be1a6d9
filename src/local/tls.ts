import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FlinkError } from '../errors/flink-error.js';
import { tail } from './file-tail.js';
import { runTool } from './tools.js';

/** PEM material for clients of a local cluster with TLS (`local.tls`). */
export interface LocalTls {
  /** The CA that signed the REST certificate: pass it as `tls.ca`. */
  readonly ca: string;
  /** A client certificate signed by that CA (for mutual TLS): `tls.cert`. */
  readonly cert: string;
  /** The client certificate's private key (PKCS#8 PEM): `tls.key`. Never logged. */
  readonly key: string;
}

const PASSWORD_ENV = 'FLINK_KIT_TLS_PASSWORD';

/**
 * Runs keytool's commands in one JVM (a JVM start per command costs seconds on a busy machine),
 * then writes the client key as PEM, which keytool cannot export. EC P-256 keys: RSA key
 * generation in Java takes seconds more.
 */
const GENERATOR = `// Written by flink-kit: TLS material for a local Flink cluster's REST endpoint.
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.util.Base64;

public class FlinkKitTls {
  static String dir;

  public static void main(String[] args) throws Exception {
    dir = args[0] + "/";
    String p = "-storepass:env", env = "${PASSWORD_ENV}";
    for (String[] pair : new String[][] {{"ca", "CN=flink-kit local CA"}, {"server", "CN=127.0.0.1"}, {"client", "CN=flink-kit client"}}) {
      keytool("-genkeypair", "-alias", pair[0], "-dname", pair[1], "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "30",
          "-storetype", "PKCS12", "-keystore", f(pair[0] + ".p12"), p, env, "-ext", pair[0].equals("ca") ? "bc:c" : "bc=ca:false");
    }
    keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", f("ca.p12"), p, env, "-file", f("ca.pem"));
    keytool("-importcert", "-noprompt", "-alias", "ca", "-file", f("ca.pem"), "-storetype", "PKCS12", "-keystore", f("truststore.p12"), p, env);
    for (String[] pair : new String[][] {{"server", "serverAuth", "SAN=ip:127.0.0.1"}, {"client", "clientAuth", "bc=ca:false"}}) {
      keytool("-certreq", "-alias", pair[0], "-keystore", f(pair[0] + ".p12"), p, env, "-file", f(pair[0] + ".csr"));
      keytool("-gencert", "-rfc", "-alias", "ca", "-keystore", f("ca.p12"), p, env, "-infile", f(pair[0] + ".csr"),
          "-outfile", f(pair[0] + ".pem"), "-validity", "30", "-ext", "eku=" + pair[1], "-ext", pair[2]);
    }
    Files.writeString(Path.of(f("server-chain.pem")), Files.readString(Path.of(f("server.pem"))) + Files.readString(Path.of(f("ca.pem"))));
    keytool("-importcert", "-noprompt", "-alias", "server", "-file", f("server-chain.pem"), "-keystore", f("server.p12"), p, env);
    KeyStore client = KeyStore.getInstance("PKCS12");
    char[] password = System.getenv(env).toCharArray();
    try (var in = Files.newInputStream(Path.of(f("client.p12")))) {
      client.load(in, password);
    }
    Key key = client.getKey("client", password);
    String pem = Base64.getMimeEncoder(64, new byte[] {'\\n'}).encodeToString(key.getEncoded());
    Files.writeString(Path.of(f("client.key")), "-----BEGIN PRIVATE KEY-----\\n" + pem + "\\n-----END PRIVATE KEY-----\\n");
  }

  static String f(String name) {
    return dir + name;
  }

  static void keytool(String... args) throws Exception {
    sun.security.tools.keytool.Main.main(args);
  }
}
`;

/**
 * The `security.ssl.rest.*` keys for the keystores {@link generateTls} writes into `dir`. With
 * `mutual`, Flink requires a client certificate signed by the CA.
 */
export function tlsConfig(dir: string, password: string, mutual: boolean): Record<string, string> {
  return {
    'security.ssl.rest.enabled': 'true',
    'security.ssl.rest.keystore': join(dir, 'server.p12'),
    'security.ssl.rest.keystore-password': password,
    'security.ssl.rest.key-password': password,
    'security.ssl.rest.truststore': join(dir, 'truststore.p12'),
    'security.ssl.rest.truststore-password': password,
    'security.ssl.rest.authentication-enabled': String(mutual),
    // Flink's default suite (TLS_RSA_WITH_AES_128_CBC_SHA) needs an RSA key; these fit the EC keys.
    'security.ssl.algorithms': 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
  };
}

/** A fresh keystore password. */
export function newTlsPassword(): string {
  return randomBytes(18).toString('base64url');
}

/**
 * Makes a CA, a REST server certificate for 127.0.0.1 and a client certificate in `dir` with
 * keytool (Java 11+), all under `password`, and returns the PEM for clients. The CA's own key is
 * deleted once it has signed both certificates.
 * @throws {@link FlinkError} with keytool's output when generation fails.
 */
export async function generateTls(java: string, dir: string, password: string): Promise<LocalTls> {
  await mkdir(dir, { recursive: true });
  const source = join(dir, 'FlinkKitTls.java');
  await writeFile(source, GENERATOR);
  const result = await runTool(java, ['--add-exports', 'java.base/sun.security.tools.keytool=ALL-UNNAMED', source, dir], {
    timeoutMs: 180_000,
    env: { ...process.env, [PASSWORD_ENV]: password },
  });
  const [ca, cert, key] = await Promise.all(
    ['ca.pem', 'client.pem', 'client.key'].map((name) => readFile(join(dir, name), 'utf8').catch(() => '')),
  );
  await Promise.all(
    ['FlinkKitTls.java', 'ca.p12', 'client.p12', 'server.csr', 'client.csr', 'server-chain.pem'].map((name) =>
      rm(join(dir, name), { force: true }),
    ),
  );
  if (result.code !== 0 || !ca || !cert || !key) {
    throw new FlinkError(`could not generate the local cluster's TLS keystores with keytool (${java}); see details for its output.`, {
      details: tail(result.output.replaceAll(password, '***'), 40),
    });
  }
  return { ca, cert, key };
}
