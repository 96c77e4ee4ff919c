import type { Resolvers } from "../resolver-types.generated.js";
import { Account } from "./account.js";
import { AccountOwner, Balance, RefreshState, Transaction } from "./account-data.js";
import { Authorization } from "./authorization.js";
import { Mutation } from "./mutation.js";
import { nodeTypeName } from "./node.js";
import { Query } from "./query.js";
import { RelinkSession } from "./relink-session.js";
import { DateTime, MinorUnits } from "./scalars.js";
import { AccountLifecycleEvent, Subscription } from "./subscription.js";

/** Every resolver of the schema in schema/*.graphql. */
export const resolvers: Resolvers = {
  DateTime,
  MinorUnits,
  Node: { __resolveType: nodeTypeName },
  Query,
  Mutation,
  Subscription,
  AccountLifecycleEvent,
  Account,
  Authorization,
  RelinkSession,
  Balance,
  RefreshState,
  Transaction,
  AccountOwner,
};
