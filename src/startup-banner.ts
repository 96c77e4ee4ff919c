import type { AuthConfig } from "./auth/auth-config.js";
import { signToken } from "./auth/sign-token.js";

/** What the banner tells the developer who just ran `npm start`. */
export interface BannerInput {
  gatewayUrl: string;
  /** Set in embedded-sandbox mode. */
  sandboxUrl: string | undefined;
  auth: AuthConfig;
  /** True when the self-hosted GraphiQL is served (development). */
  playground: boolean;
  /** True when GraphiQL carries the sandbox panel (development with the embedded sandbox). */
  sandboxPanel: boolean;
  /** The webhook secret the embedded sandbox signs with (a public dev value). */
  webhookSecret: string | undefined;
}

interface SeededCustomer {
  id: string;
  name: string;
  accounts: string[];
}

/** The sandbox's seeded customers, or none when it cannot be asked. */
async function seededCustomers(sandboxUrl: string): Promise<SeededCustomer[]> {
  try {
    const response = await fetch(`${sandboxUrl}/_sandbox/customers`);
    return ((await response.json()) as { data: SeededCustomer[] }).data;
  } catch {
    return [];
  }
}

/**
 * Prints where everything is, led by the one URL to open when GraphiQL carries the sandbox
 * panel. In embedded-sandbox mode also a dev token per seeded customer
 * (the dev secret is public, and these tokens only open the sandbox's made-up data), the dev
 * webhook secret, and one curl line that makes the sandbox deactivate an account.
 */
export async function printStartupBanner(input: BannerInput): Promise<void> {
  process.stdout.write(`${(await startupBannerLines(input)).join("\n")}\n\n`);
}

/** The lines printStartupBanner prints (the first one empty), without printing them. */
export async function startupBannerLines(input: BannerInput): Promise<string[]> {
  const { gatewayUrl, sandboxUrl } = input;
  const lines = [""];
  if (input.sandboxPanel) {
    lines.push(
      `  Open ${gatewayUrl}/graphiql`,
      "    GraphiQL with the sandbox panel: pick a customer (the token is filled in), run the",
      "    starter operations, break and heal accounts with one click, watch the events arrive.",
      "",
    );
  }
  lines.push(
    `  GraphQL (HTTP + WebSocket)  ${gatewayUrl}/graphql`,
    `  Stripe webhooks             ${gatewayUrl}/webhooks/stripe`,
  );
  if (input.playground) {
    lines.push(
      `  GraphiQL (self-hosted)      ${gatewayUrl}/graphiql`,
      `  Apollo Sandbox (CDN)        ${gatewayUrl}/graphql in a browser`,
    );
  }
  if (sandboxUrl !== undefined) {
    lines.push(
      `  Stripe FC sandbox           ${sandboxUrl}/v1/financial_connections/...`,
      `  Sandbox control API         ${sandboxUrl}/_sandbox/customers`,
    );
    if (input.webhookSecret !== undefined)
      lines.push(`  Sandbox webhook secret      ${input.webhookSecret}`);
    const customers = await seededCustomers(sandboxUrl);
    if (input.auth.mode === "hs256" && input.auth.usingDevSecret && customers.length > 0) {
      lines.push("", "  Dev tokens (1 hour; `npm run token -- <customer id>` for more):");
      for (const customer of customers) {
        const token = await signToken(input.auth, { customerId: customer.id });
        lines.push(
          `    ${customer.name} (${customer.id}, ${customer.accounts.length} accounts)`,
          `      ${token}`,
        );
      }
    }
    const first = customers.find((customer) => customer.accounts.length > 0);
    if (first?.accounts[0] !== undefined) {
      lines.push(
        "",
        "  Make an account break (subscribers of accountDeactivated see it live):",
        `    curl -X POST ${sandboxUrl}/_sandbox/accounts/${first.accounts[0]}/deactivate -H 'content-type: application/json' -d '{}'`,
      );
    }
  }
  return lines;
}
