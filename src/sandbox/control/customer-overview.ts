import type { SandboxContext } from "../context.js";
import { resourceMissing } from "../http/errors.js";
import type { JsonObject } from "../state/json.js";
import {
  renderAccountStatusDetails,
  renderAuthorizationStatusDetails,
} from "../state/render-account.js";

/**
 * GET /_sandbox/customers/{id}/overview: the sandbox's own view of one customer, for the
 * development panel beside GraphiQL to set against the gateway's answer.
 * Answers `{id, name, accounts: [{id, display_name, last4, institution_name, authorization,
 * status, status_details}], authorizations: [{id, institution_name, status, status_details,
 * accounts}], relink_sessions: [{id, status, authorization, account}]}` (accounts and
 * authorizations in creation order; relink sessions only the pending ones, newest first).
 * 404 for an unknown customer.
 */
export function customerOverview(context: SandboxContext, customerId: string): JsonObject {
  const { store } = context;
  const customer = store.customers.get(customerId);
  if (!customer) throw resourceMissing("customer", customerId, "customer");
  const institutionName = (id: string) => store.institutions.get(id)?.name ?? "Unknown institution";
  const accounts = customer.accountIds.flatMap((id) => {
    const account = store.accounts.get(id);
    if (!account) return [];
    return [
      {
        id: account.id,
        display_name: account.displayName,
        last4: account.last4,
        institution_name: institutionName(account.institutionId),
        authorization: account.authorizationId,
        status: account.status,
        status_details: renderAccountStatusDetails(account),
      },
    ];
  });
  const authorizations = customer.authorizationIds.flatMap((id) => {
    const authorization = store.authorizations.get(id);
    if (!authorization) return [];
    return [
      {
        id: authorization.id,
        institution_name: institutionName(authorization.institutionId),
        status: authorization.status,
        status_details: renderAuthorizationStatusDetails(authorization),
        accounts: [...authorization.accountIds],
      },
    ];
  });
  const relinkSessions = [...store.sessions.values()]
    .filter(
      (session) =>
        session.status === "pending" &&
        session.relinkOptions !== null &&
        session.accountHolder?.customer === customerId,
    )
    .sort((a, b) => b.seq - a.seq)
    .map((session) => ({
      id: session.id,
      status: session.status,
      authorization: session.relinkOptions?.authorization ?? null,
      account: session.relinkOptions?.account ?? null,
    }));
  return {
    id: customer.id,
    name: customer.name,
    accounts,
    authorizations,
    relink_sessions: relinkSessions,
  };
}
