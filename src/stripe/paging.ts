/** Stripe's page bounds, which GraphQL page sizes follow. */
export const MIN_PAGE = 1;
export const MAX_PAGE = 100;

/**
 * Clamps a requested page size to 1..100 at execution time, so neither literals nor variables
 * can ask Stripe (or memory) for more. Null or undefined gives `fallback`.
 */
export function clampFirst(first: number | null | undefined, fallback: number): number {
  const requested = first ?? fallback;
  return Math.min(MAX_PAGE, Math.max(MIN_PAGE, Math.trunc(requested)));
}
