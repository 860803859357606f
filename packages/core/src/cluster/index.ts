export * from './errors.js';
export * from './kubeconfig.js';
export * from './secrets.js';
export * from './streams.js';
export * from './apply.js';
