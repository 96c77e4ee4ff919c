import type { Viewer } from "../auth/viewer.js";
import type { StripeList } from "../stripe/wire-types.js";
import { NotFoundError, type ObjectKind, UnauthenticatedError } from "./errors.js";
import { isHeldByCustomer } from "./ownership.js";

/** Told the kind and id of an object left out of a list answer because it is not the viewer's. */
export type ForeignObjectListener = (kind: "account" | "transaction" | "owner", id: string) => void;

/** An object whose holder decides whether the viewer may see it. */
type HeldObject = Parameters<typeof isHeldByCustomer>[0];

/**
 * One operation's tenancy check: every object it passes belongs to the viewer's customer. A
 * single object that does not is answered as missing (NotFoundError, the same as an unknown id);
 * list answers are filtered, each foreign item reported.
 */
export interface Tenancy {
  /** The viewer; throws UnauthenticatedError when the operation has none. */
  viewer(): Viewer;
  /** What `load` answers for `id`, when the viewer holds it; NotFoundError otherwise. */
  owned<T extends HeldObject>(
    kind: ObjectKind,
    id: string,
    load: (id: string) => Promise<T>,
  ): Promise<T>;
  /** The page with only the items `belongs` accepts; each other one is reported and left out. */
  onlyOwn<T extends { id: string }>(
    page: StripeList<T>,
    kind: Parameters<ForeignObjectListener>[0],
    belongs: (item: T) => boolean,
  ): StripeList<T>;
}

/** The operation's viewer; throws UnauthenticatedError when it has none (anonymous). */
export function requireViewer(viewer: Viewer | null): Viewer {
  if (viewer === null) throw new UnauthenticatedError();
  return viewer;
}

/** The tenancy check of an operation by `viewer` (null: anonymous, every read refused). */
export function tenancyOf(viewer: Viewer | null, onForeignObject: ForeignObjectListener): Tenancy {
  return {
    viewer: () => requireViewer(viewer),
    owned: async (kind, id, load) => {
      const { customerId } = requireViewer(viewer);
      const object = await load(id);
      if (!isHeldByCustomer(object, customerId)) throw new NotFoundError(kind, id);
      return object;
    },
    onlyOwn: (page, kind, belongs) => {
      const own = page.data.filter((item) => {
        if (belongs(item)) return true;
        onForeignObject(kind, item.id);
        return false;
      });
      return own.length === page.data.length ? page : { ...page, data: own };
    },
  };
}
