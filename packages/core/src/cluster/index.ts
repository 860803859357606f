export { KubeconfigError, loadKubeconfig, type ClusterConfig, type KubeconfigOptions } from './kubeconfig.js';
