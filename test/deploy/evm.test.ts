// deploy:ethereum and deploy:arbitrum on real local nodes (`hardhat node` over HTTP), run the way
// an operator runs them: killed mid-way and rerun (Ignition's journal resumes, nothing is sent
// twice), rerun when finished (no transaction), and audited (`audit:roles`).
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";

import { JsonRpcProvider } from "ethers";

const ROOT = path.resolve(import.meta.dirname, "../..");
const HARDHAT = path.join(ROOT, "node_modules/.bin/hardhat");
// the pinned Node (node_modules/.bin/node) runs Hardhat, whatever Node runs this file
const PATH = `${path.join(ROOT, "node_modules/.bin")}${path.delimiter}${process.env.PATH}`;
const DEPLOYER = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"; // hardhat node's account 0

interface Node {
  url: string;
  provider: JsonRpcProvider;
  child: ChildProcess;
}

async function startNode(port: number, chainId?: number): Promise<Node> {
  const args = ["node", "--hostname", "127.0.0.1", "--port", String(port)];
  if (chainId) args.push("--chain-id", String(chainId));
  const child = spawn(HARDHAT, args, {
    cwd: ROOT,
    env: { ...process.env, PATH },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let out = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hardhat node did not start:\n${out}`)), 60_000);
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("Started HTTP")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", () => reject(new Error(`hardhat node exited:\n${out}`)));
  });
  child.stdout!.resume();
  const url = `http://127.0.0.1:${port}`;
  return { url, provider: new JsonRpcProvider(url, undefined, { staticNetwork: true }), child };
}

function stop(child: ChildProcess) {
  try {
    process.kill(-child.pid!, "SIGKILL");
  } catch {
    // already gone
  }
}

const dirs = { ignition: "", deployments: "" };
let eth: Node;
let arb: Node;

function env() {
  return {
    ...process.env,
    PATH,
    CI: "true",
    CM_EVM_URL: eth.url,
    CM_ARB_URL: arb.url,
    CM_IGNITION_DIR: dirs.ignition,
    CM_DEPLOYMENTS_DIR: dirs.deployments,
  };
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a Hardhat task; with `killWhen`, SIGKILLs it (and its children) once the predicate holds. */
function hardhat(args: string[], killWhen?: () => boolean): Promise<Run & { killed: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(HARDHAT, args, {
      cwd: ROOT,
      env: env(),
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let stdout = "";
    let stderr = "";
    let killed = false;
    child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    const poll =
      killWhen &&
      setInterval(() => {
        if (!killed && killWhen()) {
          killed = true;
          stop(child);
        }
      }, 20);
    child.once("exit", (code) => {
      if (poll) clearInterval(poll);
      resolve({ code, stdout, stderr, killed });
    });
  });
}

const journal = (id: string) => path.join(dirs.ignition, "deployments", id, "journal.jsonl");

/** Contracts whose deployment Ignition's journal records as complete. */
function completedDeployments(id: string): number {
  const file = journal(id);
  if (!existsSync(file)) return 0;
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.includes('"DEPLOYMENT_EXECUTION_STATE_COMPLETE"')).length;
}

/** Futures (contracts and calls) Ignition's journal holds, each sent once. */
function journalFutures(id: string): number {
  return readFileSync(journal(id), "utf8")
    .split("\n")
    .filter((l) => /"type":"(DEPLOYMENT|CALL)_EXECUTION_STATE_INITIALIZE"/.test(l)).length;
}

const record = (name: string) =>
  JSON.parse(readFileSync(path.join(dirs.deployments, `${name}.json`), "utf8")) as {
    addresses: Record<string, string>;
    ignition: { deploymentId: string; strategy: string };
  };

before(async () => {
  dirs.ignition = mkdtempSync(path.join(tmpdir(), "cm-ignition-"));
  dirs.deployments = mkdtempSync(path.join(tmpdir(), "cm-deployments-"));
  [eth, arb] = await Promise.all([startNode(18545), startNode(18547, 412346)]);
});

after(() => {
  for (const n of [eth, arb]) if (n) stop(n.child);
  for (const d of Object.values(dirs)) if (d) rmSync(d, { recursive: true, force: true });
});

for (const side of [
  { task: "deploy:ethereum", network: "localhost", id: "ethereum-localhost", node: () => eth },
  { task: "deploy:arbitrum", network: "localArbitrum", id: "arbitrum-localArbitrum", node: () => arb },
]) {
  describe(`${side.task} through Ignition`, () => {
    it("killed after the third contract, a rerun resumes and sends nothing twice", async () => {
      const first = await hardhat(
        [side.task, "--network", side.network],
        () => completedDeployments(side.id) >= 3,
      );
      assert.ok(first.killed, `the deployment finished before it could be interrupted:\n${first.stdout}`);
      assert.equal(existsSync(path.join(dirs.deployments, `${side.id}.json`)), false, "no record yet");
      const sentBefore = await side.node().provider.getTransactionCount(DEPLOYER);
      assert.ok(sentBefore >= 3, `only ${sentBefore} transactions before the kill`);

      const second = await hardhat([side.task, "--network", side.network]);
      assert.equal(second.code, 0, second.stderr + second.stdout);
      assert.match(second.stdout, /resuming deployment/);
      // the rerun really resumed: it sent what the killed run had not
      assert.ok(
        (await side.node().provider.getTransactionCount(DEPLOYER)) > sentBefore,
        "the rerun sent nothing",
      );
      // every future of the module ran once: the deployer sent exactly one transaction per future
      const sent = await side.node().provider.getTransactionCount(DEPLOYER);
      assert.equal(sent, journalFutures(side.id));
      for (const [name, address] of Object.entries(record(side.id).addresses)) {
        assert.notEqual(await side.node().provider.getCode(address), "0x", `${name} has no code`);
      }
      assert.equal(record(side.id).ignition.strategy, "create2");
    });

    it("a rerun of a finished deployment sends no transaction and keeps every address", async () => {
      const before = await side.node().provider.getTransactionCount(DEPLOYER);
      const addresses = record(side.id).addresses;
      const rerun = await hardhat([side.task, "--network", side.network]);
      assert.equal(rerun.code, 0, rerun.stderr + rerun.stdout);
      assert.equal(await side.node().provider.getTransactionCount(DEPLOYER), before);
      assert.deepEqual(record(side.id).addresses, addresses);
    });

    it("audit:roles reads every role from chain and finds them as the config says", async () => {
      const audit = await hardhat(["audit:roles", "--network", side.network]);
      assert.equal(audit.code, 0, audit.stderr + audit.stdout);
      assert.match(audit.stdout, /every role on \w+ is held as the config says/);
      assert.doesNotMatch(audit.stdout, /unexpected|missing/);
    });
  });
}

describe("audit:roles and config changes", () => {
  it("error: a role granted outside the config makes audit:roles fail, naming it", async () => {
    const { addresses } = record("arbitrum-localArbitrum");
    // the config's admin (signer:8 on local chains, unlocked on hardhat node) grants a pauser
    const admin = await arb.provider.getSigner(8);
    const stranger = "0x000000000000000000000000000000000000bEEF";
    const sale = new (await import("ethers")).Contract(
      addresses.sale,
      ["function grantRole(bytes32,address)", "function revokeRole(bytes32,address)"],
      admin,
    );
    const PAUSER = (await import("ethers")).id("PAUSER_ROLE");
    await (await sale.grantRole(PAUSER, stranger)).wait();
    try {
      const audit = await hardhat(["audit:roles", "--network", "localArbitrum"]);
      assert.equal(audit.code, 1);
      assert.match(audit.stdout, new RegExp(`sale\\s+PAUSER_ROLE\\s+${stranger}\\s+unexpected`, "i"));
      assert.match(audit.stderr.trim(), /^error: roles on localArbitrum differ from the config/);
    } finally {
      await (await sale.revokeRole(PAUSER, stranger)).wait();
    }
  });

  it("error: a config changed after the deployment began is refused and nothing is sent", async () => {
    const changed = path.join(dirs.deployments, "tokenomics-changed.json");
    const config = JSON.parse(readFileSync(path.join(ROOT, "config/ethereum/tokenomics.json"), "utf8"));
    config.governance.quorumPercent = 5;
    writeFileSync(changed, JSON.stringify(config));
    const before = await eth.provider.getTransactionCount(DEPLOYER);
    const run = await hardhat(["deploy:ethereum", "--network", "localhost", "--tokenomics", changed]);
    assert.notEqual(run.code, 0);
    assert.match(run.stderr + run.stdout, /the config changed since deployment ethereum-localhost began/);
    assert.equal(await eth.provider.getTransactionCount(DEPLOYER), before);
  });

  it("a restarted local node (another block 0) starts the deployment over", async () => {
    stop(eth.child);
    eth = await startNode(18545);
    const run = await hardhat(["deploy:ethereum", "--network", "localhost"]);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.match(run.stdout, /was restarted since ethereum-localhost began: starting over/);
    assert.notEqual(await eth.provider.getCode(record("ethereum-localhost").addresses.token), "0x");
  });
});

describe("source verification (no network here: a --help level check)", () => {
  it("`hardhat ignition verify <deployment id>` and `hardhat verify` are wired in", async () => {
    const ignitionVerify = await hardhat(["ignition", "verify", "--help"]);
    assert.equal(ignitionVerify.code, 0, ignitionVerify.stderr);
    assert.match(ignitionVerify.stdout, /deploymentId/);
    const verify = await hardhat(["verify", "etherscan", "--help"]);
    assert.equal(verify.code, 0, verify.stderr);
    assert.match(verify.stdout, /address/i);
  });
});
