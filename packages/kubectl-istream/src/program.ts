import { Command } from 'commander';

export function buildProgram(): Command {
  const program = new Command('kubectl istream')
    .description('Image streams and image-change triggers for any Kubernetes cluster')
    .showHelpAfterError();
  return program;
}
