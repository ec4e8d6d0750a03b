// Deployment records: data written by the deploy scripts, one file per network in deployments/.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

export const DEPLOYMENTS_DIR = path.resolve(import.meta.dirname, "..", "deployments");

export function writeDeployment(name: string, record: Record<string, unknown>): string {
  mkdirSync(DEPLOYMENTS_DIR, { recursive: true });
  const file = path.join(DEPLOYMENTS_DIR, `${name}.json`);
  writeFileSync(file, JSON.stringify(record, null, 2) + "\n");
  return file;
}

export function readDeployment<T>(name: string): T {
  return JSON.parse(readFileSync(path.join(DEPLOYMENTS_DIR, `${name}.json`), "utf8")) as T;
}
