/**
 * The one test client of the sandbox control API (`/_sandbox/*`): customers, account lifecycle,
 * relink sessions, request counts, faults, events and their delivery record, and the waits built
 * on that record. Works for any running sandbox: the contract harness's or a gateway stack's.
 */
import { z } from "zod";
import { pick } from "./stripe-json.js";
import { DEFAULT_WAIT_MS, waitFor } from "./wait.js";

const customerSchema = z.object({
  id: z.string(),
  name: z.string().nullable().optional(),
  email: z.string().nullable().optional(),
  accounts: z.array(z.string()),
  authorizations: z.array(z.string()),
  /** Ids of the `account.created` events its creation sent (creation answers only). */
  events: z.array(z.string()).optional(),
});
/** A sandbox customer as the control API describes it. */
export type SandboxCustomer = z.infer<typeof customerSchema>;
const customerListSchema = z.object({ object: z.literal("list"), data: z.array(customerSchema) });
const controlResultSchema = z.looseObject({ events: z.array(z.string()) });
/** Answer of a lifecycle control call: the changed object(s) and the ids of events sent. */
export type ControlResult = z.infer<typeof controlResultSchema>;
const requestCountsSchema = z.object({
  total: z.number(),
  routes: z.record(z.string(), z.number()),
});
/** `/_sandbox/requests`: total and per "METHOD /v1/template" counts. */
export type RequestCounts = z.infer<typeof requestCountsSchema>;
const webhookSettingsSchema = z.object({
  mode: z.enum(["deliver", "drop"]),
  urls: z.array(z.string()),
});
/** `/_sandbox/webhooks`: whether events are delivered or dropped, and where they go. */
export type WebhookSettings = z.infer<typeof webhookSettingsSchema>;
const deliverySchema = z.object({
  url: z.string(),
  /** `dropped`: emitted while the sandbox's webhook mode was `drop` (never delivered). */
  status: z.enum(["pending", "succeeded", "failed", "dropped"]),
  attempts: z.number(),
  last_status_code: z.number().nullable(),
  last_error: z.string().nullable(),
});
/** Where one event stands with one webhook URL, as `/_sandbox/events` reports it. */
export type EventDelivery = z.infer<typeof deliverySchema>;
const loggedEventsSchema = z.object({
  data: z.array(z.looseObject({ id: z.string(), deliveries: z.array(deliverySchema) })),
});

/** Lifecycle actions on an account, as the control API names them. */
export type AccountAction = "deactivate" | "reactivate" | "disconnect" | "upcoming_deactivation";
/** End-user outcomes of a relink session. */
export type RelinkOutcome =
  | "relinked"
  | "new_authorization"
  | "no_account"
  | "no_authorization"
  | "other";
/** A fault to inject; `route` is a key as in `/_sandbox/requests` (omitted: any /v1). */
export interface FaultSpec {
  status?: number;
  count: number;
  delay_ms?: number;
  route?: string;
  drop?: boolean;
  /** The answered error's `type`, `code` and `param` (they need a `status`). */
  type?: "api_error" | "card_error" | "idempotency_error" | "invalid_request_error";
  code?: string;
  param?: string;
}

/** Route keys of the sandbox request counter. */
export const ROUTES = {
  listAccounts: "GET /v1/financial_connections/accounts",
  retrieveAccount: "GET /v1/financial_connections/accounts/{account}",
  retrieveAuthorization: "GET /v1/financial_connections/authorizations/{authorization}",
  retrieveSession: "GET /v1/financial_connections/sessions/{session}",
} as const;

/** Typed client of the sandbox control API (`/_sandbox/*`); throws on any non-2xx answer. */
export class ControlApi {
  private readonly baseUrl: string;

  constructor(sandboxUrl: string) {
    this.baseUrl = sandboxUrl.replace(/\/$/, "");
  }

  /** Sends one JSON call and returns the parsed JSON answer. */
  async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
    return text === "" ? undefined : JSON.parse(text);
  }

  /** All customers with their account and authorization ids. */
  async customers(): Promise<SandboxCustomer[]> {
    return customerListSchema.parse(await this.call("GET", "/_sandbox/customers")).data;
  }

  /** Creates a customer with `accounts` active accounts over `authorizations` authorizations. */
  async createCustomer(body: { name?: string; accounts?: number; authorizations?: number }) {
    return customerSchema.parse(await this.call("POST", "/_sandbox/customers", body));
  }

  /** Runs a lifecycle action on an account; the answer lists the event ids it sent. */
  async account(id: string, action: AccountAction, body: Record<string, unknown> = {}) {
    return controlResultSchema.parse(
      await this.call("POST", `/_sandbox/accounts/${id}/${action}`, body),
    );
  }

  /** Finishes a relink session as the end user would. */
  async completeSession(id: string, outcome: RelinkOutcome): Promise<ControlResult> {
    const answer = await this.call("POST", `/_sandbox/sessions/${id}/complete`, { outcome });
    return controlResultSchema.parse(answer);
  }

  /** Request counts since the last reset. */
  async requests(): Promise<RequestCounts> {
    return requestCountsSchema.parse(await this.call("GET", "/_sandbox/requests"));
  }

  /** Resets the request counts. */
  async resetRequests(): Promise<void> {
    await this.call("DELETE", "/_sandbox/requests");
  }

  /** Arms a fault for the next `count` matching `/v1` requests. */
  async fault(spec: FaultSpec): Promise<void> {
    await this.call("POST", "/_sandbox/faults", spec);
  }

  /** Disarms every fault. */
  async clearFaults(): Promise<void> {
    await this.call("DELETE", "/_sandbox/faults");
  }

  /** Delivers (`deliver`) or drops (`drop`: missed webhooks) the events emitted from now on. */
  async setWebhookMode(mode: "deliver" | "drop"): Promise<WebhookSettings> {
    return webhookSettingsSchema.parse(await this.call("POST", "/_sandbox/webhooks", { mode }));
  }

  /** The current delivery mode and webhook URLs. */
  async webhookSettings(): Promise<WebhookSettings> {
    return webhookSettingsSchema.parse(await this.call("GET", "/_sandbox/webhooks"));
  }

  /** Every event the sandbox has created (newest first), as Stripe event objects. */
  async events(type?: string): Promise<unknown[]> {
    const query = type === undefined ? "" : `?type=${encodeURIComponent(type)}`;
    const answer = await this.call("GET", `/_sandbox/events${query}`);
    const data = Array.isArray(answer) ? answer : pick(answer, "data");
    if (!Array.isArray(data))
      throw new Error(`/_sandbox/events is not a list: ${JSON.stringify(answer)}`);
    return data;
  }

  /** The delivery record of one event (a status per webhook URL); undefined for an unknown id. */
  async deliveriesOf(eventId: string): Promise<EventDelivery[] | undefined> {
    const logged = loggedEventsSchema.parse(await this.call("GET", "/_sandbox/events"));
    return logged.data.find((event) => event.id === eventId)?.deliveries;
  }

  /**
   * Waits until the sandbox is done delivering `eventId`: every URL answered 2xx (`succeeded`)
   * or it gave up (`failed`), so no further attempt will come; returns the record. Polls the
   * record, which announces nothing.
   */
  async deliveriesFinished(eventId: string, timeoutMs = DEFAULT_WAIT_MS): Promise<EventDelivery[]> {
    return waitFor(
      async () => {
        const deliveries = await this.deliveriesOf(eventId);
        return deliveries?.every((delivery) => delivery.status !== "pending")
          ? deliveries
          : undefined;
      },
      `the sandbox to finish delivering ${eventId}`,
      timeoutMs,
    );
  }

  /**
   * Waits until every webhook URL acknowledged `eventId` with a 2xx, and throws if the sandbox
   * gave up on any. A gateway answers only after it handled the event (published it, or decided
   * not to), so once this resolves the gateway is done with it and no retry will follow.
   */
  async acknowledged(eventId: string, timeoutMs = DEFAULT_WAIT_MS): Promise<EventDelivery[]> {
    const deliveries = await this.deliveriesFinished(eventId, timeoutMs);
    const failed = deliveries.filter((delivery) => delivery.status !== "succeeded");
    if (failed.length > 0) {
      throw new Error(`event ${eventId} was not acknowledged: ${JSON.stringify(failed)}`);
    }
    return deliveries;
  }

  /**
   * Waits until the sandbox emitted an event of `type` about the object `objectId` (for events a
   * timer of the sandbox causes, such as a refresh finishing), and returns it.
   */
  async emitted(type: string, objectId: string, timeoutMs = DEFAULT_WAIT_MS): Promise<unknown> {
    return waitFor(
      async () =>
        (await this.events(type)).find((event) => pick(event, "data", "object", "id") === objectId),
      `a ${type} event for ${objectId}`,
      timeoutMs,
    );
  }
}

/** Anything with a running sandbox: a gateway test stack or a contract-test harness. */
export interface WithSandbox {
  sandbox: { url: string };
}

/** The control API of `target`'s sandbox. */
export const controlOf = (target: WithSandbox): ControlApi => new ControlApi(target.sandbox.url);

/** Calls the control API of `target`'s sandbox and returns its JSON answer; throws on a non-2xx. */
export async function control<T = unknown>(
  target: WithSandbox,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  return (await controlOf(target).call(method, path, body)) as T;
}

/** Creates a customer with `accounts` active accounts spread over `authorizations` authorizations. */
export const createCustomer = (target: WithSandbox, accounts: number, authorizations: number) =>
  controlOf(target).createCustomer({ accounts, authorizations });

/** The sandbox's customers (the seeded ones first). */
export const seededCustomers = (target: WithSandbox) => controlOf(target).customers();

/** Resets the sandbox's request counter. */
export const resetRequests = (target: WithSandbox) => controlOf(target).resetRequests();

/** Reads the sandbox's request counter. */
export const requestCounts = (target: WithSandbox) => controlOf(target).requests();

/** Waits until every webhook URL of `target`'s sandbox acknowledged `eventId` (see `acknowledged`). */
export const acknowledged = (target: WithSandbox, eventId: string, timeoutMs?: number) =>
  controlOf(target).acknowledged(eventId, timeoutMs);
