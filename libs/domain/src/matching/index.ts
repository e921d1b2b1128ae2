export * from './normalise.js';
export * from './match-keys.js';
export * from './similarity.js';
