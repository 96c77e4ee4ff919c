import { runAccountAction } from "../../account-actions/run-account-action.js";
import { createRelinkSession } from "../../relink/create-relink-session.js";
import type { MutationResolvers } from "../resolver-types.generated.js";

/** Mutations: thin adapters over the relink and account-action modules. */
export const Mutation: MutationResolvers = {
  createRelinkSession: (_root, { input }, { data, relinkKeys }) =>
    createRelinkSession(data, relinkKeys, input),
  refreshAccount: (_root, { input }, { data }) =>
    runAccountAction(data, input.accountId, { kind: "refresh", features: input.features }),
  disconnectAccount: (_root, { input }, { data }) =>
    runAccountAction(data, input.accountId, { kind: "disconnect" }),
  subscribeAccountTransactions: (_root, { input }, { data }) =>
    runAccountAction(data, input.accountId, { kind: "subscribeTransactions" }),
  unsubscribeAccountTransactions: (_root, { input }, { data }) =>
    runAccountAction(data, input.accountId, { kind: "unsubscribeTransactions" }),
};
