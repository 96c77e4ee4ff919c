/** Largest GraphQL request body accepted, on every GraphQL route (HTTP, SSE, multipart): 100 KB. */
export const GRAPHQL_BODY_LIMIT = 100 * 1024;

/** Largest Stripe webhook body accepted (1 MB); Stripe's events are far smaller. */
export const WEBHOOK_BODY_LIMIT = 1024 * 1024;

/**
 * How much of a refused body is still read, and thrown away, so that the client (which is still
 * uploading) gets the answer: 8 times the route's limit, at least 1 MB. Past it the connection is
 * closed. Nothing of it is kept.
 */
export const discardAllowanceFor = (limit: number) => Math.max(8 * limit, 1024 * 1024);
