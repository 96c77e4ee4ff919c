import { Lexer, Source, TokenKind } from "graphql";

/** The lexical tokens of a GraphQL document, as the parser's token limit counts them. */
export function countTokens(query: string): number {
  const lexer = new Lexer(new Source(query));
  let tokens = 0;
  while (lexer.advance().kind !== TokenKind.EOF) tokens += 1;
  return tokens;
}

const times = (count: number, text: (index: number) => string) =>
  Array.from({ length: count }, (_, index) => text(index)).join(" ");

/**
 * The document of issue 11: `levels` fragments on Query, each selecting `__typename` and
 * spreading the next one `fan` times. Expanded spread by spread it holds fan^levels fields;
 * 16 levels of 3 are about 200 tokens. Priced per the cost model it costs (fan^levels - 1) /
 * (fan - 1) points (one `__typename` per expansion).
 */
export function fragmentFanOut(levels: number, fan = 3): string {
  const fragments = times(levels, (level) => {
    const next = level + 1 < levels ? times(fan, () => `...F${level + 1}`) : "";
    return `fragment F${level} on Query { __typename ${next} }`;
  });
  return `{ ...F0 } ${fragments}`;
}

/**
 * `count` fragments on Query where each spreads every later one: a dense chain of fragments
 * with 2^(count-1) paths to the last one, in about count² tokens.
 */
export function manyFragments(count: number): string {
  const fragments = times(count, (index) => {
    const later = times(count - index - 1, (offset) => `...M${index + offset + 1}`);
    return `fragment M${index} on Query { __typename ${later} }`;
  });
  return `{ ...M0 } ${fragments}`;
}

/** One selection set of `width` fields: `{ accounts(first: 100) { nodes { id id … } } }`. */
export function wideSelection(width: number): string {
  return `{ accounts(first: 100) { nodes { ${times(width, () => "id")} } } }`;
}

/**
 * Lists inside lists, `depth` times: every account's authorization's accounts, each list
 * multiplying the price of what it holds (the price grows as 10^depth; its analysis must not).
 */
export function deepLists(depth: number): string {
  const open = times(depth, () => "authorization { accounts {");
  const close = times(depth, () => "} }");
  return `{ accounts(first: 100) { nodes { ${open} id ${close} } } }`;
}

/**
 * A fan-out of fragments on a nested type, under lists: `levels` fragments on Account, each
 * reading the account's authorization's accounts and spreading the next fragment there `fan`
 * times, so nesting, lists and repeated spreads compound.
 */
export function nestedFanOut(levels: number, fan = 3): string {
  const fragments = times(levels, (level) => {
    const next =
      level + 1 < levels
        ? `authorization { accounts { ${times(fan, () => `...A${level + 1}`)} } }`
        : "";
    return `fragment A${level} on Account { id ${next} }`;
  });
  return `{ accounts(first: 100) { nodes { ...A0 } } } ${fragments}`;
}
