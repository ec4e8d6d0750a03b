// Runs Slither over Hardhat's build output and checks its findings against the triage file.
// Started by scripts/slither.sh (which provides the pinned Slither); see tools/slither/README.md.
//
//   slither.ts --slither <bin>          run Slither on artifacts/build-info, then check
//   slither.ts --results <slither.json> check an existing Slither JSON (no Slither run)
//
// Exit 1 on a finding the triage file does not accept, or on a triage entry that matches nothing.
import { spawnSync } from "node:child_process";
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

import { checkFindings, entryFor, loadTriage, report, type SlitherOutput } from "./triage.js";

const root = path.resolve(import.meta.dirname, "../..");

const USAGE = `usage: scripts/slither.sh [options]   (or: npx tsx tools/slither/slither.ts --slither <bin> [options])

Runs Slither over artifacts/build-info (run \`npx hardhat compile\` first) and fails on any finding
in contracts/ (not mocks) that ${"tools/slither/triage.json"} does not accept, or on a stale entry.

options:
  --slither <bin>       the slither executable (scripts/slither.sh passes the pinned venv's)
  --results <file>      check this Slither JSON instead of running Slither
  --triage <file>       triage file (default: tools/slither/triage.json)
  --json-out <file>     keep Slither's JSON output here
  --print-entries       print a triage entry (reason TODO) for each untriaged finding
  --keep                keep the working directory (pruned build-info, Slither's log)
  -h, --help            this text`;

function fail(message: string): never {
  console.error(`slither: ${message}`);
  process.exit(2);
}

/** What a standard-JSON source's AST imports. */
interface Source {
  ast: { nodes: { nodeType: string; absolutePath?: string }[] };
}

/**
 * Hardhat 3 build-info, cut down to the project's contracts (contracts/**, not the mocks) and
 * what they import. Tests (project/test/...: forge-std and the like) and mocks go: Slither spends
 * most of its time on them, and crytic-compile cannot resolve `project/test/...` paths (it maps
 * only `project/contracts/` and `npm/<pkg>@<version>/` to files). Source ids and ASTs are kept
 * as solc wrote them, so line numbers and Slither's results for the kept files are unchanged.
 */
export function pruneBuildInfo(fromDir: string, toDir: string): { kept: number; total: number } {
  mkdirSync(toDir, { recursive: true });
  let kept = 0;
  let total = 0;
  const ids = readdirSync(fromDir)
    .filter((f) => f.endsWith(".json") && !f.endsWith(".output.json"))
    .map((f) => f.slice(0, -".json".length));
  if (ids.length === 0) fail(`${fromDir} holds no build-info: run \`npx hardhat compile\` first`);
  for (const id of ids) {
    const info = JSON.parse(readFileSync(path.join(fromDir, `${id}.json`), "utf8"));
    const out = JSON.parse(readFileSync(path.join(fromDir, `${id}.output.json`), "utf8"));
    if (info._format !== "hh3-sol-build-info-1") fail(`${id}: unknown build-info format ${info._format}`);
    const sources = out.output.sources as Record<string, Source>;
    const keep = new Set<string>();
    const todo = Object.keys(sources).filter(
      (p) => p.startsWith("project/contracts/") && !p.startsWith("project/contracts/mocks/"),
    );
    for (let p = todo.pop(); p !== undefined; p = todo.pop()) {
      if (keep.has(p)) continue;
      keep.add(p);
      for (const n of sources[p].ast.nodes) {
        if (n.nodeType === "ImportDirective" && n.absolutePath) todo.push(n.absolutePath);
      }
    }
    total += Object.keys(sources).length;
    if (keep.size === 0) continue; // a build of tests or mocks only
    kept += keep.size;
    const only = <T>(o: Record<string, T>) =>
      Object.fromEntries(Object.entries(o).filter(([k]) => keep.has(k)));
    info.input.sources = only(info.input.sources);
    out.output.sources = only(sources);
    out.output.contracts = only(out.output.contracts ?? {});
    writeFileSync(path.join(toDir, `${id}.json`), JSON.stringify(info));
    writeFileSync(path.join(toDir, `${id}.output.json`), JSON.stringify(out));
  }
  return { kept, total };
}

/**
 * A directory crytic-compile reads as a Hardhat project that is already built: the pruned
 * build-info under artifacts/, `contracts` and `node_modules` linked to the repository's (the
 * source paths resolve), and stubs first on PATH so that nothing compiles or downloads: `solc`
 * (and solc-select's commands) fail loudly, `hardhat`/`npx` (crytic-compile asks them for the
 * config paths) answer nothing, so it takes the defaults.
 */
function layOut(work: string): void {
  const buildInfo = path.join(root, "artifacts/build-info");
  if (!existsSync(buildInfo)) fail(`${buildInfo} is missing: run \`npx hardhat compile\` first`);
  pruneBuildInfo(buildInfo, path.join(work, "artifacts/build-info"));
  symlinkSync(path.join(root, "contracts"), path.join(work, "contracts"));
  symlinkSync(path.join(root, "node_modules"), path.join(work, "node_modules"));
  writeFileSync(path.join(work, "hardhat.config.js"), "// marks a Hardhat project for crytic-compile\n");
  const guard = path.join(work, "guard");
  mkdirSync(guard);
  for (const tool of ["solc", "solc-select"]) {
    const stub = path.join(guard, tool);
    writeFileSync(
      stub,
      `#!/bin/sh\necho "slither.sh: '${tool}' was called; this route reads the build-info and never compiles" >&2\nexit 97\n`,
    );
    chmodSync(stub, 0o755);
  }
  for (const tool of ["hardhat", "npx"]) {
    writeFileSync(path.join(guard, tool), "#!/bin/sh\nexit 1\n");
    chmodSync(path.join(guard, tool), 0o755);
  }
}

function runSlither(bin: string, work: string, jsonFile: string): void {
  // node_modules/.bin (on PATH under npm) would offer crytic-compile a real hardhat
  const searchPath = (process.env.PATH ?? "")
    .split(path.delimiter)
    .filter((d) => !d.includes("node_modules"));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: [path.join(work, "guard"), ...searchPath].join(path.delimiter),
  };
  delete env.SOLC_VERSION;
  const r = spawnSync(
    bin,
    [".", "--config-file", path.join(root, "slither.config.json"), "--json", jsonFile, "--disable-color"],
    { cwd: work, env, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 },
  );
  writeFileSync(path.join(work, "slither.log"), `${r.stdout ?? ""}${r.stderr ?? ""}`);
  if (r.error) fail(`cannot run ${bin}: ${r.error.message}`);
  if (r.status !== 0 || !existsSync(jsonFile)) {
    const tail = `${r.stdout ?? ""}${r.stderr ?? ""}`.trim().split("\n").slice(-25).join("\n");
    fail(`Slither exited with ${r.status ?? r.signal} (log: ${work}/slither.log):\n${tail}`);
  }
}

function main(): void {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        slither: { type: "string" },
        results: { type: "string" },
        triage: { type: "string", default: "tools/slither/triage.json" },
        "json-out": { type: "string" },
        "print-entries": { type: "boolean", default: false },
        keep: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
    });
  } catch (e) {
    fail(`${(e as Error).message} (see --help)`);
  }
  const { values } = parsed;
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (!values.slither === !values.results)
    fail("give exactly one of --slither <bin> or --results <file> (see --help)");
  const triageFile = values.triage;
  let triage;
  try {
    triage = loadTriage(path.resolve(triageFile));
  } catch (e) {
    fail((e as Error).message);
  }

  let jsonFile = values.results ? path.resolve(values.results) : "";
  let work = "";
  const started = Date.now();
  if (values.slither) {
    work = mkdtempSync(path.join(tmpdir(), "cm-slither-"));
    jsonFile = path.join(work, "slither.json");
    try {
      layOut(work);
      runSlither(values.slither, work, jsonFile);
      if (values["json-out"]) copyFileSync(jsonFile, values["json-out"]);
    } finally {
      if (values.keep) console.error(`slither: working directory kept: ${work}`);
    }
  }
  const output = JSON.parse(readFileSync(jsonFile, "utf8")) as SlitherOutput;
  if (work && !values.keep) rmSync(work, { recursive: true, force: true });

  let verdict;
  try {
    verdict = checkFindings(output, triage);
  } catch (e) {
    fail((e as Error).message);
  }
  const { ok, lines } = report(verdict, triageFile);
  if (values.slither && ok) lines[lines.length - 1] += ` (${Math.round((Date.now() - started) / 1000)} s)`;
  for (const line of lines) (ok ? console.log : console.error)(line);
  if (values["print-entries"] && verdict.untriaged.length > 0) {
    console.error(JSON.stringify(verdict.untriaged.map(entryFor), null, 2));
  }
  process.exitCode = ok ? 0 : 1;
}

if (import.meta.url === `file://${process.argv[1]}`) main();
