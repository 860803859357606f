// Which registries the controller may import from. Anyone who can write an image stream in any
// namespace chooses the hosts the controller connects to, so, unlike the CLI (which runs with its
// user's own network reach), the controller refuses internal addresses unless told otherwise, and
// takes OpenShift's `allowedRegistriesForImport` list (image.config.openshift.io) to narrow imports
// to named registries.
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { parse as parseYaml } from 'yaml';

/** One entry of OpenShift's `allowedRegistriesForImport`. */
export interface AllowedRegistry {
  /** `host`, `host:port`, `*.domain`, `host:*`; without a port it names the standard ports 443 and 80. */
  domainName: string;
  /** Whether imports over plain HTTP or unverified TLS (importPolicy.insecure) are allowed. */
  insecure?: boolean;
}

export interface RegistryPolicyOptions {
  /** Only these registries; undefined: any registry that is not internal. */
  allowed?: AllowedRegistry[];
  /** The cluster's Service address ranges (CIDRs), refused like loopback. */
  serviceCidrs?: string[];
  /** Name resolution (tests replace it); every address a name resolves to is checked. */
  resolve?: (host: string) => Promise<string[]>;
}

const INTERNAL_NAMES = [/^localhost$/i, /\.localhost$/i, /\.svc$/i, /\.cluster\.local$/i];

function internalRanges(serviceCidrs: readonly string[]): BlockList {
  const list = new BlockList();
  list.addSubnet('127.0.0.0', 8, 'ipv4');
  list.addSubnet('169.254.0.0', 16, 'ipv4');
  list.addSubnet('0.0.0.0', 8, 'ipv4');
  list.addAddress('::1', 'ipv6');
  list.addAddress('::', 'ipv6');
  list.addSubnet('fe80::', 10, 'ipv6');
  for (const cidr of serviceCidrs) {
    const [address = '', bits = ''] = cidr.split('/');
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (isIP(address) !== 0 && /^\d+$/.test(bits)) list.addSubnet(address, Number(bits), family);
  }
  return list;
}

function splitHost(registry: string): { host: string; port: string | undefined } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(registry);
  if (bracketed) return { host: bracketed[1]!, port: bracketed[2] };
  const colon = registry.lastIndexOf(':');
  if (colon < 0 || registry.indexOf(':') !== colon) return { host: registry, port: undefined };
  return { host: registry.slice(0, colon), port: registry.slice(colon + 1) };
}

function globMatch(pattern: string, value: string): boolean {
  const escaped = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${escaped}$`, 'i').test(value);
}

/** An entry without a port names the registry on the standard ports (443, and 80 for plain HTTP). */
function matches(entry: AllowedRegistry, host: string, port: string | undefined): boolean {
  const wanted = splitHost(entry.domainName);
  if (!globMatch(wanted.host, host)) return false;
  if (wanted.port === undefined) return port === undefined || port === '443' || port === '80';
  return globMatch(wanted.port, port ?? '443');
}

/** Decides, per registry host, whether the controller may import from it. */
export class RegistryPolicy {
  private readonly ranges: BlockList;
  private readonly resolve: (host: string) => Promise<string[]>;

  constructor(private readonly options: RegistryPolicyOptions = {}) {
    this.ranges = internalRanges(options.serviceCidrs ?? []);
    this.resolve = options.resolve ?? (async (host) => (await lookup(host, { all: true })).map((a) => a.address));
  }

  /** Why the controller must not import from `registry` (`host[:port]`), or undefined when it may. */
  async refusal(registry: string, insecure: boolean): Promise<string | undefined> {
    const { host, port } = splitHost(registry);
    const allowed = this.options.allowed;
    if (allowed !== undefined) {
      const entry = allowed.find((e) => matches(e, host, port));
      if (entry === undefined) {
        return `registry "${registry}" is not allowed for import: the controller imports only from ${allowed.map((e) => `"${e.domainName}"`).join(', ') || 'no registry'} (--allowed-registries-file)`;
      }
      if (insecure && entry.insecure !== true) {
        return `registry "${registry}" is allowed for secure imports only: importPolicy.insecure needs "insecure: true" on its allowedRegistriesForImport entry`;
      }
      // A registry named outright (no wildcard in its host) is trusted wherever it lives.
      if (!entry.domainName.split(':')[0]!.includes('*') && !entry.domainName.startsWith('[*')) return undefined;
    }
    const internal = await this.internalAddress(host);
    if (internal === undefined) return undefined;
    return `registry "${registry}" is ${internal}: the controller does not import from loopback, link-local or cluster-internal addresses unless --allowed-registries-file names the registry`;
  }

  private async internalAddress(host: string): Promise<string | undefined> {
    if (INTERNAL_NAMES.some((pattern) => pattern.test(host))) return 'a cluster-internal or local name';
    let addresses: string[];
    if (isIP(host) !== 0) addresses = [host];
    else {
      try {
        addresses = await this.resolve(host);
      } catch {
        return undefined; // the import itself reports the unknown host
      }
    }
    const inside = addresses.find((a) => this.ranges.check(a, isIP(a) === 6 ? 'ipv6' : 'ipv4'));
    return inside === undefined ? undefined : `an internal address (${inside})`;
  }
}

/**
 * Reads an allow-list file: OpenShift's image.config.openshift.io `Config` (its
 * `spec.allowedRegistriesForImport`), an object with `allowedRegistriesForImport`, or the list
 * itself, in YAML or JSON. Throws an Error naming the problem.
 */
export function parseAllowedRegistries(text: string): AllowedRegistry[] {
  const doc = parseYaml(text) as unknown;
  const record = (v: unknown): Record<string, unknown> | undefined =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  const list = Array.isArray(doc)
    ? doc
    : (record(record(doc)?.spec)?.allowedRegistriesForImport ?? record(doc)?.allowedRegistriesForImport);
  if (!Array.isArray(list)) {
    throw new Error(
      'expected a list of {domainName, insecure} entries, an object with allowedRegistriesForImport, or an image.config.openshift.io Config',
    );
  }
  return list.map((item, i) => {
    const entry = record(item);
    if (typeof entry?.domainName !== 'string' || entry.domainName === '')
      throw new Error(`entry ${i + 1}: domainName must be a non-empty string`);
    if (entry.insecure !== undefined && typeof entry.insecure !== 'boolean')
      throw new Error(`entry ${i + 1} (${entry.domainName}): insecure must be true or false`);
    return { domainName: entry.domainName, ...(entry.insecure === true ? { insecure: true } : {}) };
  });
}
