import { getOperationAST, type ParseOptions, parse } from "graphql";
import { documentIdOf, type OperationRequest } from "../pipeline/runner.js";

/** The client asked for Apollo's multipart subscriptions (`subscriptionSpec=1.0`, quoted or not). */
export const acceptsMultipartSubscription = (accept: string | undefined) =>
  accept !== undefined && /multipart\/mixed[^,]*;\s*subscriptionSpec="?1\.0"?/i.test(accept);

/**
 * Whether the request is this adapter's: its text parses and names a subscription, or it sends
 * no text (a trusted document's id: the pipeline resolves it, and refuses what it must).
 */
export function namesSubscription(request: OperationRequest, parseOptions: ParseOptions): boolean {
  if (request.query === undefined || request.query === null || request.query === "") {
    return documentIdOf(request) !== undefined;
  }
  if (typeof request.query !== "string") return false;
  try {
    const document = parse(request.query, parseOptions);
    const name = typeof request.operationName === "string" ? request.operationName : undefined;
    return getOperationAST(document, name)?.operation === "subscription";
  } catch {
    return false;
  }
}
