export * from './editor/index.js';
export * from './registry/index.js';
export * from './defer.js';
export * from './scratch-dir.js';
export * from './free-port.js';
export * from './wait-for.js';
