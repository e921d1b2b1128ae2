export * from './activity.events.js';
export * from './activity.commands.js';
export * from './activity.decider.js';
export * from './reminder-offset.js';
export * from './calendar-feed.js';
