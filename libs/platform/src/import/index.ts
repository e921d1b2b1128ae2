export * from './import-errors.js';
export * from './decode.js';
export * from './csv-table.js';
export * from './mapping.js';
export * from './import-run.js';
export * from './saved-mappings.js';
export * from './importer.js';
export * from './catch-up.js';
