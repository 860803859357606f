export * from './editor/index.js';
