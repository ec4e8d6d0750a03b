// `npm run bench:gas`: gas (receipt.gasUsed) per user action on the project's contracts, next to a
// reference implementation of the same action in the same run, on Hardhat's in-process EVM; the
// issue-14 targets checked; the committed gas-snapshot.json checked or rewritten.
//   - licences: CheckerNodeSale.buy of 1/10/50 (ERC721A) vs ReferenceEnumerableLicense (OZ
//     ERC721Enumerable minting one by one)
//   - rewards: CheckerRewards.claim of 1/10/100 licences in one call (an epoch of 2^10 leaves) and
//     of one licence at 10^6 leaves (proof depth 20) vs ReferenceMerkleDistributor, one leaf per call
//     (a tree of as many leaves, claimed leaves of the same proof depth)
//   - escrow: RentalEscrow create/start/settle in each currency vs ReferenceRentalEscrow (OZ only)
//   - Ethereum: releaseEpoch, propose/vote/queue/execute, delegate, permit (OZ Governor and token
//     extensions themselves: no separate reference)
// Every scenario is deterministic: fixed accounts and amounts, the clock set to a fixed time before
// deploying, each measured call preceded by a warm-up that leaves the same storage non-zero for
// ours and the reference alike (balances, counters, the claimed-bit word).
//   npm run bench:gas                          table and targets (exit 1 if a target fails)
//   GAS_SNAPSHOT=check npm run bench:gas       also fails if an action costs > 1 % above the snapshot
//   GAS_SNAPSHOT=update npm run bench:gas      rewrites gas-snapshot.json
//   GAS_TARGETS=warn ...                       a missed target is printed, not failed
// (`hardhat run` passes no arguments to a script, hence the variable.)
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { parseEther, Signature, type ContractTransactionResponse } from "ethers";
import { network } from "hardhat";

import { distributorTree } from "../../src/bench/distributor.js";
import {
  compareSnapshots,
  describeComparison,
  readSnapshot,
  UPDATE_COMMAND,
  writeSnapshot,
  type GasSnapshot,
} from "../../src/bench/snapshot.js";
import { prng } from "../../src/epoch/generate.js";
import { nativeAvailable, nativeBinary } from "../../src/epoch/tree.js";
import { Currency, deployArbitrumMarket, loadLicenseConfig, resolveRef } from "../../src/evm/arbitrum.js";
import { descriptionHash, nextProposal, releaseProposal } from "../../src/evm/emission.js";
import { EvmCurrency, loadEscrowConfig, setEvmOffer } from "../../src/evm/escrow.js";
import { deployEthereum } from "../../src/evm/ethereum.js";
import { openRewardsEpoch, readReports, rewardAmounts, writeRewardsEpoch } from "../../src/evm/rewards.js";
import { loadTokenomics } from "../../src/evm/tokenomics.js";
import type {
  ReferenceEnumerableLicense,
  ReferenceMerkleDistributor,
  ReferenceRentalEscrow,
} from "../../types/ethers-contracts/index.js";

const SNAPSHOT_FILE = "gas-snapshot.json";
const MODE = process.env.GAS_SNAPSHOT ?? "";
if (!["", "check", "update"].includes(MODE)) {
  console.error(`GAS_SNAPSHOT='${MODE}': expected check or update (or unset)`);
  process.exit(2);
}
/** GAS_TARGETS=warn: a missed target is printed as FAIL but does not fail the run (the snapshot
 *  check still does): for `npm test` while the contracts do not meet the issue-14 targets yet. */
const TARGETS = process.env.GAS_TARGETS ?? "enforce";
if (!["enforce", "warn"].includes(TARGETS)) {
  console.error(`GAS_TARGETS='${TARGETS}': expected enforce or warn`);
  process.exit(2);
}
if (!nativeAvailable()) {
  console.error(
    `${nativeBinary()} is not built: cargo build --release -p epoch-tree (scripts/setup.sh does)`,
  );
  process.exit(2);
}

/** Every chain starts its clock here (2065-01-24), so runs do not depend on the day they run. */
const CLOCK_START = 3_000_000_000;
const SMALL_EPOCH = 1 << 10;
const LARGE_EPOCH = 1_000_000;
const LARGE_DEPTH = 20;
const RENTAL_HOURS = 10;
const USDC = 1_000_000n;
const HOURLY_STABLE = 20n * USDC;

interface Row {
  /** the action, as named in the table and the snapshot */
  action: string;
  ours: bigint;
  reference?: bigint;
  /** what the reference did, when it is not the same single call */
  note?: string;
  /** a sum of other rows: shown, not snapshotted */
  derived?: boolean;
}
const rows: Row[] = [];
interface Target {
  name: string;
  pass: boolean;
  detail: string;
}
const targets: Target[] = [];
const gasOf = async (tx: Promise<ContractTransactionResponse>) => (await (await tx).wait())!.gasUsed;
const sum = (xs: bigint[]) => xs.reduce((a, b) => a + b, 0n);

// ------------------------------------------------------------------ Arbitrum

async function arbitrum() {
  const connection = await network.create("hardhatArbitrum");
  const { ethers, networkHelpers } = connection;
  const { time } = networkHelpers;
  await time.increaseTo(CLOCK_START);
  const config = loadLicenseConfig("config/arbitrum/licenses.json");
  // one large tier and no wallet cap, as in bench:licenses: every batch pays one price
  config.sale.tiers = [{ quantity: 10_000, priceEth: "0.1", priceStable: "300" }];
  config.sale.publicWalletCap = 10_000;
  config.license.maxSupply = 10_000;
  const escrowConfig = loadEscrowConfig("config/arbitrum/escrow.json");
  const d = await deployArbitrumMarket(connection, config, escrowConfig);
  const signers = await ethers.getSigners();
  const [buyer, holder, customer, supplier] = signers.slice(10);
  const gateway = await ethers.getSigner(await resolveRef(ethers, config.bridge.l2Gateway));
  const poster = await ethers.getSigner(await resolveRef(ethers, config.rewards.rewardPoster));
  const settler = await ethers.getSigner(await resolveRef(ethers, config.roles.settler));
  const priceSetter = await ethers.getSigner(await resolveRef(ethers, config.roles.priceSetter));
  await time.increaseTo(d.start + config.sale.publicStartSeconds);

  // ---- licences: buy 1, 10, 50 (each after a warm-up purchase of one, for both contracts)
  const refLicense = (await ethers.deployContract(
    "ReferenceEnumerableLicense",
  )) as unknown as ReferenceEnumerableLicense;
  const buy = async (who: typeof buyer, n: bigint) => {
    const [total] = await d.sale.quote(n, Currency.ETH, ethers.ZeroHash);
    return gasOf(d.sale.connect(who).buy(n, Currency.ETH, ethers.ZeroHash, total, 0n, [], { value: total }));
  };
  for (const n of [1n, 10n, 50n]) {
    await buy(buyer, 1n);
    await gasOf(refLicense.connect(buyer).buy(1n, 0));
    const ours = await buy(buyer, n);
    const reference = await gasOf(refLicense.connect(buyer).buy(n, 0));
    rows.push({
      action: `licences: buy ${n}`,
      ours,
      reference,
      note: "ReferenceEnumerableLicense (OZ ERC721Enumerable): one mint per licence",
    });
  }

  // ---- rewards
  // The holder buys three batches of 50 (the config's public wallet cap), then 8 licences one at
  // a time; ids follow the buyer's. A single claim is measured on a licence bought alone: the owner
  // of the k-th licence of a batch, looked up alone, costs k more slots (ERC721A scans back to the
  // batch's first id), shown by its own row (the last of a batch of 50); a bulk claim's
  // `ownersOf` reads each id of a run of one batch once. Claimed in the epoch of 2^10 leaves: a
  // warm-up, 1 licence, 10 (the start of batch 1), the last of batch 1, 100 (batches 2 and 3); at
  // 10^6 leaves: a warm-up and 1.
  const firstHeld = (await d.license.totalMinted()) + 1n;
  for (let i = 0; i < 3; i++) await buy(holder, 50n);
  for (let i = 0; i < 8; i++) await buy(holder, 1n);
  const held = Array.from({ length: 158 }, (_, i) => firstHeld + BigInt(i));
  if (held[held.length - 1] >= 256n) throw new Error("the claimed licences should share one bitmap word");
  const [batch1, batches23, singles] = [held.slice(0, 50), held.slice(50, 150), held.slice(150)];
  const rewardsAddress = await d.rewards.getAddress();
  const chainId = (await ethers.provider.getNetwork()).chainId;
  const budget = parseEther("1000");
  await (await d.token.connect(gateway).bridgeMint(rewardsAddress, budget * 2n)).wait();
  const work = mkdtempSync(path.join(tmpdir(), "bench-gas-"));
  try {
    /** epoch `epoch` over licences 1..n (random checks), posted; its artifact and amounts */
    const epochOf = async (epoch: bigint, n: number) => {
      const next = prng(`bench-gas-${n}`);
      const reports = path.join(work, `reports-${n}.csv`);
      const lines = ["licenseId,checksPassed"];
      for (let id = 1; id <= n; id++) lines.push(`${id},${1 + (next() % 100)}`);
      writeFileSync(reports, lines.join("\n") + "\n");
      const dir = path.join(work, `epoch-${epoch}`);
      const m = await writeRewardsEpoch(dir, { chainId, rewards: rewardsAddress, epoch }, budget, reports);
      if (m.leafCount !== n) throw new Error(`epoch of ${m.leafCount} leaves, expected ${n}`);
      await (await d.rewards.connect(poster).postEpoch(epoch, m.root, BigInt(m.total))).wait();
      // leaf i of the reference tree carries licence i+1's amount: the same calldata sizes
      const amounts = rewardAmounts(budget, readReports(reports)).map((r) => r.amount);
      return { artifact: await openRewardsEpoch(dir), amounts };
    };
    const small = await epochOf(1n, SMALL_EPOCH);
    const large = await epochOf(2n, LARGE_EPOCH);
    await time.increase(config.rewards.claimDelaySeconds + 1);

    const distributor = async (amounts: bigint[]) => {
      const tree = distributorTree(holder.address, amounts);
      const c = (await ethers.deployContract("ReferenceMerkleDistributor", [
        await d.token.getAddress(),
        tree.root,
      ])) as unknown as ReferenceMerkleDistributor;
      await (await d.token.connect(gateway).bridgeMint(await c.getAddress(), budget)).wait();
      return { contract: c, tree, amounts };
    };
    type Distributor = Awaited<ReturnType<typeof distributor>>;
    type Epoch = typeof small;
    const claimsOf = async (e: Epoch, ids: bigint[]) =>
      Promise.all(
        ids.map(async (tokenId) => {
          const c = (await e.artifact.lookup(tokenId))!;
          return { epoch: e.artifact.domain.epoch, tokenId, amount: c.amount, proof: c.proof };
        }),
      );
    const ourClaim = async (e: Epoch, ids: bigint[]) =>
      gasOf(d.rewards.connect(holder).claim(await claimsOf(e, ids)));
    // one transaction per leaf, as the classic distributor needs
    const refClaims = async (r: Distributor, indices: number[]) => {
      const gas: bigint[] = [];
      for (const i of indices)
        gas.push(
          await gasOf(r.contract.connect(holder).claim(i, holder.address, r.amounts[i], r.tree.proof(i))),
        );
      return sum(gas);
    };
    // leaf index of licence id: id - 1 (same amount, same bitmap word)
    const idx = (ids: bigint[]) => ids.map((id) => Number(id) - 1);

    const refSmall = await distributor(small.amounts);
    const [warm, one, ten, lastOfBatch, hundred] = [
      singles.slice(0, 1),
      singles.slice(1, 2),
      batch1.slice(0, 10),
      batch1.slice(49),
      batches23,
    ];
    await ourClaim(small, warm);
    await refClaims(refSmall, idx(warm));
    const claimRow = async (ids: bigint[], what = "") => {
      const ours = await ourClaim(small, ids);
      const reference = await refClaims(refSmall, idx(ids));
      const n = ids.length;
      rows.push({
        action: `rewards: claim ${n} licence${n > 1 ? "s" : ""}${what} (epoch of 2^10 leaves)`,
        ours,
        reference,
        note: `ReferenceMerkleDistributor: ${n > 1 ? `${n} one-leaf claims` : "one claim"}`,
      });
      return { ours, reference };
    };
    const c1 = await claimRow(one);
    await claimRow(ten);
    const c100 = await claimRow(hundred);
    await claimRow(lastOfBatch, ", the last of a batch of 50");

    // 10^6 leaves: a licence whose proof, and the reference leaf of the same index, have depth 20
    const refLarge = await distributor(large.amounts);
    const deep: bigint[] = [];
    for (const id of singles.slice(2)) {
      const ours = (await large.artifact.lookup(id))!.proof.length;
      if (ours === LARGE_DEPTH && refLarge.tree.proof(Number(id) - 1).length === LARGE_DEPTH) deep.push(id);
      if (deep.length === 2) break;
    }
    if (deep.length < 2) throw new Error(`no two held licences with proofs of depth ${LARGE_DEPTH}`);
    await ourClaim(large, [deep[0]]);
    await refClaims(refLarge, idx([deep[0]]));
    const largeOurs = await ourClaim(large, [deep[1]]);
    const largeRef = await refClaims(refLarge, idx([deep[1]]));
    rows.push({
      action: `rewards: claim 1 licence (epoch of 10^6 leaves, proof depth ${LARGE_DEPTH})`,
      ours: largeOurs,
      reference: largeRef,
      note: `ReferenceMerkleDistributor: one claim, depth ${LARGE_DEPTH}`,
    });
    await small.artifact.close();
    await large.artifact.close();

    targets.push({
      name: `a reward claim at 10^6 leaves costs at most the one-leaf distributor's (depth ${LARGE_DEPTH})`,
      pass: largeOurs <= largeRef,
      detail: `${largeOurs} vs ${largeRef}`,
    });
    // "A bulk claim of 100 licences at least 3x cheaper per licence than 100 single claims" (issue
    // 14), read both ways and both enforced: against 100 single claims of ours (one licence per
    // call, on a licence bought alone: the cheapest single claim, since a licence of a batch
    // claimed alone pays ERC721A's scan on top), which is what batching is for; and against 100
    // one-leaf claims of the reference distributor, which checks no holder and keeps no epochs.
    const bulkPer = Number(c100.ours) / 100;
    const refPer = Number(c100.reference) / 100;
    targets.push({
      name: "a bulk claim of 100 licences is at least 3x cheaper per licence than 100 single claims of ours (one licence per call)",
      pass: bulkPer * 3 <= Number(c1.ours),
      detail: `${bulkPer.toFixed(0)} vs ${c1.ours} per licence: ${(Number(c1.ours) / bulkPer).toFixed(2)}x`,
    });
    targets.push({
      name: "... and than 100 one-leaf claims of the reference distributor",
      pass: bulkPer * 3 <= refPer,
      detail: `${bulkPer.toFixed(0)} vs ${refPer.toFixed(0)} per licence: ${(refPer / bulkPer).toFixed(2)}x`,
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }

  // ---- escrow: a rental in each currency, created, started, settled in full by the settler
  const stable = d.stable!;
  const refEscrow = (await ethers.deployContract("ReferenceRentalEscrow", [
    settler.address,
    await d.escrow.treasury(),
    escrowConfig.feeBps,
  ])) as unknown as ReferenceRentalEscrow;
  await (
    await setEvmOffer(d.escrow.connect(supplier), {
      gpuModel: "H100-80GB",
      gpuCount: 8,
      hourlyPrice: HOURLY_STABLE,
    })
  ).wait();
  // the reference prices the token directly: the stablecoin price at the configured token price
  const tokenPrice = BigInt(escrowConfig.initialTokenPrice);
  const hourlyToken = (HOURLY_STABLE * 10n ** 18n) / tokenPrice;
  await (await refEscrow.connect(supplier).setOffer(await stable.getAddress(), HOURLY_STABLE)).wait();
  await (await refEscrow.connect(supplier).setOffer(await d.token.getAddress(), hourlyToken)).wait();
  await (await stable.mint(customer.address, 100_000n * USDC)).wait();
  await (await d.token.connect(gateway).bridgeMint(customer.address, parseEther("100000"))).wait();
  for (const asset of [stable, d.token])
    for (const spender of [d.escrow, refEscrow])
      await (await asset.connect(customer).approve(await spender.getAddress(), ethers.MaxUint256)).wait();
  // the oracle's price is fresh (the token quote refuses a stale one)
  await (await d.oracle.connect(priceSetter).setPrice(tokenPrice)).wait();

  for (const [name, currency, asset] of [
    ["stablecoin", EvmCurrency.stable, stable],
    ["token", EvmCurrency.token, d.token],
  ] as const) {
    const assetAddress = await asset.getAddress();
    const ourRental = async () => {
      const [price, fee] = await d.escrow.quote(supplier.address, RENTAL_HOURS, currency);
      const id = await d.escrow.nextRentalId();
      const create = await gasOf(
        d.escrow.connect(customer).createRental(supplier.address, RENTAL_HOURS, currency, price + fee),
      );
      return { id, create };
    };
    const refRental = async () => {
      const id = await refEscrow.nextRentalId();
      const create = await gasOf(
        refEscrow.connect(customer).createRental(supplier.address, assetAddress, RENTAL_HOURS),
      );
      return { id, create };
    };
    // warm-up: one rental run to the end (the supplier and treasury hold the asset), one left open
    for (const [rent, escrow] of [
      [ourRental, d.escrow],
      [refRental, refEscrow],
    ] as const) {
      const done = await rent();
      await rent();
      await (await escrow.connect(supplier).startRental(done.id)).wait();
      await (await escrow.connect(settler).settleRental(done.id, RENTAL_HOURS)).wait();
    }
    const ours = await ourRental();
    const ref = await refRental();
    const oursStart = await gasOf(d.escrow.connect(supplier).startRental(ours.id));
    const refStart = await gasOf(refEscrow.connect(supplier).startRental(ref.id));
    const oursSettle = await gasOf(d.escrow.connect(settler).settleRental(ours.id, RENTAL_HOURS));
    const refSettle = await gasOf(refEscrow.connect(settler).settleRental(ref.id, RENTAL_HOURS));
    const note = "ReferenceRentalEscrow (OZ only): the same call";
    rows.push({
      action: `escrow: create a rental (${name})`,
      ours: ours.create,
      reference: ref.create,
      note,
    });
    rows.push({ action: `escrow: start a rental (${name})`, ours: oursStart, reference: refStart, note });
    rows.push({
      action: `escrow: settle a rental in full (${name})`,
      ours: oursSettle,
      reference: refSettle,
      note,
    });
    const total = ours.create + oursStart + oursSettle;
    rows.push({
      action: `escrow: create + start + settle (${name})`,
      ours: total,
      reference: ref.create + refStart + refSettle,
      note: "ReferenceRentalEscrow: the same three calls",
      derived: true,
    });
    targets.push({
      name: `a rental (${name}) created, started and settled on Arbitrum in <= 150k gas`,
      pass: total <= 150_000n,
      detail: `${total}`,
    });
  }
}

// ------------------------------------------------------------------ Ethereum

async function ethereum() {
  const connection = await network.create();
  const { ethers, networkHelpers } = connection;
  const { time } = networkHelpers;
  await time.increaseTo(CLOCK_START);
  const config = loadTokenomics("config/ethereum/tokenomics.json");
  const d = await deployEthereum(connection, config);
  const signers = await ethers.getSigners();
  const [liquidity, community] = [signers[4], signers[5]];
  const relayer = signers[10];
  const spender = signers[11];
  const g = config.governance;

  // delegate: each holder's first delegation, to itself
  const delegate = await gasOf(d.token.connect(liquidity).delegate(liquidity.address));
  await (await d.token.connect(community).delegate(community.address)).wait();
  rows.push({ action: "token: delegate (first, to itself)", ours: delegate });

  // permit: a relayer submits the holder's first EIP-2612 permit
  const value = parseEther("1000");
  const deadline = BigInt(CLOCK_START) + 10n ** 9n;
  const { chainId } = await ethers.provider.getNetwork();
  const signature = Signature.from(
    await community.signTypedData(
      { name: await d.token.name(), version: "1", chainId, verifyingContract: await d.token.getAddress() },
      {
        Permit: [
          { name: "owner", type: "address" },
          { name: "spender", type: "address" },
          { name: "value", type: "uint256" },
          { name: "nonce", type: "uint256" },
          { name: "deadline", type: "uint256" },
        ],
      },
      { owner: community.address, spender: spender.address, value, nonce: 0n, deadline },
    ),
  );
  const permit = await gasOf(
    d.token
      .connect(relayer)
      .permit(community.address, spender.address, value, deadline, signature.v, signature.r, signature.s),
  );
  rows.push({ action: "token: permit (first, sent by a relayer)", ours: permit });
  await time.increase(1);

  // releaseEpoch by its releaser (the timelock) directly, then the state put back: the cost of
  // the release alone; the governance execute below releases the same epoch
  const timelock = await d.timelock.getAddress();
  const before = await networkHelpers.takeSnapshot();
  await networkHelpers.impersonateAccount(timelock);
  await networkHelpers.setBalance(timelock, parseEther("1"));
  const release = await gasOf(d.schedule.connect(await ethers.getSigner(timelock)).releaseEpoch(0n));
  await before.restore();
  rows.push({ action: "emission: release one epoch (releaseEpoch, by the timelock)", ours: release });

  // governance: a release of epoch 0 proposed, voted, queued and executed
  const call = await releaseProposal(d.schedule, { fromEpoch: 0n, toEpoch: 0n });
  const p = await nextProposal(d.governor, call, liquidity.address);
  const propose = await gasOf(
    d.governor.connect(liquidity).propose(p.targets, p.values, p.calldatas, p.description),
  );
  await time.increase(g.votingDelaySeconds + 1);
  const vote = await gasOf(d.governor.connect(liquidity).castVote(p.id, 1));
  await (await d.governor.connect(community).castVote(p.id, 1)).wait();
  await time.increase(g.votingPeriodSeconds + 1);
  const queue = await gasOf(
    d.governor.connect(liquidity).queue(p.targets, p.values, p.calldatas, descriptionHash(p)),
  );
  await time.increase(g.timelockDelaySeconds + 1);
  const execute = await gasOf(
    d.governor.connect(liquidity).execute(p.targets, p.values, p.calldatas, descriptionHash(p)),
  );
  if (!(await d.schedule.isReleased(0n))) throw new Error("the executed proposal released nothing");
  rows.push({ action: "governance: propose (an emission release)", ours: propose });
  rows.push({ action: "governance: vote (castVote, the first vote)", ours: vote });
  rows.push({ action: "governance: queue (into the timelock)", ours: queue });
  rows.push({ action: "governance: execute (releases one epoch)", ours: execute });
}

// ------------------------------------------------------------------ run, print, check

await arbitrum();
await ethereum();

console.log("| action | ours | reference | reference does | ours / reference |");
console.log("| --- | ---: | ---: | --- | ---: |");
for (const r of rows) {
  const ref = r.reference === undefined ? "—" : String(r.reference);
  const ratio = r.reference === undefined ? "—" : `${(Number(r.ours) / Number(r.reference)).toFixed(2)}`;
  const does = r.reference === undefined ? "" : (r.note ?? "the same call");
  console.log(`| ${r.action} | ${r.ours} | ${ref} | ${does} | ${ratio} |`);
}
console.log("\ntargets (issue 14):");
for (const t of targets) console.log(`  ${t.pass ? "PASS" : "FAIL"}  ${t.name}: ${t.detail}`);

const measured: GasSnapshot = Object.fromEntries(
  rows.filter((r) => !r.derived).map((r) => [r.action, Number(r.ours)]),
);
let failed = TARGETS === "enforce" && targets.some((t) => !t.pass);
if (MODE === "update") {
  writeSnapshot(SNAPSHOT_FILE, measured);
  console.log(`\nwrote ${SNAPSHOT_FILE} (${Object.keys(measured).length} actions)`);
} else {
  let old: GasSnapshot | undefined;
  try {
    old = readSnapshot(SNAPSHOT_FILE);
  } catch (e) {
    if (MODE === "check") throw e;
    console.log(`\nno ${SNAPSHOT_FILE} to compare with: ${UPDATE_COMMAND} writes it`);
  }
  if (old) {
    const c = compareSnapshots(old, measured);
    console.log("\n" + describeComparison(c).join("\n"));
    if (MODE === "check" && !c.ok) failed = true;
  }
}
if (failed) process.exitCode = 1;
