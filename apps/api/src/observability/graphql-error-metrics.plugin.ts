import type { ApolloServerPlugin } from '@apollo/server';
import type { SuiviMetrics } from '#platform';

/**
 * Counts the errors of every GraphQL response by the code the client sees:
 * read as the response leaves, after GraphQLErrorFilter and formatError have
 * mapped them, so the figures match what frontends receive.
 */
export function graphqlErrorMetrics(metrics: SuiviMetrics): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          const errors = response.body.kind === 'single' ? response.body.singleResult.errors : response.body.initialResult.errors;
          for (const error of errors ?? []) {
            const code = error.extensions?.['code'];
            metrics.graphqlErrors.inc({ code: typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR' });
          }
        },
      };
    },
  };
}
