// Issue 13: `npm run cm` on the local chains: every group's commands with their effect checked on
// chain (balances to the unit where money moves), and per group the bad inputs (unknown network,
// malformed address or keypair file, too many decimals, insufficient balance, missing deployment
// record), each one line on stderr starting `error:` naming the input, exit code 1, nothing
// changed on chain.
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";

import { getAccount, getAssociatedTokenAddressSync } from "@solana/spl-token";
import { PublicKey } from "@solana/web3.js";

import { cm, cmJson, DIR, ENV, hreFor, PORTS, ROOT, startHardhatNode, URLS, type Run } from "./helpers.js";

const { startLocalChain } = await import("../../src/solana/localnet.js");
type LocalChain = Awaited<ReturnType<typeof startLocalChain>>;

const ETH = ["--network", "localhost", "--rpc-url", URLS.ethereum];
const ARB = ["--network", "localArbitrum", "--rpc-url", URLS.arbitrum];
const STATUS = ["--ethereum-rpc-url", URLS.ethereum, "--arbitrum-rpc-url", URLS.arbitrum];

/** One line on stderr, `error:`, naming `input`; exit code 1; nothing on stdout. */
function assertUserError(r: Run, ...names: string[]) {
  assert.equal(r.code, 1, `exit code (stderr: ${r.stderr})`);
  const lines = r.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, `one line on stderr, got: ${r.stderr}`);
  assert.match(lines[0], /^error: /);
  for (const n of names) assert.ok(lines[0].includes(n), `'${lines[0]}' names ${n}`);
  assert.equal(r.stdout, "");
}

let nodes: ChildProcess[] = [];
let chain: LocalChain;
type Conn = Awaited<ReturnType<(typeof import("hardhat"))["network"]["create"]>>;
// A fresh connection per use: the nodes close idle keep-alive sockets between the CLI's runs.
const { network } = await import("hardhat");
const E = (): Promise<Conn> => network.create({ network: "localhost", override: { url: URLS.ethereum } });
const A = (): Promise<Conn> => network.create({ network: "localArbitrum", override: { url: URLS.arbitrum } });

async function splBalance(owner: string, mint: string) {
  try {
    return (
      await getAccount(
        chain.connection,
        getAssociatedTokenAddressSync(new PublicKey(mint), new PublicKey(owner)),
      )
    ).amount;
  } catch {
    return 0n;
  }
}

/** The contract on a fresh connection (see A). */
async function fresh<T extends { connect(runner: unknown): unknown }>(c: T): Promise<T> {
  return c.connect((await A()).ethers.provider) as T;
}

/** What "nothing changed" is measured by: nonces and balances of the EVM accounts, the Solana accounts' data. */
async function snapshot(evmAccounts: string[], solanaAccounts: string[]) {
  const out: string[] = [];
  for (const c of [await E(), await A()])
    for (const a of evmAccounts)
      out.push(
        `${a}:${await c.ethers.provider.getTransactionCount(a)}:${await c.ethers.provider.getBalance(a)}`,
      );
  for (const a of solanaAccounts) {
    const info = await chain.connection.getAccountInfo(new PublicKey(a));
    out.push(`${a}:${info?.lamports}:${info?.data.toString("hex")}`);
  }
  return out;
}

const sol = () =>
  JSON.parse(readFileSync(path.join(DIR, "solana-localnet.json"), "utf8")) as Record<string, string>;
const arbRecord = () =>
  JSON.parse(readFileSync(path.join(DIR, "arbitrum-localArbitrum.json"), "utf8")) as {
    addresses: Record<string, string>;
  };

before(async () => {
  nodes = await Promise.all([startHardhatNode(PORTS.ethereum), startHardhatNode(PORTS.arbitrum, 412346)]);
  chain = await startLocalChain({ port: PORTS.solana });
  const log = console.log;
  console.log = () => {}; // the deploy tasks' progress
  try {
    const { spawnSync } = await import("node:child_process");
    for (const [task, net] of [
      ["deploy:ethereum", "localhost"],
      ["deploy:arbitrum", "localArbitrum"],
    ]) {
      const r = spawnSync(path.join(ROOT, "node_modules/.bin/hardhat"), [task, "--network", net], {
        cwd: ROOT,
        env: ENV,
        encoding: "utf8",
      });
      assert.equal(r.status, 0, r.stderr + r.stdout);
    }
    const tasks = await import("../../scripts/tasks/arbitrum.js");
    const hre = await hreFor("localArbitrum", URLS.arbitrum);
    // the supplier's customer (account 4) gets test stablecoin and bridged tokens
    await tasks.bridgeDepositTask(
      { amount: "1000", gatewayAccount: "9", to: "signer:4", stable: "1000" },
      hre,
    );
  } finally {
    console.log = log;
  }
  const { spawnSync } = await import("node:child_process");
  const d = spawnSync(
    path.join(ROOT, "node_modules/.bin/tsx"),
    ["scripts/deploy/solana.ts", "--config", "config/solana/localnet.json", "--rpc-url", chain.rpcUrl],
    { cwd: ROOT, env: ENV, encoding: "utf8" },
  );
  assert.equal(d.status, 0, d.stderr);
});

after(async () => {
  for (const n of nodes) n.kill("SIGTERM");
  await chain?.stop();
});

describe("cm status", () => {
  it("addresses: every deployed address of the three records", () => {
    const s = cmJson<Record<string, { addresses: Record<string, string> }>>("status", "addresses");
    assert.equal(s.arbitrum.addresses.rentalEscrow, arbRecord().addresses.rentalEscrow);
    assert.equal(s.solana.addresses.market, sol().market);
    assert.ok(s.ethereum.addresses.governor);
  });
  it("roles: PAUSER_ROLE holder on Arbitrum, the Solana market's authorities", () => {
    const s = cmJson<{
      arbitrum: { contracts: Record<string, { roles: { role: string; account: string }[] }> };
      solana: { roles: { authority: string; priceAuthority: string; subsidyAuthority: string } };
    }>("status", "roles", ...STATUS);
    const pausers = s.arbitrum.contracts.rentalEscrow.roles.filter((r) => r.role === "PAUSER_ROLE");
    assert.equal(pausers.length, 1);
    const deployer = JSON.parse(
      readFileSync(path.join(DIR, "solana-localnet.deployer.json"), "utf8"),
    ) as number[];
    assert.equal(deployer.length, 64);
    assert.ok(s.solana.roles.authority && s.solana.roles.priceAuthority && s.solana.roles.subsidyAuthority);
  });
  it("error: unknown network, missing deployment record, malformed key", () => {
    assertUserError(
      cm("status", "roles", "--chains", "arbitrum", "--arbitrum", "nowhere"),
      "--arbitrum 'nowhere'",
      "localArbitrum",
    );
    assertUserError(
      cm("status", "addresses", "--solana", "devnet"),
      "--solana 'devnet'",
      "solana-devnet.json",
    );
    assertUserError(cm("status", "balances", "--key", "0x12"), "--key '0x12'");
  });
});

describe("cm customer / supplier on Solana", () => {
  const keys = { supplier: path.join(DIR, "supplier.json"), customer: path.join(DIR, "customer.json") };
  let supplier = "";
  let customer = "";
  it("dev wallet, supplier offer, customer quote, rent, supplier start, settle: the customer pays the quote to the unit", async () => {
    supplier = cmJson<{ pubkey: string }>("dev", "wallet", "--out", keys.supplier).pubkey;
    customer = cmJson<{ pubkey: string }>("dev", "wallet", "--out", keys.customer, "--stable", "1000").pubkey;
    const offer = cmJson<{ sent: boolean }>(
      "supplier",
      "offer",
      "--chain",
      "solana",
      "--keypair",
      keys.supplier,
      "--gpu-model",
      "H100-80GB",
      "--gpu-count",
      "8",
      "--hourly-price",
      "20",
    );
    assert.equal(offer.sent, true);
    const q = cmJson<{ stable: { total: string } }>(
      "customer",
      "quote",
      "--chain",
      "solana",
      "--supplier",
      supplier,
      "--hours",
      "10",
    );
    assert.equal(q.stable.total, String(210n * 10n ** 6n)); // 200 USDC + 5 % fee
    const before = await splBalance(customer, sol().stableMint);
    const dry = cmJson<{ sent: boolean }>(
      "customer",
      "rent",
      "--chain",
      "solana",
      "--keypair",
      keys.customer,
      "--supplier",
      supplier,
      "--hours",
      "10",
      "--rental-id",
      "1",
      "--dry-run",
    );
    assert.equal(dry.sent, false);
    assert.equal(await splBalance(customer, sol().stableMint), before);
    const r = cmJson<{ rental: string; sent: boolean }>(
      "customer",
      "rent",
      "--chain",
      "solana",
      "--keypair",
      keys.customer,
      "--supplier",
      supplier,
      "--hours",
      "10",
      "--rental-id",
      "1",
    );
    assert.equal(before - (await splBalance(customer, sol().stableMint)), 210n * 10n ** 6n);
    const open = cmJson<{ solana: { rentals: { rental: string; state: string }[] } }>(
      "status",
      "rentals",
      "--key",
      customer,
      "--chains",
      "solana",
    );
    assert.deepEqual(
      open.solana.rentals.map((x) => [x.rental, x.state]),
      [[r.rental, "created"]],
    );
    cmJson("supplier", "start", "--chain", "solana", "--keypair", keys.supplier, "--rental", `${customer}:1`);
    const deployer = path.join(DIR, "solana-localnet.deployer.json");
    cmJson(
      "customer",
      "settle",
      "--chain",
      "solana",
      "--keypair",
      deployer,
      "--rental",
      `${customer}:1`,
      "--delivered",
      "4",
    );
    // settled: 4 of 10 h paid (80 USDC + its fee), the rest refunded
    assert.equal(before - (await splBalance(customer, sol().stableMint)), 84n * 10n ** 6n);
    assert.equal(await splBalance(supplier, sol().stableMint), 80n * 10n ** 6n);
  });
  it("error: bad inputs change nothing (keypair file, address, decimals, balance, network)", async () => {
    const bad = path.join(DIR, "bad.json");
    writeFileSync(bad, "[1,2,3]");
    const market = sol().market;
    const before = await snapshot(
      [],
      [
        market,
        customer,
        getAssociatedTokenAddressSync(new PublicKey(sol().stableMint), new PublicKey(customer)).toBase58(),
      ],
    );
    const rent = ["customer", "rent", "--chain", "solana", "--supplier", supplier, "--hours", "10"];
    assertUserError(cm(...rent, "--keypair", bad), "--keypair", bad);
    assertUserError(
      cm(...rent.map((a) => (a === supplier ? "not-a-key" : a)), "--keypair", keys.customer),
      "--supplier 'not-a-key'",
    );
    assertUserError(
      cm(...rent, "--keypair", keys.customer, "--max-amount", "1.1234567"),
      "--max-amount",
      "1.1234567",
    );
    assertUserError(cm(...rent, "--keypair", keys.customer, "--hours", "100"), "--hours 100", "holds only");
    assertUserError(cm(...rent, "--keypair", keys.customer, "--network", "devnet"), "--network 'devnet'");
    assertUserError(cm(...rent, "--keypair", keys.customer, "--hours", "ten"), "--hours 'ten'");
    assert.deepEqual(await snapshot([], [market, customer]), before.slice(0, 2));
  });
});

describe("cm customer / supplier on Arbitrum", () => {
  it("supplier offer, customer rent (stable), start, settle by the settler: balances to the unit", async () => {
    const [, , , sup, cus] = await (await A()).ethers.getSigners();
    const usdc = (await import("../../types/ethers-contracts/index.js")).IERC20Metadata__factory.connect(
      arbRecord().addresses.stablecoin,
      (await A()).ethers.provider,
    );
    const offer = cmJson<{ supplier: string }>(
      "supplier",
      "offer",
      "--chain",
      "arbitrum",
      ...ARB,
      "--account",
      "3",
      "--gpu-model",
      "H100-80GB",
      "--gpu-count",
      "8",
      "--hourly-price",
      "20",
    );
    assert.equal(offer.supplier, sup.address);
    const before = await (await fresh(usdc)).balanceOf(cus.address);
    const r = cmJson<{ rentalId: string; total: string }>(
      "customer",
      "rent",
      "--chain",
      "arbitrum",
      ...ARB,
      "--account",
      "4",
      "--supplier",
      sup.address,
      "--hours",
      "10",
    );
    assert.equal(before - (await (await fresh(usdc)).balanceOf(cus.address)), BigInt(r.total));
    const open = cmJson<{ arbitrum: { rentals: { rentalId: string; role: string }[] } }>(
      "status",
      "rentals",
      ...STATUS,
      "--key",
      cus.address,
      "--chains",
      "arbitrum",
    );
    assert.deepEqual(
      open.arbitrum.rentals.map((x) => [x.rentalId, x.role]),
      [[r.rentalId, "customer"]],
    );
    cmJson("supplier", "start", "--chain", "arbitrum", ...ARB, "--account", "3", "--rental", r.rentalId);
    cmJson("customer", "settle", "--chain", "arbitrum", ...ARB, "--account", "1", "--rental", r.rentalId);
    assert.equal(await (await fresh(usdc)).balanceOf(sup.address), 200n * 10n ** 6n);
  });
  it("error: bad inputs change nothing", async () => {
    const [, , , sup, cus, poor] = await (await A()).ethers.getSigners();
    const before = await snapshot([cus.address, poor.address], []);
    const rent = ["customer", "rent", "--chain", "arbitrum", "--supplier", sup.address, "--hours", "10"];
    assertUserError(cm(...rent, "--network", "nowhere"), "--network 'nowhere'", "localArbitrum");
    assertUserError(cm(...rent, ...ARB, "--supplier", "0x1234"), "--supplier '0x1234'");
    assertUserError(
      cm(...rent, ...ARB, "--account", "4", "--max-amount", "0.1234567"),
      "--max-amount",
      "0.1234567",
    );
    assertUserError(cm(...rent, ...ARB, "--account", "5"), "--hours 10", "holds only");
    assertUserError(
      cm(...rent, "--network", "hardhatArbitrum"),
      "--network 'hardhatArbitrum'",
      "arbitrum-hardhatArbitrum.json",
    );
    assert.deepEqual(await snapshot([cus.address, poor.address], []), before);
  });
});

describe("cm node", () => {
  it("buy licences in ETH during the allowlist phase: paid the quote to the wei (plus gas)", async () => {
    const [, , buyer] = await (await A()).ethers.getSigners();
    const dry = cmJson<{ total: string; sent: boolean }>(
      "node",
      "buy",
      ...ARB,
      "--account",
      "2",
      "--quantity",
      "2",
      "--dry-run",
    );
    assert.equal(dry.sent, false);
    const before = await (await A()).ethers.provider.getBalance(buyer.address);
    const r = cmJson<{ total: string; tx: string; firstTokenId: string; lastTokenId: string }>(
      "node",
      "buy",
      ...ARB,
      "--account",
      "2",
      "--quantity",
      "2",
    );
    const receipt = await (await A()).ethers.provider.getTransactionReceipt(r.tx);
    const gas = receipt!.gasUsed * receipt!.gasPrice;
    assert.equal(
      before - (await (await A()).ethers.provider.getBalance(buyer.address)),
      BigInt(r.total) + gas,
    );
    const d = cmJson<{ ids: string[] }>(
      "node",
      "delegate",
      ...ARB,
      "--account",
      "2",
      "--ids",
      `${r.firstTokenId},${r.lastTokenId}`,
      "--operator",
      "signer:7",
    );
    assert.equal(d.ids.length, 2);
    const { CheckerNodeLicense__factory } = await import("../../types/ethers-contracts/index.js");
    const license = CheckerNodeLicense__factory.connect(
      arbRecord().addresses.license,
      (await A()).ethers.provider,
    );
    const [, , , , , , , op] = await (await A()).ethers.getSigners();
    assert.equal(await (await fresh(license)).operatorOf(BigInt(r.firstTokenId)), op.address);
  });
  it("error: bad inputs change nothing", async () => {
    const [, , buyer, , , poor] = await (await A()).ethers.getSigners();
    const before = await snapshot([buyer.address, poor.address], []);
    assertUserError(cm("node", "buy", "--network", "nowhere", "--quantity", "1"), "--network 'nowhere'");
    assertUserError(cm("node", "buy", ...ARB, "--quantity", "-1"), "--quantity '-1'");
    assertUserError(
      cm("node", "delegate", ...ARB, "--account", "2", "--ids", "1", "--operator", "0xabc"),
      "--operator '0xabc'",
    );
    assertUserError(cm("node", "buy", ...ARB, "--account", "x", "--quantity", "1"), "--account 'x'");
    assertUserError(cm("node", "buy", ...ARB, "--account", "2", "--quantity", "100000"), "--quantity 100000");
    assertUserError(
      cm("node", "buy", "--network", "hardhat", "--quantity", "1"),
      "--network 'hardhat'",
      "arbitrum-hardhat.json",
    );
    assert.deepEqual(await snapshot([buyer.address, poor.address], []), before);
  });
});

describe("cm governance", () => {
  it("pause and unpause RentalEscrow (PAUSER_ROLE / admin: account 8), and the Solana market (its authority)", async () => {
    const { RentalEscrow__factory } = await import("../../types/ethers-contracts/index.js");
    const escrow = RentalEscrow__factory.connect(
      arbRecord().addresses.rentalEscrow,
      (await A()).ethers.provider,
    );
    cmJson("governance", "pause", ...ARB, "--account", "8", "--contract", "RentalEscrow");
    assert.equal(await (await fresh(escrow)).paused(), true);
    cmJson("governance", "unpause", ...ARB, "--account", "8", "--contract", "RentalEscrow");
    assert.equal(await (await fresh(escrow)).paused(), false);
    const deployer = path.join(DIR, "solana-localnet.deployer.json");
    const { marketProgram } = await import("../../src/solana/market.js");
    const { Wallet } = await import("@anchor-lang/core");
    const { Keypair } = await import("@solana/web3.js");
    const program = marketProgram(chain.connection, new Wallet(Keypair.generate()));
    cmJson("governance", "pause", "--chain", "solana", "--keypair", deployer);
    assert.equal((await program.account.marketConfig.fetch(new PublicKey(sol().market))).paused, true);
    cmJson("governance", "unpause", "--chain", "solana", "--keypair", deployer);
    assert.equal((await program.account.marketConfig.fetch(new PublicKey(sol().market))).paused, false);
  });
  it("delegate votes and propose an emission release (Ethereum)", async () => {
    const [, , , , holder] = await (await E()).ethers.getSigners();
    const d = cmJson<{ votes: string; balance: string }>("governance", "delegate", ...ETH, "--account", "4");
    assert.equal(d.votes, d.balance);
    const { time } = { time: 1 };
    void time;
    await (await E()).provider.request({ method: "evm_mine", params: [] });
    const p = cmJson<{ id: string; proposer: string; state: string }>(
      "governance",
      "propose",
      ...ETH,
      "--account",
      "4",
      "--from",
      "0",
      "--to",
      "0",
    );
    assert.equal(p.proposer, holder.address);
    assert.equal(p.state, "Pending");
    const plan = cmJson<{ rows: unknown[] }>("governance", "plan", ...ETH, "--epochs", "2");
    assert.equal(plan.rows.length, 2);
  });
  it("error: the pauser role, unknown contract, network", async () => {
    const [, , , , cus] = await (await A()).ethers.getSigners();
    const before = await snapshot([cus.address], [sol().market]);
    assertUserError(
      cm("governance", "pause", ...ARB, "--account", "4", "--contract", "RentalEscrow"),
      "--account",
      "PAUSER_ROLE",
    );
    assertUserError(
      cm("governance", "pause", ...ARB, "--account", "8", "--contract", "Nope"),
      "--contract 'Nope'",
    );
    assertUserError(
      cm("governance", "pause", "--chain", "solana", "--keypair", path.join(DIR, "customer.json")),
      "--keypair",
      "market authority",
    );
    assertUserError(cm("governance", "propose", "--network", "nowhere"), "--network 'nowhere'");
    assertUserError(cm("governance", "propose", ...ETH, "--curve", "1,2"), "--curve '1,2'");
    assert.deepEqual(await snapshot([cus.address], [sol().market]), before);
  });
});
