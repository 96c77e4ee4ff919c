import type { FcApi } from "../../src/stripe/fc-api.js";

/**
 * A stand-in for Stripe behind the FcApi interface, for the few behaviours the spec-faithful
 * sandbox cannot produce (values Stripe may add tomorrow, in-flight counts). Every method not in
 * `overrides` rejects, so a test notices any call it did not expect.
 */
export function fakeFcApi(overrides: Partial<FcApi>): FcApi {
  const unexpected = () => Promise.reject(new Error("not expected in this test"));
  return {
    listAccounts: unexpected,
    retrieveAccount: unexpected,
    retrieveAuthorization: unexpected,
    retrieveSession: unexpected,
    listTransactions: unexpected,
    listOwners: unexpected,
    createSession: unexpected,
    refreshAccount: unexpected,
    disconnectAccount: unexpected,
    subscribeTransactions: unexpected,
    unsubscribeTransactions: unexpected,
    listEvents: unexpected,
    ...overrides,
  };
}
