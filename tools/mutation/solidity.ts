// Mutation testing of the Solidity money math with slither-mutate (Slither's own package, the
// pinned venv of scripts/slither.sh). Started by scripts/mutation/solidity.sh; see
// tools/mutation/README.md for the route and the results.
//
// For each target file of tools/mutation/solidity.json: slither-mutate reads the file from
// Hardhat's build-info (no native solc, as tools/slither does), writes each mutant into the
// file in place, builds it with Hardhat (the wasm solc) and runs only that file's tests. The
// survivors are matched against tools/mutation/solidity-equivalent.json; a table is printed.
// Every target file is backed up first and restored at the end, on Ctrl-C, on a kill signal,
// and at the start of the next run if a run was killed outright.
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";

import {
  classify,
  dependentContracts,
  entryFor,
  fatalError,
  targetedFunctions,
  warnings,
  type FileResult,
  type ImportGraph,
  killRate,
  loadConfig,
  loadEquivalents,
  type Mutant,
  parseLog,
  passes,
  reachable,
  table,
  type Target,
} from "./campaign.js";

const root = path.resolve(import.meta.dirname, "../..");
const BACKUP = path.join(root, "cache/mutation/backup");
const REPORT = path.join(root, "cache/mutation/solidity-report.json");
const LOCK = path.join(root, "cache/mutation/lock");
/** Outcomes of mutants already built and tested, shared by every checkout (see `outcomeCache`). */
const OUTCOMES = path.join(
  process.env.CM_CACHE ?? path.join(process.env.HOME ?? tmpdir(), ".cache/compute-market"),
  "mutation/solidity",
);

const USAGE = `usage: scripts/mutation/solidity.sh [options] [file ...]
   (or: npx tsx tools/mutation/solidity.ts --venv <slither venv> [options] [file ...])

Mutation campaign over the money-math files of tools/mutation/solidity.json (all of them, or the
files given, e.g. contracts/utils/BpsMath.sol) with slither-mutate. Prints per file: mutants,
killed, survivors explained as equivalent (tools/mutation/solidity-equivalent.json), survivors
unexplained, kill rate. Exit 1 if a file is below the threshold, a survivor is unexplained or an
equivalence entry matches no survivor; exit 2 on bad input or a broken setup.

options:
  --venv <dir>          the Slither venv (scripts/mutation/solidity.sh passes the pinned one)
  --list                only list the mutants slither-mutate would test (no build, no test)
  --timeout <s>         per-mutant test timeout, counted as a kill (default: slither-mutate's,
                        twice the time of the unmutated tests)
  --config <file>       targets (default: tools/mutation/solidity.json)
  --equivalents <file>  explained survivors (default: tools/mutation/solidity-equivalent.json)
  --print-entries       print an equivalence entry (reason TODO) for each unexplained survivor
  --keep                keep the working directories (slither-mutate's log, the mutants)
  --fresh               build and test every mutant again (outcomes are remembered: a campaign
                        stopped midway resumes where it was, see tools/mutation/README.md)
  --restore             only restore the target files from an interrupted run's backup
  -h, --help            this text

The full report (every mutant) is written to ${path.relative(root, REPORT)}.`;

function fail(message: string): never {
  console.error(`mutation: ${message}`);
  process.exit(2);
}

const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");
const rel = (p: string) => path.relative(root, p);

// ------------------------------------------------------------------ backup and restore

interface Manifest {
  files: { file: string; sha256: string; copy: string }[];
}

/** Puts back every backed-up file of `root` that differs from its copy; removes the backup. */
export function restore(dir = BACKUP, from = root): string[] {
  const manifestFile = path.join(dir, "manifest.json");
  if (!existsSync(manifestFile)) return [];
  const manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as Manifest;
  const restored: string[] = [];
  for (const { file, sha256: hash, copy } of manifest.files) {
    const target = path.join(from, file);
    if (existsSync(target) && sha256(readFileSync(target)) === hash) continue;
    copyFileSync(path.join(dir, copy), target);
    restored.push(file);
  }
  rmSync(dir, { recursive: true, force: true });
  return restored;
}

/** Copies `files` (paths in `from`) into `dir`, with a manifest of their hashes. */
export function backup(dir: string, from: string, files: string[]): void {
  mkdirSync(dir, { recursive: true });
  const manifest: Manifest = { files: [] };
  files.forEach((file, i) => {
    const copy = `${i}-${path.basename(file)}`;
    const data = readFileSync(path.join(from, file));
    writeFileSync(path.join(dir, copy), data);
    manifest.files.push({ file, sha256: sha256(data), copy });
  });
  // written last: a manifest means a complete backup
  writeFileSync(path.join(dir, "manifest.json"), JSON.stringify(manifest, null, 2));
}

/**
 * One campaign at a time per clone: a second one would restore the first one's mutated file
 * under it, and both build into the same artifacts. A lock whose process is gone is taken over.
 */
function lock(): void {
  if (existsSync(LOCK)) {
    const pid = Number(readFileSync(LOCK, "utf8"));
    let alive = false;
    try {
      process.kill(pid, 0);
      alive = pid !== process.pid;
    } catch {
      // no such process: a killed run's lock
    }
    if (alive) fail(`another campaign is running in this clone (pid ${pid}; lock ${rel(LOCK)})`);
  }
  mkdirSync(path.dirname(LOCK), { recursive: true });
  writeFileSync(LOCK, String(process.pid));
  process.on("exit", () => {
    if (existsSync(LOCK) && readFileSync(LOCK, "utf8") === String(process.pid)) rmSync(LOCK);
  });
}

/** A file the campaign could not mutate: reported, and the campaign goes on with the next. */
class FileError extends Error {}
function fileError(message: string): never {
  throw new FileError(message);
}

// ------------------------------------------------------------------ build-info

interface BuildInfo {
  id: string;
  input: { sources: Record<string, { content: string }> };
  output: { sources: Record<string, { ast: { nodes: { nodeType: string; absolutePath?: string }[] } }> };
  raw: { info: Record<string, unknown>; out: Record<string, unknown> };
}

function readBuildInfos(): BuildInfo[] {
  const dir = path.join(root, "artifacts/build-info");
  if (!existsSync(dir)) fail(`${rel(dir)} is missing: the compile step did not run`);
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json") && !f.endsWith(".output.json"))
    .map((f) => {
      const id = f.slice(0, -".json".length);
      const info = JSON.parse(readFileSync(path.join(dir, f), "utf8"));
      const out = JSON.parse(readFileSync(path.join(dir, `${id}.output.json`), "utf8"));
      if (info._format !== "hh3-sol-build-info-1") fail(`${id}: unknown build-info format ${info._format}`);
      return { id, input: info.input, output: out.output, raw: { info, out } };
    });
}

/** Who imports whom, over every build-info (source names as solc saw them). */
function importGraph(infos: BuildInfo[]): ImportGraph {
  const graph: ImportGraph = new Map();
  for (const b of infos) {
    for (const [name, source] of Object.entries(b.output.sources)) {
      const imports = source.ast.nodes
        .filter((n) => n.nodeType === "ImportDirective" && n.absolutePath)
        .map((n) => n.absolutePath as string);
      graph.set(name, [...new Set([...(graph.get(name) ?? []), ...imports])]);
    }
  }
  return graph;
}

/**
 * A directory that crytic-compile reads as a built Hardhat project holding only `file` and what
 * it imports, from a build-info compiled from the file as it is on disk (source ids and ASTs as
 * solc wrote them, so slither-mutate's byte offsets are right). Every source is a copy, except
 * the target: a symlink to the repository's file, which slither-mutate rewrites per mutant. So
 * nothing else of the repository (nor the shared node_modules) is ever written, even by
 * slither-mutate's own restore of every parsed file.
 */
function layOut(work: string, file: string, infos: BuildInfo[]): void {
  const name = `project/${file}`;
  const onDisk = readFileSync(path.join(root, file), "utf8");
  const info = infos.find((b) => b.input.sources[name]?.content === onDisk);
  if (!info) fileError(`no build-info holds ${file} as it is on disk: compile first`);
  const graph = importGraph([info]);
  const keep = new Set([name, ...reachable(graph, name)]);
  const only = <T>(o: Record<string, T>) =>
    Object.fromEntries(Object.entries(o).filter(([k]) => keep.has(k)));
  const { info: rawInfo, out: rawOut } = structuredClone(info.raw) as {
    info: { input: { sources: Record<string, unknown> } };
    out: { output: { sources: Record<string, unknown>; contracts?: Record<string, unknown> } };
  };
  rawInfo.input.sources = only(rawInfo.input.sources);
  rawOut.output.sources = only(rawOut.output.sources);
  rawOut.output.contracts = only(rawOut.output.contracts ?? {});
  const buildInfoDir = path.join(work, "artifacts/build-info");
  mkdirSync(buildInfoDir, { recursive: true });
  writeFileSync(path.join(buildInfoDir, `${info.id}.json`), JSON.stringify(rawInfo));
  writeFileSync(path.join(buildInfoDir, `${info.id}.output.json`), JSON.stringify(rawOut));

  // crytic-compile maps `project/contracts/x` to `contracts/x` and `npm/<pkg>@<v>/x` to
  // `node_modules/<pkg>/x`, and reads each file's text from there
  for (const source of keep) {
    let dest: string;
    if (source.startsWith("project/")) dest = source.slice("project/".length);
    else {
      const m = /^npm\/((?:@[^/]+\/)?[^/@]+)@[^/]+\/(.+)$/.exec(source);
      if (!m) fileError(`${info.id}: cannot place source ${source}`);
      dest = `node_modules/${m[1]}/${m[2]}`;
    }
    const to = path.join(work, dest);
    mkdirSync(path.dirname(to), { recursive: true });
    if (source === name) symlinkSync(path.join(root, file), to);
    else writeFileSync(to, info.input.sources[source].content);
  }
  writeFileSync(path.join(work, "hardhat.config.js"), "// marks a Hardhat project for crytic-compile\n");

  // nothing may compile or download on this route: solc and solc-select fail loudly
  const guard = path.join(work, "guard");
  mkdirSync(guard);
  for (const tool of ["solc", "solc-select"]) {
    writeFileSync(
      path.join(guard, tool),
      `#!/bin/sh\necho "mutation: '${tool}' was called; this route reads the build-info and never compiles" >&2\nexit 97\n`,
    );
    chmodSync(path.join(guard, tool), 0o755);
  }
}

// ------------------------------------------------------------------ build and test commands

const q = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

/**
 * The roots the compile check builds with each mutant: the file and the contracts the mocha tests
 * deploy that embed it. The Solidity tests are compiled by their own run, only when the mocha
 * tests did not already kill the mutant.
 */
function buildRoots(t: Target, graph: ImportGraph): string[] {
  const contracts = t.contracts ?? dependentContracts(graph, t.file);
  return [...new Set([t.file, ...contracts])];
}

/** Hardhat with the project's pinned Node and the optimizer-free build profile. */
const HARDHAT = "hardhat --no-typechain --build-profile mutation";

/**
 * Where a mutant's outcome is remembered: one file per (everything its outcome depends on but
 * the target, the mutated target's bytes). `base` hashes the config entry, the contracts and
 * tests (the target excepted), the Hardhat config and the lockfile, so any change to them
 * starts afresh; `pristine` is the unmutated target's hash: slither-mutate's own runs of the
 * unmutated file (the baseline that sets its timeout, the final rebuild) always run for real.
 */
export interface OutcomeCache {
  dir: string;
  base: string;
  pristine: string;
  /** the repository file slither-mutate rewrites */
  target: string;
  /** `--fresh`: outcomes are recorded, not read */
  fresh: boolean;
}

export function outcomeCache(t: Target, fresh: boolean, from = root, dir = OUTCOMES): OutcomeCache {
  const listed = spawnSync(
    "git",
    [
      "ls-files",
      "-co",
      "--exclude-standard",
      "--",
      "contracts",
      "test/evm",
      "hardhat.config.ts",
      "package-lock.json",
    ],
    { cwd: from, encoding: "utf8" },
  );
  if (listed.status !== 0) fail(`git ls-files failed in ${from}: ${listed.stderr}`);
  const files = listed.stdout
    .split("\n")
    .filter((f) => f && f !== t.file && existsSync(path.join(from, f)))
    .sort();
  const h = createHash("sha256").update(JSON.stringify(t));
  for (const f of files) h.update(`\0${f}\0`).update(readFileSync(path.join(from, f)));
  const target = path.join(from, t.file);
  return {
    dir,
    base: h.digest("hex"),
    pristine: createHash("sha256").update(readFileSync(target)).digest("hex"),
    target,
    fresh,
  };
}

export function writeScripts(
  work: string,
  t: Target,
  roots: string[],
  cache: OutcomeCache,
  from = root,
): { build: string; test: string } {
  const head = [
    "#!/usr/bin/env bash",
    "# written by tools/mutation/solidity.ts",
    "set -uo pipefail",
    `cd ${q(from)}`,
    `export PATH=${q(path.join(from, "node_modules/.bin"))}:${q(process.env.PATH ?? "")}`,
    "unset CM_TEST_PROFILE   # the quick fuzz profile",
    // the remembered outcome of this mutant (OutcomeCache); never for the unmutated file
    `key=$( { printf '%s\\n' ${q(cache.base)}; cat ${q(cache.target)}; } | sha256sum | cut -c1-40)`,
    `outcome=${q(cache.dir)}/$key`,
    `mutated=1; [ "$(sha256sum < ${q(cache.target)} | cut -c1-64)" = ${q(cache.pristine)} ] && mutated=0`,
    `read_cache=$mutated; ${cache.fresh ? "read_cache=0  # --fresh" : ""}`,
    // a code from the tests or the compiler (not a kill by signal, not a timeout) is recorded
    `record() { if [ $mutated = 1 ] && [ "$2" -lt 128 ]; then mkdir -p ${q(cache.dir)} && echo "$2" > "$outcome.$1"; fi; }`,
  ];
  const build = path.join(work, "build.sh");
  writeFileSync(
    build,
    [
      ...head,
      // tested before: it compiled (its artifacts are not needed, its tests will not run); a
      // compile failure is remembered as such (a success is not: the tests need the artifacts)
      'if [ $read_cache = 1 ] && [ -f "$outcome.test" ]; then exit 0; fi',
      'if [ $read_cache = 1 ] && [ -f "$outcome.build" ]; then exit "$(cat "$outcome.build")"; fi',
      `${HARDHAT} build --quiet ${roots.map(q).join(" ")} >${q(path.join(work, "build.log"))} 2>&1`,
      "code=$?",
      "[ $code = 0 ] || record build $code",
      "exit $code",
      "",
    ].join("\n"),
  );
  // the mocha tests first (the build just made their artifacts), stopping at the first failure;
  // then the Solidity tests, which compile their own files
  const test = path.join(work, "test.sh");
  const lines = [
    ...head,
    `log=${q(path.join(work, "test.log"))}`,
    ': >"$log"',
    'if [ $read_cache = 1 ] && [ -f "$outcome.test" ]; then',
    '  echo "remembered outcome $(cat "$outcome.test") ($outcome.test)" >>"$log"',
    '  exit "$(cat "$outcome.test")"',
    "fi",
    'finish() { record test "$1"; exit "$1"; }',
  ];
  if (t.mocha.length > 0) {
    const grep = t.grep ? ` --grep ${q(t.grep)}` : "";
    lines.push(
      `${HARDHAT} test mocha --no-compile --bail${grep} ${t.mocha.map(q).join(" ")} >>"$log" 2>&1 || finish 1`,
    );
  }
  if (t.solidity.length > 0) {
    const grep = t.solidityGrep ? ` --grep ${q(t.solidityGrep)}` : "";
    lines.push(`${HARDHAT} test solidity${grep} ${t.solidity.map(q).join(" ")} >>"$log" 2>&1 || finish 1`);
  }
  lines.push("finish 0");
  writeFileSync(test, [...lines, ""].join("\n"));
  return { build, test };
}

function runScript(script: string): { ok: boolean; seconds: number } {
  const started = Date.now();
  const r = spawnSync("bash", [script], { stdio: "ignore" });
  return { ok: r.status === 0, seconds: (Date.now() - started) / 1000 };
}

// ------------------------------------------------------------------ one file

let child: ReturnType<typeof spawn> | undefined;

async function mutateFile(
  t: Target,
  opts: {
    venv: string;
    list: boolean;
    timeout?: number;
    keep: boolean;
    fresh?: boolean;
    mutators?: string[];
  },
  infos: BuildInfo[],
  graph: ImportGraph,
): Promise<{ mutants: Mutant[]; seconds: number }> {
  const started = Date.now();
  const work = mkdtempSync(path.join(tmpdir(), "cm-mutation-"));
  const log = path.join(work, "slither-mutate.log");
  let failed = false;
  try {
    layOut(work, t.file, infos);
    const roots = buildRoots(t, graph);
    const { build, test } = writeScripts(work, t, roots, outcomeCache(t, opts.fresh ?? false));
    if (!opts.list) {
      console.error(`mutation: ${t.file}: building ${roots.join(", ")}`);
      if (!runScript(build).ok) fileError(`${t.file}: the unmutated build fails (log: ${work}/build.log)`);
    }

    const args = [
      path.join(root, "tools/mutation/slither_mutate.py"),
      path.join(work, t.file),
      "--test-cmd",
      opts.list ? "true" : `bash ${q(test)}`,
      "--output-dir",
      path.join(work, "campaign"),
      "-v",
      "--compile-force-framework",
      "hardhat",
      "--hardhat-ignore-compile",
      "--hardhat-artifacts-directory",
      path.join(work, "artifacts"),
      "--npx-disable",
    ];
    // slither-mutate's default timeout: twice the unmutated tests' time (it runs them first)
    if (opts.timeout !== undefined) args.push("--timeout", String(opts.timeout));
    if (t.functions) args.push("--target-functions", t.functions.join(","));
    if (opts.mutators) args.push("--mutators-to-run", opts.mutators.join(","));
    // node_modules/.bin (on PATH under npm) would offer crytic-compile a real hardhat
    const searchPath = (process.env.PATH ?? "")
      .split(path.delimiter)
      .filter((d) => !d.includes("node_modules"));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PATH: [path.join(work, "guard"), ...searchPath].join(path.delimiter),
      CM_MUTATION_BUILD: `bash ${q(build)}`,
      CM_MUTATION_LIST: opts.list ? "1" : "0",
      PYTHONUNBUFFERED: "1",
    };
    delete env.SOLC_VERSION;

    let text = "";
    let seen = 0;
    let survived = 0;
    await new Promise<void>((resolve, reject) => {
      child = spawn(path.join(opts.venv, "bin/python"), args, { cwd: work, env, detached: true });
      const onData = (chunk: Buffer) => {
        text += chunk.toString("utf8");
        const mutants = parseLog(text);
        for (; seen < mutants.length; ++seen) {
          const m = mutants[seen];
          if (m.outcome === "survived") ++survived;
          if (!opts.list) {
            const secs = Math.round((Date.now() - started) / 1000);
            process.stderr.write(
              `\r\x1b[Kmutation: ${t.file}: ${seen + 1} mutants, ${survived} survived, ${secs} s` +
                (m.outcome === "survived"
                  ? `\n  survived: line ${m.line} ${m.mutator}: ${m.mutant.split("\n")[0].trim()}\n`
                  : ""),
            );
          }
        }
      };
      child.stdout?.on("data", onData);
      child.stderr?.on("data", onData);
      child.on("error", reject);
      child.on("close", (code, signal) => {
        child = undefined;
        writeFileSync(log, text);
        if (!opts.list) process.stderr.write("\n");
        if (code === 0) resolve();
        else reject(new FileError(`${t.file}: slither-mutate exited with ${code ?? signal} (log: ${log})`));
      });
    });
    for (const w of warnings(text)) console.error(`mutation: ${t.file}: slither-mutate: ${w}`);
    const fatal = fatalError(text);
    if (fatal) fileError(`${t.file}: slither-mutate: ${fatal} (log: ${log})`);
    const mutants = parseLog(text);
    if (mutants.length === 0) fileError(`${t.file}: slither-mutate produced no mutant (log: ${log})`);
    const targeted = targetedFunctions(text);
    if (t.functions && targeted?.length !== t.functions.length) {
      fileError(
        `${t.file}: ${t.functions.length} functions configured, slither-mutate found ${targeted?.join(", ") ?? "none"} (a signature is wrong)`,
      );
    }
    if (!opts.list && !runScript(build).ok) fileError(`${t.file}: rebuilding the restored file failed`);
    return { mutants, seconds: (Date.now() - started) / 1000 };
  } catch (e) {
    failed = true;
    throw e;
  } finally {
    // a failed file keeps its directory: the messages point into it
    if (opts.keep || failed) console.error(`mutation: working directory kept: ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

// ------------------------------------------------------------------ main

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        venv: { type: "string" },
        list: { type: "boolean", default: false },
        timeout: { type: "string" },
        config: { type: "string", default: "tools/mutation/solidity.json" },
        equivalents: { type: "string", default: "tools/mutation/solidity-equivalent.json" },
        "print-entries": { type: "boolean", default: false },
        keep: { type: "boolean", default: false },
        fresh: { type: "boolean", default: false },
        restore: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
    });
  } catch (e) {
    fail(`${(e as Error).message} (see --help)`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return;
  }
  lock();
  const restored = restore();
  if (restored.length > 0)
    console.error(`mutation: restored from an interrupted run: ${restored.join(", ")}`);
  if (values.restore) return;
  if (!values.venv) fail("--venv <dir> is required (scripts/mutation/solidity.sh passes it)");
  const venv = path.resolve(values.venv);
  if (!existsSync(path.join(venv, "bin/slither-mutate"))) fail(`${venv} has no slither-mutate`);
  const timeout = values.timeout === undefined ? undefined : Number(values.timeout);
  if (timeout !== undefined && (!Number.isInteger(timeout) || timeout < 1)) {
    fail(`--timeout: not a number of seconds: ${values.timeout}`);
  }
  let config;
  let equivalents;
  try {
    config = loadConfig(path.resolve(root, values.config));
    equivalents = loadEquivalents(path.resolve(root, values.equivalents));
  } catch (e) {
    fail((e as Error).message);
  }
  const wanted = positionals.map((p) => path.relative(root, path.resolve(p)));
  for (const w of wanted) {
    if (!config.targets.some((t) => t.file === w)) fail(`${w} is not a target of ${values.config}`);
  }
  const targets = config.targets.filter((t) => wanted.length === 0 || wanted.includes(t.file));
  const dirty = spawnSync("git", ["status", "--porcelain", "--", ...targets.map((t) => t.file)], {
    cwd: root,
    encoding: "utf8",
  }).stdout;
  if (dirty.trim()) console.error(`mutation: note: uncommitted changes are mutated as they are:\n${dirty}`);

  // Restore the targets whatever happens: normal end, error, Ctrl-C, kill (not SIGKILL: then the
  // next run restores them first).
  backup(
    BACKUP,
    root,
    targets.map((t) => t.file),
  );
  const onSignal = (signal: NodeJS.Signals) => {
    if (child?.pid) {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    const back = restore();
    console.error(`\nmutation: ${signal}: stopped${back.length ? `, restored ${back.join(", ")}` : ""}`);
    process.exit(130);
  };
  for (const s of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(s, onSignal);
  process.on("exit", () => restore());

  const started = Date.now();
  if (!values.list) {
    // the mocha tests import the TypeChain factories: a clone never built needs the full build once
    if (!existsSync(path.join(root, "types/ethers-contracts/index.ts"))) {
      console.error("mutation: building the project and its TypeChain types (once)");
      const c = spawnSync("npx", ["hardhat", "build", "--quiet"], {
        cwd: root,
        stdio: ["ignore", "ignore", "inherit"],
      });
      if (c.status !== 0) fail("the project does not compile");
    }
    // a build-info of every target as it is on disk, for slither-mutate's parse
    console.error("mutation: building the target files (a no-op when built)");
    const c = spawnSync("npx", [...HARDHAT.split(" "), "build", "--quiet", ...targets.map((t) => t.file)], {
      cwd: root,
      stdio: ["ignore", "ignore", "inherit"],
    });
    if (c.status !== 0) fail("the target files do not compile");
  }
  const infos = readBuildInfos();
  const graph = importGraph(infos);
  const results: FileResult[] = [];
  const report: Record<string, unknown>[] = [];
  const broken: string[] = [];
  for (const t of targets) {
    let outcome;
    try {
      outcome = await mutateFile(
        t,
        {
          venv,
          list: values.list,
          timeout,
          keep: values.keep,
          fresh: values.fresh,
          mutators: config.mutators,
        },
        infos,
        graph,
      );
    } catch (e) {
      if (!(e instanceof FileError)) throw e;
      console.error(`mutation: ${e.message}`);
      broken.push(`${t.file}: ${e.message}`);
      restore();
      backup(
        BACKUP,
        root,
        targets.map((x) => x.file),
      );
      continue;
    }
    const { mutants, seconds } = outcome;
    const stillThere = restore();
    if (stillThere.length > 0) fail(`slither-mutate left ${stillThere.join(", ")} mutated (restored)`);
    backup(
      BACKUP,
      root,
      targets.map((x) => x.file),
    );
    if (values.list) {
      console.log(`${t.file}: ${mutants.length} mutants`);
      for (const m of mutants)
        console.log(`  ${m.line}\t${m.mutator}\t${m.mutant.replace(/\s+/g, " ").trim()}`);
      continue;
    }
    const r = classify(t.file, mutants, equivalents.equivalent, seconds);
    results.push(r);
    report.push({ file: t.file, killRate: killRate(r), seconds: Math.round(seconds), mutants });
  }
  restore();
  if (values.list) return;

  mkdirSync(path.dirname(REPORT), { recursive: true });
  writeFileSync(REPORT, JSON.stringify({ threshold: config.threshold, files: report }, null, 2));
  const minutes = (Date.now() - started) / 60_000;
  console.log(table(results, config.threshold).join("\n"));
  console.log(`(${minutes.toFixed(1)} min; every mutant: ${rel(REPORT)})`);
  let ok = broken.length === 0;
  for (const b of broken) console.error(`mutation: not mutated: ${b}`);
  for (const r of results) {
    for (const m of r.unexplained) {
      console.error(`${r.file}:${m.line}: ${m.mutator} survived: ${m.mutant.replace(/\s+/g, " ").trim()}`);
    }
    const slow = r.killed.filter((m) => m.timedOut);
    if (slow.length > 0) {
      console.error(
        `${r.file}: ${slow.length} kill(s) by timeout (check them): lines ${slow.map((m) => m.line).join(", ")}`,
      );
    }
    for (const e of r.stale) {
      console.error(`${r.file}: stale equivalence entry (no such survivor): ${e.mutator} ${e.mutant}`);
    }
    if (!passes(r, config.threshold)) ok = false;
  }
  if (values["print-entries"]) {
    const entries = results.flatMap((r) => r.unexplained.map((m) => entryFor(r.file, m)));
    if (entries.length > 0) console.error(JSON.stringify(entries, null, 2));
  }
  process.exitCode = ok ? 0 : 1;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e: Error) => fail(e.message));
}
