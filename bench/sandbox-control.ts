import { z } from "zod";

const customerSchema = z.object({
  id: z.string(),
  accounts: z.array(z.string()),
  authorizations: z.array(z.string()),
});
const requestCountsSchema = z.object({
  total: z.number(),
  routes: z.record(z.string(), z.number()),
});

/** A customer the sandbox created, with its account and authorization ids. */
export type SandboxCustomer = z.infer<typeof customerSchema>;
/** `/_sandbox/requests`: `/v1` requests received since the last reset, total and per route. */
export type RequestCounts = z.infer<typeof requestCountsSchema>;

/** The parts of the sandbox control API the bench uses. Every call throws on a non-2xx answer. */
export interface SandboxControl {
  /** Creates a customer with `accounts` accounts spread round-robin over `authorizations`. */
  createCustomer(accounts: number, authorizations: number): Promise<SandboxCustomer>;
  /** Zeroes the request counter. */
  resetRequests(): Promise<void>;
  /** Reads the request counter. */
  requestCounts(): Promise<RequestCounts>;
}

/** A control API client for the sandbox at `sandboxUrl`. */
export function sandboxControl(sandboxUrl: string): SandboxControl {
  const base = sandboxUrl.replace(/\/$/, "");
  const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
    return text === "" ? undefined : JSON.parse(text);
  };
  return {
    createCustomer: async (accounts, authorizations) =>
      customerSchema.parse(await call("POST", "/_sandbox/customers", { accounts, authorizations })),
    resetRequests: async () => {
      await call("DELETE", "/_sandbox/requests");
    },
    requestCounts: async () => requestCountsSchema.parse(await call("GET", "/_sandbox/requests")),
  };
}
