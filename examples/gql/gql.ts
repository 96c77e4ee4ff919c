/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  subscription AccountDeactivated {\n    accountDeactivated {\n      eventId\n      occurredAt\n      cause\n      action\n      account {\n        id\n        displayName\n        health {\n          state\n          message\n        }\n      }\n    }\n  }\n": typeof types.AccountDeactivatedDocument,
    "\n  query AccountHealth($first: Int = 50) {\n    accounts(first: $first) {\n      nodes {\n        id\n        displayName\n        institutionName\n        last4\n        status\n        health {\n          state\n          cause\n          action\n          needsAttention\n          expectedDeactivationAt\n          message\n        }\n        authorization {\n          id\n          status\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.AccountHealthDocument,
    "\n  mutation CreateRelinkSession($accountId: ID!) {\n    createRelinkSession(input: { accountId: $accountId, permissions: [BALANCES, TRANSACTIONS] }) {\n      clientSecret\n      relinkSession {\n        id\n        status\n      }\n      userErrors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.CreateRelinkSessionDocument,
    "\n  query RelinkOutcome($id: ID!) {\n    relinkSession(id: $id) {\n      status\n      outcome\n      reconciliation {\n        reactivatedAccounts {\n          id\n          displayName\n        }\n        stillInactiveAccounts {\n          id\n          displayName\n          health {\n            message\n          }\n        }\n        newAccounts {\n          id\n          displayName\n        }\n      }\n    }\n  }\n": typeof types.RelinkOutcomeDocument,
    "\n  subscription ResumeDeactivations($after: String) {\n    accountDeactivated(after: $after) {\n      cursor\n      eventId\n      account {\n        id\n        health {\n          state\n          message\n        }\n      }\n    }\n  }\n": typeof types.ResumeDeactivationsDocument,
};
const documents: Documents = {
    "\n  subscription AccountDeactivated {\n    accountDeactivated {\n      eventId\n      occurredAt\n      cause\n      action\n      account {\n        id\n        displayName\n        health {\n          state\n          message\n        }\n      }\n    }\n  }\n": types.AccountDeactivatedDocument,
    "\n  query AccountHealth($first: Int = 50) {\n    accounts(first: $first) {\n      nodes {\n        id\n        displayName\n        institutionName\n        last4\n        status\n        health {\n          state\n          cause\n          action\n          needsAttention\n          expectedDeactivationAt\n          message\n        }\n        authorization {\n          id\n          status\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.AccountHealthDocument,
    "\n  mutation CreateRelinkSession($accountId: ID!) {\n    createRelinkSession(input: { accountId: $accountId, permissions: [BALANCES, TRANSACTIONS] }) {\n      clientSecret\n      relinkSession {\n        id\n        status\n      }\n      userErrors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.CreateRelinkSessionDocument,
    "\n  query RelinkOutcome($id: ID!) {\n    relinkSession(id: $id) {\n      status\n      outcome\n      reconciliation {\n        reactivatedAccounts {\n          id\n          displayName\n        }\n        stillInactiveAccounts {\n          id\n          displayName\n          health {\n            message\n          }\n        }\n        newAccounts {\n          id\n          displayName\n        }\n      }\n    }\n  }\n": types.RelinkOutcomeDocument,
    "\n  subscription ResumeDeactivations($after: String) {\n    accountDeactivated(after: $after) {\n      cursor\n      eventId\n      account {\n        id\n        health {\n          state\n          message\n        }\n      }\n    }\n  }\n": types.ResumeDeactivationsDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription AccountDeactivated {\n    accountDeactivated {\n      eventId\n      occurredAt\n      cause\n      action\n      account {\n        id\n        displayName\n        health {\n          state\n          message\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription AccountDeactivated {\n    accountDeactivated {\n      eventId\n      occurredAt\n      cause\n      action\n      account {\n        id\n        displayName\n        health {\n          state\n          message\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AccountHealth($first: Int = 50) {\n    accounts(first: $first) {\n      nodes {\n        id\n        displayName\n        institutionName\n        last4\n        status\n        health {\n          state\n          cause\n          action\n          needsAttention\n          expectedDeactivationAt\n          message\n        }\n        authorization {\n          id\n          status\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query AccountHealth($first: Int = 50) {\n    accounts(first: $first) {\n      nodes {\n        id\n        displayName\n        institutionName\n        last4\n        status\n        health {\n          state\n          cause\n          action\n          needsAttention\n          expectedDeactivationAt\n          message\n        }\n        authorization {\n          id\n          status\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateRelinkSession($accountId: ID!) {\n    createRelinkSession(input: { accountId: $accountId, permissions: [BALANCES, TRANSACTIONS] }) {\n      clientSecret\n      relinkSession {\n        id\n        status\n      }\n      userErrors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateRelinkSession($accountId: ID!) {\n    createRelinkSession(input: { accountId: $accountId, permissions: [BALANCES, TRANSACTIONS] }) {\n      clientSecret\n      relinkSession {\n        id\n        status\n      }\n      userErrors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RelinkOutcome($id: ID!) {\n    relinkSession(id: $id) {\n      status\n      outcome\n      reconciliation {\n        reactivatedAccounts {\n          id\n          displayName\n        }\n        stillInactiveAccounts {\n          id\n          displayName\n          health {\n            message\n          }\n        }\n        newAccounts {\n          id\n          displayName\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query RelinkOutcome($id: ID!) {\n    relinkSession(id: $id) {\n      status\n      outcome\n      reconciliation {\n        reactivatedAccounts {\n          id\n          displayName\n        }\n        stillInactiveAccounts {\n          id\n          displayName\n          health {\n            message\n          }\n        }\n        newAccounts {\n          id\n          displayName\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ResumeDeactivations($after: String) {\n    accountDeactivated(after: $after) {\n      cursor\n      eventId\n      account {\n        id\n        health {\n          state\n          message\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription ResumeDeactivations($after: String) {\n    accountDeactivated(after: $after) {\n      cursor\n      eventId\n      account {\n        id\n        health {\n          state\n          message\n        }\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;