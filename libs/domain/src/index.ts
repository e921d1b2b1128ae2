export * from './shared/event.js';
export * from './shared/errors.js';
export * from './shared/streams.js';
export * from './third-party/third-party.events.js';
export * from './third-party/third-party.commands.js';
export {
  thirdPartyDecider,
  NAME_MAX_LENGTH,
  type ThirdPartyState,
} from './third-party/third-party.decider.js';
