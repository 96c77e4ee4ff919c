import { AuthenticationFailed, type Identity, type TokenVerifier } from "./token-verifier.js";
import type { Viewer } from "./viewer.js";

/** The header a service token uses to name the customer it acts for (documented in the README). */
export const ACT_AS_CUSTOMER_HEADER = "x-act-as-customer";

const CUSTOMER_ID = /^cus_[A-Za-z0-9]+$/;

/** The outcome of authenticating one request. */
export type RequestAuth =
  | { status: "authenticated"; viewer: Viewer; identity: Identity }
  | { status: "anonymous" }
  | { status: "rejected"; code: "UNAUTHENTICATED" | "FORBIDDEN"; message: string };

/** Extracts the token from `Authorization: Bearer <token>`; undefined when absent or not a bearer. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return match?.[1];
}

/**
 * Authenticates a request from its bearer token and the act-as header. The customer comes only
 * from a verified token: a customer token's own claim, or, for a service token, the customer the
 * act-as header names. A customer token that names another customer in the header is FORBIDDEN;
 * a service token without the header is UNAUTHENTICATED (it has no customer to act for). Answered
 * now (not a promise) when nothing is waited for: no token, a malformed header, or a token the
 * verifier answers now (a remembered one).
 */
export function authenticate(
  verify: TokenVerifier,
  authorization: string | undefined,
  actAsCustomer: string | undefined,
): RequestAuth | Promise<RequestAuth> {
  const token = bearerToken(authorization);
  if (token === undefined) {
    return authorization === undefined || authorization === ""
      ? { status: "anonymous" }
      : {
          status: "rejected",
          code: "UNAUTHENTICATED",
          message: "Use `Authorization: Bearer <token>`.",
        };
  }
  let identity: Identity | Promise<Identity>;
  try {
    identity = verify(token);
  } catch (error) {
    return refusedToken(error);
  }
  return identity instanceof Promise
    ? identity.then((verified) => authorised(verified, actAsCustomer), refusedToken)
    : authorised(identity, actAsCustomer);
}

/** A token the verifier refused: UNAUTHENTICATED, with its message when it is one to return. */
function refusedToken(error: unknown): RequestAuth {
  const message = error instanceof AuthenticationFailed ? error.message : "Authentication failed.";
  return { status: "rejected", code: "UNAUTHENTICATED", message };
}

/** What a verified `identity` may do with the act-as header's `actAsCustomer`. */
function authorised(identity: Identity, actAsCustomer: string | undefined): RequestAuth {
  if (identity.kind === "customer") {
    if (actAsCustomer !== undefined && actAsCustomer !== identity.customerId) {
      return {
        status: "rejected",
        code: "FORBIDDEN",
        message: "A customer token cannot act as another customer.",
      };
    }
    return { status: "authenticated", viewer: { customerId: identity.customerId }, identity };
  }
  if (actAsCustomer === undefined || !CUSTOMER_ID.test(actAsCustomer)) {
    return {
      status: "rejected",
      code: "UNAUTHENTICATED",
      message: `A service token must name a customer in the ${ACT_AS_CUSTOMER_HEADER} header.`,
    };
  }
  return { status: "authenticated", viewer: { customerId: actAsCustomer }, identity };
}
