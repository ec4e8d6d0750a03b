// Deploys the Ethereum side from the tokenomics config: timelock, vesting wallets, emission
// schedule, token (whose genesis mint fills every bucket), governor, the guardian's bounded veto
// (GuardianCanceller); then hands the timelock to the governor and drops the deployer's powers.
// Used by the deploy script and by the tests.
import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import { getCreateAddress, type Signer } from "ethers";

import type {
  ComputeGovernor,
  ComputeTimelock,
  ComputeToken,
  ComputeVestingWallet,
  EmissionSchedule,
  GuardianCanceller,
} from "../../types/ethers-contracts/index.js";
import { DAY, type Tokenomics } from "./tokenomics.js";

export interface EthereumDeployment {
  token: ComputeToken;
  timelock: ComputeTimelock;
  governor: ComputeGovernor;
  schedule: EmissionSchedule;
  /** the guardian's veto on queued timelock operations (absent when `guardianVetoDays` is 0) */
  guardianCanceller?: GuardianCanceller;
  vesting: Record<string, ComputeVestingWallet>;
  /** Every address, by name, as written to the deployment record. */
  addresses: Record<string, string>;
  start: number;
}

export async function deployEthereum(
  ethers: HardhatEthers,
  config: Tokenomics,
  opts: { deployer?: Signer; log?: (line: string) => void } = {},
): Promise<EthereumDeployment> {
  const log = opts.log ?? (() => {});
  const signers = await ethers.getSigners();
  const deployer = opts.deployer ?? signers[0];
  const deployerAddress = await deployer.getAddress();
  const latest = await ethers.provider.getBlock("latest");
  const start = config.start === "deployment" ? Number(latest!.timestamp) : config.start;

  const g = config.governance;
  const timelock = (await ethers.deployContract(
    "ComputeTimelock",
    [g.timelockDelaySeconds, [], [], deployerAddress],
    deployer,
  )) as unknown as ComputeTimelock;
  await timelock.waitForDeployment();
  const timelockAddress = await timelock.getAddress();
  log(`timelock ${timelockAddress}`);

  const resolve = async (ref: string): Promise<string> => {
    if (ref === "timelock") return timelockAddress;
    const m = /^signer:(\d+)$/.exec(ref);
    if (m) {
      const signer = signers[Number(m[1])];
      if (!signer) throw new Error(`${ref}: this network has only ${signers.length} accounts`);
      return signer.getAddress();
    }
    return ethers.getAddress(ref);
  };

  const vesting: Record<string, ComputeVestingWallet> = {};
  const recipients: string[] = [];
  const amounts: bigint[] = [];
  let emissionIndex = -1;
  for (const bucket of config.buckets) {
    if (bucket.kind === "vesting") {
      const wallet = (await ethers.deployContract(
        "ComputeVestingWallet",
        [await resolve(bucket.beneficiary), start, bucket.durationDays * DAY, bucket.cliffDays * DAY],
        deployer,
      )) as unknown as ComputeVestingWallet;
      await wallet.waitForDeployment();
      vesting[bucket.name] = wallet;
      recipients.push(await wallet.getAddress());
      log(`vesting ${bucket.name} ${recipients.at(-1)}`);
    } else if (bucket.kind === "direct") {
      recipients.push(await resolve(bucket.recipient));
    } else {
      emissionIndex = recipients.length;
      recipients.push(""); // the schedule's address, known once predicted below
    }
    amounts.push(bucket.amount);
  }

  // The schedule needs the token's address and the token mints to the schedule: deploy the
  // schedule at nonce n with the token's address predicted at nonce n + 1, then check it.
  const nonce = await ethers.provider.getTransactionCount(deployerAddress, "pending");
  const predictedToken = getCreateAddress({ from: deployerAddress, nonce: nonce + 1 });
  const e = config.emission;
  const emissionBucket = config.buckets[emissionIndex];
  const sinks = await Promise.all(
    e.sinks.map(async (s) => ({ account: await resolve(s.account), weightBps: s.weightBps })),
  );
  const schedule = (await ethers.deployContract(
    "EmissionSchedule",
    [
      predictedToken,
      start,
      e.epochDays * DAY,
      e.maxEpochEmission,
      emissionBucket.amount,
      {
        initialEpochEmission: e.initialEpochEmission,
        decayBps: e.decayBps,
        epochsPerPeriod: e.epochsPerPeriod,
      },
      sinks,
      timelockAddress,
      config.guardian ? await resolve(config.guardian) : ethers.ZeroAddress,
    ],
    { from: deployerAddress, nonce },
  )) as unknown as EmissionSchedule;
  recipients[emissionIndex] = await schedule.getAddress();
  const token = (await ethers.deployContract(
    "ComputeToken",
    [
      config.token.name,
      config.token.symbol,
      config.token.cap,
      recipients,
      amounts,
      ...(config.token.arbitrum
        ? [config.token.arbitrum.l1CustomGateway, config.token.arbitrum.l1GatewayRouter, timelockAddress]
        : [ethers.ZeroAddress, ethers.ZeroAddress, ethers.ZeroAddress]),
    ],
    { from: deployerAddress, nonce: nonce + 1 },
  )) as unknown as ComputeToken;
  await Promise.all([schedule.waitForDeployment(), token.waitForDeployment()]);
  const tokenAddress = await token.getAddress();
  if (tokenAddress !== predictedToken)
    throw new Error(`token at ${tokenAddress}, expected ${predictedToken}`);
  log(`schedule ${recipients[emissionIndex]}`);
  log(`token ${tokenAddress}`);

  const governor = (await ethers.deployContract(
    "ComputeGovernor",
    [
      tokenAddress,
      timelockAddress,
      g.votingDelaySeconds,
      g.votingPeriodSeconds,
      g.proposalThreshold,
      g.quorumPercent,
      g.lateQuorumExtensionSeconds,
    ],
    deployer,
  )) as unknown as ComputeGovernor;
  await governor.waitForDeployment();
  const governorAddress = await governor.getAddress();
  log(`governor ${governorAddress}`);

  // The guardian's veto during the bootstrap period: it may cancel any queued operation (a
  // passed proposal) until the expiry, and nothing else.
  let guardianCanceller: GuardianCanceller | undefined;
  if (g.guardianVetoDays > 0) {
    if (!config.guardian) throw new Error("governance.guardianVetoDays needs a guardian");
    const now = Number((await ethers.provider.getBlock("latest"))!.timestamp);
    guardianCanceller = (await ethers.deployContract(
      "GuardianCanceller",
      [timelockAddress, await resolve(config.guardian), now + g.guardianVetoDays * DAY],
      deployer,
    )) as unknown as GuardianCanceller;
    await guardianCanceller.waitForDeployment();
    log(`guardianCanceller ${await guardianCanceller.getAddress()}`);
  }

  // Hand the timelock to governance: the governor proposes and cancels, the guardian's canceller
  // cancels until it expires, anyone executes a passed and delayed operation, and the deployer
  // keeps nothing.
  const tl = timelock.connect(deployer);
  const roles = {
    admin: await timelock.DEFAULT_ADMIN_ROLE(),
    proposer: await timelock.PROPOSER_ROLE(),
    canceller: await timelock.CANCELLER_ROLE(),
    executor: await timelock.EXECUTOR_ROLE(),
  };
  await (await tl.grantRole(roles.proposer, governorAddress)).wait();
  await (await tl.grantRole(roles.canceller, governorAddress)).wait();
  if (guardianCanceller)
    await (await tl.grantRole(roles.canceller, await guardianCanceller.getAddress())).wait();
  await (await tl.grantRole(roles.executor, ethers.ZeroAddress)).wait();
  await (await tl.renounceRole(roles.admin, deployerAddress)).wait();

  // Post-conditions the deployment must meet, whatever the config said.
  if ((await token.totalSupply()) !== config.token.cap) throw new Error("total supply differs from the cap");
  if ((await token.balanceOf(recipients[emissionIndex])) !== emissionBucket.amount) {
    throw new Error("schedule does not hold the emission bucket");
  }
  for (const [name, role] of Object.entries(roles)) {
    if (await timelock.hasRole(role, deployerAddress))
      throw new Error(`deployer still holds the timelock's ${name} role`);
  }
  for (const role of [await schedule.DEFAULT_ADMIN_ROLE(), await schedule.RELEASER_ROLE()]) {
    if (await schedule.hasRole(role, deployerAddress))
      throw new Error("deployer holds a role on the emission schedule");
  }
  if (guardianCanceller && !(await timelock.hasRole(roles.canceller, await guardianCanceller.getAddress()))) {
    throw new Error("the guardian canceller does not hold CANCELLER_ROLE");
  }

  const addresses: Record<string, string> = {
    token: tokenAddress,
    timelock: timelockAddress,
    governor: governorAddress,
    emissionSchedule: recipients[emissionIndex],
  };
  if (guardianCanceller) addresses.guardianCanceller = await guardianCanceller.getAddress();
  for (const [name, wallet] of Object.entries(vesting))
    addresses[`vesting.${name}`] = await wallet.getAddress();
  return { token, timelock, governor, schedule, guardianCanceller, vesting, addresses, start };
}
