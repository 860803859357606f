import { spawn } from 'node:child_process';

export interface KubectlOptions {
  /** Written to kubectl's stdin (for `apply -f -` and friends). */
  input?: string;
  namespace?: string;
}

export interface CommandResult {
  stdout: string;
  stderr: string;
  code: number;
}

export type KubectlResult = CommandResult;

export type Kubectl = (args: string[], options?: KubectlOptions) => Promise<KubectlResult>;

/** Runs a command to completion; a non-zero exit is a result, not an error. */
export function runCommand(
  command: string,
  args: string[],
  options: { input?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], env: options.env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ stdout, stderr, code: code ?? (signal ? 128 : 1) }));
    // A command that exits without reading its input makes the write fail with EPIPE; its exit
    // code is the result that matters, so that error must not crash the test process.
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}

/** kubectl (the Go-built one at `kubectlPath`) talking to the cluster of `kubeconfig`. */
export function kubectlFor(kubectlPath: string, kubeconfig: string): Kubectl {
  return (args, options = {}) =>
    runCommand(
      kubectlPath,
      ['--kubeconfig', kubeconfig, ...(options.namespace ? ['-n', options.namespace] : []), ...args],
      { input: options.input ?? '' },
    );
}

/** Like running kubectl, but a non-zero exit throws with kubectl's stderr. */
export async function kubectlOk(kubectl: Kubectl, args: string[], options?: KubectlOptions): Promise<string> {
  const result = await kubectl(args, options);
  if (result.code !== 0) {
    throw new Error(`kubectl ${args.join(' ')} exited ${result.code}: ${result.stderr.trim()}`);
  }
  return result.stdout;
}
