import type { FormattedExecutionResult } from "graphql";

/** JSON of each answer serialised so far, for as long as the answer is held. */
const serialised = new WeakMap<object, string>();

/**
 * `JSON.stringify(answer)`, computed once per answer object: a subscription event's answer is one
 * object for every subscription that resolved it alike (`sharedAnswer`), so a fan-out to many
 * sockets or streams serialises it once, not once per subscriber. The answer must not change
 * after it is first serialised (answers are never changed once formatted).
 */
export function serialisedAnswer(answer: FormattedExecutionResult): string {
  let json = serialised.get(answer);
  if (json === undefined) {
    json = JSON.stringify(answer);
    serialised.set(answer, json);
  }
  return json;
}
