import type { GraphQLSchema } from "graphql";
import type { GatewayConfig } from "../config/config.js";
import { type CostAdmission, createCostAdmission } from "../limits/cost-admission.js";
import { type CostBudget, inMemoryCostBudget } from "../limits/cost-budget.js";
import type { PricingWork } from "../limits/estimate-cost.js";
import { queryLimitRules, tokenLimitParseOptions } from "../limits/query-limit-rules.js";
import { redisCostBudget } from "../limits/redis-cost-budget.js";
import type { Logger } from "../observability/logger.js";
import type { ApolloPosture } from "./apollo.js";

/** The pre-execution protections, for the pipeline and for Apollo. */
export interface QueryProtection {
  /**
   * Exposure, validation rules and parser options: for `createApolloServer`, and, through
   * `documentRules`, for the pipeline's own parsing and validation (the same rules).
   */
  apolloPosture: ApolloPosture;
  /** The cost limit and the per-customer budget, for the pipeline's admission. */
  costAdmission: CostAdmission;
  /** Releases the budget's store (Redis). */
  close(): Promise<void>;
}

/**
 * Builds, from the configuration, every pre-execution protection of GraphQL, once, for every
 * transport: the token limit (parser), depth/aliases/directives (validation), introspection
 * and suggestions off unless enabled, and the cost limit and per-customer cost budget (in Redis
 * when REDIS_URL is set, so every instance shares it; in memory otherwise). `pricingWork`, when
 * given, counts the work of every pricing, on every transport.
 */
export async function createQueryProtection(options: {
  config: GatewayConfig;
  schema: GraphQLSchema;
  logger: Logger;
  pricingWork?: PricingWork;
}): Promise<QueryProtection> {
  const { config, schema, logger, pricingWork } = options;
  const { limits, introspection, landingPage, costPerMinute } = config.graphql;
  const budget: CostBudget = config.redisUrl
    ? await redisCostBudget(config.redisUrl, config.redisKeyPrefix, costPerMinute)
    : inMemoryCostBudget(costPerMinute);
  const costAdmission = createCostAdmission({
    schema,
    maxCost: limits.maxCost,
    budget,
    logger,
    pricingWork,
  });
  return {
    apolloPosture: {
      introspection,
      landingPage,
      validationRules: queryLimitRules(limits),
      parseOptions: tokenLimitParseOptions(limits),
      maxValidationWork: limits.maxValidationWork,
    },
    costAdmission,
    close: () => budget.close(),
  };
}
