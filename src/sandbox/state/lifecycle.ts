import { ACCOUNT_EVENT_TYPES } from "../../stripe/event-types.js";
import { TransitionError } from "./errors.js";
import type { JsonObject } from "./json.js";
import { renderAccountStatusDetails } from "./render-account.js";
import type { Store } from "./store.js";
import {
  type AccountRecord,
  type ActiveCause,
  AUTHORIZATION_LEVEL_CAUSES,
  type InactiveCause,
  type RelinkAction,
} from "./types.js";

/** An account that changed, the event type Stripe sends for it, and what it looked like before. */
export interface AccountChange {
  type: string;
  account: AccountRecord;
  previousAttributes: JsonObject | null;
}

/** The fields a health change touches, rendered before the change (for `previous_attributes`). */
export function healthSnapshot(account: AccountRecord): JsonObject {
  return { status: account.status, status_details: renderAccountStatusDetails(account) };
}

/**
 * Makes an active account inactive. Authorization-level causes (expired or revoked credentials,
 * institution requirements) take the authorization and every active account on it down; account
 * causes (closed, unavailable) only that account. Returns one change per deactivated account.
 * Throws TransitionError, changing nothing, when the account is not active.
 */
export function deactivateAccount(
  store: Store,
  account: AccountRecord,
  cause: InactiveCause,
  action: RelinkAction,
): AccountChange[] {
  requireActive(account);
  const authorization = store.authorizations.get(account.authorizationId);
  const targets =
    AUTHORIZATION_LEVEL_CAUSES.includes(cause) && authorization
      ? authorization.accountIds.flatMap((id) => {
          const sibling = store.accounts.get(id);
          return sibling && sibling.status === "active" ? [sibling] : [];
        })
      : [account];
  if (AUTHORIZATION_LEVEL_CAUSES.includes(cause) && authorization) {
    authorization.status = "inactive";
    authorization.inactiveAction = action;
    authorization.activeDetails = null;
  }
  return targets.map((target) => {
    const previousAttributes = healthSnapshot(target);
    target.status = "inactive";
    target.activeDetails = null;
    target.inactiveDetails = { cause, action };
    return { type: ACCOUNT_EVENT_TYPES.deactivated, account: target, previousAttributes };
  });
}

/**
 * Makes an inactive account active again, with its authorization. The authorization describes
 * the connection of all its accounts (Stripe's guide), so once it is active again every sibling
 * that its failed credentials took down (inactive for an authorization-level cause) is active
 * again too, with a reactivated event each; siblings inactive for a cause of their own (closed,
 * unavailable) keep their state. Throws TransitionError when the account is not inactive.
 */
export function reactivateAccount(store: Store, account: AccountRecord): AccountChange[] {
  if (account.status !== "inactive") {
    throw new TransitionError(
      `The account ${account.id} is ${account.status}, not inactive.`,
      "account",
    );
  }
  const authorization = store.authorizations.get(account.authorizationId);
  if (authorization && authorization.status !== "active") {
    authorization.status = "active";
    authorization.inactiveAction = null;
    authorization.activeDetails = null;
  }
  const siblings = (authorization?.accountIds ?? []).flatMap((id) => {
    const sibling = store.accounts.get(id);
    const cause = sibling?.inactiveDetails?.cause;
    const downWithIt =
      sibling !== undefined &&
      sibling !== account &&
      sibling.status === "inactive" &&
      cause !== undefined &&
      AUTHORIZATION_LEVEL_CAUSES.includes(cause);
    return downWithIt ? [sibling] : [];
  });
  return [restore(account), ...siblings.map(restore)];
}

/** Makes one account active and healthy; the change to report for it. */
export function restore(account: AccountRecord): AccountChange {
  const previousAttributes = healthSnapshot(account);
  account.status = "active";
  account.inactiveDetails = null;
  account.activeDetails = null;
  return { type: ACCOUNT_EVENT_TYPES.reactivated, account, previousAttributes };
}

/**
 * Disconnects an account (our access ends for good); the authorization follows once all its
 * accounts are disconnected. Disconnecting twice changes nothing and returns no change.
 */
export function disconnectAccount(store: Store, account: AccountRecord): AccountChange[] {
  if (account.status === "disconnected") return [];
  const previousAttributes = healthSnapshot(account);
  account.status = "disconnected";
  account.activeDetails = null;
  account.inactiveDetails = null;
  account.subscriptions = [];
  const authorization = store.authorizations.get(account.authorizationId);
  if (authorization?.accountIds.every((id) => store.accounts.get(id)?.status === "disconnected")) {
    authorization.status = "disconnected";
    authorization.inactiveAction = null;
    authorization.activeDetails = null;
  }
  return [{ type: ACCOUNT_EVENT_TYPES.disconnected, account, previousAttributes }];
}

/**
 * Announces that an active account will go inactive on `expectedDeactivationDate` (sets
 * `status_details.active`, and the same on its authorization). Throws TransitionError when the
 * account is not active.
 */
export function announceDeactivation(
  store: Store,
  account: AccountRecord,
  expectedDeactivationDate: number,
  cause: ActiveCause,
  action: RelinkAction,
): AccountChange[] {
  requireActive(account);
  const previousAttributes = healthSnapshot(account);
  account.activeDetails = { action, cause, expectedDeactivationDate };
  const authorization = store.authorizations.get(account.authorizationId);
  if (authorization?.status === "active") {
    authorization.activeDetails = { action, expectedDeactivationDate };
  }
  return [{ type: ACCOUNT_EVENT_TYPES.upcomingDeactivation, account, previousAttributes }];
}

/** Throws TransitionError (nothing changed) unless the account is active. */
function requireActive(account: AccountRecord): void {
  if (account.status !== "active") {
    throw new TransitionError(
      `The account ${account.id} is ${account.status}, not active.`,
      "account",
    );
  }
}
