// Deploys the Ethereum side from the tokenomics config through its Hardhat Ignition module
// (ignition/modules/Ethereum.ts): timelock, vesting wallets, emission schedule, token (whose
// genesis mint fills every bucket), governor, the guardian's bounded veto (GuardianCanceller) and
// the swap escrow; then the timelock goes to the governor and the deployer keeps nothing. The
// deploy task and the tests use this one path.
import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import { ZeroAddress } from "ethers";
import type { NetworkConnection } from "hardhat/types/network";

// Ignition (and its module files) load only when deploying: the CLI imports this file too.
import type { EthereumPlan } from "../../ignition/modules/Ethereum.js";
import {
  ComputeGovernor__factory,
  ComputeTimelock__factory,
  ComputeToken__factory,
  ComputeVestingWallet__factory,
  EmissionSchedule__factory,
  GuardianCanceller__factory,
  type ComputeGovernor,
  type ComputeTimelock,
  type ComputeToken,
  type ComputeVestingWallet,
  type EmissionSchedule,
  type GuardianCanceller,
} from "../../types/ethers-contracts/index.js";
import { refResolver } from "./arbitrum.js";
import { deployModule, digest, openRun, pinPlan, type IgnitionRun, type Strategy } from "./ignition.js";
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
  run: IgnitionRun;
}

/** A config address: `0x…`, `signer:N` (the network's N-th account) or `timelock` (kept as is). */
async function resolver(ethers: HardhatEthers) {
  const resolve = await refResolver(ethers);
  return (ref: string): string => (ref === "timelock" ? ref : resolve(ref));
}

/** The first-run values of a deployment: its genesis time and the veto's expiry. */
export async function ethereumRunValues(ethers: HardhatEthers, config: Tokenomics) {
  const now = Number((await ethers.provider.getBlock("latest"))!.timestamp);
  return {
    start: config.start === "deployment" ? now : config.start,
    // counted from the first run: a deployment resumed later keeps the veto's original end
    guardianVetoExpiry:
      config.governance.guardianVetoDays > 0 ? now + config.governance.guardianVetoDays * DAY : 0,
  };
}

/** The module's plan: the config with every address resolved and the run's values. */
export async function ethereumPlan(
  ethers: HardhatEthers,
  config: Tokenomics,
  deployer: string,
  values: Record<string, number>,
): Promise<EthereumPlan> {
  const resolve = await resolver(ethers);
  const g = config.governance;
  return {
    deployer,
    start: values.start,
    token: {
      name: config.token.name,
      symbol: config.token.symbol,
      cap: config.token.cap,
      l1CustomGateway: config.token.arbitrum?.l1CustomGateway ?? ZeroAddress,
      l1GatewayRouter: config.token.arbitrum?.l1GatewayRouter ?? ZeroAddress,
    },
    buckets: await Promise.all(
      config.buckets.map(async (b) => {
        if (b.kind === "emission") return { kind: b.kind, name: b.name, amount: b.amount };
        if (b.kind === "direct")
          return { kind: b.kind, name: b.name, amount: b.amount, recipient: await resolve(b.recipient) };
        return {
          kind: b.kind,
          name: b.name,
          amount: b.amount,
          beneficiary: await resolve(b.beneficiary),
          durationSeconds: b.durationDays * DAY,
          cliffSeconds: b.cliffDays * DAY,
        };
      }),
    ),
    emission: {
      epochSeconds: config.emission.epochDays * DAY,
      maxEpochEmission: config.emission.maxEpochEmission,
      curve: {
        initialEpochEmission: config.emission.initialEpochEmission,
        decayBps: config.emission.decayBps,
        epochsPerPeriod: config.emission.epochsPerPeriod,
      },
      sinks: await Promise.all(
        config.emission.sinks.map(async (s) => ({
          account: await resolve(s.account),
          weightBps: s.weightBps,
        })),
      ),
    },
    governance: {
      timelockDelaySeconds: g.timelockDelaySeconds,
      votingDelaySeconds: g.votingDelaySeconds,
      votingPeriodSeconds: g.votingPeriodSeconds,
      proposalThreshold: g.proposalThreshold,
      quorumPercent: g.quorumPercent,
      lateQuorumExtensionSeconds: g.lateQuorumExtensionSeconds,
    },
    guardian: config.guardian ? await resolve(config.guardian) : null,
    guardianVetoExpiry: values.guardianVetoExpiry,
  };
}

export async function deployEthereum(
  connection: NetworkConnection,
  config: Tokenomics,
  opts: {
    log?: (line: string) => void;
    /** Ignition's deployment id (default `ethereum-<network>`) and where its directory lives */
    deploymentId?: string;
    ignitionDir?: string;
    strategy?: Strategy;
    saltTag?: string;
    displayUi?: boolean;
  } = {},
): Promise<EthereumDeployment> {
  const log = opts.log ?? (() => {});
  const { ethers } = connection;
  const [deployer] = await ethers.getSigners();
  const run = await openRun(connection, {
    deploymentId: opts.deploymentId ?? `ethereum-${connection.networkName}`,
    ignitionDir: opts.ignitionDir ?? "ignition",
    configDigest: digest(config),
    strategy: opts.strategy ?? "basic",
    saltTag: opts.saltTag,
    values: () => ethereumRunValues(ethers, config),
    log,
  });
  const plan = await ethereumPlan(ethers, config, deployer.address, run.values);
  checkEthereumPlan(plan, run.strategy);
  pinPlan(run, plan);
  const { ethereumModule, futureId } = await import("../../ignition/modules/Ethereum.js");
  const deployed = await deployModule(connection, ethereumModule(plan), run, {
    deployer: deployer.address,
    displayUi: opts.displayUi,
  });
  const addresses: Record<string, string> = {
    token: deployed.token,
    timelock: deployed.timelock,
    governor: deployed.governor,
    emissionSchedule: deployed.schedule,
    htlcEscrow: deployed.htlcEscrow,
  };
  if (deployed.guardianCanceller) addresses.guardianCanceller = deployed.guardianCanceller;
  const vesting: Record<string, ComputeVestingWallet> = {};
  for (const b of plan.buckets) {
    if (b.kind !== "vesting") continue;
    addresses[`vesting.${b.name}`] = deployed[futureId(`vesting_${b.name}`)];
    vesting[b.name] = ComputeVestingWallet__factory.connect(addresses[`vesting.${b.name}`], deployer);
  }
  for (const [k, v] of Object.entries(addresses)) log(`${k} ${v}`);
  const d: EthereumDeployment = {
    token: ComputeToken__factory.connect(addresses.token, deployer),
    timelock: ComputeTimelock__factory.connect(addresses.timelock, deployer),
    governor: ComputeGovernor__factory.connect(addresses.governor, deployer),
    schedule: EmissionSchedule__factory.connect(addresses.emissionSchedule, deployer),
    guardianCanceller: addresses.guardianCanceller
      ? GuardianCanceller__factory.connect(addresses.guardianCanceller, deployer)
      : undefined,
    vesting,
    addresses,
    start: plan.start,
    run,
  };
  await checkEthereum(d, plan);
  return d;
}

/** What the plan must not do: give the deployer a lasting power, or (CREATE2) deploy one initcode twice. */
export function checkEthereumPlan(plan: EthereumPlan, strategy: Strategy): void {
  const me = plan.deployer.toLowerCase();
  const holders: [string, string][] = [
    ["guardian", plan.guardian ?? ""],
    ...plan.buckets.flatMap((b): [string, string][] =>
      b.kind === "vesting" ? [[`vesting beneficiary of ${b.name}`, b.beneficiary]] : [],
    ),
    ...plan.emission.sinks.map((s, i): [string, string] => [`emission sink ${i}`, s.account]),
  ];
  for (const [what, who] of holders) {
    if (who.toLowerCase() === me)
      throw new Error(`the config makes the deployer ${plan.deployer} the ${what}; name another`);
  }
  if (strategy === "create2") {
    const seen = new Map<string, string>();
    for (const b of plan.buckets) {
      if (b.kind !== "vesting") continue;
      const key = `${b.beneficiary.toLowerCase()}:${b.durationSeconds}:${b.cliffSeconds}`;
      if (seen.has(key)) {
        throw new Error(
          `vesting buckets ${seen.get(key)} and ${b.name} would deploy the same wallet (same beneficiary, duration, cliff): with CREATE2 they collide; merge them or use --strategy basic`,
        );
      }
      seen.set(key, b.name);
    }
  }
}

/** Post-conditions every Ethereum deployment meets, whatever the config said. */
export async function checkEthereum(d: EthereumDeployment, plan: EthereumPlan): Promise<void> {
  const { token, timelock, schedule, guardianCanceller } = d;
  const emission = plan.buckets.find((b) => b.kind === "emission")!;
  if ((await token.totalSupply()) !== plan.token.cap) throw new Error("total supply differs from the cap");
  if (
    (await token.balanceOf(d.addresses.emissionSchedule)) <
    emission.amount - (await schedule.totalReleased())
  ) {
    throw new Error("the schedule does not hold the emission bucket");
  }
  const kept = plan.buckets
    .filter((b) => b.kind === "direct" && b.recipient.toLowerCase() === plan.deployer.toLowerCase())
    .reduce((n, b) => n + b.amount, 0n);
  if ((await token.balanceOf(plan.deployer)) > kept)
    throw new Error("the deployer kept tokens of the emission bucket");
  const roles = {
    admin: await timelock.DEFAULT_ADMIN_ROLE(),
    proposer: await timelock.PROPOSER_ROLE(),
    canceller: await timelock.CANCELLER_ROLE(),
    executor: await timelock.EXECUTOR_ROLE(),
  };
  for (const [name, role] of Object.entries(roles)) {
    if (await timelock.hasRole(role, plan.deployer))
      throw new Error(`deployer still holds the timelock's ${name} role`);
  }
  if (!(await timelock.hasRole(roles.proposer, d.addresses.governor)))
    throw new Error("the governor does not hold PROPOSER_ROLE");
  for (const role of [await schedule.DEFAULT_ADMIN_ROLE(), await schedule.RELEASER_ROLE()]) {
    if (await schedule.hasRole(role, plan.deployer))
      throw new Error("deployer holds a role on the emission schedule");
  }
  if (guardianCanceller) {
    if (!(await timelock.hasRole(roles.canceller, await guardianCanceller.getAddress())))
      throw new Error("the guardian canceller does not hold CANCELLER_ROLE");
    if ((await guardianCanceller.guardian()).toLowerCase() !== plan.guardian?.toLowerCase())
      throw new Error("the guardian canceller names another guardian than the config");
    if ((await guardianCanceller.expiresAt()) !== BigInt(plan.guardianVetoExpiry))
      throw new Error("the guardian's veto expires at another time than planned");
  }
  if (plan.guardian && !(await schedule.hasRole(await schedule.GUARDIAN_ROLE(), plan.guardian)))
    throw new Error("the guardian does not hold GUARDIAN_ROLE on the emission schedule");
}
