/**
 * One pipeline, four transports: the same operations sent over HTTP, WebSocket (graphql-ws),
 * Server-Sent Events (graphql-sse, /graphql/stream) and, for subscriptions, Apollo's multipart
 * HTTP protocol get the same codes and messages, the same operation log line (but for
 * `transport`) and the same metric increments. Each row states what every transport answers;
 * where a transport cannot do the same (plain HTTP serves no subscriptions; a WebSocket
 * authenticates once, at connection_init), the row says what that transport answers instead.
 * SSE and multipart answer a refusal as HTTP does (its status and errors), before any stream.
 */
import { createClient as createSseClient, NetworkError } from "graphql-sse";
import { type Client, createClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { graphql, LogSink, startStack, type TestStack, tokenFor } from "../support/gateway.js";
import { waitForSubscribers } from "../support/live.js";
import { control, createCustomer, type SandboxCustomer } from "../support/sandbox-control.js";
import { eventually } from "../support/wait.js";

/** Small limits, so that each "over a limit" row is over exactly one of them. */
const ENV = {
  GRAPHQL_MAX_DEPTH: "4",
  GRAPHQL_MAX_ALIASES: "3",
  GRAPHQL_MAX_DIRECTIVES: "2",
  GRAPHQL_MAX_TOKENS: "40",
  GRAPHQL_MAX_COST: "111",
  RATE_LIMIT_COST_PER_MINUTE: "300",
  GRAPHQL_MAX_VALIDATION_WORK: "500",
};

/** 1 (accounts) + 10 (a Stripe read) + 50 × (nodes + id) = 111: the cost limit exactly. */
const AT_COST_LIMIT = "{ accounts(first: 50) { nodes { id } } }";
const ACCOUNT_ROUTE = "GET /v1/financial_connections/accounts/{account}";

type Transport = "http" | "ws" | "sse" | "multipart";

/** What either transport answered, in one shape. */
interface Answer {
  /** HTTP status (HTTP, SSE and multipart). */
  status?: number;
  /** The close code, when the socket was closed instead of answering (WebSocket only). */
  closed?: number;
  data: unknown;
  errors: { message: string; code: unknown }[];
}

/** The operation's "graphql operation" log line, the fields both transports share. */
interface Line {
  operation: string | null;
  type: string | null;
  errorCodes: string[];
  /** Stripe calls it made; 0 unless given. */
  stripeCalls?: number;
}

/** What one row expects from a transport. */
interface Expected {
  answer: Answer;
  line: Line;
  /** Increments of fc_gateway_graphql_* series, labels without `transport`. */
  metrics: Record<string, number>;
}

interface Row {
  name: string;
  query: string;
  operationName?: string;
  variables?: (customer: SandboxCustomer) => Record<string, unknown>;
  /** Sends no credentials at all. */
  anonymous?: boolean;
  /** Runs as a subscription (WebSocket, SSE, multipart): waits for one event, then stops. */
  subscription?: boolean;
  /** A subscription document that is refused: it runs over multipart too. */
  refusedSubscription?: boolean;
  /** Done before the operation (and before metrics are read). */
  setup?: (customer: SandboxCustomer) => Promise<void>;
  /** Every transport, unless `http`/`ws`/`sse`/`multipart` say otherwise. */
  expected: Expected;
  http?: Partial<Expected>;
  ws?: Partial<Expected>;
  sse?: Partial<Expected>;
  multipart?: Partial<Expected>;
}

/** The metric increments of one operation that ran, or was refused, with these labels. */
function counted(type: string, name: string, codes: string[] = []): Record<string, number> {
  const increments: Record<string, number> = {
    [`fc_gateway_graphql_operations_total{type="${type}",name="${name}"}`]: 1,
    [`fc_gateway_graphql_operation_duration_seconds_count{type="${type}"}`]: 1,
  };
  for (const code of codes) {
    const key = `fc_gateway_graphql_errors_total{code="${code}"}`;
    increments[key] = (increments[key] ?? 0) + 1;
  }
  return increments;
}

/** An operation refused before it ran: one error, no data. */
function refused(
  status: number,
  code: string,
  message: string,
  line: Line,
  labelType = line.type ?? "unknown",
): Expected {
  return {
    answer: { status, data: null, errors: [{ message, code }] },
    line,
    metrics: counted(labelType, "invalid", [code]),
  };
}

const UNAUTHENTICATED_MESSAGE = "Authentication required: send `Authorization: Bearer <token>`.";

const ROWS: Row[] = [
  {
    name: "a valid query",
    query: "query Valid { accounts(first: 1) { nodes { id } } }",
    expected: {
      answer: {
        status: 200,
        data: { accounts: { nodes: [{ id: expect.stringMatching(/^fca_/) }] } },
        errors: [],
      },
      line: { operation: "Valid", type: "query", errorCodes: [], stripeCalls: 1 },
      metrics: counted("query", "Valid"),
    },
  },
  {
    name: "a valid subscription (HTTP serves none: 400 BAD_REQUEST, not run, not charged)",
    query: "subscription Watch { accountDeactivated { eventId } }",
    subscription: true,
    expected: {
      answer: {
        status: 200,
        data: { accountDeactivated: { eventId: expect.stringMatching(/^evt_/) } },
        errors: [],
      },
      line: { operation: "Watch", type: "subscription", errorCodes: [] },
      metrics: counted("subscription", "Watch"),
    },
    http: refused(
      400,
      "BAD_REQUEST",
      'Subscriptions are not served over HTTP: use graphql-ws (graphql-transport-ws) on /graphql, graphql-sse on /graphql/stream, or multipart HTTP (Accept: multipart/mixed;subscriptionSpec="1.0") on /graphql.',
      { operation: "Watch", type: "subscription", errorCodes: ["BAD_REQUEST"] },
    ),
  },
  {
    name: "a subscription over the depth limit",
    query:
      "subscription DeepWatch { accountDeactivated { account { authorization { health { state } } } } }",
    refusedSubscription: true,
    expected: refused(
      400,
      "GRAPHQL_VALIDATION_FAILED",
      "Query depth limit of 4 exceeded, found 5.",
      { operation: null, type: null, errorCodes: ["GRAPHQL_VALIDATION_FAILED"] },
    ),
  },
  {
    name: "an unauthenticated subscription (WebSocket: closed with 4403 at connection_init)",
    query: "subscription AnonymousWatch { accountDeactivated { eventId } }",
    anonymous: true,
    refusedSubscription: true,
    expected: {
      answer: {
        status: 401,
        data: null,
        errors: [{ message: UNAUTHENTICATED_MESSAGE, code: "UNAUTHENTICATED" }],
      },
      line: { operation: "AnonymousWatch", type: null, errorCodes: ["UNAUTHENTICATED"] },
      metrics: counted("unknown", "unauthenticated", ["UNAUTHENTICATED"]),
    },
    ws: {
      answer: { closed: 4403, data: null, errors: [] },
      line: { operation: null, type: null, errorCodes: ["UNAUTHENTICATED"] },
    },
  },
  {
    name: "a subscription with bad variables (HTTP: 400 BAD_REQUEST, a subscription)",
    query: "subscription WatchOne($id: ID!) { accountDeactivated(accountId: $id) { eventId } }",
    refusedSubscription: true,
    expected: refused(
      400,
      "BAD_USER_INPUT",
      'Variable "$id" of required type "ID!" was not provided.',
      { operation: "WatchOne", type: "subscription", errorCodes: ["BAD_USER_INPUT"] },
    ),
    http: refused(
      400,
      "BAD_REQUEST",
      'Subscriptions are not served over HTTP: use graphql-ws (graphql-transport-ws) on /graphql, graphql-sse on /graphql/stream, or multipart HTTP (Accept: multipart/mixed;subscriptionSpec="1.0") on /graphql.',
      { operation: "WatchOne", type: "subscription", errorCodes: ["BAD_REQUEST"] },
    ),
  },
  {
    name: "a parse error",
    query: "query Broken {",
    expected: refused(400, "GRAPHQL_PARSE_FAILED", "Syntax Error: Expected Name, found <EOF>.", {
      operation: null,
      type: null,
      errorCodes: ["GRAPHQL_PARSE_FAILED"],
    }),
  },
  {
    name: "a validation error (an unknown field)",
    query: "query Typo { acounts { nodes { id } } }",
    expected: refused(
      400,
      "GRAPHQL_VALIDATION_FAILED",
      'Cannot query field "acounts" on type "Query". Did you mean "accounts" or "account"?',
      { operation: null, type: null, errorCodes: ["GRAPHQL_VALIDATION_FAILED"] },
    ),
  },
  {
    name: "over the depth limit",
    query: "query Deep { accounts(first: 1) { nodes { authorization { health { state } } } } }",
    expected: refused(
      400,
      "GRAPHQL_VALIDATION_FAILED",
      "Query depth limit of 4 exceeded, found 5.",
      { operation: null, type: null, errorCodes: ["GRAPHQL_VALIDATION_FAILED"] },
    ),
  },
  {
    name: "over the aliases limit",
    query: "query Aliased { a: __typename b: __typename c: __typename d: __typename }",
    expected: refused(400, "GRAPHQL_VALIDATION_FAILED", "Aliases limit of 3 exceeded, found 4.", {
      operation: null,
      type: null,
      errorCodes: ["GRAPHQL_VALIDATION_FAILED"],
    }),
  },
  {
    name: "over the directives limit",
    query:
      "query Directed { accounts(first: 1) { nodes { id @include(if: true) status @skip(if: false) displayName @include(if: true) } } }",
    expected: refused(
      400,
      "GRAPHQL_VALIDATION_FAILED",
      "Directives limit of 2 exceeded, found 3.",
      { operation: null, type: null, errorCodes: ["GRAPHQL_VALIDATION_FAILED"] },
    ),
  },
  {
    name: "over the tokens limit",
    query: `{ ${"__typename ".repeat(39)}}`,
    expected: refused(
      400,
      "GRAPHQL_PARSE_FAILED",
      "Syntax Error: Document contains more that 40 tokens. Parsing aborted.",
      { operation: null, type: null, errorCodes: ["GRAPHQL_PARSE_FAILED"] },
    ),
  },
  {
    name: "over the cost limit",
    query: "query Costly { accounts(first: 50) { nodes { id } } __typename }",
    expected: refused(
      400,
      "GRAPHQL_VALIDATION_FAILED",
      "Query cost limit of 111 exceeded, found 112.",
      { operation: "Costly", type: "query", errorCodes: ["GRAPHQL_VALIDATION_FAILED"] },
    ),
  },
  {
    name: "unauthenticated (HTTP: 401; WebSocket: closed with 4403 at connection_init)",
    query: "query Anonymous { accounts(first: 1) { nodes { id } } }",
    anonymous: true,
    expected: {
      answer: {
        status: 401,
        data: null,
        errors: [{ message: UNAUTHENTICATED_MESSAGE, code: "UNAUTHENTICATED" }],
      },
      // Refused before anything but parsing: the name it gave is logged, its type is unknown.
      line: { operation: "Anonymous", type: null, errorCodes: ["UNAUTHENTICATED"] },
      metrics: counted("unknown", "unauthenticated", ["UNAUTHENTICATED"]),
    },
    // The socket is refused before any operation is sent: no name either.
    ws: {
      answer: { closed: 4403, data: null, errors: [] },
      line: { operation: null, type: null, errorCodes: ["UNAUTHENTICATED"] },
    },
  },
  {
    name: "bad variables",
    query: "query Filtered($f: AccountFilter) { accounts(filter: $f) { nodes { id } } }",
    variables: () => ({ f: { status: ["ACTIV"] } }),
    expected: refused(
      400,
      "BAD_USER_INPUT",
      'Variable "$f" got invalid value "ACTIV" at "f.status[0]"; Value "ACTIV" does not exist in "AccountStatus" enum. Did you mean the enum value "ACTIVE" or "INACTIVE"?',
      { operation: "Filtered", type: "query", errorCodes: ["BAD_USER_INPUT"] },
    ),
  },
  {
    name: "over the rate limit budget",
    query: "query Dear { accounts(first: 50) { nodes { id } } }",
    // 300 − 2 × 111 leaves 78, less than the 111 this operation costs.
    setup: async (customer) => {
      for (let i = 0; i < 2; i++) {
        const spent = await graphql(stackOf(), AT_COST_LIMIT, {}, customer.id);
        expect(spent.errors).toBeUndefined();
      }
    },
    expected: refused(
      429,
      "RATE_LIMITED",
      "Cost budget exhausted: this operation costs 111 and 78 is left until <time>.",
      { operation: "Dear", type: "query", errorCodes: ["RATE_LIMITED"] },
    ),
  },
  {
    name: "over the validation-work limit (refused before graphql-js validates it)",
    // 38 same-named fields: 38 + 703 pairs = 741 units of validation work, over 500, in 40 tokens.
    query: `{ ${"__typename ".repeat(38)}}`,
    expected: refused(
      400,
      "DOCUMENT_TOO_COMPLEX",
      "The document needs more validation work than the limit of 500: fewer fields with the same name at one level, or fewer overlapping fragments.",
      { operation: null, type: null, errorCodes: ["DOCUMENT_TOO_COMPLEX"] },
    ),
  },
  {
    name: "a spent budget (refused documents included) refuses before parsing",
    // Not even parsed: a parse error would say GRAPHQL_PARSE_FAILED.
    query: "query Broken {",
    // 300 = 2 × 111 + 77 (an admitted query) + 1 (a document that does not validate, charged
    // like one that ran): the budget is spent to its last point.
    setup: async (customer) => {
      for (let i = 0; i < 2; i++) {
        const spent = await graphql(stackOf(), AT_COST_LIMIT, {}, customer.id);
        expect(spent.errors).toBeUndefined();
      }
      const rest = await graphql(
        stackOf(),
        "{ accounts(first: 33) { nodes { id } } }",
        {},
        customer.id,
      );
      expect(rest.errors).toBeUndefined();
      const invalid = await graphql(stackOf(), "{ nope }", {}, customer.id);
      expect(invalid.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    },
    expected: refused(429, "RATE_LIMITED", "Cost budget exhausted until <time>.", {
      operation: null,
      type: null,
      errorCodes: ["RATE_LIMITED"],
    }),
  },
  {
    name: "an upstream failure (the sandbox answers 500)",
    // refresh: the account is read from Stripe (which fails), not from the read model.
    query: "query Upstream($id: ID!) { account(id: $id, refresh: true) { id } }",
    variables: (customer) => ({ id: customer.accounts[0] }),
    setup: async () => {
      await control(stackOf(), "POST", "/_sandbox/faults", {
        status: 500,
        count: 1,
        route: ACCOUNT_ROUTE,
      });
    },
    expected: {
      answer: {
        status: 200,
        data: { account: null },
        errors: [
          {
            message: "Stripe is unavailable right now; retry shortly.",
            code: "UPSTREAM_UNAVAILABLE",
          },
        ],
      },
      line: {
        operation: "Upstream",
        type: "query",
        errorCodes: ["UPSTREAM_UNAVAILABLE"],
        stripeCalls: 1,
      },
      metrics: counted("query", "Upstream", ["UPSTREAM_UNAVAILABLE"]),
    },
  },
  {
    name: "an operationName the document does not hold",
    query: "query Present { __typename }",
    operationName: "Absent",
    expected: refused(400, "OPERATION_RESOLUTION_FAILURE", 'Unknown operation named "Absent".', {
      operation: null,
      type: null,
      errorCodes: ["OPERATION_RESOLUTION_FAILURE"],
    }),
  },
];

const logs = new LogSink();
let stack: TestStack;
const stackOf = () => stack;

beforeAll(async () => {
  stack = await startStack({ env: ENV, logSink: logs });
});
afterAll(() => stack.close());

/** ISO times in messages (the budget's reset) differ between customers. */
const withoutTimes = (message: string) =>
  message.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, "<time>");

const errorsOf = (errors: { message: string; extensions?: { code?: unknown } }[] | undefined) =>
  (errors ?? []).map((error) => ({
    message: withoutTimes(error.message),
    code: error.extensions?.code,
  }));

/** Sends the row's operation over HTTP, as `customer` unless the row is anonymous. */
async function overHttp(row: Row, customer: SandboxCustomer): Promise<Answer> {
  const authorization: Record<string, string> = row.anonymous
    ? {}
    : { authorization: `Bearer ${await tokenFor(stack, customer.id)}` };
  const response = await fetch(`${stack.gateway.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...authorization },
    body: JSON.stringify({
      query: row.query,
      variables: row.variables?.(customer) ?? {},
      ...(row.operationName === undefined ? {} : { operationName: row.operationName }),
    }),
  });
  const body = (await response.json()) as {
    data?: unknown;
    errors?: { message: string; extensions?: { code?: unknown } }[];
  };
  return { status: response.status, data: body.data ?? null, errors: errorsOf(body.errors) };
}

/** Opens a socket and sends connection_init without a token; resolves with the close code. */
async function anonymousSocket(): Promise<number> {
  const socket = new WebSocket(
    `${stack.gateway.url.replace("http", "ws")}/graphql`,
    "graphql-transport-ws",
  );
  const closed = new Promise<number>((resolve) => socket.on("close", (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  socket.send(JSON.stringify({ type: "connection_init", payload: {} }));
  return closed;
}

/** Subscribes, makes the sandbox emit one event for the customer, and stops after it arrives. */
async function subscribeForOneEvent(
  client: Client,
  row: Row,
  customer: SandboxCustomer,
): Promise<Answer> {
  const received: Answer[] = [];
  const failures: unknown[] = [];
  const stop = client.subscribe(
    { query: row.query },
    {
      next: (result) =>
        received.push({ data: result.data ?? null, errors: errorsOf([...(result.errors ?? [])]) }),
      error: (error) => failures.push(error),
      complete: () => {},
    },
  );
  await waitForSubscribers(stack.gateway, customer.id, 1, { failed: () => failures[0] }).catch(
    () => {},
  );
  if (failures.length > 0) return { data: null, errors: errorsOf(failures as never) };
  await control(stack, "POST", `/_sandbox/accounts/${customer.accounts[0]}/deactivate`, {});
  await eventually(() => received.length > 0, 5_000, "the event");
  stop();
  return received[0] as Answer;
}

/** Sends the row's operation over graphql-ws, as `customer` unless the row is anonymous. */
async function overWebSocket(row: Row, customer: SandboxCustomer): Promise<Answer> {
  if (row.anonymous) return { closed: await anonymousSocket(), data: null, errors: [] };
  const client = createClient({
    url: `${stack.gateway.url.replace("http", "ws")}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${await tokenFor(stack, customer.id)}` },
    retryAttempts: 0,
    lazy: true,
  });
  try {
    if (row.subscription) return await subscribeForOneEvent(client, row, customer);
    return await new Promise<Answer>((resolve, reject) => {
      let answer: Answer = { data: null, errors: [] };
      client.subscribe(
        {
          query: row.query,
          variables: row.variables?.(customer) ?? {},
          ...(row.operationName === undefined ? {} : { operationName: row.operationName }),
        },
        {
          next: (result) => {
            answer = { data: result.data ?? null, errors: errorsOf([...(result.errors ?? [])]) };
          },
          error: (error) => {
            if (Array.isArray(error)) resolve({ data: null, errors: errorsOf(error) });
            else reject(error);
          },
          complete: () => resolve(answer),
        },
      );
    });
  } finally {
    await client.dispose();
  }
}

/** The row's request body, as every HTTP-borne transport sends it. */
const requestOf = (row: Row, customer: SandboxCustomer) => ({
  query: row.query,
  variables: row.variables?.(customer) ?? {},
  ...(row.operationName === undefined ? {} : { operationName: row.operationName }),
});

const credentials = async (row: Row, customer: SandboxCustomer): Promise<Record<string, string>> =>
  row.anonymous ? {} : { authorization: `Bearer ${await tokenFor(stack, customer.id)}` };

type Body = { data?: unknown; errors?: { message: string; extensions?: { code?: unknown } }[] };

/** A refusal answered before any stream: its status and JSON errors. */
const refusal = async (response: globalThis.Response): Promise<Answer> => {
  const body = (await response.json()) as Body;
  return { status: response.status, data: body.data ?? null, errors: errorsOf(body.errors) };
};

/** Resolves with the row's answer once `received` holds one, deactivating the account first. */
async function oneEvent(
  customer: SandboxCustomer,
  received: () => Answer | undefined,
  failed: () => unknown,
): Promise<Answer | undefined> {
  await waitForSubscribers(stack.gateway, customer.id, 1, { failed }).catch(() => {});
  if (failed() !== undefined) return undefined;
  await control(stack, "POST", `/_sandbox/accounts/${customer.accounts[0]}/deactivate`, {});
  await eventually(() => received() !== undefined, 5_000, "the event");
  return received();
}

/** Sends the row's operation with The Guild's graphql-sse client (distinct connections). */
async function overSse(row: Row, customer: SandboxCustomer): Promise<Answer> {
  const client = createSseClient({
    url: `${stack.gateway.url}/graphql/stream`,
    singleConnection: false,
    headers: await credentials(row, customer),
    retryAttempts: 0,
  });
  const results: Answer[] = [];
  let failure: unknown;
  let completed = false;
  const stop = client.subscribe(requestOf(row, customer), {
    next: (result) =>
      results.push({
        status: 200,
        data: result.data ?? null,
        errors: errorsOf([...(result.errors ?? [])] as never),
      }),
    error: (error) => {
      failure = error;
    },
    complete: () => {
      completed = true;
    },
  });
  try {
    if (row.subscription) {
      const answer = await oneEvent(
        customer,
        () => results[0],
        () => failure,
      );
      if (answer) return answer;
    } else {
      await eventually(() => completed || failure !== undefined, 5_000, "the answer");
    }
    if (failure instanceof NetworkError && failure.response) return refusal(failure.response);
    if (failure !== undefined) throw failure;
    return results.at(-1) ?? { status: 200, data: null, errors: [] };
  } finally {
    // A stream the server ended or refused needs no stopping (the client throws when asked to).
    if (!completed && failure === undefined) {
      stop();
      client.dispose();
    }
  }
}

/** The JSON of each part of a multipart body received so far, heartbeats (`{}`) left out. */
const partsOf = (text: string) =>
  text
    .split("\r\n--graphql")
    .map((part) => part.slice(part.indexOf("\r\n\r\n") + 4))
    .filter((json) => json.startsWith("{") && json !== "{}")
    .map((json) => JSON.parse(json) as { payload: Body | null; errors?: Body["errors"] });

/** Sends the row's subscription with Apollo's multipart HTTP protocol (what HttpLink sends). */
async function overMultipart(row: Row, customer: SandboxCustomer): Promise<Answer> {
  const leave = new AbortController();
  const response = await fetch(`${stack.gateway.url}/graphql`, {
    signal: leave.signal,
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: 'multipart/mixed;subscriptionSpec="1.0", application/json',
      ...(await credentials(row, customer)),
    },
    body: JSON.stringify(requestOf(row, customer)),
  });
  if (!response.headers.get("content-type")?.startsWith("multipart/mixed")) {
    return refusal(response);
  }
  let text = "";
  const reading = (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      text += decoder.decode(chunk, { stream: true });
    }
  })().catch(() => {});
  try {
    const first = () => {
      const part = partsOf(text)[0];
      if (!part) return undefined;
      const body = part.payload ?? { errors: part.errors };
      return { status: response.status, data: body.data ?? null, errors: errorsOf(body.errors) };
    };
    return (await oneEvent(customer, first, () => undefined)) as Answer;
  } finally {
    leave.abort();
    await reading;
  }
}

/** Every fc_gateway_graphql_* sample, keyed by name and labels without `transport`, summed. */
function graphqlSamples(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split("\n")) {
    const match = /^(fc_gateway_graphql_[a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1]?.endsWith("_bucket") || match[1]?.endsWith("_sum")) continue;
    const labels = [...(match[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)]
      .filter((label) => label[1] !== "transport")
      .map((label) => `${label[1]}="${label[2]}"`)
      .join(",");
    const key = `${match[1]}{${labels}}`;
    samples.set(key, (samples.get(key) ?? 0) + Number(match[3]));
  }
  return samples;
}

const readMetrics = async () =>
  graphqlSamples(await (await fetch(`${stack.gateway.url}/metrics`)).text());

/** What changed between two readings: only the series that moved. */
function increments(before: Map<string, number>, after: Map<string, number>) {
  const moved: Record<string, number> = {};
  for (const [key, value] of after) {
    const delta = value - (before.get(key) ?? 0);
    if (delta !== 0) moved[key] = delta;
  }
  return moved;
}

interface LoggedLine extends Line {
  msg: string;
  transport: string;
}

/** The operation lines written since line `from`. */
const operationLinesSince = (from: number) =>
  logs.lines
    .slice(from)
    .map((text) => JSON.parse(text) as LoggedLine)
    .filter((line) => line.msg === "graphql operation");

/** Runs the row over one transport and observes its answer, its log line and its metrics. */
async function observe(row: Row, transport: Transport) {
  const customer = await createCustomer(stack, 1, 1);
  await row.setup?.(customer);
  const metricsBefore = await readMetrics();
  const linesBefore = logs.lines.length;
  const send = { http: overHttp, ws: overWebSocket, sse: overSse, multipart: overMultipart };
  const answer = await send[transport](row, customer);
  // The line is written before the answer's last message leaves; a subscription's once it stops.
  await eventually(() => operationLinesSince(linesBefore).length > 0, 3_000, "a log line").catch(
    () => {},
  );
  const lines = operationLinesSince(linesBefore);
  return {
    answer,
    lines: lines.map(({ transport: via, operation, type, errorCodes, stripeCalls }) => ({
      transport: via,
      operation,
      type,
      errorCodes,
      stripeCalls,
    })),
    metrics: increments(metricsBefore, await readMetrics()),
  };
}

const expectedOf = (row: Row, transport: Transport): Expected => ({
  ...row.expected,
  ...row[transport],
});

/** Where a row runs: every transport; multipart (subscriptions only) for subscription rows. */
const transportsOf = (row: Row): Transport[] =>
  row.subscription || row.refusedSubscription
    ? ["http", "ws", "sse", "multipart"]
    : ["http", "ws", "sse"];

describe.each(ROWS.map((row) => [row.name, row] as const))("%s", (_name, row) => {
  it.each(transportsOf(row))("over %s", async (transport) => {
    const expected = expectedOf(row, transport);
    const observed = await observe(row, transport);
    // A socket's answers have no HTTP status.
    const { status, ...withoutStatus } = expected.answer;
    const answer = transport === "ws" ? withoutStatus : expected.answer;
    expect.soft(observed.answer).toEqual(answer);
    expect.soft(observed.lines).toEqual([{ transport, stripeCalls: 0, ...expected.line }]);
    expect.soft(observed.metrics).toEqual(expected.metrics);
  });
});

describe("/metrics", () => {
  it("labels every GraphQL operation, duration and error series with its transport", async () => {
    const customer = await createCustomer(stack, 1, 1);
    const row = ROWS[0] as Row;
    await overHttp(row, customer);
    await overWebSocket(row, customer);
    const text = await (await fetch(`${stack.gateway.url}/metrics`)).text();
    for (const transport of ["http", "ws"]) {
      expect(text).toContain(
        `fc_gateway_graphql_operations_total{type="query",name="Valid",transport="${transport}"}`,
      );
      expect(text).toContain(
        `fc_gateway_graphql_operation_duration_seconds_count{type="query",transport="${transport}"}`,
      );
    }
    const series = text
      .split("\n")
      .filter((line) => /^fc_gateway_graphql_\w+\{/.test(line) && !line.includes("_bucket{"));
    expect(series.length).toBeGreaterThan(0);
    for (const line of series) expect(line).toMatch(/transport="(http|ws|sse|multipart)"/);
  });
});
