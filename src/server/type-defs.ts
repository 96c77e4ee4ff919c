import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The schema/ folder at the project root. */
export const SCHEMA_DIR = fileURLToPath(new URL("../../schema/", import.meta.url));

/** The SDL of every `schema/*.graphql` file, in file-name order. Read once at start-up. */
export function loadTypeDefs(): string[] {
  return readdirSync(SCHEMA_DIR)
    .filter((name) => name.endsWith(".graphql"))
    .sort()
    .map((name) => readFileSync(`${SCHEMA_DIR}${name}`, "utf8"));
}
