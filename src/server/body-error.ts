/**
 * A request-body failure, shaped as body-parser's (http-errors: `status`, `type`, `expose`) so
 * that describeBodyError and every route's body-error answer read ours and body-parser's alike.
 */
export class BodyError extends Error {
  readonly expose = true;
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

/** The body is over the route's limit (413). */
export const bodyTooLarge = () =>
  new BodyError(413, "entity.too.large", "request entity too large");

/** The body's content type is not one the route reads (415). */
export const mediaTypeUnsupported = () =>
  new BodyError(415, "media.unsupported", "unsupported media type");
