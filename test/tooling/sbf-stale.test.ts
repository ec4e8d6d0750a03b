// The staleness check behind every Solana test (`scripts/solana/build-sbf.sh --check`, run by the
// test harness before it loads the bytes): the committed .so files pass for the sources they were
// built from and fail, with the command to run, once a source of the program changes.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { appendFileSync, cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";

const root = path.resolve(import.meta.dirname, "../..");
const dir = mkdtempSync(path.join(tmpdir(), "cm-sbf-stale-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const check = () =>
  spawnSync("bash", ["scripts/solana/build-sbf.sh", "--check"], { cwd: dir, encoding: "utf8" });

test("a .so built from other sources than the ones on disk is refused", (t) => {
  if (!existsSync(path.join(root, "target/deploy/programs.sources"))) {
    t.skip("no SBF build yet (npm run build:sbf): nothing to compare");
    return;
  }
  // the files the hash reads, as they are on disk (committed or not), in a repository of their own
  const files = execFileSync("git", ["ls-files", "-co", "--exclude-standard"], {
    cwd: root,
    encoding: "utf8",
  })
    .split("\n")
    .filter((f) => /^(programs\/|tools\/sbf\/|scripts\/solana\/|Cargo\.(toml|lock)$|\.gitignore$)/.test(f))
    .filter((f) => existsSync(path.join(root, f)));
  for (const f of files) cpSync(path.join(root, f), path.join(dir, f));
  cpSync(path.join(root, "target/deploy"), path.join(dir, "target/deploy"), { recursive: true });
  execFileSync("git", ["init", "-q"], { cwd: dir });

  const fresh = check();
  assert.equal(fresh.status, 0, `the build on disk is current: ${fresh.stderr}`);

  appendFileSync(path.join(dir, "programs/compute-market/src/lib.rs"), "\n// edited\n");
  const stale = check();
  assert.equal(stale.status, 1);
  assert.match(stale.stderr, /stale \(built from other sources\): npm run build:sbf/);

  rmSync(path.join(dir, "target/deploy/compute_market.so"));
  assert.match(check().stderr, /compute_market\.so is missing: npm run build:sbf/);
});
