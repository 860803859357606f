import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'undici';
import { certDerBase64, createTestCa, createTokenSigningCert, issueServerCert } from './certs.js';
import { registryConfigYaml, type RegistryConfigOptions, type RegistryNotificationEndpoint } from './config.js';
import { onProcessExit } from './exit-cleanup.js';
import { freeLoopbackPort } from '../free-port.js';
import { writeHtpasswd } from './htpasswd.js';
import { RegistryStartError, runRegistryProcess, type RegistryProcess } from './registry-process.js';
import { startTokenServer, type TokenRequestRecord, type TokenServer } from './token-server.js';

export type RegistryMode = 'plain' | 'tls-basic' | 'token';

export const REGISTRY_MODES: readonly RegistryMode[] = ['plain', 'tls-basic', 'token'];

export interface StartRegistryOptions {
  mode: RegistryMode;
  /**
   * A fixed loopback port instead of a free one, e.g. one the WHATWG fetch spec blocks (6666).
   * Fails if the port is taken; give each test file its own.
   */
  port?: number;
  /** Receives every line the registry logs. */
  log?: (line: string) => void;
  /** Where the registry sends its notifications (pushes, pulls, deletes). */
  notify?: RegistryNotificationEndpoint;
  /**
   * `disk` keeps blobs under `dir` instead of in memory. Distribution's in-memory driver copies a
   * blob on every write, so uploads slow down with the square of their size: a 48 MB layer (the
   * controller image's) took 50 s at load 20, and 0.6 s on disk. Default `memory`.
   */
  storage?: 'memory' | 'disk';
  /**
   * The IPv4 address to listen on instead of 127.0.0.1, for clients that are not on this host's
   * loopback: pods on the real node reach its `address`. Plain mode only (the TLS certificate and
   * the token server are for 127.0.0.1).
   */
  address?: string;
}

export interface RegistryInstance {
  readonly mode: RegistryMode;
  /** `127.0.0.1:PORT` (`ADDRESS:PORT` with `address`), the registry part of image references. */
  readonly host: string;
  /** `http://HOST` or `https://HOST`, without a trailing slash. */
  readonly url: string;
  /** tls-basic: the test CA that signed the registry's certificate. */
  readonly caPem?: string;
  readonly caFile?: string;
  /** tls-basic: a directory holding only `ca.crt`, for `skopeo --cert-dir` and containers' certs.d. */
  readonly certDir?: string;
  /** tls-basic and token: the one account that may push (and, in token mode, pull `private/`). */
  readonly username?: string;
  readonly password?: string;
  /** token: the token server's endpoint, as the registry's Bearer challenge names it. */
  readonly tokenRealm?: string;
  readonly tokenService?: string;
  /** token: every request the token server answered, oldest first. */
  readonly tokenRequests?: () => readonly TokenRequestRecord[];
  /** Scratch directory of this instance (config, certificates); removed by stop(). */
  readonly dir: string;
  /** Stops this registry (and its token server) and removes `dir`. Safe to call twice. */
  stop(): Promise<void>;
}

const USERNAME = 'istream';
const TOKEN_SERVICE = 'istream-test-registry';
const TOKEN_ISSUER = 'istream-test-token-issuer';
const PORT_ATTEMPTS = 3;

/**
 * Starts Debian's `docker-registry` (Distribution 2.8) on a free loopback port with in-memory
 * storage, in one of three auth modes, and resolves once it answers `/v2/`.
 */
export async function startRegistry(options: StartRegistryOptions): Promise<RegistryInstance> {
  const address = options.address ?? '127.0.0.1';
  if (address !== '127.0.0.1' && options.mode !== 'plain')
    throw new Error(`startRegistry: address ${address} needs mode 'plain'; ${options.mode} serves 127.0.0.1 only`);
  const dir = await mkdtemp(join(tmpdir(), `istream-registry-${options.mode}-`));
  const forgetDir = onProcessExit(() => rmSync(dir, { recursive: true, force: true }));
  const cleanups: (() => Promise<unknown>)[] = [() => rm(dir, { recursive: true, force: true }).finally(forgetDir)];
  const cleanUp = async (): Promise<void> => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };
  try {
    const setup = await prepareMode(options.mode, dir, cleanups);
    const dispatcher = new Agent(setup.caPem ? { connect: { ca: setup.caPem } } : {});
    cleanups.push(() => dispatcher.close());
    const scheme = setup.tls ? 'https' : 'http';
    const configFile = join(dir, 'config.yml');
    const secret = randomBytes(16).toString('hex');

    let host = '';
    let registry: RegistryProcess | undefined;
    for (let attempt = 1; !registry; attempt++) {
      host = `${address}:${options.port ?? (await freeLoopbackPort(address))}`;
      await writeFile(
        configFile,
        registryConfigYaml({
          addr: host,
          secret,
          ...setup.config,
          notify: options.notify,
          ...(options.storage === 'disk' ? { storageDir: join(dir, 'storage') } : {}),
        }),
      );
      try {
        registry = await runRegistryProcess({
          configFile,
          probeUrl: `${scheme}://${host}/v2/`,
          dispatcher,
          log: options.log,
        });
      } catch (err) {
        // Another process may take the port between probing and binding it.
        if (
          !(
            err instanceof RegistryStartError &&
            err.addressInUse &&
            attempt < PORT_ATTEMPTS &&
            options.port === undefined
          )
        )
          throw err;
      }
    }
    const running = registry;
    cleanups.push(() => running.stop());

    let stopping: Promise<void> | undefined;
    return {
      mode: options.mode,
      host,
      url: `${scheme}://${host}`,
      ...setup.instance,
      dir,
      stop: () => (stopping ??= cleanUp()),
    };
  } catch (err) {
    await cleanUp();
    throw err;
  }
}

interface ModeSetup {
  tls: boolean;
  caPem?: string;
  config: Pick<RegistryConfigOptions, 'tls' | 'auth'>;
  instance: Partial<
    Pick<
      RegistryInstance,
      'caPem' | 'caFile' | 'certDir' | 'username' | 'password' | 'tokenRealm' | 'tokenService' | 'tokenRequests'
    >
  >;
}

async function prepareMode(mode: RegistryMode, dir: string, cleanups: (() => Promise<unknown>)[]): Promise<ModeSetup> {
  if (mode === 'plain') return { tls: false, config: {}, instance: {} };

  const pkiDir = join(dir, 'pki');
  await mkdir(pkiDir);
  const password = randomBytes(12).toString('hex');

  if (mode === 'tls-basic') {
    const certDir = join(dir, 'certs.d');
    const caFile = join(certDir, 'ca.crt');
    const htpasswdFile = join(dir, 'htpasswd');
    const [{ ca, server }] = await Promise.all([
      createTestCa(pkiDir).then(async (ca) => ({ ca, server: await issueServerCert(pkiDir, ca) })),
      writeHtpasswd(htpasswdFile, USERNAME, password),
      mkdir(certDir),
    ]);
    await copyFile(ca.certFile, caFile);
    return {
      tls: true,
      caPem: ca.certPem,
      config: {
        tls: { certificateFile: server.certFile, keyFile: server.keyFile },
        auth: { kind: 'htpasswd', realm: 'istream test registry', htpasswdFile },
      },
      instance: { caPem: ca.certPem, caFile, certDir, username: USERNAME, password },
    };
  }

  const signing = await createTokenSigningCert(pkiDir);
  const tokenServer: TokenServer = await startTokenServer({
    issuer: TOKEN_ISSUER,
    service: TOKEN_SERVICE,
    signer: { keyPem: signing.keyPem, x5c: [certDerBase64(signing.certPem)] },
    username: USERNAME,
    password,
  });
  cleanups.push(() => tokenServer.stop());
  return {
    tls: false,
    config: {
      auth: {
        kind: 'token',
        realm: tokenServer.realm,
        service: TOKEN_SERVICE,
        issuer: TOKEN_ISSUER,
        rootCertBundleFile: signing.certFile,
      },
    },
    instance: {
      username: USERNAME,
      password,
      tokenRealm: tokenServer.realm,
      tokenService: TOKEN_SERVICE,
      tokenRequests: tokenServer.requests,
    },
  };
}
