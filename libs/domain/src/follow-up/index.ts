export * from './follow-up.events.js';
export * from './follow-up.commands.js';
export * from './follow-up.decider.js';
export * from './follow-up-hold.js';
export * from './follow-up.policy.js';
