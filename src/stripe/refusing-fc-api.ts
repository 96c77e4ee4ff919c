import type { FcApi } from "./fc-api.js";

/**
 * An FcApi that makes no Stripe call: every method rejects with `refusal`. A subscription event
 * whose Stripe reads the customer's cost budget could not cover is resolved with it, so those
 * reads fail (the fields null, with the refusal's error) and nothing reaches Stripe.
 */
export function refusingFcApi(refusal: Error): FcApi {
  const refuse = async (): Promise<never> => {
    throw refusal;
  };
  return {
    listAccounts: refuse,
    retrieveAccount: refuse,
    retrieveAuthorization: refuse,
    retrieveSession: refuse,
    listTransactions: refuse,
    listOwners: refuse,
    createSession: refuse,
    refreshAccount: refuse,
    disconnectAccount: refuse,
    subscribeTransactions: refuse,
    unsubscribeTransactions: refuse,
    listEvents: refuse,
  };
}
