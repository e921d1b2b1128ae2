import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ApolloDriverConfig } from '@nestjs/apollo';
import { GraphQLError, type ValidationContext } from 'graphql';
import type { ApiLimits } from '#platform';

type ArmorConfig = NonNullable<ConstructorParameters<typeof ApolloArmor>[0]>;

/**
 * graphql-armor reports a refused document as `Syntax Error: Query depth limit
 * of 10 exceeded, found 82.`; the document is well-formed, so that would
 * mislead. The refusal becomes a validation error (HTTP 400,
 * GRAPHQL_VALIDATION_FAILED) that says what was too much, by how much, and
 * names the limit in `extensions` for clients that adapt.
 */
const rejectWith = (limit: 'depth' | 'cost' | 'aliases' | 'directives', max: number) => ({
  propagateOnRejection: false,
  onReject: [
    (context: ValidationContext | null, error: GraphQLError): void => {
      const reported = Number(/found (\S+?)\.?$/.exec(error.message)?.[1]);
      const found = Number.isFinite(reported) ? Math.ceil(reported) : undefined;
      const what = {
        depth: 'query too deep: depth',
        cost: 'query too costly: cost',
        aliases: 'too many aliases:',
        directives: 'too many directives:',
      }[limit];
      context?.reportError(
        new GraphQLError(`${what} ${found ?? 'over the limit'}, at most ${max} allowed`, { extensions: { limit, max, found } }),
      );
    },
  ],
});

/**
 * The Apollo options that bound what one document may cost: depth, cost,
 * aliases, directives (graphql-armor validation rules) and tokens (graphql-js's
 * own parser limit, so an oversized document is refused while it is being
 * parsed, as a syntax error). Batched HTTP requests are refused: one request,
 * one operation, so the limits and the rate limit count what they mean to.
 */
export function graphqlHardening(
  limits: ApiLimits,
  production: boolean,
): Pick<ApolloDriverConfig, 'validationRules' | 'allowBatchedHttpRequests' | 'introspection' | 'parseOptions'> {
  const config: ArmorConfig = {
    maxDepth: { n: limits.maxDepth, ...rejectWith('depth', limits.maxDepth) },
    costLimit: { maxCost: limits.maxCost, ...rejectWith('cost', limits.maxCost) },
    maxAliases: { n: limits.maxAliases, ...rejectWith('aliases', limits.maxAliases) },
    maxDirectives: { n: limits.maxDirectives, ...rejectWith('directives', limits.maxDirectives) },
    // Replaced by parseOptions.maxTokens below.
    maxTokens: { enabled: false },
    // Suggestions are removed by formatError in production (see errors.ts): this plugin's pattern misses some.
    blockFieldSuggestion: { enabled: false },
  };
  // Only the two protections disabled above come as Apollo plugins; the rest are validation rules.
  const { validationRules } = new ApolloArmor(config).protect();
  return {
    validationRules,
    allowBatchedHttpRequests: false,
    introspection: !production,
    parseOptions: { maxTokens: limits.maxTokens },
  };
}
