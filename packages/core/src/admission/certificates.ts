// The admission server's own CA and serving certificate. Node makes the keys; X.509 issuance goes
// through the openssl CLI (Node 20 parses certificates but cannot sign them; openssl is on every
// Debian image and in the controller image, so no crypto library joins the dependencies).
import { execFile } from 'node:child_process';
import { generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface KeyPair {
  certPem: string;
  keyPem: string;
}

export const caLifetimeDays = 365;
export const servingLifetimeDays = 90;

function ecKeyPem(): string {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();
}

async function openssl(steps: string[][], files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'istream-admission-'));
  try {
    await Promise.all(Object.entries(files).map(([name, text]) => writeFile(join(dir, name), text, { mode: 0o600 })));
    for (const args of steps) {
      try {
        await run('openssl', args, { cwd: dir });
      } catch (error) {
        const e = error as { code?: string; stderr?: string; message: string };
        if (e.code === 'ENOENT')
          throw new Error(
            'the admission server needs the openssl command to issue its certificates; install openssl (Debian: apt-get install openssl)',
          );
        throw new Error(`openssl ${args[0]} failed: ${e.stderr || e.message}`);
      }
    }
    return await readFile(join(dir, 'out.pem'), 'utf8');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// `openssl ca` rather than `req -x509`: it takes explicit validity dates (openssl 3.0's `req` only
// counts days from the system clock), so validity follows the rotator's clock.
const CA_CONFIG = [
  '[ca]',
  'default_ca = d',
  '[d]',
  'database = index.txt',
  'new_certs_dir = .',
  'serial = serial',
  'default_md = sha256',
  'policy = p',
  'copy_extensions = copy',
  'unique_subject = no',
  'email_in_dn = no',
  '[p]',
  'commonName = supplied',
  '',
].join('\n');

/** ASN.1 GeneralizedTime, as `openssl ca -startdate` reads it. */
const asn1Time = (date: Date): string => `${date.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;

/** Backdated a little, so a node whose clock is behind still accepts a certificate made just now. */
const clockSkewMs = 5 * 60_000;

async function sign(
  subjectKey: string,
  subject: string,
  extensions: string[],
  lifetimeDays: number,
  now: Date,
  ca?: KeyPair,
): Promise<string> {
  const notBefore = new Date(Math.min(now.getTime(), Date.now()) - clockSkewMs);
  const notAfter = new Date(now.getTime() + lifetimeDays * 86_400_000);
  return openssl(
    [
      [
        'req',
        '-new',
        '-key',
        'subject.key',
        '-subj',
        subject,
        ...extensions.flatMap((e) => ['-addext', e]),
        '-out',
        'subject.csr',
      ],
      [
        'ca',
        '-batch',
        '-config',
        'ca.cnf',
        '-notext',
        '-in',
        'subject.csr',
        '-out',
        'out.pem',
        '-startdate',
        asn1Time(notBefore),
        '-enddate',
        asn1Time(notAfter),
        ...(ca ? ['-cert', 'ca.crt', '-keyfile', 'ca.key'] : ['-selfsign', '-keyfile', 'subject.key']),
      ],
    ],
    {
      'subject.key': subjectKey,
      'ca.cnf': CA_CONFIG,
      'index.txt': '',
      serial: `${randomBytes(16).toString('hex').replace(/^./, '1')}\n`,
      ...(ca ? { 'ca.crt': ca.certPem, 'ca.key': ca.keyPem } : {}),
    },
  );
}

/** A fresh self-signed CA that signs only the serving certificates of this webhook. */
export async function createCertificateAuthority(commonName: string, now: Date): Promise<KeyPair> {
  const keyPem = ecKeyPem();
  const certPem = await sign(
    keyPem,
    `/CN=${commonName}`,
    ['basicConstraints=critical,CA:TRUE,pathlen:0', 'keyUsage=critical,keyCertSign,cRLSign'],
    caLifetimeDays,
    now,
  );
  return { certPem, keyPem };
}

/** A serving certificate for `hosts` (DNS names and IP addresses), signed by `ca`. */
export async function issueServingCertificate(ca: KeyPair, hosts: readonly string[], now: Date): Promise<KeyPair> {
  const keyPem = ecKeyPem();
  const altNames = hosts.map((h) => (/^[\d.]+$|:/.test(h) ? `IP:${h}` : `DNS:${h}`)).join(',');
  const certPem = await sign(
    keyPem,
    `/CN=${hosts[0] ?? 'istream-admission'}`,
    [
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature',
      'extendedKeyUsage=serverAuth',
      `subjectAltName=${altNames}`,
    ],
    servingLifetimeDays,
    now,
    ca,
  );
  return { certPem, keyPem };
}

export interface Validity {
  notBefore: Date;
  notAfter: Date;
}

export function validity(certPem: string): Validity {
  const cert = new X509Certificate(certPem);
  return { notBefore: new Date(cert.validFrom), notAfter: new Date(cert.validTo) };
}

/**
 * Renewal is due after two thirds of the lifetime (as kubelet renews its serving certificate),
 * which leaves a third of it for the overlap in which the old CA stays trusted.
 */
export function renewalDue(certPem: string, now: Date): boolean {
  const { notBefore, notAfter } = validity(certPem);
  return now.getTime() >= notBefore.getTime() + ((notAfter.getTime() - notBefore.getTime()) * 2) / 3;
}

export function expired(certPem: string, now: Date): boolean {
  return now.getTime() >= validity(certPem).notAfter.getTime();
}

export function signedBy(certPem: string, caPem: string): boolean {
  const cert = new X509Certificate(certPem);
  const ca = new X509Certificate(caPem);
  return cert.checkIssued(ca) && cert.verify(ca.publicKey);
}

/** Splits a PEM bundle into its certificates. */
export function pemCertificates(bundle: string): string[] {
  return bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g) ?? [];
}
