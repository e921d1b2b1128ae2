export * from './api-token.js';
export * from './access-ids.js';
export * from './authenticator.js';
export * from './user-administration.js';
export * from './bootstrap.js';
export * from './oidc.js';
export * from './viewer.js';
export * from './data-subject-erasure.js';
