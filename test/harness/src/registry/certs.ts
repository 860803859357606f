import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const VALID_DAYS = '7';

export interface TestCa {
  certFile: string;
  keyFile: string;
  certPem: string;
}

export interface IssuedCert {
  certFile: string;
  keyFile: string;
  certPem: string;
  keyPem: string;
}

/** A throwaway certificate authority that signs the registry's serving certificate. */
export async function createTestCa(dir: string): Promise<TestCa> {
  const extensions = [
    'basicConstraints = critical,CA:TRUE',
    'keyUsage = critical,keyCertSign,cRLSign',
    'subjectKeyIdentifier = hash',
  ];
  const { certFile, keyFile, certPem } = await issue(dir, 'ca', 'istream test CA', extensions);
  return { certFile, keyFile, certPem };
}

/** A serving certificate for the loopback registry, valid for `127.0.0.1` and `localhost`. */
export function issueServerCert(dir: string, ca: TestCa): Promise<IssuedCert> {
  const extensions = [
    'basicConstraints = critical,CA:FALSE',
    'keyUsage = critical,digitalSignature',
    'extendedKeyUsage = serverAuth',
    'subjectAltName = IP:127.0.0.1,DNS:localhost',
    'authorityKeyIdentifier = keyid',
  ];
  return issue(dir, 'registry', '127.0.0.1', extensions, ca);
}

/**
 * A self-signed certificate for the token server's signing key. The registry trusts it as its
 * `rootcertbundle`, and every token carries it in the JWT `x5c` header.
 */
export function createTokenSigningCert(dir: string): Promise<IssuedCert> {
  const extensions = ['basicConstraints = critical,CA:FALSE', 'keyUsage = critical,digitalSignature'];
  return issue(dir, 'token-signer', 'istream test token issuer', extensions);
}

/** The certificate's DER bytes in base64, as a JWT `x5c` entry holds it. */
export function certDerBase64(certPem: string): string {
  return new X509Certificate(certPem).raw.toString('base64');
}

async function issue(
  dir: string,
  name: string,
  commonName: string,
  extensions: string[],
  signer?: TestCa,
): Promise<IssuedCert> {
  const configFile = join(dir, `${name}.cnf`);
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  // A config of our own keeps the system openssl.cnf's default CA extensions out of leaf certs.
  const config = [
    '[req]',
    'distinguished_name = dn',
    'prompt = no',
    'x509_extensions = ext',
    '[dn]',
    `CN = ${commonName}`,
    '[ext]',
    ...extensions,
    '',
  ].join('\n');
  await writeFile(configFile, config);
  const args = [
    'req',
    '-x509',
    '-config',
    configFile,
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    keyFile,
    '-out',
    certFile,
    '-days',
    VALID_DAYS,
  ];
  if (signer) args.push('-CA', signer.certFile, '-CAkey', signer.keyFile);
  await run('openssl', args);
  const [certPem, keyPem] = await Promise.all([readFile(certFile, 'utf8'), readFile(keyFile, 'utf8')]);
  return { certFile, keyFile, certPem, keyPem };
}
