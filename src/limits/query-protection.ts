import type { ApolloServerPlugin } from "@apollo/server";
import { type GraphQLSchema, NoSchemaIntrospectionCustomRule, type ValidationRule } from "graphql";
import type { GatewayConfig } from "../config/config.js";
import type { GatewayContext } from "../graphql/context.js";
import type { Logger } from "../observability/logger.js";
import type { ApolloPosture } from "../server/apollo.js";
import type { WsServerOptions } from "../subscriptions/ws-server.js";
import { type CostBudget, inMemoryCostBudget } from "./cost-budget.js";
import type { PricingWork } from "./estimate-cost.js";
import { createOperationGate } from "./operation-gate.js";
import { operationGatePlugin } from "./operation-gate-plugin.js";
import { queryLimitRules, tokenLimitParseOptions } from "./query-limit-rules.js";
import { redisCostBudget } from "./redis-cost-budget.js";

/** The same protections, shaped for each transport. */
export interface QueryProtection {
  /** For `createApolloServer`: exposure, validation rules and parser options. */
  apolloPosture: ApolloPosture;
  /** For Apollo's plugins: the cost limit and the per-customer budget. */
  apolloPlugin: ApolloServerPlugin<GatewayContext>;
  /** For `attachGraphqlWs`: the same rules, parser options, exposure and gate. */
  wsOptions: Pick<WsServerOptions, "extraRules" | "parseOptions" | "hideSuggestions" | "gate">;
  /** Releases the budget's store (Redis). */
  close(): Promise<void>;
}

/**
 * Builds, from the configuration, every pre-execution protection of GraphQL, once, for HTTP and
 * WebSocket alike: the token limit (parser), depth/aliases/directives (validation), introspection
 * and suggestions off unless enabled, and the cost limit and per-customer cost budget (in Redis
 * when REDIS_URL is set, so every instance shares it; in memory otherwise). `pricingWork`, when
 * given, counts the work of every pricing, on both transports.
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
  const gate = createOperationGate({
    schema,
    maxCost: limits.maxCost,
    budget,
    logger,
    pricingWork,
  });
  const rules = queryLimitRules(limits);
  const parseOptions = tokenLimitParseOptions(limits);
  // Apollo adds its own introspection rule from `introspection`; graphql-ws needs graphql-js's.
  const wsRules: ValidationRule[] = introspection
    ? rules
    : [...rules, NoSchemaIntrospectionCustomRule];
  return {
    apolloPosture: { introspection, landingPage, validationRules: rules, parseOptions },
    apolloPlugin: operationGatePlugin(gate),
    wsOptions: { extraRules: wsRules, parseOptions, hideSuggestions: !introspection, gate },
    close: () => budget.close(),
  };
}
