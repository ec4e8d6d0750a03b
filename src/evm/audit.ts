// Reads every privileged role of a deployment from chain state and compares it with what the
// configs say (docs/AUTHORITIES.md): `npx hardhat audit:roles --network <net>`.
import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import { Contract, ZeroAddress } from "ethers";

import { arbitrumPlan, arbitrumRolePlans, loadLicenseConfig } from "./arbitrum.js";
import { loadEscrowConfig } from "./escrow.js";
import { ethereumPlan } from "./ethereum.js";
import { rolesOf, type RoleName } from "./roles.js";
import { loadTokenomics } from "./tokenomics.js";

export interface Holding {
  contract: string;
  /** a role name, or `owner` / `guardian` (a holder read by a view function) */
  role: string;
  holder: string;
  status: "as configured" | "unexpected" | "missing";
}

interface Expected {
  contract: string;
  address: string;
  /** AccessControl roles and their exact holders */
  roles?: Partial<Record<RoleName, string[]>>;
  /** an immutable or Ownable holder, read by a view function: `owner`, `guardian` */
  holder?: { fn: "owner" | "guardian"; expected: string };
}

/** What the Ethereum side must look like after deployment, from the tokenomics config. */
export async function expectedEthereum(
  ethers: HardhatEthers,
  tokenomicsFile: string,
  addresses: Record<string, string>,
): Promise<Expected[]> {
  const plan = await ethereumPlan(ethers, loadTokenomics(tokenomicsFile), ZeroAddress, {
    start: 0,
    guardianVetoExpiry: 0,
  });
  const timelockCancellers = [
    addresses.governor,
    ...(addresses.guardianCanceller ? [addresses.guardianCanceller] : []),
  ];
  const out: Expected[] = [
    {
      contract: "timelock",
      address: addresses.timelock,
      roles: {
        DEFAULT_ADMIN_ROLE: [addresses.timelock], // TimelockController administers itself
        PROPOSER_ROLE: [addresses.governor],
        CANCELLER_ROLE: timelockCancellers,
        EXECUTOR_ROLE: [ZeroAddress], // anyone executes a passed and delayed operation
      },
    },
    {
      contract: "emissionSchedule",
      address: addresses.emissionSchedule,
      roles: {
        DEFAULT_ADMIN_ROLE: [addresses.timelock],
        RELEASER_ROLE: [addresses.timelock],
        GUARDIAN_ROLE: plan.guardian ? [plan.guardian] : [],
      },
    },
  ];
  for (const b of plan.buckets) {
    if (b.kind !== "vesting") continue;
    const beneficiary = b.beneficiary === "timelock" ? addresses.timelock : b.beneficiary;
    out.push({
      contract: `vesting.${b.name}`,
      address: addresses[`vesting.${b.name}`],
      holder: { fn: "owner", expected: beneficiary },
    });
  }
  if (addresses.guardianCanceller) {
    out.push({
      contract: "guardianCanceller",
      address: addresses.guardianCanceller,
      holder: { fn: "guardian", expected: plan.guardian ?? ZeroAddress },
    });
  }
  return out;
}

/** What the Arbitrum side must look like after deployment, from the licence and escrow configs. */
export async function expectedArbitrum(
  ethers: HardhatEthers,
  licensesFile: string,
  escrowFile: string,
  addresses: Record<string, string>,
): Promise<Expected[]> {
  const { plan } = await arbitrumPlan(ethers, loadLicenseConfig(licensesFile), loadEscrowConfig(escrowFile), {
    deployer: ZeroAddress,
    start: 0,
    stablecoin: addresses.stablecoin,
  });
  return arbitrumRolePlans(addresses, plan).map((p) => {
    const roles: Partial<Record<RoleName, string[]>> = {};
    for (const g of p.grants) (roles[g.role] ??= []).push(g.holder);
    return { contract: p.name, address: p.address, roles };
  });
}

/** Every holder on chain next to what was expected; `ok` is false on any difference. */
export async function auditRoles(
  ethers: HardhatEthers,
  expected: Expected[],
  fromBlock: number,
): Promise<{ ok: boolean; holdings: Holding[] }> {
  const holdings: Holding[] = [];
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  for (const e of expected) {
    if (e.holder) {
      const { fn, expected } = e.holder;
      const c = new Contract(e.address, [`function ${fn}() view returns (address)`], ethers.provider);
      const actual = (await c.getFunction(fn)()) as string;
      const ok = same(actual, expected);
      holdings.push({
        contract: e.contract,
        role: fn,
        holder: actual,
        status: ok ? "as configured" : "unexpected",
      });
      if (!ok) holdings.push({ contract: e.contract, role: fn, holder: expected, status: "missing" });
    }
    if (!e.roles) continue;
    const held = await rolesOf(ethers.provider, e.address, fromBlock);
    for (const h of held) {
      const want = e.roles[h.role as RoleName] ?? [];
      holdings.push({
        contract: e.contract,
        role: h.role,
        holder: h.account,
        status: want.some((w) => same(w, h.account)) ? "as configured" : "unexpected",
      });
    }
    for (const [role, holders] of Object.entries(e.roles)) {
      for (const w of holders ?? []) {
        if (!held.some((h) => h.role === role && same(h.account, w))) {
          holdings.push({ contract: e.contract, role, holder: w, status: "missing" });
        }
      }
    }
  }
  return { ok: holdings.every((h) => h.status === "as configured"), holdings };
}
