export * from './editor/index.js';
export * from './registry/index.js';
