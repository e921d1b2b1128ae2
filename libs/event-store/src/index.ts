export * from './event-store.port.js';
export * from './codec.js';
export * from './ids.js';
export * from './handle-command.js';
export * from './fold-stream.js';
export * from './sqlite/append-errors.js';
export * from './sqlite/sqlite-event-store.js';
export * from './eventstoredb/kurrent-event-store.js';
