import { publishAuthorizationChanges, publishChanges, type SandboxContext } from "../context.js";
import { resourceMissing } from "../http/errors.js";
import { watchAuthorizations } from "../state/authorization-changes.js";
import { TransitionError } from "../state/errors.js";
import { defaultExpectedDeactivation } from "../state/factory.js";
import { nowSeconds } from "../state/ids.js";
import type { JsonObject } from "../state/json.js";
import {
  type AccountChange,
  announceDeactivation,
  deactivateAccount,
  disconnectAccount,
  reactivateAccount,
} from "../state/lifecycle.js";
import { renderAccount, renderAuthorization } from "../state/render-account.js";
import type { AccountRecord, ActiveCause, InactiveCause, RelinkAction } from "../state/types.js";
import { asObject, onlyFields, optionalEnum, optionalInteger } from "./input.js";

const INACTIVE_CAUSES: readonly InactiveCause[] = [
  "access_denied",
  "access_expired",
  "account_closed",
  "account_unavailable",
  "institution_requirement",
  "unspecified",
];
const ACTIVE_CAUSES: readonly ActiveCause[] = [
  "access_expired",
  "institution_requirement",
  "unspecified",
];
const ACTIONS: readonly RelinkAction[] = ["none", "relink_required"];

/** What the account lifecycle controls take: the account id and the JSON body. */
export type AccountControl = (
  context: SandboxContext,
  accountId: string,
  body: unknown,
) => JsonObject;

/**
 * POST /_sandbox/accounts/{id}/deactivate `{cause? = access_expired, action? = relink_required}`.
 * Authorization-level causes take the authorization and all its active accounts down; account
 * causes only this account. One `deactivated` event per account. 400 when not active.
 */
export const deactivate: AccountControl = (context, accountId, rawBody) => {
  const body = asObject(rawBody);
  onlyFields(body, ["cause", "action"]);
  const cause = optionalEnum(body, "cause", INACTIVE_CAUSES, "access_expired");
  const action = optionalEnum(body, "action", ACTIONS, "relink_required");
  const account = findAccount(context, accountId);
  return answer(context, account, () => deactivateAccount(context.store, account, cause, action));
};

/**
 * POST /_sandbox/accounts/{id}/reactivate: the account and its authorization active again, with
 * every sibling its authorization's failed credentials took down. One `reactivated` event per
 * account. 400 when not inactive.
 */
export const reactivate: AccountControl = (context, accountId, rawBody) => {
  onlyFields(asObject(rawBody), []);
  const account = findAccount(context, accountId);
  return answer(context, account, () => reactivateAccount(context.store, account));
};

/** POST /_sandbox/accounts/{id}/disconnect: as if the user revoked access. 400 if already disconnected. */
export const disconnect: AccountControl = (context, accountId, rawBody) => {
  onlyFields(asObject(rawBody), []);
  const account = findAccount(context, accountId);
  if (account.status === "disconnected") {
    throw new TransitionError(`The account ${account.id} is already disconnected.`, "account");
  }
  return answer(context, account, () => disconnectAccount(context.store, account));
};

/**
 * POST /_sandbox/accounts/{id}/upcoming_deactivation `{expected_deactivation_date? = now + 7 days,
 * cause? = access_expired, action? = relink_required}`: sets `status_details.active`, and the
 * same on its authorization while that is active. Sends the account's `upcoming_deactivation`,
 * then, when the authorization's date changed, its `expected_deactivation_date_updated` (and its
 * `upcoming_deactivation` when it had no date before).
 */
export const upcomingDeactivation: AccountControl = (context, accountId, rawBody) => {
  const body = asObject(rawBody);
  onlyFields(body, ["expected_deactivation_date", "cause", "action"]);
  const now = nowSeconds();
  const date = optionalInteger(
    body,
    "expected_deactivation_date",
    1,
    253_402_300_799,
    defaultExpectedDeactivation(now),
  );
  const cause = optionalEnum(body, "cause", ACTIVE_CAUSES, "access_expired");
  const action = optionalEnum(body, "action", ACTIONS, "relink_required");
  const account = findAccount(context, accountId);
  return answer(context, account, () =>
    announceDeactivation(context.store, account, date, cause, action),
  );
};

function findAccount(context: SandboxContext, id: string): AccountRecord {
  const account = context.store.accounts.get(id);
  if (!account) throw resourceMissing("financial_connections.account", id, "account");
  return account;
}

/**
 * Runs a lifecycle change and emits its events: one per changed account, then the events of its
 * authorization's expected deactivation (see watchAuthorizations). Answers
 * `{account, authorization, accounts: [every changed account], events: [ids]}`.
 */
function answer(
  context: SandboxContext,
  account: AccountRecord,
  change: () => AccountChange[],
): JsonObject {
  const authorizationChanges = watchAuthorizations(context.store, [account.authorizationId]);
  const changes = change();
  const events = [
    ...publishChanges(context, changes, null),
    ...publishAuthorizationChanges(context, authorizationChanges(), null),
  ];
  const authorization = context.store.authorizations.get(account.authorizationId);
  return {
    account: renderAccount(context.store, account),
    authorization: authorization ? renderAuthorization(context.store, authorization) : null,
    accounts: changes.map((change) => change.account.id),
    events,
  };
}
