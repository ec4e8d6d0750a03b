// Deployment records: data written by the deploy scripts, one file per network in deployments/.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/** `CM_DEPLOYMENTS_DIR` points commands and tests at another directory of records (e.g. a temp one). */
export const DEPLOYMENTS_DIR =
  process.env.CM_DEPLOYMENTS_DIR ?? path.resolve(import.meta.dirname, "..", "deployments");

export function writeDeployment(name: string, record: Record<string, unknown>): string {
  mkdirSync(DEPLOYMENTS_DIR, { recursive: true });
  const file = path.join(DEPLOYMENTS_DIR, `${name}.json`);
  writeFileSync(file, JSON.stringify(record, null, 2) + "\n");
  return file;
}

/** Reads a record; a missing one is a one-line error that says how to make it. */
export function readDeployment<T>(name: string): T {
  const file = path.join(DEPLOYMENTS_DIR, `${name}.json`);
  if (!existsSync(file)) {
    throw new Error(
      `no deployment record ${path.relative(process.cwd(), file)}: deploy first (locally: 'npm run main')`,
    );
  }
  return JSON.parse(readFileSync(file, "utf8")) as T;
}
