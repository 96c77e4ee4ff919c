import type { GraphQLError, ParseOptions } from "graphql";
import {
  anonymousOperation,
  anonymousOperationAllowed,
  authenticationRequired,
} from "../auth/anonymous-access.js";
import type { TokenVerifier } from "../auth/token-verifier.js";
import type { Viewer } from "../auth/viewer.js";
import { type RequestAuth, authenticate as verifyRequest } from "../auth/viewer-from-request.js";
import { codedError } from "../errors/coded-error.js";
import type { OperationRequest, OperationTrace } from "./operation-trace.js";

/** What a transport found of the caller's credentials (a header, connection params). */
export interface Credentials {
  /** `Bearer <jwt>`, as sent. */
  authorization: string | undefined;
  /** The customer a service token acts for (`X-Act-As-Customer`). */
  actAsCustomer: string | undefined;
}

/** How callers are authenticated. */
export interface AuthenticationPolicy {
  verifyToken: TokenVerifier;
  /** A request without a token may run pure introspection (development playgrounds). */
  allowAnonymousIntrospection: boolean;
  /** The parser options (token limit) an anonymous request is parsed under. */
  parseOptions: ParseOptions;
}

/** The outcome of authentication: the viewer (null: anonymous introspection), or a refusal. */
export type Authentication =
  | {
      admitted: true;
      viewer: Viewer | null;
      expiresAt: number | undefined;
      /** The service token's subject, when a service token acts as `viewer`'s customer. */
      service?: string;
    }
  | { admitted: false; error: GraphQLError; status: 401 | 403 };

/**
 * Stage 1, who is asking. A token is verified (`auth/viewer-from-request.ts`): a bad one is
 * refused UNAUTHENTICATED (status 401), a customer token naming another customer FORBIDDEN
 * (403). Without a token, only pure introspection in development may run, and only `request`
 * is looked at (parsed, not validated or priced); without a request (a socket that sends no
 * operation with its credentials) the caller is refused. Writes the viewer, or the refusal's
 * error and the operation name the request gave (from its document when it was parsed, else
 * its `operationName`; no type: a refused request counts as type "unknown"), into `trace`.
 * Answered now (not a promise) when the token's verification is (a remembered token, none).
 */
export function authenticateCaller(
  trace: OperationTrace,
  policy: AuthenticationPolicy,
  credentials: Credentials,
  request?: OperationRequest,
): Authentication | Promise<Authentication> {
  const auth = verifyRequest(
    policy.verifyToken,
    credentials.authorization,
    credentials.actAsCustomer,
  );
  return auth instanceof Promise
    ? auth.then((verified) => authenticated(trace, policy, verified, request))
    : authenticated(trace, policy, auth, request);
}

/** Stage 1 once the request's credentials were verified (`auth`): see `authenticateCaller`. */
function authenticated(
  trace: OperationTrace,
  policy: AuthenticationPolicy,
  auth: RequestAuth,
  request: OperationRequest | undefined,
): Authentication {
  if (auth.status === "authenticated") {
    trace.viewer = auth.viewer;
    const identity = auth.identity;
    return {
      admitted: true,
      viewer: auth.viewer,
      expiresAt: identity.expiresAt,
      ...(identity.kind === "service" ? { service: identity.subject } : {}),
    };
  }
  // A refused request is logged with the name it gave, but has no resolved operation (type).
  const named = typeof request?.operationName === "string" ? request.operationName : null;
  if (auth.status === "rejected") {
    const error = codedError(auth.code, auth.message);
    return refuse(trace, error, auth.code === "FORBIDDEN" ? 403 : 401, named);
  }
  const operation = anonymousOperation(request, policy.parseOptions);
  if (anonymousOperationAllowed(operation, policy.allowAnonymousIntrospection)) {
    return { admitted: true, viewer: null, expiresAt: undefined };
  }
  const required = authenticationRequired();
  return refuse(
    trace,
    codedError(required.code, required.message),
    401,
    operation?.name?.value ?? named,
  );
}

/** Records a refusal in `trace`, with the operation name the request gave (if any). */
function refuse(
  trace: OperationTrace,
  error: GraphQLError,
  status: 401 | 403,
  operationName: string | null,
): Authentication {
  trace.errors.push(error);
  if (operationName !== null) trace.operation = { name: operationName, type: null };
  return { admitted: false, error, status };
}
