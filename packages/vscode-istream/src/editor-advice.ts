// The registry client and the kubeconfig loader are shared with kubectl-istream, and their errors
// end in command-line advice ("use --insecure", "pass --kubeconfig"). In the editor there are no
// flags: the advice names the setting, the environment or the command that does the same.

/** [the command-line advice, what to do instead in VS Code]; `HOST` stands for the registry. */
const rewrites: ReadonlyArray<[RegExp, string]> = [
  [
    /use --insecure to allow plain HTTP/,
    'add "HOST" to the istream.registry.insecureHosts setting to allow plain HTTP',
  ],
  [
    /or use --insecure to skip verification/,
    'or add "HOST" to the istream.registry.insecureHosts setting to skip verification',
  ],
  [
    /pass --kubeconfig, set KUBECONFIG, or create ~\/\.kube\/config/,
    'set KUBECONFIG in the environment VS Code starts from or create ~/.kube/config, or turn the istream.cluster.enabled setting off',
  ],
  [
    /pass --context or set current-context/,
    'name a context in the istream.cluster.context setting or set current-context in the kubeconfig',
  ],
  // The editor reads docker's credentials only; a namespace's pull secret does not reach a hover.
  [/, or give the namespace a pull secret for it\)/, ': the editor reads the credentials it stores)'],
  // In the editor the context asked for comes from the setting only.
  [
    /(context ".*" does not exist in the kubeconfig \(contexts: .*\))$/,
    '$1: name one of them in the istream.cluster.context setting, or empty it for the current context',
  ],
];

/** The message with its command-line advice replaced by the setting that does the same. */
export function editorAdvice(message: string, registryHost = 'the registry host'): string {
  return rewrites.reduce(
    (text, [flagAdvice, setting]) => text.replace(flagAdvice, setting.replace('HOST', registryHost)),
    message,
  );
}
