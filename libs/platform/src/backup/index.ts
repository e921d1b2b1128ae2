export * from './backup.js';
export * from './reapply-erasures.js';
