import { listInferredBalances, listOwners } from "./account-data.js";
import {
  disconnect,
  listAccounts,
  refresh,
  retrieveAccount,
  subscribe,
  unsubscribe,
} from "./accounts.js";
import { retrieveAuthorization } from "./authorizations.js";
import { listEvents, retrieveEvent } from "./events.js";
import { listInstitutions, retrieveInstitution } from "./institutions.js";
import type { RouteHandler } from "./route.js";
import { createSession, retrieveSession } from "./sessions.js";
import { listTransactions, retrieveTransaction } from "./transactions.js";

/**
 * The handler of every operation of stripe-spec/openapi-fc.json, keyed by operationId. A test
 * checks that the spec and this table cover each other exactly.
 */
export const ROUTE_HANDLERS: Record<string, RouteHandler> = {
  GetFinancialConnectionsAccounts: listAccounts,
  GetFinancialConnectionsAccountsAccount: retrieveAccount,
  PostFinancialConnectionsAccountsAccountDisconnect: disconnect,
  GetFinancialConnectionsAccountsAccountInferredBalances: listInferredBalances,
  GetFinancialConnectionsAccountsAccountOwners: listOwners,
  PostFinancialConnectionsAccountsAccountRefresh: refresh,
  PostFinancialConnectionsAccountsAccountSubscribe: subscribe,
  PostFinancialConnectionsAccountsAccountUnsubscribe: unsubscribe,
  GetFinancialConnectionsAuthorizationsAuthorization: retrieveAuthorization,
  GetFinancialConnectionsInstitutions: listInstitutions,
  GetFinancialConnectionsInstitutionsInstitution: retrieveInstitution,
  PostFinancialConnectionsSessions: createSession,
  GetFinancialConnectionsSessionsSession: retrieveSession,
  GetFinancialConnectionsTransactions: listTransactions,
  GetFinancialConnectionsTransactionsTransaction: retrieveTransaction,
  GetEvents: listEvents,
  GetEventsId: retrieveEvent,
};
