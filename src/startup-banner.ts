import { signToken } from "./auth/sign-token.js";
import type { AuthConfig } from "./config/auth-config.js";

/** What the banner tells the developer who just ran `npm start`. */
export interface BannerInput {
  /** NODE_ENV as parsed (config.env): anything but `production` runs the development posture. */
  environment: "development" | "production" | "test";
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
 * The mode line: production, or development said plainly with what it means, so that a start
 * meant for production (`npm run start:prod`, `node dist/main.js`) without NODE_ENV=production
 * shows at once that it is not one.
 */
function modeLines(environment: BannerInput["environment"]): string[] {
  if (environment === "production")
    return ["  Mode                        production (NODE_ENV=production)"];
  return [
    `  Mode                        DEVELOPMENT (NODE_ENV=${environment}, not production):`,
    "                              playgrounds and introspection on, any localhost origin allowed,",
    "                              development secrets accepted; set NODE_ENV=production for production",
  ];
}

/**
 * The banner's lines (the first one empty), led by the one URL to open when GraphiQL carries the
 * sandbox panel, then the mode (modeLines) and where everything is. In embedded-sandbox mode
 * also a dev token per seeded customer (the dev secret is public, and these tokens only open the
 * sandbox's made-up data), the dev webhook secret, and one curl line that makes the sandbox
 * deactivate an account.
 */
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
    ...modeLines(input.environment),
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

/** The banner as printed: startupBannerLines, one a line, and a blank line after. */
export async function startupBannerText(input: BannerInput): Promise<string> {
  return `${(await startupBannerLines(input)).join("\n")}\n\n`;
}

/** Prints startupBannerText on stdout. */
export async function printStartupBanner(input: BannerInput): Promise<void> {
  process.stdout.write(await startupBannerText(input));
}
