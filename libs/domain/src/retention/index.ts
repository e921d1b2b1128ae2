export * from './retention-policy.js';
export * from './retention-candidates.js';
export * from './retention-review.events.js';
export * from './retention-review.commands.js';
export * from './retention-review.decider.js';
