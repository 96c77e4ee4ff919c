/**
 * Maps one of Stripe's open enum strings (`relink_required`) to a GraphQL enum value
 * (`RELINK_REQUIRED`) when the schema knows it, and to `UNKNOWN` otherwise. Never throws:
 * Stripe adds enum values without notice.
 */
export function toOpenEnum<Known extends string>(
  known: readonly Known[],
  value: string | null | undefined,
): Known | "UNKNOWN" {
  if (value === null || value === undefined) return "UNKNOWN";
  const candidate = value.toUpperCase();
  return (known as readonly string[]).includes(candidate) ? (candidate as Known) : "UNKNOWN";
}
