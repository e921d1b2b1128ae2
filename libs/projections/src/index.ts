export type { Projection, EnvelopeOf } from './projection.js';
export { projections } from './projection-list.js';
export {
  directoryProjection,
  directoryCollection,
  directoryNameKey,
  evolveDirectory,
  type DirectoryEntry,
} from './directory/directory.projection.js';
export {
  DirectoryQueries,
  DIRECTORY_PAGE_MAX,
  type DirectoryFilter,
  type DirectoryListArgs,
  type DirectoryPage,
} from './directory/directory.queries.js';
export {
  ProjectionRunner,
  UnknownProjection,
  WaitForTimeout,
  RebuildInterrupted,
  ParkedEventSuperseded,
  ParkedEventNotFound,
  type ProjectionLogger,
  type ProjectionRunnerOptions,
  type ProjectionState,
  type ProjectionStatus,
  type ProjectionLag,
  type RebuildOptions,
  type RebuildResult,
} from './runner/projection-runner.js';
export { parkedEventsCollection, parkedEventId, type ParkedEvent } from './runner/parked-events.js';
