import type { CollectionDefinition } from '#read-store';
import type { Projection } from '../projection.js';
import { evolveMetricsFacts, metricsCanHandle, metricsFactsId, type MetricsFactsEntry } from './metrics-facts.js';

export const metricsFactsCollection: CollectionDefinition = {
  name: 'metrics_facts',
  indexes: ['territory', 'ownerId', 'mergedInto'],
};

/**
 * The facts of conversion metrics, one document per third party: current
 * metrics are computations over it (metrics.compute.ts). The same fold replayed
 * in memory up to an instant gives the metrics as of that instant.
 */
export const metricsProjection: Projection<MetricsFactsEntry> = {
  name: 'metrics-facts.v1',
  collection: metricsFactsCollection,
  canHandle: metricsCanHandle,
  documentId: metricsFactsId,
  evolve: evolveMetricsFacts,
  // The lead source: null from the ThirdPartyForgotten the document receives itself.
  forgets: ['thirdParty'],
};
