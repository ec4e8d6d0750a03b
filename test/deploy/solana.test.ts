// The Solana deployment (scripts/deploy/solana.ts over src/solana/deploy.ts): killed half-way and
// rerun it finishes with one market funded once; a rerun of a finished deployment sends nothing;
// a changed config against an existing market stops and changes nothing; a record of an earlier
// chain restarts on localnet and stops elsewhere; public clusters refuse the placeholder program
// id. Then the upgrade-authority command: its instruction bytes, the ProgramData layout, and a
// transfer on the local chain of a program deployed through the upgradeable loader.
// Every record goes to a temporary CM_DEPLOYMENTS_DIR, never to the repo's deployments/.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";

import { getAccount, getMint } from "@solana/spl-token";
import { Keypair, LAMPORTS_PER_SOL, PublicKey, type Connection } from "@solana/web3.js";

import { escrowVaultAddress } from "../../src/solana/escrow.js";
import {
  BUFFER_METADATA_SIZE,
  bufferAddress,
  createBufferInstructions,
  deployProgram,
  deployUpgradeable,
  parseLoaderState,
  PROGRAM_SIZE,
  PROGRAMDATA_METADATA_SIZE,
  programDataAddress,
  readUpgradeAuthority,
  setAuthorityInstruction,
  UPGRADEABLE_LOADER_ID,
  WRITE_CHUNK,
  writeInstruction,
} from "../../src/solana/loader.js";
import {
  localProgramKeypair,
  PROGRAM_SO,
  startLocalChain,
  type LocalChain,
} from "../../src/solana/localnet.js";
import {
  checkCluster,
  checkHandOver,
  PUBLIC_CLUSTERS,
  readDeployConfig,
  type SolanaDeployment,
} from "../../src/solana/deploy.js";
import { ignitionVaultAddress, marketAddress, marketProgram, PROGRAM_ID } from "../../src/solana/market.js";
import { funded } from "../solana/helpers.js";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const SCRIPT = path.join(ROOT, "scripts", "deploy", "solana.ts");
const LOCALNET = JSON.parse(readFileSync(path.join(ROOT, "config", "solana", "localnet.json"), "utf8")) as {
  ignitionFunding: string;
  feeBps: number;
};

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the deploy script with its records in `dir`; SIGKILLs it once its output matches `killOn`. */
function deploy(dir: string, args: string[], killOn?: RegExp): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", SCRIPT, ...args], {
      cwd: ROOT,
      env: { ...process.env, CM_DEPLOYMENTS_DIR: dir },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d;
      if (killOn?.test(stdout) && child.exitCode === null) child.kill("SIGKILL");
    });
    child.stderr.on("data", (d: Buffer) => (stderr += d));
    child.once("error", reject);
    child.once("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

const ok = (run: Run) => assert.equal(run.code, 0, `deploy failed:\n${run.stdout}\n${run.stderr}`);
const record = (dir: string, network = "localnet") =>
  JSON.parse(readFileSync(path.join(dir, `solana-${network}.json`), "utf8")) as SolanaDeployment;
const writeConfig = (dir: string, name: string, changes: Record<string, unknown>) => {
  const file = path.join(dir, name);
  writeFileSync(file, JSON.stringify({ ...LOCALNET, ...changes }));
  return file;
};
const localArgs = (chain: LocalChain, config = path.join(ROOT, "config", "solana", "localnet.json")) => [
  "--config",
  config,
  "--rpc-url",
  chain.rpcUrl,
];
const signatureCount = async (connection: Connection, who: string) =>
  (await connection.getSignaturesForAddress(new PublicKey(who), { limit: 1000 })).length;

/** One fresh local chain and records directory per test. */
function fixture() {
  const ctx = { chain: undefined as unknown as LocalChain, dir: "" };
  before(async () => {
    ctx.chain = await startLocalChain();
    ctx.dir = mkdtempSync(path.join(tmpdir(), "cm-deploy-"));
  });
  after(async () => {
    await ctx.chain?.stop();
    if (ctx.dir) rmSync(ctx.dir, { recursive: true, force: true });
  });
  return ctx;
}

/** The chain holds exactly one finished deployment, the one `r` names, funded exactly once. */
async function assertDeployed(connection: Connection, dir: string, r: SolanaDeployment) {
  const deployerKey = JSON.parse(readFileSync(path.join(dir, "solana-localnet.deployer.json"), "utf8"));
  const deployer = Keypair.fromSecretKey(Uint8Array.from(deployerKey)).publicKey;
  assert.equal(r.deployer, deployer.toBase58());
  assert.equal(r.market, marketAddress(deployer).toBase58(), "the deployer's one market (a PDA of its key)");
  assert.equal(r.complete, true);
  assert.deepEqual(r.steps, [
    "program",
    "testMints",
    "market",
    "ignitionVault",
    "escrowVaults",
    "tokenPrice",
    "ignitionFunding",
  ]);
  const market = new PublicKey(r.market);
  for (const vault of [
    ignitionVaultAddress(market),
    escrowVaultAddress(market, new PublicKey(r.stableMint)),
    escrowVaultAddress(market, new PublicKey(r.tokenMint)),
  ]) {
    assert.ok(await connection.getAccountInfo(vault), `vault ${vault.toBase58()} exists`);
  }
  assert.equal(r.ignitionVault, ignitionVaultAddress(market).toBase58());
  const vault = await getAccount(connection, ignitionVaultAddress(market));
  assert.equal(vault.amount, BigInt(LOCALNET.ignitionFunding), "funded once");
  assert.equal(vault.mint.toBase58(), r.tokenMint, "the record's token mint is the one used");
  assert.equal(r.ignitionFunded, LOCALNET.ignitionFunding);
  // minted once too: the whole supply sits in the vault
  assert.equal(
    (await getMint(connection, new PublicKey(r.tokenMint))).supply,
    BigInt(LOCALNET.ignitionFunding),
  );
  assert.equal((await getMint(connection, new PublicKey(r.stableMint))).decimals, 6);
  assert.equal(r.genesisHash, await connection.getGenesisHash());
}

describe("deploy solana: interrupted and rerun", () => {
  const ctx = fixture();

  it("killed after the market (and again after minting the funding) it resumes: one market, funded once", async () => {
    const first = await deploy(ctx.dir, localArgs(ctx.chain), /^step market:/m);
    assert.equal(first.signal, "SIGKILL", `not killed:\n${first.stdout}\n${first.stderr}`);
    const partial = record(ctx.dir);
    assert.equal(partial.complete, false);
    assert.ok(partial.steps.includes("market"), `steps: ${partial.steps}`);
    assert.ok(!partial.steps.includes("ignitionFunding"));

    const second = await deploy(ctx.dir, localArgs(ctx.chain), /^step ignitionFunding: minted/m);
    assert.equal(second.signal, "SIGKILL", `not killed:\n${second.stdout}\n${second.stderr}`);
    assert.doesNotMatch(second.stdout, /step (testMints|market):/, "no second market, no new mints");

    const third = await deploy(ctx.dir, localArgs(ctx.chain));
    ok(third);
    assert.doesNotMatch(third.stdout, /minted/, "the minted funding is used, not minted again");
    const r = record(ctx.dir);
    for (const field of ["deployer", "market", "stableMint", "tokenMint", "ignitionVault"] as const) {
      assert.equal(r[field], partial[field], `${field} kept across the runs`);
    }
    assert.equal(r.initializeSignature, partial.initializeSignature);
    await assertDeployed(ctx.chain.connection, ctx.dir, r);
  });
});

describe("deploy solana: a finished deployment", () => {
  const ctx = fixture();

  it("a rerun sends no transaction and leaves the record as it is", async () => {
    ok(await deploy(ctx.dir, localArgs(ctx.chain)));
    const file = path.join(ctx.dir, "solana-localnet.json");
    const before = readFileSync(file, "utf8");
    const r = JSON.parse(before) as SolanaDeployment;
    await assertDeployed(ctx.chain.connection, ctx.dir, r);
    const sigs = await signatureCount(ctx.chain.connection, r.deployer);
    const lamports = await ctx.chain.connection.getBalance(new PublicKey(r.deployer));

    const again = await deploy(ctx.dir, localArgs(ctx.chain));
    ok(again);
    assert.match(again.stdout, /^nothing to do: /m);
    assert.doesNotMatch(again.stdout, /^step /m);
    assert.equal(await signatureCount(ctx.chain.connection, r.deployer), sigs, "no transaction signed");
    assert.equal(await ctx.chain.connection.getBalance(new PublicKey(r.deployer)), lamports, "no fee paid");
    assert.equal(readFileSync(file, "utf8"), before, "record unchanged");

    const dry = await deploy(ctx.dir, [...localArgs(ctx.chain), "--dry-run"]);
    ok(dry);
    assert.deepEqual(JSON.parse(dry.stdout).pending, []);
  });

  it("error: a changed config against the existing market is one line and changes nothing", async () => {
    const file = path.join(ctx.dir, "solana-localnet.json");
    const before = readFileSync(file, "utf8");
    const r = JSON.parse(before) as SolanaDeployment;
    const sigs = await signatureCount(ctx.chain.connection, r.deployer);
    const changed = writeConfig(ctx.dir, "changed.json", { feeBps: LOCALNET.feeBps + 100 });
    const run = await deploy(ctx.dir, localArgs(ctx.chain, changed));
    assert.equal(run.code, 1);
    assert.equal(run.stderr.trim().split("\n").length, 1, run.stderr);
    assert.match(
      run.stderr,
      new RegExp(
        `^error: market ${r.market} exists with other settings \\(feeBps: chain ${LOCALNET.feeBps}, config ${LOCALNET.feeBps + 100}\\)`,
      ),
    );
    assert.equal(readFileSync(file, "utf8"), before, "record unchanged");
    assert.equal(await signatureCount(ctx.chain.connection, r.deployer), sigs, "no transaction signed");
  });
});

describe("deploy solana: a record of an earlier chain", () => {
  let chain: LocalChain | undefined;
  const dir = mkdtempSync(path.join(tmpdir(), "cm-deploy-"));
  after(async () => {
    await chain?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("localnet starts over on a fresh chain; another network stops naming the mismatch", async () => {
    chain = await startLocalChain();
    ok(await deploy(dir, localArgs(chain)));
    const old = record(dir);
    // a network that is neither localnet nor public, with its own deployer key
    const qaKey = await funded(chain.connection, 100);
    const keyFile = path.join(dir, "qa.json");
    writeFileSync(keyFile, JSON.stringify([...qaKey.secretKey]));
    const qaConfig = writeConfig(dir, "qa-config.json", { network: "qa" });
    ok(await deploy(dir, ["--config", qaConfig, "--rpc-url", chain.rpcUrl, "--keypair", keyFile]));
    const qaBefore = readFileSync(path.join(dir, "solana-qa.json"), "utf8");
    await chain.stop();

    chain = await startLocalChain(); // what every `npm run main` does
    assert.notEqual(await chain.connection.getGenesisHash(), old.genesisHash);
    const rerun = await deploy(dir, localArgs(chain));
    ok(rerun);
    assert.match(rerun.stdout, /^localnet: .* describes an earlier chain: starting over$/m);
    const fresh = record(dir);
    assert.notEqual(fresh.deployer, old.deployer, "a fresh deployer key");
    await assertDeployed(chain.connection, dir, fresh);

    const qa = await deploy(dir, ["--config", qaConfig, "--rpc-url", chain.rpcUrl, "--keypair", keyFile]);
    assert.equal(qa.code, 1);
    assert.equal(qa.stderr.trim().split("\n").length, 1, qa.stderr);
    assert.match(
      qa.stderr,
      /^error: .*solana-qa\.json does not match the chain: names genesis \S+, the chain's is \S+/,
    );
    assert.equal(readFileSync(path.join(dir, "solana-qa.json"), "utf8"), qaBefore, "record untouched");
  });
});

describe("deploy solana: public clusters", () => {
  const ctx = fixture();

  it("error: the placeholder program id is refused on mainnet-beta, before anything is sent", async () => {
    const key = path.join(ctx.dir, "deployer.json");
    writeFileSync(key, JSON.stringify([...Keypair.generate().secretKey]));
    for (const network of Object.keys(PUBLIC_CLUSTERS)) {
      const config = writeConfig(ctx.dir, `${network}.json`, { network });
      const run = await deploy(ctx.dir, [
        "--config",
        config,
        "--rpc-url",
        ctx.chain.rpcUrl,
        "--keypair",
        key,
      ]);
      assert.equal(run.code, 1);
      assert.equal(run.stderr.trim().split("\n").length, 1, run.stderr);
      assert.match(
        run.stderr,
        new RegExp(
          `^error: refusing to deploy to ${network}: program id ${PROGRAM_ID.toBase58()} is .*'anchor keys sync'`,
        ),
      );
    }
    assert.deepEqual(
      readdirSync(ctx.dir).filter((f) => f.startsWith("solana-")),
      [],
      "no record written",
    );
  });

  it("a public cluster is also known by its genesis hash, whatever the config calls it", () => {
    assert.throws(
      () => checkCluster("localnet", PUBLIC_CLUSTERS["mainnet-beta"]),
      /refusing to deploy to mainnet-beta/,
    );
    const real = Keypair.generate().publicKey; // an id after `anchor keys sync`
    assert.doesNotThrow(() => checkCluster("devnet", PUBLIC_CLUSTERS.devnet, real));
    assert.throws(
      () => checkCluster("devnet", PUBLIC_CLUSTERS.testnet, real),
      /network is devnet but the RPC serves testnet/,
    );
    assert.doesNotThrow(() => checkCluster("localnet", "SomeLocalGenesis1111111111111111111111111111"));
  });
});

describe("upgrade authority: BPF Upgradeable Loader encoding", () => {
  const a = Keypair.generate().publicKey;
  const b = Keypair.generate().publicKey;
  const programData = Keypair.generate().publicKey;

  it("SetAuthority: tag 4 (u32 LE), accounts [programdata w, current s, new]", () => {
    const ix = setAuthorityInstruction({ account: programData, current: a, next: b });
    assert.ok(ix.programId.equals(UPGRADEABLE_LOADER_ID));
    assert.deepEqual([...ix.data], [4, 0, 0, 0]);
    assert.deepEqual(
      ix.keys.map((k) => [k.pubkey.toBase58(), k.isSigner, k.isWritable]),
      [
        [programData.toBase58(), false, true],
        [a.toBase58(), true, false],
        [b.toBase58(), false, false],
      ],
    );
  });

  it("SetAuthority to none (--final): the new-authority account is left out", () => {
    const ix = setAuthorityInstruction({ account: programData, current: a, next: null });
    assert.deepEqual([...ix.data], [4, 0, 0, 0]);
    assert.equal(ix.keys.length, 2);
  });

  it("SetAuthorityChecked: tag 7, the new authority signs; it cannot remove the authority", () => {
    const ix = setAuthorityInstruction({ account: programData, current: a, next: b, checked: true });
    assert.deepEqual([...ix.data], [7, 0, 0, 0]);
    assert.deepEqual(
      ix.keys.map((k) => [k.isSigner, k.isWritable]),
      [
        [false, true],
        [true, false],
        [true, false],
      ],
    );
    assert.throws(() =>
      setAuthorityInstruction({ account: programData, current: a, next: null, checked: true }),
    );
  });

  it("ProgramData: u32 tag 3, u64 slot, Option<Pubkey> authority, then the ELF", () => {
    const some = Buffer.concat([
      Buffer.from([3, 0, 0, 0]),
      Buffer.from([0x2a, 0x01, 0, 0, 0, 0, 0, 0]), // slot 298
      Buffer.from([1]),
      a.toBuffer(),
      Buffer.from([0x7f, 0x45, 0x4c, 0x46]), // ELF bytes follow the metadata
    ]);
    assert.equal(PROGRAMDATA_METADATA_SIZE, 45);
    assert.deepEqual(parseLoaderState(some), { kind: "programData", slot: 298n, authority: a, elfLength: 4 });
    const none = Buffer.concat([Buffer.from([3, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0]), Buffer.alloc(32)]);
    assert.deepEqual(parseLoaderState(none), {
      kind: "programData",
      slot: 9n,
      authority: null,
      elfLength: 0,
    });
    assert.throws(
      () =>
        parseLoaderState(
          Buffer.concat([Buffer.from([3, 0, 0, 0]), Buffer.alloc(8), Buffer.from([2]), Buffer.alloc(32)]),
        ),
      /bad Option tag 2/,
    );
    assert.throws(() => parseLoaderState(Buffer.from([3, 0, 0, 0, 1])), /too short/);
  });

  it("Program: u32 tag 2 and the programdata address, a PDA [program id] of the loader", () => {
    const program = Keypair.generate().publicKey;
    const data = Buffer.concat([Buffer.from([2, 0, 0, 0]), programDataAddress(program).toBuffer()]);
    assert.equal(data.length, PROGRAM_SIZE);
    assert.deepEqual(parseLoaderState(data), { kind: "program", programData: programDataAddress(program) });
    assert.ok(
      programDataAddress(program).equals(
        PublicKey.findProgramAddressSync([program.toBuffer()], UPGRADEABLE_LOADER_ID)[0],
      ),
    );
    const buffer = Buffer.concat([Buffer.from([1, 0, 0, 0, 1]), b.toBuffer()]);
    assert.equal(buffer.length, BUFFER_METADATA_SIZE);
    assert.deepEqual(parseLoaderState(buffer), { kind: "buffer", authority: b });
    assert.throws(
      () => parseLoaderState(Buffer.from([9, 0, 0, 0])),
      /unknown upgradeable-loader account tag 9/,
    );
  });
});

/**
 * An SBF program to deploy: the loader's own test program `sbpfv3_return_ok.so` (solana-bpf-loader-
 * program's test_elfs, fetched by cargo with solana-program-test's dependencies). The local chain deploys only
 * SBPF v3 ELFs: the v0 builds in solana-program-binaries (SPL Memo...) are refused there.
 */
function testElf(name = "sbpfv3_return_ok.so"): Buffer | undefined {
  const registry = path.join(process.env.CARGO_HOME ?? path.join(homedir(), ".cargo"), "registry", "src");
  if (!existsSync(registry)) return undefined;
  for (const index of readdirSync(registry)) {
    const crates = readdirSync(path.join(registry, index)).filter((c) =>
      c.startsWith("solana-bpf-loader-program-"),
    );
    for (const crate of crates) {
      const file = path.join(registry, index, crate, "test_elfs", "out", name);
      if (existsSync(file)) return readFileSync(file);
    }
  }
  return undefined;
}

describe("upgrade authority: on the local chain", () => {
  const ctx = fixture();
  const elf = testElf();

  it("compute-market is loaded at genesis as the upgradeable loader deploys it: upgrade authority the localnet program key", async () => {
    const now = await readUpgradeAuthority(ctx.chain.connection, PROGRAM_ID);
    assert.ok(now.programData.equals(programDataAddress(PROGRAM_ID)));
    assert.ok(now.authority?.equals(localProgramKeypair().publicKey));
    const data = (await ctx.chain.connection.getAccountInfo(now.programData))!.data;
    const so = readFileSync(PROGRAM_SO);
    assert.ok(data.subarray(PROGRAMDATA_METADATA_SIZE, PROGRAMDATA_METADATA_SIZE + so.length).equals(so));
  });

  it(
    "a program deployed through the upgradeable loader: hand over (dry run, SetAuthority, Checked), then --final",
    { skip: !elf && "sbpfv3_return_ok.so not in the cargo registry" },
    async () => {
      const { connection, rpcUrl } = ctx.chain;
      const authority = await funded(connection, 50);
      const programKeypair = Keypair.generate();
      const deployed = await deployUpgradeable(connection, { payer: authority, programKeypair, elf: elf! });
      assert.ok(deployed.authority?.equals(authority.publicKey));
      assert.ok(deployed.programData.equals(programDataAddress(programKeypair.publicKey)));
      const programId = programKeypair.publicKey.toBase58();

      const keyFile = (name: string, kp: Keypair) => {
        const file = path.join(ctx.dir, name);
        writeFileSync(file, JSON.stringify([...kp.secretKey]));
        return file;
      };
      const current = keyFile("authority.json", authority);
      const vault = Keypair.generate(); // stands for a Squads vault: it never signs
      const run = (...args: string[]) =>
        deploy(ctx.dir, ["upgrade-authority", "--program", programId, "--rpc-url", rpcUrl, ...args]);
      const authorityNow = async () =>
        (await readUpgradeAuthority(connection, programKeypair.publicKey)).authority;

      const dry = await run("--to", vault.publicKey.toBase58(), "--keypair", current, "--dry-run");
      ok(dry);
      assert.match(dry.stdout, /dry run: would set the upgrade authority from \S+ to \S+/);
      assert.ok((await authorityNow())?.equals(authority.publicKey), "dry run changes nothing");

      const wrong = await run(
        "--to",
        vault.publicKey.toBase58(),
        "--keypair",
        keyFile("other.json", Keypair.generate()),
      );
      assert.equal(wrong.code, 1);
      assert.match(
        wrong.stderr,
        new RegExp(
          `^error: the upgrade authority of ${programId} is ${authority.publicKey.toBase58()}, not `,
        ),
      );

      ok(await run("--to", vault.publicKey.toBase58(), "--keypair", current));
      assert.ok((await authorityNow())?.equals(vault.publicKey));
      const again = await run("--to", vault.publicKey.toBase58(), "--keypair", current);
      ok(again);
      assert.match(again.stdout, /^nothing to do: the upgrade authority is already /m);

      // SetAuthorityChecked back to a key that signs, then remove it for good
      const next = Keypair.generate();
      for (const payer of [vault, next]) {
        // each pays the fee of its own transaction below
        const sig = await connection.requestAirdrop(payer.publicKey, LAMPORTS_PER_SOL);
        await connection.confirmTransaction({ signature: sig, ...(await connection.getLatestBlockhash()) });
      }
      const checked = await run(
        "--to-keypair",
        keyFile("next.json", next),
        "--keypair",
        keyFile("vault.json", vault),
      );
      ok(checked);
      assert.ok((await authorityNow())?.equals(next.publicKey));
      const final = await run("--final", "--keypair", path.join(ctx.dir, "next.json"));
      ok(final);
      assert.match(final.stdout, /-> none \(immutable\)/);
      assert.equal(await authorityNow(), null);
      const after = await run(
        "--to",
        vault.publicKey.toBase58(),
        "--keypair",
        path.join(ctx.dir, "next.json"),
      );
      assert.equal(after.code, 1);
      assert.match(after.stderr, /is immutable: it has no upgrade authority any more/);
    },
  );
});

describe("deploy solana: the program through the upgradeable loader", () => {
  let chain: LocalChain | undefined;
  const dir = mkdtempSync(path.join(tmpdir(), "cm-deploy-"));
  before(async () => {
    chain = await startLocalChain({ program: false }); // what `npm run main` starts
  });
  after(async () => {
    await chain?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("a chain without the program: the deploy puts compute_market.so in place (authority: the deployer), then the market runs on it", async () => {
    const { connection } = chain!;
    assert.equal(await connection.getAccountInfo(PROGRAM_ID), null, "no program yet");
    const dry = await deploy(dir, [...localArgs(chain!), "--dry-run"]);
    ok(dry);
    assert.match(dry.stdout, /"pending": \[\s*"deployer",\s*"program",/);
    const run = await deploy(dir, localArgs(chain!));
    ok(run);
    assert.match(
      run.stdout,
      /^step program: deployed \S+compute_market\.so at \S+ through the upgradeable loader; upgrade authority \S+$/m,
    );
    const r = record(dir);
    const now = await readUpgradeAuthority(connection, PROGRAM_ID);
    assert.equal(now.authority?.toBase58(), r.deployer);
    const so = readFileSync(PROGRAM_SO);
    const data = (await connection.getAccountInfo(now.programData))!.data;
    assert.ok(data.subarray(PROGRAMDATA_METADATA_SIZE, PROGRAMDATA_METADATA_SIZE + so.length).equals(so));
    assert.equal(data.length, PROGRAMDATA_METADATA_SIZE + 2 * so.length, "room for twice the ELF");
    await assertDeployed(connection, dir, r);
    const again = await deploy(dir, localArgs(chain!));
    ok(again);
    assert.match(again.stdout, /^nothing to do: /m);
  });

  it(
    "an interrupted deploy resumes with the chunks its buffer already holds; the same ELF again is nothing; another one is an upgrade (extending the program first)",
    { skip: !testElf() && "sbpfv3_return_ok.so not in the cargo registry" },
    async () => {
      const { connection } = chain!;
      const elf = testElf()!;
      const authority = await funded(connection, 50);
      const programKeypair = Keypair.generate();
      // what a deploy killed midway leaves: the authority's buffer with the first chunks written
      const buffer = await bufferAddress(authority.publicKey, programKeypair.publicKey);
      const { Transaction, sendAndConfirmTransaction } = await import("@solana/web3.js");
      const init = new Transaction().add(
        ...(await createBufferInstructions(
          connection,
          authority.publicKey,
          programKeypair.publicKey,
          elf.length,
        )),
      );
      await sendAndConfirmTransaction(connection, init, [authority]);
      const chunks = Math.ceil(elf.length / WRITE_CHUNK);
      const written = Math.floor(chunks / 2);
      for (let i = 0; i < written; i++) {
        const offset = i * WRITE_CHUNK;
        const ix = writeInstruction(
          buffer,
          authority.publicKey,
          offset,
          elf.subarray(offset, offset + WRITE_CHUNK),
        );
        await sendAndConfirmTransaction(connection, new Transaction().add(ix), [authority]);
      }

      const lines: string[] = [];
      const first = await deployProgram(connection, {
        authority,
        programKeypair,
        elf,
        log: (l) => lines.push(l),
      });
      assert.equal(first.action, "deployed");
      assert.equal(first.sent, chunks - written + 1, "the missing writes and the deploy, nothing more");
      assert.ok(first.authority?.equals(authority.publicKey));
      assert.equal(await connection.getAccountInfo(buffer), null, "the deploy closed the buffer");
      const deployedData = (await connection.getAccountInfo(first.programData))!.data;
      assert.ok(
        deployedData.subarray(PROGRAMDATA_METADATA_SIZE, PROGRAMDATA_METADATA_SIZE + elf.length).equals(elf),
        "the resumed buffer deployed the whole ELF",
      );

      const same = await deployProgram(connection, { authority, programId: programKeypair.publicKey, elf });
      assert.deepEqual([same.action, same.sent], ["unchanged", 0]);

      const other = readFileSync(path.join(ROOT, "target", "deploy", "bench_noop.so"));
      assert.ok(other.length > 2 * elf.length, "the upgrade needs more room than the deploy left");
      const stranger = await funded(connection, 50);
      await assert.rejects(
        deployProgram(connection, { authority: stranger, programId: programKeypair.publicKey, elf: other }),
        new RegExp(`runs another ELF and its upgrade authority is ${authority.publicKey.toBase58()}, not `),
      );
      const upgraded = await deployProgram(connection, {
        authority,
        programId: programKeypair.publicKey,
        elf: other,
      });
      assert.equal(upgraded.action, "upgraded");
      const data = (await connection.getAccountInfo(upgraded.programData))!.data;
      assert.ok(
        data.subarray(PROGRAMDATA_METADATA_SIZE, PROGRAMDATA_METADATA_SIZE + other.length).equals(other),
      );
      assert.ok(upgraded.slot > first.slot, "the ProgramData records the upgrade's slot");
      assert.equal(await connection.getAccountInfo(buffer), null, "the upgrade closed the buffer");
    },
  );

  it(
    "an upgrade that grows the program by 100 bytes extends it by at least 10,240 (SIMD-0431); bad sizes are refused before anything is sent",
    {
      skip:
        !(testElf() && testElf("sbpfv3_return_err.so")) &&
        "the loader's test ELFs are not in the cargo registry",
    },
    async () => {
      const { connection } = chain!;
      const [small, larger] = [testElf("sbpfv3_return_err.so")!, testElf()!];
      assert.ok(larger.length > small.length && larger.length - small.length < 10_240);
      const authority = await funded(connection, 10);
      const programKeypair = Keypair.generate();
      const before = await connection.getBalance(authority.publicKey);
      for (const maxDataLen of [small.length - 1, 10 * 1024 * 1024 + 1]) {
        await assert.rejects(
          deployProgram(connection, { authority, programKeypair, elf: small, maxDataLen }),
          /^Error: maxDataLen \d+: it must be between the ELF's \d+ bytes and 10485760$/,
        );
      }
      assert.equal(await connection.getBalance(authority.publicKey), before, "nothing sent");
      // no room at all: the upgrade must extend
      const first = await deployProgram(connection, {
        authority,
        programKeypair,
        elf: small,
        maxDataLen: small.length,
      });
      const lines: string[] = [];
      const up = await deployProgram(connection, {
        authority,
        programId: programKeypair.publicKey,
        elf: larger,
        log: (l) => lines.push(l),
      });
      assert.equal(up.action, "upgraded");
      const extended = lines.find((l) => l.startsWith("extended "));
      assert.ok(extended && Number(/by (\d+) bytes/.exec(extended)![1]) >= 10_240, lines.join("\n"));
      const data = (await connection.getAccountInfo(first.programData))!.data;
      assert.ok(
        data.subarray(PROGRAMDATA_METADATA_SIZE, PROGRAMDATA_METADATA_SIZE + larger.length).equals(larger),
      );
      await assert.rejects(
        deployProgram(connection, {
          authority,
          programId: programKeypair.publicKey,
          elf: small,
          maxDataLen: 4096,
        }),
        /maxDataLen applies to a new program, not to an upgrade/,
      );
    },
  );
});

describe("deploy solana: the deployer hands its powers over (review 13-1)", () => {
  const ctx = fixture();

  it("the price authority goes to the configured relayer, the market authority is proposed to the multisig; a rerun sends nothing", async () => {
    const relayer = Keypair.generate().publicKey.toBase58();
    const multisig = Keypair.generate().publicKey.toBase58();
    const config = writeConfig(ctx.dir, "handover.json", { priceAuthority: relayer, authority: multisig });
    ok(await deploy(ctx.dir, localArgs(ctx.chain, config)));
    const r = record(ctx.dir);
    assert.ok(r.steps.includes("priceAuthority") && r.steps.includes("authorityTransfer"), r.steps.join(","));
    const { Wallet } = await import("@anchor-lang/core");
    const program = marketProgram(ctx.chain.connection, new Wallet(Keypair.generate()));
    const m = await program.account.marketConfig.fetch(new PublicKey(r.market));
    assert.equal(m.priceAuthority.toBase58(), relayer);
    assert.equal(m.pendingAuthority.toBase58(), multisig);
    assert.equal(m.authority.toBase58(), r.deployer, "the multisig has not accepted yet");
    const sigs = await signatureCount(ctx.chain.connection, r.deployer);
    const again = await deploy(ctx.dir, localArgs(ctx.chain, config));
    ok(again);
    assert.match(again.stdout, /^nothing to do: /m);
    assert.equal(await signatureCount(ctx.chain.connection, r.deployer), sigs);
  });

  it("error: on a public cluster every power must be named, and not be the deployer", () => {
    const base = readDeployConfig(path.join(ROOT, "config", "solana", "localnet.json"));
    const deployer = Keypair.generate().publicKey;
    const other = () => Keypair.generate().publicKey.toBase58();
    const named = {
      ...base,
      createTestMints: false,
      authority: other(),
      priceAuthority: other(),
      subsidyAuthority: other(),
      treasury: other(),
    };
    assert.doesNotThrow(() => checkHandOver(named, deployer, "mainnet-beta"));
    assert.throws(
      () => checkHandOver({ ...named, createTestMints: true }, deployer, "mainnet-beta"),
      /"createTestMints" is for local chains/,
    );
    assert.doesNotThrow(
      () => checkHandOver(base, deployer, undefined),
      "localnet may leave them to the deployer",
    );
    assert.throws(
      () => checkHandOver({ ...named, authority: undefined }, deployer, "mainnet-beta"),
      /must name "authority"/,
    );
    assert.throws(
      () => checkHandOver({ ...named, treasury: deployer.toBase58() }, deployer, "devnet"),
      /"treasury" is the deployer/,
    );
  });
});
