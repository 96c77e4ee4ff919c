/**
 * The oldest stale copy one operation served: read-model objects older than
 * READ_MODEL_MAX_AGE_S are served (and revalidated in the background), and the answer says so in
 * `extensions.readModel`.
 */
export interface StaleServed {
  /** One stale object was served, checked at `checkedAt` (ms). */
  note(checkedAt: number): void;
  /** The oldest `checkedAt` noted; undefined when the operation served nothing stale. */
  oldest(): number | undefined;
}

/** A fresh record for one operation. */
export function staleServed(): StaleServed {
  let oldest: number | undefined;
  return {
    note: (checkedAt) => {
      oldest = Math.min(oldest ?? checkedAt, checkedAt);
    },
    oldest: () => oldest,
  };
}
