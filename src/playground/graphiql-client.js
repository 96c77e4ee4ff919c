// The self-hosted GraphiQL page's glue (a browser ES module, served as is; not bundled).
// Queries and mutations go over HTTP with the headers typed in GraphiQL's header editor;
// subscriptions go over graphql-ws, with the same Authorization header sent as
// connectionParams.authorization, one socket per distinct header, or, when "Subscriptions over"
// says Server-Sent Events (or the page was opened with ?transport=sse), over graphql-sse on
// /graphql/stream (one event stream per subscription, the Authorization header as typed).
import { createClient } from "./graphql-ws/client.js";

const DEFAULT_QUERY = `# Which of my linked accounts need attention, why, and what to do.
# Paste a token from \`npm start\` (or \`npm run token -- <customer id>\`) into Headers below.
query AccountHealth {
  accounts(first: 50) {
    nodes {
      id
      displayName
      institutionName
      status
      health { state cause action needsAttention message expectedDeactivationAt }
      authorization { id status }
    }
  }
}

# subscription Deactivations($after: String) {
#   accountDeactivated(after: $after) { cursor eventId occurredAt cause action account { id displayName health { state message } } }
# }
# Reconnecting? Pass the last event's cursor as {"after": "..."}: the events missed come first.
`;

const httpUrl = new URL("/graphql", window.location.href).toString();
const wsUrl = httpUrl.replace(/^http/, "ws");
const sseUrl = new URL("/graphql/stream", window.location.href).toString();
const sockets = new Map();

// Which transport subscriptions take: the select on the page, remembered in localStorage.
const TRANSPORT_KEY = "fc-gateway:subscription-transport";
const transportSelect = document.getElementById("subscription-transport");
const requested = new URLSearchParams(window.location.search).get("transport");
transportSelect.value = requested ?? localStorage.getItem(TRANSPORT_KEY) ?? "ws";
transportSelect.addEventListener("change", () => {
  localStorage.setItem(TRANSPORT_KEY, transportSelect.value);
});

function socketFor(authorization) {
  const key = authorization ?? "";
  if (!sockets.has(key)) {
    sockets.set(
      key,
      createClient({
        url: wsUrl,
        connectionParams: authorization ? { authorization } : {},
        lazy: true,
        retryAttempts: 3,
      }),
    );
  }
  return sockets.get(key);
}

function headerValue(headers, name) {
  for (const [key, value] of Object.entries(headers ?? {})) {
    if (key.toLowerCase() === name) return String(value);
  }
  return undefined;
}

function isSubscription(params) {
  const source = params.query ?? "";
  const operations = [...source.matchAll(/(^|\n)\s*(query|mutation|subscription)\s*(\w*)/g)];
  const chosen = params.operationName
    ? operations.find((match) => match[3] === params.operationName)
    : operations[0];
  return chosen?.[2] === "subscription";
}

function subscribeOverSse(params, authorization) {
  const client = window.graphqlSse.createClient({
    url: sseUrl,
    singleConnection: false,
    headers: authorization ? { authorization } : {},
    retryAttempts: 0,
  });
  return iterate(client, params);
}

function subscribeOverSocket(params, authorization) {
  return iterate(socketFor(authorization), params);
}

// `client` is graphql-ws's or graphql-sse's: both have subscribe(params, sink) → dispose.
function iterate(client, params) {
  // An async iterator GraphiQL consumes: each pushed result is shown as it arrives.
  const queue = [];
  let wake;
  let done = false;
  const dispose = client.subscribe(params, {
    next: (value) => {
      queue.push(value);
      wake?.();
    },
    error: (error) => {
      queue.push({ errors: [{ message: String(error?.reason ?? error?.message ?? error) }] });
      done = true;
      wake?.();
    },
    complete: () => {
      done = true;
      wake?.();
    },
  });
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next() {
      while (queue.length === 0 && !done)
        await new Promise((resolve) => {
          wake = resolve;
        });
      if (queue.length > 0) return { value: queue.shift(), done: false };
      return { value: undefined, done: true };
    },
    async return() {
      dispose();
      done = true;
      return { value: undefined, done: true };
    },
  };
}

async function fetcher(params, options) {
  const headers = options?.headers ?? {};
  if (isSubscription(params)) {
    const authorization = headerValue(headers, "authorization");
    return transportSelect.value === "sse"
      ? subscribeOverSse(params, authorization)
      : subscribeOverSocket(params, authorization);
  }
  const response = await fetch(httpUrl, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json", ...headers },
    body: JSON.stringify(params),
  });
  return response.json();
}

// The development sandbox panel, when the page loaded it (panel/panel-client.js): a plugin.
const panel = window.fcSandboxPanel;
const query = new URLSearchParams(window.location.search).get("query") ?? DEFAULT_QUERY;
const root = window.ReactDOM.createRoot(document.getElementById("graphiql"));
root.render(
  window.React.createElement(window.GraphiQL, {
    fetcher,
    defaultQuery: DEFAULT_QUERY,
    query,
    // With the panel, its customer switcher fills the header: no placeholder token to send.
    defaultHeaders: panel
      ? ""
      : JSON.stringify({ Authorization: "Bearer <token from npm start>" }, null, 2),
    headerEditorEnabled: true,
    shouldPersistHeaders: true,
    ...(panel ? { plugins: [panel.plugin], visiblePlugin: panel.plugin } : {}),
  }),
);
