import type { ServerResponse } from "node:http";

/** Headers as a list of name and value, in the order they are set. */
export type HeaderList = ReadonlyArray<readonly [string, string]>;

/** Sets `headers` on `response` one by one (an answer that sets more, or writes with `end`). */
export function setHeaders(response: ServerResponse, headers: HeaderList): void {
  for (const [name, value] of headers) response.setHeader(name, value);
}

/**
 * `headers` then `more` as one flat list of names and values, for `writeHead`: on a response with
 * no header set yet, Node writes them without keeping a table of them (setHeader's, about 2 KB
 * for the API's security headers, kept as long as the response: an open stream's whole life); on
 * one with headers set, they are added to those.
 */
export function headerLine(
  headers: HeaderList,
  more: Record<string, string> | undefined,
): string[] {
  const flat: string[] = [];
  for (const [name, value] of headers) flat.push(name, value);
  for (const name in more) flat.push(name, more[name] as string);
  return flat;
}
