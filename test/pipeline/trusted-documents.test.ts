/**
 * Trusted documents: a gateway started with TRUSTED_DOCUMENTS set to the examples' generated
 * manifest (examples/gql/persisted-documents.json) runs the examples' operations requested by
 * id, in the client preset's shape (`documentId`) and Apollo's (`extensions.persistedQuery`),
 * over HTTP (POST and GET) and WebSocket, the accountDeactivated subscription included (and over
 * SSE and multipart, the subscription transports without WebSocket); and it
 * refuses anything else before parsing: a document sent as text (even a syntactically invalid
 * one gets TRUSTED_DOCUMENT_REQUIRED, not a syntax error), an unknown id.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AccountDeactivatedDocument,
  AccountHealthDocument,
  CreateRelinkSessionDocument,
  RelinkOutcomeDocument,
  ResumeDeactivationsDocument,
} from "../../examples/gql/graphql.js";
import { documentHash } from "../../src/config/trusted-documents.js";
import { startAnotherGateway, startStack, type TestStack, tokenFor } from "../support/gateway.js";
import {
  bodyText,
  type HttpFeed,
  multipartRequest,
  sseFeed,
} from "../support/http-subscriptions.js";
import { feedPayload, liveClient, registered, waitForSubscribers } from "../support/live.js";
import { control, createCustomer, type SandboxCustomer } from "../support/sandbox-control.js";

const MANIFEST_PATH = fileURLToPath(
  new URL("../../examples/gql/persisted-documents.json", import.meta.url),
);
const MANIFEST = JSON.parse(readFileSync(MANIFEST_PATH, "utf8")) as Record<string, string>;

/** The id the client preset embedded in a generated document (`__meta__.hash`). */
const idOf = (document: unknown) => (document as { __meta__: { hash: string } }).__meta__.hash;

const ACCOUNT_HEALTH = idOf(AccountHealthDocument);
const CREATE_RELINK_SESSION = idOf(CreateRelinkSessionDocument);
const RELINK_OUTCOME = idOf(RelinkOutcomeDocument);
const ACCOUNT_DEACTIVATED = idOf(AccountDeactivatedDocument);
const RESUME_DEACTIVATIONS = idOf(ResumeDeactivationsDocument);
/** A well-formed sha256 no document has. */
const UNKNOWN_ID = documentHash("query Unknown { __typename }");

/** The two request shapes that name a document by id. */
const SHAPES = {
  "client preset (documentId)": (id: string) => ({ documentId: id }),
  "Apollo (extensions.persistedQuery)": (id: string) => ({
    extensions: { persistedQuery: { version: 1, sha256Hash: id } },
  }),
} as const;
type Shape = keyof typeof SHAPES;
const SHAPE_NAMES = Object.keys(SHAPES) as Shape[];

interface Answer {
  status?: number;
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

let stack: TestStack;
let customer: SandboxCustomer;

beforeAll(async () => {
  stack = await startStack({ env: { TRUSTED_DOCUMENTS: MANIFEST_PATH } });
  customer = await createCustomer(stack, 2, 1);
});
afterAll(async () => stack?.close());

/** POSTs `body` to `url` as the customer (anonymously with `anonymous`). */
async function post(body: object, options: { anonymous?: boolean; url?: string } = {}) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (!options.anonymous) headers.authorization = `Bearer ${await tokenFor(stack, customer.id)}`;
  const response = await fetch(`${options.url ?? stack.gateway.url}/graphql`, {
    method: "POST",
    headers,
    body: JSON.stringify(body),
  });
  return { status: response.status, ...((await response.json()) as Answer) };
}

/** GETs /graphql with `parameters` (objects JSON-encoded) as the customer. */
async function get(parameters: Record<string, unknown>) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(parameters)) {
    search.set(name, typeof value === "string" ? value : JSON.stringify(value));
  }
  const response = await fetch(`${stack.gateway.url}/graphql?${search}`, {
    headers: {
      authorization: `Bearer ${await tokenFor(stack, customer.id)}`,
      "apollo-require-preflight": "true",
    },
  });
  return { status: response.status, ...((await response.json()) as Answer) };
}

/** Runs one operation over graphql-ws with `payload` and resolves with its result or refusal. */
function overSocket(client: Client, payload: object): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let answer: Answer = {};
    // graphql-ws requires a string `query`: a request by id sends an empty one.
    client.subscribe({ query: "", ...payload } as { query: string }, {
      next: (result) => {
        answer = result as Answer;
      },
      error: (error) => {
        if (Array.isArray(error)) resolve({ errors: error as Answer["errors"] });
        else reject(error);
      },
      complete: () => resolve(answer),
    });
  });
}

/** Subscribes over graphql-ws with `payload` (an empty `query` beside it) and records what arrives. */
const feedOf = (client: Client, payload: object) => feedPayload(client, { query: "", ...payload });

/** The account ids an AccountHealth answer lists, sorted. */
const accountIdsOf = (answer: Answer) =>
  ((answer.data?.accounts as { nodes: { id: string }[] } | undefined)?.nodes ?? [])
    .map((node) => node.id)
    .sort();

/** The relink session a CreateRelinkSession answer created, and its user errors. */
const createdOf = (answer: Answer) =>
  answer.data?.createRelinkSession as
    | { relinkSession: { id: string } | null; userErrors: unknown[] }
    | undefined;

/** The codes of an answer's errors. */
const codes = (answer: Answer) => (answer.errors ?? []).map((error) => error.extensions?.code);

describe("the examples' manifest", () => {
  it("lists exactly the examples' operations, each under the sha256 of its text", () => {
    const ids = [
      ACCOUNT_HEALTH,
      CREATE_RELINK_SESSION,
      RELINK_OUTCOME,
      ACCOUNT_DEACTIVATED,
      RESUME_DEACTIVATIONS,
    ];
    expect(Object.keys(MANIFEST).sort()).toEqual([...ids].sort());
    for (const [id, text] of Object.entries(MANIFEST)) expect(documentHash(text)).toBe(id);
  });
});

describe.each(SHAPE_NAMES)("by id over HTTP, %s", (shape) => {
  const byId = SHAPES[shape];

  it("POST runs each of the examples' queries and mutations from the manifest", async () => {
    const health = await post({ ...byId(ACCOUNT_HEALTH), variables: { first: 10 } });
    expect(health.errors).toBeUndefined();
    expect(health.status).toBe(200);
    expect(accountIdsOf(health)).toEqual([...customer.accounts].sort());

    const created = await post({
      ...byId(CREATE_RELINK_SESSION),
      variables: { accountId: customer.accounts[0] },
    });
    expect(created.errors).toBeUndefined();
    expect(createdOf(created)?.userErrors).toEqual([]);
    const sessionId = createdOf(created)?.relinkSession?.id;
    expect(sessionId).toMatch(/^fcsess_/);

    const outcome = await post({ ...byId(RELINK_OUTCOME), variables: { id: sessionId } });
    expect(outcome.errors).toBeUndefined();
    expect(outcome.data?.relinkSession).toMatchObject({ status: expect.any(String) });
  });

  it("GET runs a query from the manifest", async () => {
    const health = await get({ ...byId(ACCOUNT_HEALTH), variables: { first: 10 } });
    expect(health.errors).toBeUndefined();
    expect(health.status).toBe(200);
    expect(accountIdsOf(health)).toEqual([...customer.accounts].sort());
  });
});

describe("by id over WebSocket", () => {
  let client: Client;
  beforeAll(async () => {
    client = await liveClient(stack, customer.id);
  });
  afterAll(async () => client?.dispose());

  it.each(SHAPE_NAMES)("runs each of the examples' queries and mutations, %s", async (shape) => {
    const byId = SHAPES[shape];
    const health = await overSocket(client, { ...byId(ACCOUNT_HEALTH), variables: { first: 10 } });
    expect(health.errors).toBeUndefined();
    expect(accountIdsOf(health)).toEqual([...customer.accounts].sort());

    const created = await overSocket(client, {
      ...byId(CREATE_RELINK_SESSION),
      variables: { accountId: customer.accounts[1] },
    });
    expect(created.errors).toBeUndefined();
    const sessionId = createdOf(created)?.relinkSession?.id;
    expect(sessionId).toMatch(/^fcsess_/);

    const outcome = await overSocket(client, {
      ...byId(RELINK_OUTCOME),
      variables: { id: sessionId },
    });
    expect(outcome.errors).toBeUndefined();
    expect(outcome.data?.relinkSession).toMatchObject({ status: expect.any(String) });
  });

  it.each(SHAPE_NAMES)("streams the accountDeactivated subscription, %s", async (shape) => {
    const subscriber = await createCustomer(stack, 1, 1);
    const socket = await liveClient(stack, subscriber.id);
    try {
      const live = await registered(stack.gateway, subscriber.id, () =>
        feedOf(socket, SHAPES[shape](ACCOUNT_DEACTIVATED)),
      );
      await control(stack, "POST", `/_sandbox/accounts/${subscriber.accounts[0]}/deactivate`, {});
      await live.changes.until(() => live.events[0], "the accountDeactivated event");
      expect(live.errors).toEqual([]);
      expect(live.events[0]).toMatchObject({
        accountDeactivated: { account: { id: subscriber.accounts[0] } },
      });
      live.stop();
    } finally {
      await socket.dispose();
    }
  });
});

describe("by id over SSE and multipart (the subscription transports without WebSocket)", () => {
  it.each(SHAPE_NAMES)(
    "streams accountDeactivated over graphql-sse and multipart, %s",
    async (shape) => {
      const subscriber = await createCustomer(stack, 1, 1);
      const token = await tokenFor(stack, subscriber.id);
      const byId = SHAPES[shape](ACCOUNT_DEACTIVATED);
      // graphql-sse's client (and server) want a string `query`: by id, an empty one beside it.
      const sse = (await registered(stack.gateway, subscriber.id, () =>
        sseFeed(stack, token, "", {}, byId),
      )) as HttpFeed<Record<string, unknown>>;
      const multipart = bodyText(await multipartRequest(stack, token, undefined, byId));
      await waitForSubscribers(stack.gateway, subscriber.id, 2);
      try {
        await control(stack, "POST", `/_sandbox/accounts/${subscriber.accounts[0]}/deactivate`, {});
        await sse.changes.until(() => sse.events[0], "the event over SSE");
        expect(sse.errors).toEqual([]);
        expect(sse.events[0]).toMatchObject({
          accountDeactivated: { account: { id: subscriber.accounts[0] } },
        });
        await multipart.changes.until(
          () => (multipart.text.includes(subscriber.accounts[0] as string) ? true : undefined),
          "the event over multipart",
        );
        expect(multipart.text).toContain('{"payload":{"data":{"accountDeactivated":');
      } finally {
        sse.stop();
        multipart.cancel();
      }
    },
  );

  it("refuses text over both before parsing: 403 TRUSTED_DOCUMENT_REQUIRED; an unknown id 400", async () => {
    const token = await tokenFor(stack, customer.id);
    const text = "subscription { accountDeactivated { eventId } }";
    const refusedSse = sseFeed(stack, token, text);
    await refusedSse.changes.until(() => refusedSse.errors[0], "the SSE refusal");
    const sseResponse = (refusedSse.errors[0] as { response: Response }).response;
    expect([sseResponse.status, ...codes((await sseResponse.json()) as Answer)]).toEqual([
      403,
      "TRUSTED_DOCUMENT_REQUIRED",
    ]);
    const refusedMultipart = await multipartRequest(stack, token, text);
    expect([refusedMultipart.status, ...codes((await refusedMultipart.json()) as Answer)]).toEqual([
      403,
      "TRUSTED_DOCUMENT_REQUIRED",
    ]);
    const unknown = await multipartRequest(stack, token, undefined, { documentId: UNKNOWN_ID });
    expect([unknown.status, ...codes((await unknown.json()) as Answer)]).toEqual([
      400,
      "PERSISTED_QUERY_NOT_FOUND",
    ]);
  });
});

describe("anything else is refused before parsing", () => {
  const adHoc = "query Mine { accounts(first: 1) { nodes { id } } }";
  const notGraphql = "query Broken { accounts(first: ";

  it("over HTTP: text, even the manifest's own or invalid, 403 TRUSTED_DOCUMENT_REQUIRED; an unknown id 400 PERSISTED_QUERY_NOT_FOUND", async () => {
    for (const query of [adHoc, notGraphql, MANIFEST[ACCOUNT_HEALTH] as string]) {
      const answer = await post({ query });
      expect({ status: answer.status, codes: codes(answer), data: answer.data }).toEqual({
        status: 403,
        codes: ["TRUSTED_DOCUMENT_REQUIRED"],
        data: undefined,
      });
    }
    // Before authentication too: nothing of it is parsed for anonymous introspection either.
    const anonymous = await post({ query: "{ __schema { types { name } } }" }, { anonymous: true });
    expect([anonymous.status, ...codes(anonymous)]).toEqual([403, "TRUSTED_DOCUMENT_REQUIRED"]);
    // Apollo's registration retry (text beside its hash) is text: refused the same.
    const register = await post({
      query: adHoc,
      ...SHAPES["Apollo (extensions.persistedQuery)"](documentHash(adHoc)),
    });
    expect([register.status, ...codes(register)]).toEqual([403, "TRUSTED_DOCUMENT_REQUIRED"]);
    const viaGet = await get({ query: notGraphql });
    expect([viaGet.status, ...codes(viaGet)]).toEqual([403, "TRUSTED_DOCUMENT_REQUIRED"]);
    const nothing = await post({ variables: {} });
    expect([nothing.status, ...codes(nothing)]).toEqual([403, "TRUSTED_DOCUMENT_REQUIRED"]);

    for (const shape of SHAPE_NAMES) {
      const unknown = await post(SHAPES[shape](UNKNOWN_ID));
      expect([unknown.status, ...codes(unknown)]).toEqual([400, "PERSISTED_QUERY_NOT_FOUND"]);
      const unknownByGet = await get(SHAPES[shape](UNKNOWN_ID));
      expect([unknownByGet.status, ...codes(unknownByGet)]).toEqual([
        400,
        "PERSISTED_QUERY_NOT_FOUND",
      ]);
    }
  });

  it("over WebSocket: text, even invalid, TRUSTED_DOCUMENT_REQUIRED; an unknown id PERSISTED_QUERY_NOT_FOUND", async () => {
    const client = await liveClient(stack, customer.id);
    try {
      for (const query of [adHoc, notGraphql, "subscription { accountDeactivated { eventId } }"]) {
        const answer = await overSocket(client, { query });
        expect({ codes: codes(answer), data: answer.data }).toEqual({
          codes: ["TRUSTED_DOCUMENT_REQUIRED"],
          data: undefined,
        });
      }
      for (const shape of SHAPE_NAMES) {
        const unknown = await overSocket(client, SHAPES[shape](UNKNOWN_ID));
        expect(codes(unknown)).toEqual(["PERSISTED_QUERY_NOT_FOUND"]);
      }
      // The socket stays usable: a refusal ends one operation, not the connection.
      const health = await overSocket(client, { documentId: ACCOUNT_HEALTH });
      expect(health.errors).toBeUndefined();
    } finally {
      await client.dispose();
    }
  });

  it("accepts the GraphQL-over-HTTP spec's prefixed id (sha256:<hex>) as the same document", async () => {
    const answer = await post({ documentId: `sha256:${ACCOUNT_HEALTH}` });
    expect(answer.errors).toBeUndefined();
    expect(accountIdsOf(answer)).toEqual([...customer.accounts].sort());
  });
});

describe("TRUSTED_DOCUMENTS_ALLOW_ADHOC=true (development)", () => {
  it("runs documents sent as text beside the manifest's, which still run by id", async () => {
    const gateway = await startAnotherGateway(stack, {
      TRUSTED_DOCUMENTS: MANIFEST_PATH,
      TRUSTED_DOCUMENTS_ALLOW_ADHOC: "true",
    });
    try {
      const url = gateway.url;
      const text = await post({ query: "{ accounts(first: 1) { nodes { id } } }" }, { url });
      expect(text.errors).toBeUndefined();
      const byId = await post({ documentId: ACCOUNT_HEALTH }, { url });
      expect(byId.errors).toBeUndefined();
      const unknown = await post({ documentId: UNKNOWN_ID }, { url });
      expect(codes(unknown)).toEqual(["PERSISTED_QUERY_NOT_FOUND"]);
      const mismatch = await post({ documentId: ACCOUNT_HEALTH, query: "{ __typename }" }, { url });
      expect([mismatch.status, ...codes(mismatch)]).toEqual([400, "BAD_REQUEST"]);
    } finally {
      await gateway.close();
    }
  });
});
