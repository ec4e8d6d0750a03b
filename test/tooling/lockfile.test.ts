// The committed lockfile must install unchanged on every platform a contributor uses (a Mac, an
// ARM Linux box, x86-64 Linux): every optional (platform) package that a locked package asks for
// must itself be locked. npm only writes those it could see, so a lockfile generated where npm
// skipped some (e.g. engines it judged incompatible) is rewritten by the next user's install.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

interface Locked {
  optionalDependencies?: Record<string, string>;
}
const lock = JSON.parse(readFileSync("package-lock.json", "utf8")) as {
  packages: Record<string, Locked>;
};

/** Node's lookup: the nearest node_modules up from the requiring package, then the root. */
function resolves(from: string, name: string): boolean {
  const segments = from.split("node_modules/").filter(Boolean);
  for (let depth = segments.length; depth >= 0; depth--) {
    const prefix = segments
      .slice(0, depth)
      .map((s) => `node_modules/${s.replace(/\/$/, "")}/`)
      .join("");
    if (lock.packages[`${prefix}node_modules/${name}`]) return true;
  }
  return false;
}

test("finding 10 (newcomer): the lockfile lists every platform's optional packages", () => {
  const missing: string[] = [];
  for (const [path, pkg] of Object.entries(lock.packages)) {
    for (const dep of Object.keys(pkg.optionalDependencies ?? {})) {
      if (!resolves(path, dep)) missing.push(`${path || "(root)"} -> ${dep}`);
    }
  }
  assert.deepEqual(missing, [], "optional packages missing from package-lock.json");
});
