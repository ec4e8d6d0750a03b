// Deployment records: data written by the deploy scripts, one file per network in deployments/.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";

/** deployments/ of the repo, or `CM_DEPLOYMENTS_DIR` (tests keep their records apart). */
export const DEPLOYMENTS_DIR = path.resolve(
  process.env.CM_DEPLOYMENTS_DIR ?? path.join(import.meta.dirname, "..", "deployments"),
);

/** Writes a record atomically (a temporary file renamed over it): a reader never sees half of one. */
export function writeDeployment(name: string, record: Record<string, unknown>): string {
  mkdirSync(DEPLOYMENTS_DIR, { recursive: true });
  const file = path.join(DEPLOYMENTS_DIR, `${name}.json`);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(record, null, 2) + "\n");
  renameSync(tmp, file);
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
