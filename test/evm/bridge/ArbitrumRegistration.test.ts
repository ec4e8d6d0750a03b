// The L1 token registered with Arbitrum's token bridge, tested against Arbitrum's OWN contracts:
// L1CustomGateway, L1GatewayRouter, L2CustomGateway, L2GatewayRouter, their InboxMock and
// ArbSysMock, deployed from the compiled artifacts that `@arbitrum/token-bridge-contracts` ships.
// Two in-process chains play Ethereum and Arbitrum; a retryable ticket (L1 -> L2) is redeemed by
// sending its calldata from the aliased L1 sender, as ArbOS does, and an L2 -> L1 message is
// executed by the inbox's bridge with the L2 sender set in the (mock) outbox, as the Outbox does.
import { createRequire } from "node:module";

import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { SnapshotRestorer } from "@nomicfoundation/hardhat-network-helpers/types";
import { expect } from "chai";
import {
  AbiCoder,
  type Contract,
  Interface,
  type TransactionReceipt,
  getAddress,
  parseEther,
  toBeHex,
} from "ethers";
import { network } from "hardhat";
import type { Artifact } from "hardhat/types/artifacts";

import { castVote, execute, propose, queue, type ProposalCall } from "../../../src/evm/emission.js";
import { deployEthereum } from "../../../src/evm/ethereum.js";
import { tokenomics } from "../fixtures.js";

const require = createRequire(import.meta.url);
const ARTIFACTS = "@arbitrum/token-bridge-contracts/build/contracts/contracts/tokenbridge";
const arbitrumArtifact = (file: string) => require(`${ARTIFACTS}/${file}.json`) as Artifact;
const ARB = {
  L1CustomGateway: arbitrumArtifact("ethereum/gateway/L1CustomGateway.sol/L1CustomGateway"),
  L1GatewayRouter: arbitrumArtifact("ethereum/gateway/L1GatewayRouter.sol/L1GatewayRouter"),
  InboxMock: arbitrumArtifact("test/InboxMock.sol/InboxMock"),
  L2CustomGateway: arbitrumArtifact("arbitrum/gateway/L2CustomGateway.sol/L2CustomGateway"),
  L2GatewayRouter: arbitrumArtifact("arbitrum/gateway/L2GatewayRouter.sol/L2GatewayRouter"),
  ArbSysMock: arbitrumArtifact("test/ArbSysMock.sol/ArbSysMock"),
  ICustomToken: arbitrumArtifact("ethereum/ICustomToken.sol/ICustomToken"),
};

const l1 = await network.create(); // Ethereum
const l2 = await network.create("hardhatArbitrum"); // Arbitrum

/** ArbSys, the precompile L2 gateways send L2 -> L1 messages through. */
const ARB_SYS = "0x0000000000000000000000000000000000000064";
/** Arbitrum's L1 -> L2 address alias (AddressAliasHelper.applyL1ToL2Alias). */
const alias = (l1Address: string) =>
  getAddress(toBeHex((BigInt(l1Address) + 0x1111000000000000000000000000000000001111n) % 2n ** 160n, 20));

// Retryable-ticket parameters: the InboxMock checks msg.value >= submission + gas * price.
const MAX_SUBMISSION = 10n ** 14n;
const MAX_GAS = 100_000n;
const GAS_PRICE = 10n ** 9n;
const TICKET = MAX_SUBMISSION + MAX_GAS * GAS_PRICE;

async function deployArtifact(ethers: HardhatEthers, artifact: Artifact, signer: HardhatEthersSigner) {
  const contract = await (await ethers.getContractFactoryFromArtifact(artifact, signer)).deploy();
  await contract.waitForDeployment();
  return contract as unknown as Contract;
}

/** Arbitrum's bridge on both chains, the Ethereum side from the tokenomics config (whose token
 *  names that gateway and router, so the timelock is the registrar), and the L2 token. */
async function deployBridge() {
  const signers = await l1.ethers.getSigners();
  const l2Signers = await l2.ethers.getSigners();
  // Arbitrum's own deployer and owner: an account the project never uses.
  const [arbitrumOwner, l2ArbitrumOwner] = [signers[15], l2Signers[15]];

  const inbox = await deployArtifact(l1.ethers, ARB.InboxMock, arbitrumOwner);
  const l1Gateway = await deployArtifact(l1.ethers, ARB.L1CustomGateway, arbitrumOwner);
  const l1Router = await deployArtifact(l1.ethers, ARB.L1GatewayRouter, arbitrumOwner);
  const l2Gateway = await deployArtifact(l2.ethers, ARB.L2CustomGateway, l2ArbitrumOwner);
  const l2Router = await deployArtifact(l2.ethers, ARB.L2GatewayRouter, l2ArbitrumOwner);
  const [inboxAddress, l1GatewayAddress, l1RouterAddress, l2GatewayAddress, l2RouterAddress] =
    await Promise.all([inbox, l1Gateway, l1Router, l2Gateway, l2Router].map((c) => c.getAddress()));
  await (
    await l1Gateway.initialize(l2GatewayAddress, l1RouterAddress, inboxAddress, arbitrumOwner.address)
  ).wait();
  await (
    await l1Router.initialize(
      arbitrumOwner.address,
      l1.ethers.ZeroAddress,
      l1.ethers.ZeroAddress,
      l2RouterAddress,
      inboxAddress,
    )
  ).wait();
  await (await l2Gateway.initialize(l1GatewayAddress, l2RouterAddress)).wait();
  await (await l2Router.initialize(l1RouterAddress, l2.ethers.ZeroAddress)).wait();
  await l2.networkHelpers.setCode(ARB_SYS, ARB.ArbSysMock.deployedBytecode);

  const config = tokenomics();
  config.token.arbitrum = { l1CustomGateway: l1GatewayAddress, l1GatewayRouter: l1RouterAddress };
  const ethereum = await deployEthereum(l1, config);
  const tokenAddress = await ethereum.token.getAddress();
  const l2Token = await l2.ethers.deployContract(
    "L2ComputeToken",
    [config.token.name, config.token.symbol, l2GatewayAddress, tokenAddress],
    l2ArbitrumOwner,
  );
  const timelock = await l1.ethers.getImpersonatedSigner(ethereum.addresses.timelock);
  await l1.networkHelpers.setBalance(timelock.address, parseEther("10"));

  return {
    config,
    signers,
    l2Signers,
    ...ethereum,
    tokenAddress,
    timelockSigner: timelock,
    inbox,
    l1Gateway,
    l1Router,
    l2Gateway,
    l2Router,
    l2Token,
    addr: {
      inbox: inboxAddress,
      l1Gateway: l1GatewayAddress,
      l1Router: l1RouterAddress,
      l2Gateway: l2GatewayAddress,
      l2Router: l2RouterAddress,
      l2Token: await l2Token.getAddress(),
    },
  };
}
type Bridge = Awaited<ReturnType<typeof deployBridge>>;

// loadFixture, for two chains: deploy once, then restore both snapshots before every test.
let fixture: { d: Bridge; l1: SnapshotRestorer; l2: SnapshotRestorer } | undefined;
async function loadBridge(): Promise<Bridge> {
  if (fixture) {
    await fixture.l1.restore();
    await fixture.l2.restore();
    return fixture.d;
  }
  const d = await deployBridge();
  fixture = { d, l1: await l1.networkHelpers.takeSnapshot(), l2: await l2.networkHelpers.takeSnapshot() };
  return d;
}

/** `registerTokenOnL2` with both tickets paid exactly, from `signer` (the timelock by default). */
function register(d: Bridge, l2Address: string, signer?: HardhatEthersSigner, value = 2n * TICKET) {
  const from = signer ?? d.timelockSigner;
  return d.token
    .connect(from)
    .registerTokenOnL2(
      l2Address,
      MAX_SUBMISSION,
      MAX_SUBMISSION,
      MAX_GAS,
      MAX_GAS,
      GAS_PRICE,
      TICKET,
      TICKET,
      from.address,
      {
        value,
      },
    );
}

const inboxEvents = new Interface(ARB.InboxMock.abi);
const arbSysEvents = new Interface(ARB.ArbSysMock.abi);

/** The retryable tickets a receipt created in the inbox: sender, target, calldata. */
function retryables(d: Bridge, receipt: TransactionReceipt | null) {
  return receipt!.logs
    .filter((log) => log.address === d.addr.inbox)
    .map((log) => inboxEvents.parseLog(log))
    .filter((e) => e?.name === "InboxRetryableTicket")
    .map((e) => ({
      from: e!.args.from as string,
      to: e!.args.to as string,
      value: e!.args.value as bigint,
      data: e!.args.data as string,
    }));
}

/** Redeems every ticket of an L1 receipt on L2, from the aliased L1 sender. */
async function relayToL2(d: Bridge, receipt: TransactionReceipt | null) {
  const tickets = retryables(d, receipt);
  expect(tickets.length).to.be.greaterThan(0);
  for (const t of tickets) {
    const sender = await l2.ethers.getImpersonatedSigner(alias(t.from));
    await l2.networkHelpers.setBalance(sender.address, parseEther("1"));
    await (await sender.sendTransaction({ to: t.to, data: t.data, value: t.value })).wait();
  }
}

/** Executes every L2 -> L1 message of an L2 receipt on L1, as the Outbox does. */
async function relayToL1(d: Bridge, receipt: TransactionReceipt | null) {
  const messages = receipt!.logs
    .filter((log) => log.address === ARB_SYS)
    .map((log) => arbSysEvents.parseLog(log)!)
    .filter((e) => e.name === "ArbSysL2ToL1Tx");
  expect(messages.length).to.be.greaterThan(0);
  const bridge = await l1.ethers.getImpersonatedSigner(d.addr.inbox); // the mock is its own bridge
  await l1.networkHelpers.setBalance(bridge.address, parseEther("1"));
  for (const m of messages) {
    await (await d.inbox.setL2ToL1Sender(m.args.from)).wait();
    await (await bridge.sendTransaction({ to: m.args.to, data: m.args.data, value: m.args.value })).wait();
    await (await d.inbox.setL2ToL1Sender(l1.ethers.ZeroAddress)).wait();
  }
}

describe("ComputeToken on Arbitrum's token bridge (custom gateway)", () => {
  it("finding 10-M: the L1 token registers its L2 token with Arbitrum's own L1CustomGateway and L1GatewayRouter", async () => {
    const d = await loadBridge();
    expect(await d.token.l1CustomGateway()).to.equal(d.addr.l1Gateway);
    expect(await d.token.l1GatewayRouter()).to.equal(d.addr.l1Router);
    expect(await d.token.arbitrumRegistrar()).to.equal(d.addresses.timelock);
    expect(await d.l1Router.getGateway(d.tokenAddress)).to.equal(l1.ethers.ZeroAddress);

    const tx = register(d, d.addr.l2Token);
    await expect(tx).to.emit(d.token, "ArbitrumRegistrationSent").withArgs(d.addr.l2Token, 0n, 1n);
    await expect(tx).to.emit(d.l1Gateway, "TokenSet").withArgs(d.tokenAddress, d.addr.l2Token);
    await expect(tx).to.emit(d.l1Router, "GatewaySet").withArgs(d.tokenAddress, d.addr.l1Gateway);
    // L1: the gateway maps L1 -> L2, the router sends the token to the custom gateway
    expect(await d.l1Gateway.l1ToL2Token(d.tokenAddress)).to.equal(d.addr.l2Token);
    expect(await d.l1Router.getGateway(d.tokenAddress)).to.equal(d.addr.l1Gateway);
    expect(await d.l1Router.calculateL2TokenAddress(d.tokenAddress)).to.equal(d.addr.l2Token);
    expect(await d.token.l2Token()).to.equal(d.addr.l2Token);
    expect(await l1.ethers.provider.getBalance(d.tokenAddress)).to.equal(0n);

    // Two tickets, one per counterpart, carrying the same mapping to L2
    const tickets = retryables(d, await (await tx).wait());
    expect(tickets.map((t) => [t.from, t.to])).to.deep.equal([
      [d.addr.l1Gateway, d.addr.l2Gateway],
      [d.addr.l1Router, d.addr.l2Router],
    ]);
    await relayToL2(d, await (await tx).wait());
    expect(await d.l2Gateway.l1ToL2Token(d.tokenAddress)).to.equal(d.addr.l2Token);
    expect(await d.l2Router.getGateway(d.tokenAddress)).to.equal(d.addr.l2Gateway);
    expect(await d.l2Router.calculateL2TokenAddress(d.tokenAddress)).to.equal(d.addr.l2Token);
  });

  it("finding 10-M: a deposit through the router escrows L1 tokens in the custom gateway and mints them on L2; a withdrawal releases them", async () => {
    const d = await loadBridge();
    await relayToL2(d, await (await register(d, d.addr.l2Token)).wait());
    const [alice, carol] = [d.signers[4], d.signers[8]];
    const bob = d.l2Signers[4];
    const amount = parseEther("1000");
    const supply = await d.token.totalSupply();

    // Deposit: alice approves the gateway (not the router) and calls the router
    await (await d.token.connect(alice).approve(d.addr.l1Gateway, amount)).wait();
    const userData = AbiCoder.defaultAbiCoder().encode(["uint256", "bytes"], [MAX_SUBMISSION, "0x"]);
    const deposit = d.l1Router.connect(alice).getFunction("outboundTransfer")(
      d.tokenAddress,
      bob.address,
      amount,
      MAX_GAS,
      GAS_PRICE,
      userData,
      { value: TICKET },
    );
    await expect(deposit).to.changeTokenBalances(
      l1.ethers,
      d.token,
      [alice, d.addr.l1Gateway],
      [-amount, amount],
    );
    await expect(deposit)
      .to.emit(d.l1Gateway, "DepositInitiated")
      .withArgs(d.tokenAddress, alice.address, bob.address, 2n, amount);
    await relayToL2(d, await (await deposit).wait());
    expect(await d.l2Token.balanceOf(bob.address)).to.equal(amount);
    expect(await d.l2Token.totalSupply()).to.equal(amount);
    expect(await d.token.totalSupply()).to.equal(supply); // escrowed, not burned: the cap holds

    // Withdrawal: bob burns on L2 through the L2 router; the L1 gateway releases to carol
    const back = amount / 4n;
    const withdrawal = await d.l2Router
      .connect(bob)
      .getFunction("outboundTransfer(address,address,uint256,bytes)")(
      d.tokenAddress,
      carol.address,
      back,
      "0x",
    );
    const l2Receipt = await withdrawal.wait();
    expect(await d.l2Token.balanceOf(bob.address)).to.equal(amount - back);
    expect(await d.l2Token.totalSupply()).to.equal(amount - back);
    await relayToL1(d, l2Receipt);
    expect(await d.token.balanceOf(carol.address)).to.equal(back);
    expect(await d.token.balanceOf(d.addr.l1Gateway)).to.equal(amount - back);
  });

  it("invariant: over a sequence of deposits and withdrawals by several holders, L2 supply == L1 tokens held by the custom gateway", async () => {
    const d = await loadBridge();
    await relayToL2(d, await (await register(d, d.addr.l2Token)).wait());
    const l1Holders = [d.signers[4], d.signers[5]];
    const l2Holders = [d.l2Signers[4], d.l2Signers[6]];
    const supply = await d.token.totalSupply();
    const userData = AbiCoder.defaultAbiCoder().encode(["uint256", "bytes"], [MAX_SUBMISSION, "0x"]);
    const check = async (step: string) => {
      const escrowed = await d.token.balanceOf(d.addr.l1Gateway);
      expect(await d.l2Token.totalSupply(), step).to.equal(escrowed);
      expect(await d.token.totalSupply(), step).to.equal(supply); // nothing minted or burned on L1
    };
    // deposit, deposit, withdraw part, deposit, withdraw the rest of one holder, withdraw all
    const steps: { kind: "deposit" | "withdraw"; who: number; amount: bigint | "all" }[] = [
      { kind: "deposit", who: 0, amount: parseEther("700") },
      { kind: "deposit", who: 1, amount: parseEther("300") },
      { kind: "withdraw", who: 0, amount: parseEther("123.456") },
      { kind: "deposit", who: 0, amount: 1n },
      { kind: "withdraw", who: 1, amount: "all" },
      { kind: "withdraw", who: 0, amount: "all" },
    ];
    for (const [i, s] of steps.entries()) {
      const step = `step ${i}: ${s.kind} by ${s.who}`;
      if (s.kind === "deposit") {
        const amount = s.amount as bigint;
        const from = l1Holders[s.who];
        await (await d.token.connect(from).approve(d.addr.l1Gateway, amount)).wait();
        const tx = await d.l1Router.connect(from).getFunction("outboundTransfer")(
          d.tokenAddress,
          l2Holders[s.who].address,
          amount,
          MAX_GAS,
          GAS_PRICE,
          userData,
          { value: TICKET },
        );
        await relayToL2(d, await tx.wait());
      } else {
        const from = l2Holders[s.who];
        const amount = s.amount === "all" ? await d.l2Token.balanceOf(from.address) : s.amount;
        const tx = await d.l2Router
          .connect(from)
          .getFunction("outboundTransfer(address,address,uint256,bytes)")(
          d.tokenAddress,
          l1Holders[s.who].address,
          amount,
          "0x",
        );
        await relayToL1(d, await tx.wait());
      }
      await check(step);
    }
    expect(await d.l2Token.totalSupply()).to.equal(0n);
    expect(await d.token.balanceOf(d.addr.l1Gateway)).to.equal(0n);
  });

  it("finding 10-M: the timelock registers through a governance proposal, paying the tickets from its own ETH", async () => {
    const d = await loadBridge();
    await l1.networkHelpers.setBalance(d.addresses.timelock, 0n);
    const [liquidity, community, payer] = [d.signers[4], d.signers[5], d.signers[9]];
    await (await d.token.connect(liquidity).delegate(liquidity.address)).wait();
    await (await d.token.connect(community).delegate(community.address)).wait();
    await (await payer.sendTransaction({ to: d.addresses.timelock, value: 2n * TICKET })).wait();
    await l1.networkHelpers.time.increase(1);

    const call: ProposalCall = {
      targets: [d.tokenAddress],
      values: [2n * TICKET],
      calldatas: [
        d.token.interface.encodeFunctionData("registerTokenOnL2", [
          d.addr.l2Token,
          MAX_SUBMISSION,
          MAX_SUBMISSION,
          MAX_GAS,
          MAX_GAS,
          GAS_PRICE,
          TICKET,
          TICKET,
          d.signers[6].address,
        ]),
      ],
      title: "Register CMT with Arbitrum's custom gateway",
    };
    const g = d.config.governance;
    const proposal = await propose(d.governor, call, liquidity);
    await l1.networkHelpers.time.increase(g.votingDelaySeconds + 1);
    await castVote(d.governor, proposal, liquidity, 1);
    await castVote(d.governor, proposal, community, 1);
    await l1.networkHelpers.time.increase(g.votingPeriodSeconds + 1);
    await queue(d.governor, proposal, liquidity);
    await l1.networkHelpers.time.increase(g.timelockDelaySeconds + 1);
    await relayToL2(d, await execute(d.governor, proposal, payer));

    expect(await d.l1Gateway.l1ToL2Token(d.tokenAddress)).to.equal(d.addr.l2Token);
    expect(await d.l1Router.getGateway(d.tokenAddress)).to.equal(d.addr.l1Gateway);
    expect(await d.l2Router.calculateL2TokenAddress(d.tokenAddress)).to.equal(d.addr.l2Token);
    expect(await l1.ethers.provider.getBalance(d.addresses.timelock)).to.equal(0n);
  });

  it("isArbitrumEnabled answers 0xb1 only inside registerTokenOnL2", async () => {
    const d = await loadBridge();
    await expect(d.token.isArbitrumEnabled()).to.be.revertedWithCustomError(
      d.token,
      "ArbitrumNotRegistering",
    );
    // Inside: both of Arbitrum's contracts call it back on the token and accept 0xb1
    await expect(register(d, d.addr.l2Token)).to.emit(d.l1Router, "GatewaySet");
    await expect(d.token.isArbitrumEnabled()).to.be.revertedWithCustomError(
      d.token,
      "ArbitrumNotRegistering",
    );
  });

  it("a repeated registration with the same L2 address resends the tickets and changes nothing", async () => {
    const d = await loadBridge();
    await (await register(d, d.addr.l2Token)).wait();
    await expect(register(d, d.addr.l2Token))
      .to.emit(d.token, "ArbitrumRegistrationSent")
      .withArgs(d.addr.l2Token, 2n, 3n);
    expect(await d.l1Gateway.l1ToL2Token(d.tokenAddress)).to.equal(d.addr.l2Token);
    expect(await d.l1Router.getGateway(d.tokenAddress)).to.equal(d.addr.l1Gateway);
  });

  it("error: a second registration to a different L2 address (refused by the token, and by Arbitrum's gateway)", async () => {
    const d = await loadBridge();
    await (await register(d, d.addr.l2Token)).wait();
    const other = d.l2Signers[7].address;
    await expect(register(d, other))
      .to.be.revertedWithCustomError(d.token, "ArbitrumL2TokenAlreadySet")
      .withArgs(d.addr.l2Token, other);

    // Even with the token's own record wiped, Arbitrum's gateway keeps the first address.
    const slot = await storageSlotHolding(d.tokenAddress, d.addr.l2Token);
    await l1.networkHelpers.setStorageAt(d.tokenAddress, slot, 0n);
    expect(await d.token.l2Token()).to.equal(l1.ethers.ZeroAddress);
    await expect(register(d, other)).to.be.revertedWith("NO_UPDATE_TO_DIFFERENT_ADDR");
    expect(await d.l1Gateway.l1ToL2Token(d.tokenAddress)).to.equal(d.addr.l2Token);
  });

  it("error: anyone but the registrar registering", async () => {
    const d = await loadBridge();
    // the deployer, a genesis holder, and Arbitrum's gateway owner
    for (const caller of [d.signers[0], d.signers[4], d.signers[15]]) {
      await expect(register(d, d.addr.l2Token, caller))
        .to.be.revertedWithCustomError(d.token, "ArbitrumUnauthorizedRegistrar")
        .withArgs(caller.address);
    }
    // The governor proposes but does not execute: only the timelock is the registrar
    const governor = await l1.ethers.getImpersonatedSigner(await d.governor.getAddress());
    await l1.networkHelpers.setBalance(governor.address, parseEther("1"));
    await expect(register(d, d.addr.l2Token, governor))
      .to.be.revertedWithCustomError(d.token, "ArbitrumUnauthorizedRegistrar")
      .withArgs(governor.address);
    expect(await d.l1Gateway.l1ToL2Token(d.tokenAddress)).to.equal(l1.ethers.ZeroAddress);
  });

  it("error: ETH that is not exactly the two tickets' value, and a zero L2 address", async () => {
    const d = await loadBridge();
    for (const value of [2n * TICKET + 1n, 2n * TICKET - 1n]) {
      await expect(register(d, d.addr.l2Token, undefined, value))
        .to.be.revertedWithCustomError(d.token, "ArbitrumRegistrationValue")
        .withArgs(value, 2n * TICKET);
    }
    await expect(register(d, l1.ethers.ZeroAddress)).to.be.revertedWithCustomError(
      d.token,
      "ArbitrumInvalidL2Token",
    );
  });

  it("error: a bridge that is half configured, or a gateway of another router", async () => {
    const d = await loadBridge();
    const factory = await l1.ethers.getContractFactory("ComputeToken");
    const [holder, registrar] = [d.signers[4].address, d.signers[1].address];
    const deploy = (gateway: string, router: string, reg: string) =>
      l1.ethers.deployContract("ComputeToken", ["T", "T", 100n, [holder], [100n], gateway, router, reg]);
    const zero = l1.ethers.ZeroAddress;
    for (const [gateway, router, reg] of [
      [d.addr.l1Gateway, d.addr.l1Router, zero],
      [d.addr.l1Gateway, zero, registrar],
      [zero, d.addr.l1Router, registrar],
      [zero, zero, registrar],
    ]) {
      await expect(deploy(gateway, router, reg))
        .to.be.revertedWithCustomError(factory, "ArbitrumInvalidBridge")
        .withArgs(gateway, router, reg);
    }
    const otherRouter = await deployArtifact(l1.ethers, ARB.L1GatewayRouter, d.signers[15]);
    const otherRouterAddress = await otherRouter.getAddress();
    await expect(deploy(d.addr.l1Gateway, otherRouterAddress, registrar))
      .to.be.revertedWithCustomError(factory, "ArbitrumInvalidBridge")
      .withArgs(d.addr.l1Gateway, otherRouterAddress, registrar);

    // No bridge at all: a plain token whose registration nobody can trigger
    const plain = await deploy(zero, zero, zero);
    await expect(
      plain.connect(d.signers[1]).getFunction("registerTokenOnL2")(
        d.addr.l2Token,
        0n,
        0n,
        0n,
        0n,
        0n,
        0n,
        0n,
        registrar,
      ),
    )
      .to.be.revertedWithCustomError(factory, "ArbitrumUnauthorizedRegistrar")
      .withArgs(registrar);
  });

  it("has every function of Arbitrum's ICustomToken", async () => {
    const d = await loadBridge();
    const theirs = new Interface(ARB.ICustomToken.abi);
    const selectors: string[] = [];
    theirs.forEachFunction((f) => selectors.push(f.format("sighash")));
    expect(selectors).to.include(
      "registerTokenOnL2(address,uint256,uint256,uint256,uint256,uint256,uint256,uint256,address)",
    );
    const ours = new Set<string>();
    d.token.interface.forEachFunction((f) => ours.add(f.selector));
    for (const signature of selectors) {
      expect(ours.has(theirs.getFunction(signature)!.selector), signature).to.equal(true);
    }
  });
});

/** The storage slot (among the first 64) whose value is exactly `value` (an address). */
async function storageSlotHolding(contract: string, value: string): Promise<bigint> {
  const wanted = BigInt(value);
  for (let slot = 0n; slot < 64n; slot++) {
    const word = BigInt(await l1.ethers.provider.getStorage(contract, slot));
    if (word === wanted) return slot;
  }
  throw new Error(`no slot of ${contract} holds ${value}`);
}
