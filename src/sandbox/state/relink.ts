import { ACCOUNT_EVENT_TYPES } from "../../stripe/event-types.js";
import { TransitionError } from "./errors.js";
import { createAccount, createAuthorization } from "./factory.js";
import { type AccountChange, restore } from "./lifecycle.js";
import { SEED_INSTITUTIONS } from "./seed-institutions.js";
import type { Store } from "./store.js";
import type { AccountRecord, Permission, SessionRecord } from "./types.js";

/** How the end user finished a session in the browser (the control API's `outcome`). */
export const SESSION_OUTCOMES = [
  "relinked",
  "new_authorization",
  "no_account",
  "no_authorization",
  "other",
] as const;
/** One of SESSION_OUTCOMES. */
export type SessionOutcome = (typeof SESSION_OUTCOMES)[number];

/** What completing a session changed: account changes (for events) and authorizations touched. */
export interface SessionCompletion {
  changes: AccountChange[];
  authorizationIds: string[];
}

/**
 * Finishes a pending session as the end user would, following Stripe's relink guide:
 * - `relinked`: the user re-authenticated into the session's authorization. It becomes active,
 *   with every repairable account on it (reactivated events); `relink_result.authorization` is set
 *   (and `.account` when the session targeted one); session `succeeded`.
 * - `new_authorization`: the user logged in with other credentials. A new authorization with new
 *   accounts is created for the same customer (created events); the old one stays inactive;
 *   session `succeeded` with the new accounts, `relink_result.failure_reason` `no_authorization`.
 * - `no_account`, `no_authorization`, `other`: the relink failed; nothing else changes; session
 *   `failed` with that `failure_reason`.
 * Throws TransitionError (nothing changed) when the session is not pending or the outcome does
 * not apply to it (relink outcomes need a session created with `relink_options`).
 */
export function completeSession(
  store: Store,
  session: SessionRecord,
  outcome: SessionOutcome,
  now: number,
): SessionCompletion {
  if (session.status !== "pending") {
    throw new TransitionError(`The session ${session.id} is already ${session.status}.`, "session");
  }
  const relink = session.relinkOptions;
  if (!relink && outcome !== "new_authorization" && outcome !== "other") {
    throw new TransitionError(
      `The outcome '${outcome}' needs a relink session (created with relink_options).`,
      "outcome",
    );
  }
  if (outcome === "relinked") return relinkAuthorization(store, session);
  if (outcome === "new_authorization") return linkNewAuthorization(store, session, now);
  session.status = "failed";
  session.accountIds = [];
  if (relink) session.relinkResult = { account: null, authorization: null, failureReason: outcome };
  return { changes: [], authorizationIds: [] };
}

function relinkAuthorization(store: Store, session: SessionRecord): SessionCompletion {
  const options = session.relinkOptions;
  const authorization = options ? store.authorizations.get(options.authorization) : undefined;
  if (!options || !authorization) {
    throw new TransitionError("The session's authorization no longer exists.", "session");
  }
  authorization.status = "active";
  authorization.inactiveAction = null;
  authorization.activeDetails = null;
  const changes: AccountChange[] = [];
  const repaired: AccountRecord[] = [];
  for (const id of authorization.accountIds) {
    const account = store.accounts.get(id);
    if (!account || account.status === "disconnected") continue;
    if (account.status === "inactive") {
      if (account.inactiveDetails?.action !== "relink_required") continue;
      changes.push(restore(account));
    } else if (account.activeDetails) {
      // An expiring connection renewed by the relink: healthy again, no lifecycle event.
      account.activeDetails = null;
    }
    grantPermissions(account, session.permissions);
    repaired.push(account);
  }
  session.status = "succeeded";
  session.accountIds = options.account ? [options.account] : repaired.map((account) => account.id);
  session.relinkResult = {
    account: options.account,
    authorization: authorization.id,
    failureReason: null,
  };
  return { changes, authorizationIds: [authorization.id] };
}

function linkNewAuthorization(
  store: Store,
  session: SessionRecord,
  now: number,
): SessionCompletion {
  const previous = session.relinkOptions
    ? store.authorizations.get(session.relinkOptions.authorization)
    : undefined;
  const customerId = session.accountHolder?.customer ?? previous?.customerId;
  if (!customerId || !store.customers.has(customerId)) {
    throw new TransitionError(
      "The session has no customer account holder to link accounts for.",
      "session",
    );
  }
  const institutionId =
    previous?.institutionId ?? session.filters.institution ?? SEED_INSTITUTIONS.stripeBank;
  const authorization = createAuthorization(store, { customerId, institutionId });
  const templates = templatesFor(store, session, previous?.accountIds ?? []);
  const changes: AccountChange[] = templates.slice(0, session.limitsAccounts).map((template) => {
    const account = createAccount(store, {
      customerId,
      authorizationId: authorization.id,
      displayName: template.displayName,
      last4: template.last4,
      subcategory: template.subcategory,
      permissions: session.permissions,
      created: now,
    });
    return { type: ACCOUNT_EVENT_TYPES.created, account, previousAttributes: null };
  });
  session.status = "succeeded";
  session.accountIds = changes.map((change) => change.account.id);
  if (session.relinkOptions) {
    session.relinkResult = {
      account: null,
      authorization: null,
      failureReason: "no_authorization",
    };
  }
  return { changes, authorizationIds: [authorization.id] };
}

/** The accounts the user links again under new credentials: the old ones, or one checking. */
function templatesFor(
  store: Store,
  session: SessionRecord,
  previousAccountIds: string[],
): Pick<AccountRecord, "displayName" | "last4" | "subcategory">[] {
  const wanted = session.relinkOptions?.account
    ? [session.relinkOptions.account]
    : previousAccountIds;
  const previous = wanted.flatMap((id) => {
    const account = store.accounts.get(id);
    return account && account.status !== "disconnected" ? [account] : [];
  });
  if (previous.length > 0) return previous;
  return [
    {
      displayName: "Checking",
      last4: String(1000 + (store.accounts.size % 9000)),
      subcategory: "checking",
    },
  ];
}

/** Adds the permissions the user consented to in the relink session. */
function grantPermissions(account: AccountRecord, permissions: Permission[]): void {
  for (const permission of permissions) {
    if (!account.permissions.includes(permission)) account.permissions.push(permission);
  }
}
