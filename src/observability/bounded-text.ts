/** Longest client-given text (an operation name, an Origin) kept whole in a log field or metric label. */
export const MAX_CLIENT_TEXT_LENGTH = 100;

/** Appended to text cut at MAX_CLIENT_TEXT_LENGTH, so a cut value is never mistaken for a whole one. */
export const TRUNCATION_MARK = "…";

/**
 * Bounds text that came from a client before it reaches a log line or a metric label: returned
 * unchanged when it has at most MAX_CLIENT_TEXT_LENGTH UTF-16 units, else its first
 * MAX_CLIENT_TEXT_LENGTH units (one less when the cut would split a surrogate pair) followed by
 * TRUNCATION_MARK. `null` and `undefined` are returned as `null`.
 */
export function boundedText(text: string | null | undefined): string | null {
  if (text === null || text === undefined) return null;
  if (text.length <= MAX_CLIENT_TEXT_LENGTH) return text;
  const last = text.charCodeAt(MAX_CLIENT_TEXT_LENGTH - 1);
  const splitsPair = last >= 0xd800 && last <= 0xdbff;
  return `${text.slice(0, MAX_CLIENT_TEXT_LENGTH - (splitsPair ? 1 : 0))}${TRUNCATION_MARK}`;
}
