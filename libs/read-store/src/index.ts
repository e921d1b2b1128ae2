export * from './read-store.port.js';
export { InvalidCollectionDefinition } from './shared/definition.js';
export { SqliteReadStore, type SqliteReadStoreOptions } from './sqlite/sqlite-read-store.js';
export { MongoReadStore, type MongoReadStoreOptions } from './mongodb/mongo-read-store.js';
