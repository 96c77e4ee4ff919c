/** Anything Stripe renders with an `account_holder`. */
interface HeldObject {
  account_holder?: { customer?: string | null | { id?: string } } | null;
}

/**
 * True when the object's account holder is the viewer's customer. Objects held by a Connect
 * account or with no holder belong to nobody a customer token can name, so they are false.
 */
export function isHeldByCustomer(object: HeldObject, customerId: string): boolean {
  const customer = object.account_holder?.customer;
  const holderId = typeof customer === "string" ? customer : customer?.id;
  return holderId === customerId;
}
