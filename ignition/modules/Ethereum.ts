// The Ethereum side as one Hardhat Ignition module: timelock, vesting wallets, token (whose
// genesis mint fills every bucket), emission schedule, governor, the guardian's bounded veto,
// the cross-chain swap escrow, and the hand-over of the timelock to governance.
//
// The module is built from a plan (src/evm/ethereum.ts `ethereumPlan`): the zod-validated
// tokenomics config with every address resolved and the values a deployment fixes on its first
// run (the genesis time). The config's shape decides the module's shape (one vesting wallet per
// vesting bucket, a veto contract or none), which Ignition parameters cannot do; the plan is
// rebuilt identically on a resumed run, so Ignition's journal reconciles it future by future.
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import type { CallableContractFuture } from "@nomicfoundation/ignition-core";
import { ZeroAddress, ZeroHash, id } from "ethers";

export interface EthereumPlan {
  /** account 0 of the network: deploys, holds the emission bucket for one step, keeps nothing */
  deployer: string;
  /** genesis of vesting and emission (unix seconds) */
  start: number;
  token: {
    name: string;
    symbol: string;
    cap: bigint;
    /** Arbitrum's L1 custom gateway and router, or zero addresses (no bridge) */
    l1CustomGateway: string;
    l1GatewayRouter: string;
  };
  buckets: (
    | { kind: "emission"; name: string; amount: bigint }
    | { kind: "direct"; name: string; amount: bigint; recipient: string | "timelock" }
    | {
        kind: "vesting";
        name: string;
        amount: bigint;
        beneficiary: string | "timelock";
        durationSeconds: number;
        cliffSeconds: number;
      }
  )[];
  emission: {
    epochSeconds: number;
    maxEpochEmission: bigint;
    curve: { initialEpochEmission: bigint; decayBps: number; epochsPerPeriod: number };
    sinks: { account: string | "timelock"; weightBps: number }[];
  };
  governance: {
    timelockDelaySeconds: number;
    votingDelaySeconds: number;
    votingPeriodSeconds: number;
    proposalThreshold: bigint;
    quorumPercent: number;
    lateQuorumExtensionSeconds: number;
  };
  /** holds GUARDIAN_ROLE on the schedule and the veto until `guardianVetoExpiry` (0: no veto) */
  guardian: string | null;
  guardianVetoExpiry: number;
}

/** Future ids allow letters, digits and underscores only. */
export const futureId = (s: string) => s.replace(/[^A-Za-z0-9_]/g, "_");

export function ethereumModule(plan: EthereumPlan) {
  return buildModule("Ethereum", (m) => {
    const timelock = m.contract("ComputeTimelock", [
      plan.governance.timelockDelaySeconds,
      [],
      [],
      plan.deployer,
    ]);
    const ref = (a: string) => (a === "timelock" ? timelock : a);

    const vesting: Record<string, CallableContractFuture<string>> = {};
    const recipients = plan.buckets.map((b) => {
      if (b.kind === "direct") return ref(b.recipient);
      if (b.kind === "emission") return plan.deployer; // moved to the schedule below
      const wallet = m.contract(
        "ComputeVestingWallet",
        [ref(b.beneficiary), plan.start, b.durationSeconds, b.cliffSeconds],
        { id: futureId(`Vesting_${b.name}`) },
      );
      vesting[b.name] = wallet;
      return wallet;
    });

    // The schedule needs the token's address and the token's genesis mint needs a recipient for
    // the emission bucket: the deployer receives it and, in the next step, hands all of it to the
    // schedule (a CREATE2 address cannot break the cycle: each initcode would hold the other's).
    const token = m.contract("ComputeToken", [
      plan.token.name,
      plan.token.symbol,
      plan.token.cap,
      recipients,
      plan.buckets.map((b) => b.amount),
      plan.token.l1CustomGateway,
      plan.token.l1GatewayRouter,
      plan.token.l1CustomGateway === ZeroAddress ? ZeroAddress : timelock,
    ]);
    const emissionBucket = plan.buckets.find((b) => b.kind === "emission")!;
    const schedule = m.contract("EmissionSchedule", [
      token,
      plan.start,
      plan.emission.epochSeconds,
      plan.emission.maxEpochEmission,
      emissionBucket.amount,
      plan.emission.curve,
      plan.emission.sinks.map((s) => ({ account: ref(s.account), weightBps: s.weightBps })),
      timelock,
      plan.guardian ?? ZeroAddress,
    ]);
    const funded = m.call(token, "transfer", [schedule, emissionBucket.amount], { id: "FundEmission" });

    const g = plan.governance;
    const governor = m.contract("ComputeGovernor", [
      token,
      timelock,
      g.votingDelaySeconds,
      g.votingPeriodSeconds,
      g.proposalThreshold,
      g.quorumPercent,
      g.lateQuorumExtensionSeconds,
    ]);
    const guardianCanceller =
      plan.guardian && plan.guardianVetoExpiry > 0
        ? m.contract("GuardianCanceller", [timelock, plan.guardian, plan.guardianVetoExpiry])
        : undefined;
    // The cross-chain swap escrow: no constructor arguments, no roles (docs/AUTHORITIES.md).
    const htlcEscrow = m.contract("HTLCEscrow", []);

    // Hand the timelock to governance: the governor proposes and cancels, the guardian's veto
    // cancels until it expires, anyone executes a passed and delayed operation; the deployer
    // renounces its admin role last, after every grant and after the emission bucket moved.
    const grants = [
      m.call(timelock, "grantRole", [id("PROPOSER_ROLE"), governor], { id: "GrantProposer_governor" }),
      m.call(timelock, "grantRole", [id("CANCELLER_ROLE"), governor], { id: "GrantCanceller_governor" }),
      m.call(timelock, "grantRole", [id("EXECUTOR_ROLE"), ZeroAddress], { id: "GrantExecutor_anyone" }),
    ];
    if (guardianCanceller) {
      grants.push(
        m.call(timelock, "grantRole", [id("CANCELLER_ROLE"), guardianCanceller], {
          id: "GrantCanceller_guardian",
        }),
      );
    }
    m.call(timelock, "renounceRole", [ZeroHash, plan.deployer], {
      id: "RenounceAdmin_deployer",
      after: [...grants, funded, htlcEscrow, ...Object.values(vesting)],
    });

    return {
      timelock,
      token,
      schedule,
      governor,
      htlcEscrow,
      ...(guardianCanceller ? { guardianCanceller } : {}),
      ...Object.fromEntries(Object.entries(vesting).map(([k, v]) => [futureId(`vesting_${k}`), v])),
    };
  });
}
