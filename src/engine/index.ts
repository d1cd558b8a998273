export * from './check.js';
export * from './config.js';
export * from './fingerprint.js';
export * from './registry.js';
export * from './result.js';
export * from './run.js';
