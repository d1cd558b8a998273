export type * from './inventory.js';
export { emptyInventory } from './inventory.js';
export * from './lookup.js';
export * from './backend.js';
export * from './health.js';
export * from './lb-kinds.js';
export * from './optional.js';
export * from './coverage.js';
