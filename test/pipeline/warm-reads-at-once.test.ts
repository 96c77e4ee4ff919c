import { getOperationAST, parse } from "graphql";
import { describe, expect, it } from "vitest";
import { warmReadsMayAnswerAtOnce } from "../../src/pipeline/warm-reads-at-once.js";

/** The answer for the document's one operation. */
function mayAnswerAtOnce(text: string): boolean {
  const document = parse(text);
  const operation = getOperationAST(document);
  if (!operation) throw new Error("one operation expected");
  return warmReadsMayAnswerAtOnce(document, operation);
}

describe("which operations may answer warm read-model reads at once", () => {
  it.each([
    [
      "the dashboard",
      "{ accounts(first: 100) { nodes { id status authorization { id status } } } }",
    ],
    [
      "accounts, an account and an authorization",
      '{ accounts { nodes { id } } account(id: "fca_1") { id } authorization(id: "fcauth_1") { id } __typename }',
    ],
    [
      "root fields through fragments",
      'query { ...A ... on Query { authorization(id: "x") { id } } } fragment A on Query { accounts { nodes { id } } }',
    ],
  ])("%s: yes", (_name, text) => {
    expect(mayAnswerAtOnce(text)).toBe(true);
  });

  it.each([
    [
      "the dashboard, then a relink outcome",
      "query($s: ID!) { accounts { nodes { id } } relinkSession(id: $s) { outcome } }",
    ],
    ["a node (a session's id, maybe)", '{ accounts { nodes { id } } node(id: "fcsess_1") { id } }'],
    ["nodes", '{ nodes(ids: ["fcsess_1"]) { id } }'],
    [
      "a relink outcome inside a fragment",
      'query { ...A } fragment A on Query { accounts { nodes { id } } ... on Query { relinkSession(id: "s") { id } } }',
    ],
    [
      "a relink outcome skipped by a directive (directives are not read)",
      'query($no: Boolean!) { accounts { nodes { id } } relinkSession(id: "s") @include(if: $no) { id } }',
    ],
    ["a spread of a fragment the document lacks", "query { ...Missing }"],
    ["a mutation", "mutation { __typename }"],
    ["a subscription", "subscription { accountDeactivated { eventId } }"],
  ])("%s: no", (_name, text) => {
    expect(mayAnswerAtOnce(text)).toBe(false);
  });
});
