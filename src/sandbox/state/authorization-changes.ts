import { AUTHORIZATION_EVENT_TYPES } from "../../stripe/event-types.js";
import type { JsonObject } from "./json.js";
import { renderAuthorizationStatusDetails } from "./render-account.js";
import type { Store } from "./store.js";
import type { AccountStatus, AuthorizationRecord } from "./types.js";

/** An authorization event to emit: its type, the authorization, and its fields before. */
export interface AuthorizationChange {
  type: string;
  authorization: AuthorizationRecord;
  previousAttributes: JsonObject;
}

interface Before {
  authorization: AuthorizationRecord;
  status: AccountStatus;
  expectedDeactivationDate: number | null;
  statusDetails: JsonObject;
}

/**
 * Remembers the expected deactivation of some authorizations; the function returned reports the
 * authorization events Stripe describes for what changed since, in this order:
 * - `expected_deactivation_date_updated` ("occurs when an authorization's
 *   `expected_deactivation_date` changes"): an active authorization's
 *   `status_details.active.expected_deactivation_date` was set, moved, or cleared (a relink
 *   renewed the expiring credentials);
 * - `upcoming_deactivation` ("occurs when an authorization is about to become `inactive`"): the
 *   date was set on an authorization that had none.
 * An authorization that went inactive or disconnected reports nothing: Stripe has no such
 * authorization events (its accounts send theirs). Unknown ids are ignored. Never throws.
 */
export function watchAuthorizations(
  store: Store,
  authorizationIds: Iterable<string>,
): () => AuthorizationChange[] {
  const before: Before[] = [];
  for (const id of new Set(authorizationIds)) {
    const authorization = store.authorizations.get(id);
    if (!authorization) continue;
    before.push({
      authorization,
      status: authorization.status,
      expectedDeactivationDate: expectedDeactivationDate(authorization),
      statusDetails: renderAuthorizationStatusDetails(authorization),
    });
  }
  return () => before.flatMap(changesSince);
}

function changesSince(before: Before): AuthorizationChange[] {
  const { authorization } = before;
  if (authorization.status !== "active") return [];
  const date = expectedDeactivationDate(authorization);
  if (date === before.expectedDeactivationDate) return [];
  const previousAttributes: JsonObject = { status_details: before.statusDetails };
  if (before.status !== authorization.status) previousAttributes.status = before.status;
  const changes: AuthorizationChange[] = [
    {
      type: AUTHORIZATION_EVENT_TYPES.expectedDeactivationDateUpdated,
      authorization,
      previousAttributes,
    },
  ];
  if (before.expectedDeactivationDate === null && date !== null) {
    changes.push({
      type: AUTHORIZATION_EVENT_TYPES.upcomingDeactivation,
      authorization,
      previousAttributes,
    });
  }
  return changes;
}

/** The date an authorization is expected to stop working, while it is active; else null. */
function expectedDeactivationDate(authorization: AuthorizationRecord): number | null {
  return authorization.status === "active"
    ? (authorization.activeDetails?.expectedDeactivationDate ?? null)
    : null;
}
