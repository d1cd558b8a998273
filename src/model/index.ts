export type * from './inventory.js';
export { emptyInventory } from './inventory.js';
export * from './lookup.js';
export * from './backend.js';
