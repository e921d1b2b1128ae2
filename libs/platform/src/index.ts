export * from './config.js';
export * from './stores.js';
export * from './clock.js';
export * from './catalogue.js';
export * from './retention.js';
export * from './mail/mailer.js';
export * from './mail/notification-template.js';
