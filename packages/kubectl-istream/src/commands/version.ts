// kubectl istream version: the plugin's version and commit, and the version of the controller
// `install` put in the cluster. A cluster that cannot be asked does not fail the command: the
// plugin's part is printed and a note says why the controller's is missing.
import { buildInfo, clientVersionText, type BuildInfo } from '../build-info.js';
import type { Factory } from '../factory.js';
import { CONTROLLER_SELECTOR, INSTALL_NAMESPACE, VERSION_LABEL } from '../install-manifests.js';
import { toJson, toYaml } from '../printers/objects.js';

export interface VersionOptions {
  /** Only the plugin: the cluster is not asked. */
  client?: boolean;
  output?: 'json' | 'yaml';
}

export interface ControllerVersion {
  /** The plugin version that installed it, or "unknown" for a Deployment without the label. */
  version: string;
  /** `NAMESPACE/NAME` of the Deployment. */
  deployment: string;
}

/** What `-o json|yaml` prints; controllerVersion is null when not installed, absent when unknown. */
export interface VersionJson {
  clientVersion: BuildInfo;
  controllerVersion?: ControllerVersion | null;
}

export async function runVersion(options: VersionOptions, factory: Factory): Promise<void> {
  const result: VersionJson = { clientVersion: buildInfo() };
  if (!options.client) {
    try {
      result.controllerVersion = await installedController(factory);
    } catch (e) {
      factory.io.err.write(`note: the controller's version is unknown: ${(e as Error).message}\n`);
    }
  }
  if (options.output === 'json') factory.io.out.write(toJson(result));
  else if (options.output === 'yaml') factory.io.out.write(toYaml(result));
  else factory.io.out.write(`${versionText(result)}\n`);
}

function versionText(result: VersionJson): string {
  const lines = [clientVersionText(result.clientVersion)];
  if (result.controllerVersion === null) lines.push('Controller Version: not installed');
  else if (result.controllerVersion !== undefined)
    lines.push(`Controller Version: ${result.controllerVersion.version}`);
  return lines.join('\n');
}

async function installedController(factory: Factory): Promise<ControllerVersion | null> {
  const [{ WorkloadClient }, { triggerableKind }, { connection }] = await Promise.all([
    import('../workloads.js'),
    import('@istream/core/workloads'),
    factory.cluster(),
  ]);
  const deployment = triggerableKind('Deployment');
  if (deployment === undefined) throw new Error('core/workloads has no Deployment');
  const [found] = await new WorkloadClient(connection).list(deployment, INSTALL_NAMESPACE, CONTROLLER_SELECTOR);
  if (found === undefined) return null;
  return {
    version: (found.metadata as { labels?: Record<string, string> } | undefined)?.labels?.[VERSION_LABEL] ?? 'unknown',
    deployment: `${found.metadata?.namespace ?? INSTALL_NAMESPACE}/${found.metadata?.name ?? ''}`,
  };
}
