import type { SandboxContext } from "../context.js";
import { resourceMissing } from "../http/errors.js";
import type {
  AccountRecord,
  AuthorizationRecord,
  InstitutionRecord,
  SessionRecord,
} from "../state/types.js";

/**
 * Finders that throw Stripe's `resource_missing` for unknown ids, naming `param`. Ids from the
 * URL path answer 404; ids from query or body parameters answer 400.
 */
export function findAccount(
  context: SandboxContext,
  id: string,
  param = "account",
  status = 404,
): AccountRecord {
  const account = context.store.accounts.get(id);
  if (!account) throw resourceMissing("financial_connections.account", id, param, status);
  return account;
}

/** See findAccount. */
export function findAuthorization(
  context: SandboxContext,
  id: string,
  param = "authorization",
  status = 404,
): AuthorizationRecord {
  const authorization = context.store.authorizations.get(id);
  if (!authorization)
    throw resourceMissing("financial_connections.authorization", id, param, status);
  return authorization;
}

/** See findAccount. */
export function findSession(
  context: SandboxContext,
  id: string,
  param = "session",
  status = 404,
): SessionRecord {
  const session = context.store.sessions.get(id);
  if (!session) throw resourceMissing("financial_connections.session", id, param, status);
  return session;
}

/** See findAccount. */
export function findInstitution(
  context: SandboxContext,
  id: string,
  param = "institution",
): InstitutionRecord {
  const institution = context.store.institutions.get(id);
  if (!institution) throw resourceMissing("financial_connections.institution", id, param);
  return institution;
}
