// The development sandbox panel: a GraphiQL plugin (a browser ES module, served as is; not
// bundled), loaded by /graphiql only in development with the embedded sandbox. It registers
// itself as `window.fcSandboxPanel.plugin`, which graphiql-client.js hands to GraphiQL.
//
// Everything goes to the gateway's own origin: `/graphiql/panel/token` mints a development token
// for the chosen customer, `/graphiql/panel/sandbox/...` forwards allow-listed calls to the
// sandbox's control API, `/graphiql/panel/starters` lists the examples' operations, and the
// gateway's view of the customer's accounts is an ordinary query on `/graphql`.
const { createElement: h, Fragment, useCallback, useEffect, useRef, useState } = window.React;
const { useEditorContext, useExecutionContext } = window.GraphiQL.React;

const API = "/graphiql/panel";
const CUSTOMER_KEY = "fc-gateway:panel-customer";
/** How often the event log is polled (the sandbox has no push channel to the browser). */
const EVENT_POLL_MS = 1000;
/**
 * How often both views are re-read without a new event or delivery (the Events API sweep catching
 * up). Each read of the gateway's view spends the customer's cost budget (RATE_LIMIT_COST_PER_MINUTE,
 * about 1,000 of it): rarely, so GraphiQL's own operations keep theirs.
 */
const VIEW_REFRESH_MS = 10_000;

const INACTIVE_CAUSES = [
  "access_expired",
  "access_denied",
  "account_closed",
  "account_unavailable",
  "institution_requirement",
  "unspecified",
];
const OUTCOMES = ["relinked", "new_authorization", "no_account", "no_authorization", "other"];

const GATEWAY_VIEW = `query SandboxPanelGatewayView {
  accounts(first: 50) {
    nodes { id displayName status health { state } authorization { id status } }
  }
}`;

/** A call to the panel's API; rejects with the answer's own message on a non-2xx. */
async function call(method, path, body) {
  const response = await fetch(`${API}${path}`, {
    method,
    headers:
      body === undefined
        ? { accept: "application/json" }
        : { accept: "application/json", "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await response.json();
  if (!response.ok) throw new Error(json?.error?.message ?? `HTTP ${response.status}`);
  return json;
}

/** The gateway's answer for the customer the token names: `Map<account id, account>`. */
async function gatewayView(token) {
  const response = await fetch("/graphql", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json",
      authorization: `Bearer ${token}`,
    },
    body: JSON.stringify({ query: GATEWAY_VIEW }),
  });
  const json = await response.json();
  if (json.errors?.length) throw new Error(`gateway: ${json.errors[0].message}`);
  return new Map(json.data.accounts.nodes.map((account) => [account.id, account]));
}

const lower = (value) => (typeof value === "string" ? value.toLowerCase() : value);
const shortType = (type) => String(type).replace(/^financial_connections\./, "");

/** Where the gateway's view of an account differs from the sandbox's (empty when they agree). */
function mismatchOf(sandboxAccount, gatewayAccount, sandboxAuthorization) {
  if (gatewayAccount === undefined) return "not in the gateway's answer";
  const problems = [];
  if (lower(gatewayAccount.status) !== sandboxAccount.status)
    problems.push(
      `status: gateway ${lower(gatewayAccount.status)}, sandbox ${sandboxAccount.status}`,
    );
  const gatewayAuthorization = lower(gatewayAccount.authorization?.status);
  if (sandboxAuthorization && gatewayAuthorization !== sandboxAuthorization.status)
    problems.push(
      `authorization: gateway ${gatewayAuthorization}, sandbox ${sandboxAuthorization.status}`,
    );
  return problems.join("; ");
}

/** The delivery of an event to the gateway, in a few words, and its HTTP answer. */
function deliveryOf(event) {
  const delivery = event.deliveries?.[0];
  if (delivery === undefined) return { status: "no webhook URL", code: "" };
  const words = {
    succeeded: "delivered",
    dropped: "dropped",
    failed: "failed",
    pending: "pending",
  };
  return {
    status: words[delivery.status] ?? delivery.status,
    code: delivery.last_status_code === null ? "" : String(delivery.last_status_code),
  };
}

function Section({ title, children, extra }) {
  return h(
    "section",
    { className: "fc-panel-section" },
    h("h3", null, title, extra ?? null),
    children,
  );
}

function Button({ label, onClick, disabled, title }) {
  return h(
    "button",
    { type: "button", className: "fc-panel-button", onClick, disabled, title },
    label,
  );
}

function SandboxPanel() {
  const editors = useEditorContext({ nonNull: true });
  const execution = useExecutionContext({ nonNull: true });
  const [customers, setCustomers] = useState([]);
  const [customerId, setCustomerId] = useState(() => localStorage.getItem(CUSTOMER_KEY) ?? "");
  const [token, setToken] = useState(undefined);
  const [overview, setOverview] = useState(undefined);
  const [gateway, setGateway] = useState(undefined);
  const [events, setEvents] = useState([]);
  const [webhookMode, setWebhookMode] = useState("deliver");
  const [starters, setStarters] = useState([]);
  const [cause, setCause] = useState("access_expired");
  const [newAccounts, setNewAccounts] = useState(2);
  const [newAuthorizations, setNewAuthorizations] = useState(1);
  const [message, setMessage] = useState("");
  const [busy, setBusy] = useState(false);
  const newestEvent = useRef(undefined);
  const latestExecution = useRef(execution);
  latestExecution.current = execution;

  const report = useCallback((error) => setMessage(String(error?.message ?? error)), []);

  const loadCustomers = useCallback(async () => {
    const list = await call("GET", "/sandbox/customers");
    setCustomers(list.data);
    return list.data;
  }, []);

  // Both views of the chosen customer, read together so they are compared at one moment.
  // An answer for a customer no longer chosen (a read still in flight at a switch) is dropped.
  const shownToken = useRef(undefined);
  shownToken.current = token;
  const refreshViews = useCallback(async () => {
    if (!customerId || !token) return;
    const [sandboxView, gatewayAccounts] = await Promise.all([
      call("GET", `/sandbox/customers/${encodeURIComponent(customerId)}/overview`),
      gatewayView(token),
    ]);
    if (shownToken.current !== token) return;
    setOverview(sandboxView);
    setGateway(gatewayAccounts);
  }, [customerId, token]);

  useEffect(() => {
    loadCustomers().catch(report);
    call("GET", "/starters")
      .then((answer) => setStarters(answer.starters))
      .catch(report);
    call("GET", "/sandbox/webhooks")
      .then((settings) => setWebhookMode(settings.mode))
      .catch(report);
  }, [loadCustomers, report]);

  // A fresh token whenever the customer changes; the next operation runs as that customer.
  useEffect(() => {
    setToken(undefined);
    setOverview(undefined);
    setGateway(undefined);
    if (!customerId) return;
    let current = true;
    call("POST", "/token", { customerId })
      .then((answer) => {
        if (!current) return;
        // A running operation (a subscription above all) was the previous customer's: stop it.
        const running = latestExecution.current;
        if (running.isSubscribed || running.isFetching) running.stop();
        editors.headerEditor?.setValue(
          JSON.stringify({ Authorization: `Bearer ${answer.token}` }, null, 2),
        );
        setToken(answer.token);
        setMessage("");
      })
      .catch(report);
    return () => {
      current = false;
    };
    // The editors' context changes identity on every render; the customer alone decides.
  }, [customerId]);

  useEffect(() => {
    refreshViews().catch(report);
    const timer = setInterval(() => refreshViews().catch(report), VIEW_REFRESH_MS);
    return () => clearInterval(timer);
  }, [refreshViews, report]);

  // An operation just finished in GraphiQL (a relink mutation, an account action): re-read both.
  const wasFetching = useRef(false);
  useEffect(() => {
    if (wasFetching.current && !execution.isFetching) refreshViews().catch(report);
    wasFetching.current = execution.isFetching;
  }, [execution.isFetching, refreshViews, report]);

  // The event log, polled; a new event, or a new delivery outcome (the gateway acknowledged it),
  // re-reads both views: they should now agree again.
  useEffect(() => {
    let stopped = false;
    const poll = async () => {
      try {
        const list = await call("GET", "/sandbox/events?limit=40");
        if (stopped) return;
        setEvents(list.data);
        const head = list.data
          .slice(0, 5)
          .map((event) => `${event.id}:${deliveryOf(event).status}`)
          .join(" ");
        if (head !== newestEvent.current) {
          newestEvent.current = head;
          refreshViews().catch(report);
        }
      } catch (error) {
        if (!stopped) report(error);
      }
    };
    void poll();
    const timer = setInterval(poll, EVENT_POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [refreshViews, report]);

  const act = async (path, body) => {
    setBusy(true);
    try {
      await call("POST", path, body ?? {});
      setMessage("");
      await refreshViews();
    } catch (error) {
      report(error);
    } finally {
      setBusy(false);
    }
  };

  const createNewCustomer = async () => {
    setBusy(true);
    try {
      const created = await call("POST", "/sandbox/customers", {
        accounts: Number(newAccounts),
        authorizations: Number(newAuthorizations),
      });
      await loadCustomers();
      localStorage.setItem(CUSTOMER_KEY, created.id);
      setCustomerId(created.id);
    } catch (error) {
      report(error);
    } finally {
      setBusy(false);
    }
  };

  const chooseCustomer = (id) => {
    localStorage.setItem(CUSTOMER_KEY, id);
    setCustomerId(id);
  };

  const insertStarter = (starter) => {
    const accounts = overview?.accounts ?? [];
    const relinkable = accounts.find((account) => account.status === "inactive") ?? accounts[0];
    const values = {
      accountId: relinkable?.id ?? "fca_…",
      id: overview?.relink_sessions?.[0]?.id ?? "fcsess_… (from the relink mutation)",
      first: 50,
    };
    const variables = Object.fromEntries(starter.variables.map((name) => [name, values[name]]));
    editors.queryEditor?.setValue(starter.document);
    // Named at once: a click on Run right after must not send the previous operation's name.
    editors.setOperationName?.(starter.name);
    editors.variableEditor?.setValue(
      starter.variables.length === 0 ? "" : JSON.stringify(variables, null, 2),
    );
  };

  const authorizationsById = new Map(
    (overview?.authorizations ?? []).map((authorization) => [authorization.id, authorization]),
  );
  const extraInGateway = gateway
    ? [...gateway.keys()].filter((id) => !(overview?.accounts ?? []).some((a) => a.id === id))
    : [];

  const accountRow = (account) => {
    const mine = gateway?.get(account.id);
    const mismatch = gateway
      ? mismatchOf(account, mine, authorizationsById.get(account.authorization))
      : "";
    const path = `/sandbox/accounts/${encodeURIComponent(account.id)}`;
    return h(
      "tr",
      {
        key: account.id,
        "data-account": account.id,
        className: mismatch ? "fc-panel-mismatch" : undefined,
        title: mismatch || undefined,
      },
      h(
        "td",
        null,
        h("div", null, account.display_name, " ", h("code", null, account.id)),
        mismatch && h("div", { className: "fc-panel-why" }, `≠ ${mismatch}`),
        h(
          "div",
          { className: "fc-panel-actions" },
          h(Button, {
            label: "deactivate",
            disabled: busy || account.status !== "active",
            title: `Deactivate with cause ${cause}`,
            onClick: () => act(`${path}/deactivate`, { cause }),
          }),
          h(Button, {
            label: "reactivate",
            disabled: busy || account.status !== "inactive",
            onClick: () => act(`${path}/reactivate`),
          }),
          h(Button, {
            label: "disconnect",
            disabled: busy || account.status === "disconnected",
            onClick: () => act(`${path}/disconnect`),
          }),
          h(Button, {
            label: "announce",
            title: "Announce an upcoming deactivation (in 7 days)",
            disabled: busy || account.status !== "active",
            onClick: () => act(`${path}/upcoming_deactivation`),
          }),
        ),
      ),
      h(
        "td",
        { "data-view": "gateway" },
        mine ? `${lower(mine.status)} · ${lower(mine.health.state)}` : "—",
      ),
      h(
        "td",
        { "data-view": "sandbox" },
        account.status,
        account.status_details?.active ? " · expiring" : "",
      ),
    );
  };

  const authorizationRow = (authorization) => {
    const firstActive = authorization.accounts
      .map((id) => overview.accounts.find((account) => account.id === id))
      .find((account) => account?.status === "active");
    return h(
      "li",
      { key: authorization.id, "data-authorization": authorization.id },
      h("code", null, authorization.id),
      ` ${authorization.institution_name} · ${authorization.status}`,
      authorization.status_details?.active ? " · expiring" : "",
      " ",
      h(Button, {
        label: "expire",
        title: "Expire the credentials: the authorization and all its accounts go inactive",
        disabled: busy || firstActive === undefined,
        onClick: () =>
          act(`/sandbox/accounts/${encodeURIComponent(firstActive.id)}/deactivate`, {
            cause: "access_expired",
          }),
      }),
    );
  };

  const sessionRow = (session) =>
    h(
      "li",
      { key: session.id, "data-session": session.id },
      h("code", null, session.id),
      " complete as ",
      ...OUTCOMES.map((outcome) =>
        h(Button, {
          key: outcome,
          label: outcome,
          disabled: busy,
          onClick: () =>
            act(`/sandbox/sessions/${encodeURIComponent(session.id)}/complete`, { outcome }),
        }),
      ),
    );

  return h(
    "div",
    { className: "fc-panel" },
    h("h2", null, "Sandbox (development)"),
    h(
      Section,
      { title: "Customer" },
      h(
        "select",
        {
          "aria-label": "Customer",
          value: customerId,
          onChange: (event) => chooseCustomer(event.target.value),
        },
        h("option", { value: "" }, "— choose a customer —"),
        customers.map((customer) =>
          h("option", { key: customer.id, value: customer.id, title: customer.id }, customer.name),
        ),
      ),
      h(
        "div",
        { className: "fc-panel-row" },
        "New customer with ",
        h("input", {
          type: "number",
          min: 0,
          max: 50,
          "aria-label": "New customer's accounts",
          value: newAccounts,
          onChange: (event) => setNewAccounts(event.target.value),
        }),
        " accounts on ",
        h("input", {
          type: "number",
          min: 1,
          max: 20,
          "aria-label": "New customer's authorizations",
          value: newAuthorizations,
          onChange: (event) => setNewAuthorizations(event.target.value),
        }),
        " authorizations ",
        h(Button, { label: "create", disabled: busy, onClick: createNewCustomer }),
      ),
      h(
        "div",
        { className: "fc-panel-note", "data-token-for": token ? customerId : "" },
        token
          ? `Authorization header set: a fresh 1-hour dev token for ${customerId}.`
          : "Choosing a customer fills GraphiQL's Authorization header.",
      ),
    ),
    h(
      Section,
      { title: "Starter operations" },
      h(
        "div",
        { className: "fc-panel-row fc-panel-starters" },
        starters.map((starter) =>
          h(Button, {
            key: starter.name,
            label: starter.label,
            title: `${starter.kind} ${starter.name} (from examples/)`,
            onClick: () => insertStarter(starter),
          }),
        ),
      ),
    ),
    overview &&
      h(
        Section,
        {
          title: "Accounts",
          extra: h(
            "span",
            null,
            h(Button, {
              label: "refresh",
              title: "Re-read both views now",
              onClick: () => refreshViews().catch(report),
            }),
            h(
              "label",
              { className: "fc-panel-cause" },
              " cause ",
              h(
                "select",
                {
                  "aria-label": "Deactivation cause",
                  value: cause,
                  onChange: (event) => setCause(event.target.value),
                },
                INACTIVE_CAUSES.map((value) => h("option", { key: value, value }, value)),
              ),
            ),
          ),
        },
        h(
          "table",
          { "aria-label": "Accounts" },
          h(
            "thead",
            null,
            h(
              "tr",
              null,
              h("th", null, "account"),
              h("th", null, "gateway"),
              h("th", null, "sandbox"),
            ),
          ),
          h(
            "tbody",
            null,
            overview.accounts.map(accountRow),
            extraInGateway.map((id) =>
              h(
                "tr",
                { key: id, className: "fc-panel-mismatch", "data-account": id },
                h(
                  "td",
                  { colSpan: 3 },
                  h("code", null, id),
                  " in the gateway's answer, not the sandbox's",
                ),
              ),
            ),
          ),
        ),
        overview.accounts.length === 0 && h("p", { className: "fc-panel-note" }, "No accounts."),
        h("h4", null, "Authorizations"),
        h("ul", { "aria-label": "Authorizations" }, overview.authorizations.map(authorizationRow)),
        overview.relink_sessions.length > 0 &&
          h(
            Fragment,
            null,
            h("h4", null, "Pending relink sessions"),
            h("ul", { "aria-label": "Relink sessions" }, overview.relink_sessions.map(sessionRow)),
          ),
      ),
    h(
      Section,
      {
        title: "Event log",
        extra: h(
          "label",
          { className: "fc-panel-cause" },
          h("input", {
            type: "checkbox",
            "aria-label": "Drop webhooks",
            checked: webhookMode === "drop",
            onChange: (event) =>
              call("POST", "/sandbox/webhooks", { mode: event.target.checked ? "drop" : "deliver" })
                .then((settings) => setWebhookMode(settings.mode))
                .catch(report),
          }),
          " drop webhooks",
        ),
      },
      webhookMode === "drop" &&
        h(
          "p",
          { className: "fc-panel-note" },
          "Webhooks are dropped: the gateway catches up through its Events API sweep.",
        ),
      h(
        "ol",
        { "aria-label": "Event log", className: "fc-panel-events" },
        events.map((event) => {
          const delivery = deliveryOf(event);
          return h(
            "li",
            {
              key: event.id,
              "data-event-id": event.id,
              "data-event-type": event.type,
              "data-delivery": delivery.status,
              className: delivery.status === "delivered" ? undefined : "fc-panel-undelivered",
            },
            h("span", { className: "fc-panel-event-type" }, shortType(event.type)),
            " ",
            h("code", null, event.data?.object?.id ?? ""),
            " ",
            h(
              "span",
              { className: "fc-panel-delivery" },
              delivery.status,
              delivery.code ? ` ${delivery.code}` : "",
            ),
            h("div", null, h("code", null, event.id)),
          );
        }),
      ),
    ),
    message && h("p", { className: "fc-panel-error", role: "alert" }, message),
  );
}

function PanelIcon() {
  return h(
    "svg",
    {
      viewBox: "0 0 24 24",
      width: 20,
      height: 20,
      fill: "none",
      stroke: "currentColor",
      strokeWidth: 1.5,
    },
    h("rect", { x: 3, y: 4, width: 18, height: 16, rx: 2 }),
    h("path", { d: "M3 9h18M8 13h3M8 16h6" }),
  );
}

window.fcSandboxPanel = {
  plugin: { title: "Sandbox", icon: PanelIcon, content: SandboxPanel },
};
