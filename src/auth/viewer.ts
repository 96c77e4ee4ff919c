/** Who is asking: the Stripe customer every query, mutation and subscription is scoped to. */
export interface Viewer {
  /** The Stripe customer id (`cus_…`) whose accounts this caller may see. */
  customerId: string;
}
