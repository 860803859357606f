import type { ImportImageOptions } from '../commands/import-image.js';
import { CliError } from '../errors.js';
import { addDryRunFlag, addImportPolicyFlags } from '../flags.js';
import type { CommandModule } from './command-module.js';

const IMPORT_IMAGE_HELP = `
The images are resolved by this command (on OpenShift, by the API server), with the namespace's
pull Secrets (kubernetes.io/dockerconfigjson or dockercfg) as registry credentials.

A registry whose certificate comes from a private CA: put the CA in
/etc/containers/certs.d/HOST[:PORT]/ca.crt or /etc/docker/certs.d/HOST[:PORT]/ca.crt (every *.crt
there is read), or name a PEM file with it in NODE_EXTRA_CA_CERTS; the system CA bundle is used
too; the controller's scheduled re-imports need the same where the controller runs. --insecure
skips verification instead (and allows plain HTTP).

Examples:
  # Create the stream ubi and import tag 8 from a registry
  kubectl istream import-image ubi:8 --from registry.access.redhat.com/ubi8/ubi:8 --confirm

  # Import the current image of a tag the stream already has
  kubectl istream import-image ubi:8

  # Import the first 50 tags (by priority) of a repository into the stream app
  kubectl istream import-image app --from quay.io/team/app --all --confirm

  # Re-import every 15 minutes (with the controller running), keeping manifest lists whole
  kubectl istream import-image app:1.2 --from quay.io/team/app:1.2 --confirm --scheduled --import-mode PreserveOriginal

  # Show what would be imported, writing nothing
  kubectl istream import-image ubi:8 --dry-run=client -n team`;

export const importImageCommand: CommandModule = {
  register(program, factory) {
    const cmd = program
      .command('import-image')
      .argument('<name[:tag]>', 'image stream and tag to import into')
      .description('Import the latest image information from a tag in a container image registry')
      .option('--from <ref>', 'a container image repository to import images from')
      .option('--confirm', 'allow the image stream to be created or its import location changed')
      .option('--all', 'import all tags from the source (the first 50 by priority)')
      .option('--max-tags <n>', 'how many tags --all imports', (v) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1) throw new CliError(`invalid --max-tags "${v}": use a positive integer`);
        return n;
      });
    addImportPolicyFlags(cmd, 'set each imported image to be periodically re-imported');
    addDryRunFlag(cmd);
    cmd.addHelpText('after', IMPORT_IMAGE_HELP);
    cmd.action(async (target: string, opts: Omit<ImportImageOptions, 'target'>) =>
      (await import('../commands/import-image.js')).runImportImage({ ...opts, target }, factory),
    );
  },
};
