import { directoryProjection } from './directory/directory.projection.js';
import type { Projection } from './projection.js';

/** Every read model of Suivi, in the order the worker starts them. */
export const projections: readonly Projection[] = [directoryProjection];
