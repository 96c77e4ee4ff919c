/**
 * The Financial Connections event type names Stripe sends (and the sandbox emits): plain data,
 * importing nothing, so the sandbox may import it from the gateway's side (BRIEF.md's boundary:
 * shared code is plain data, event type names).
 */

/** Financial Connections account event types that the sandbox emits and the gateway consumes. */
export const ACCOUNT_EVENT_TYPES = {
  deactivated: "financial_connections.account.deactivated",
  reactivated: "financial_connections.account.reactivated",
  disconnected: "financial_connections.account.disconnected",
  upcomingDeactivation: "financial_connections.account.upcoming_deactivation",
  refreshedBalance: "financial_connections.account.refreshed_balance",
  refreshedOwnership: "financial_connections.account.refreshed_ownership",
  refreshedTransactions: "financial_connections.account.refreshed_transactions",
  created: "financial_connections.account.created",
} as const;

/**
 * Financial Connections authorization event types (the only two Stripe's description has): the
 * sandbox emits them when an authorization's expected deactivation changes.
 */
export const AUTHORIZATION_EVENT_TYPES = {
  expectedDeactivationDateUpdated:
    "financial_connections.authorization.expected_deactivation_date_updated",
  upcomingDeactivation: "financial_connections.authorization.upcoming_deactivation",
} as const;
