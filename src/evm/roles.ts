// Role hand-over and role reading for OpenZeppelin AccessControl contracts. A deployment ends
// with every role where the config says and none with the deployer; `rolesOf` reads them back
// from chain state (RoleGranted logs name the candidates, `hasRole` decides).
import type { ContractRunner, Log, Provider, Signer } from "ethers";
import { Contract, ZeroHash, id } from "ethers";

/** Every role name a contract of this project declares, and OpenZeppelin's admin role. */
export const ROLE_NAMES = [
  "DEFAULT_ADMIN_ROLE",
  "MINTER_ROLE",
  "PAUSER_ROLE",
  "REWARD_ROLE",
  "SETTLER_ROLE",
  "PRICE_SETTER_ROLE",
  "REFERRAL_ROLE",
  "RELEASER_ROLE",
  "GUARDIAN_ROLE",
  "PROPOSER_ROLE",
  "EXECUTOR_ROLE",
  "CANCELLER_ROLE",
] as const;
export type RoleName = (typeof ROLE_NAMES)[number];

export function roleId(name: RoleName): string {
  return name === "DEFAULT_ADMIN_ROLE" ? ZeroHash : id(name);
}

const ROLE_GRANTED = id("RoleGranted(bytes32,address,address)");
const ACCESS_ABI = [
  "function hasRole(bytes32 role, address account) view returns (bool)",
  "function grantRole(bytes32 role, address account)",
  "function renounceRole(bytes32 role, address callerConfirmation)",
  "event RoleGranted(bytes32 indexed role, address indexed account, address indexed sender)",
];

export interface RoleHolding {
  role: RoleName | string;
  account: string;
}

function withProvider(signer: Signer): Provider {
  if (!signer.provider) throw new Error("the deployer signer has no provider");
  return signer.provider;
}

function accessControl(address: string, runner: ContractRunner) {
  return new Contract(address, ACCESS_ABI, runner);
}

function nameOf(role: string): RoleName | string {
  return ROLE_NAMES.find((n) => roleId(n) === role) ?? role;
}

/** Who holds which role on `address` now (accounts ever granted a role that still hold it). */
export async function rolesOf(provider: Provider, address: string, fromBlock = 0): Promise<RoleHolding[]> {
  const logs: Log[] = await provider.getLogs({ address, topics: [ROLE_GRANTED], fromBlock });
  const ac = accessControl(address, provider);
  const seen = new Set<string>();
  const held: RoleHolding[] = [];
  for (const log of logs) {
    const role = log.topics[1];
    const account = `0x${log.topics[2].slice(26)}`;
    const key = `${role}:${account.toLowerCase()}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (await ac.hasRole(role, account)) held.push({ role: nameOf(role), account });
  }
  return held;
}

export interface RolePlan {
  /** name used in messages, e.g. "license" */
  name: string;
  address: string;
  grants: { role: RoleName; holder: string }[];
}

/**
 * Grants every planned role, then has the deployer renounce every role it holds on those
 * contracts (the admin role last), then checks the result: each planned holder holds its role
 * and the deployer holds none. Throws, naming the contract and role, if anything differs.
 */
export async function handOverRoles(
  deployer: Signer,
  plans: RolePlan[],
  opts: { fromBlock?: number; log?: (line: string) => void } = {},
): Promise<void> {
  const log = opts.log ?? (() => {});
  const me = (await deployer.getAddress()).toLowerCase();
  const reader = withProvider(deployer);
  for (const p of plans) {
    const ac = accessControl(p.address, deployer);
    for (const g of p.grants) {
      if (g.holder.toLowerCase() === me) {
        throw new Error(`${p.name}: the config gives ${g.role} to the deployer ${me}; name another holder`);
      }
      if (!(await ac.hasRole(roleId(g.role), g.holder))) {
        await (await ac.grantRole(roleId(g.role), g.holder)).wait();
        log(`${p.name}: granted ${g.role} to ${g.holder}`);
      }
    }
  }
  for (const p of plans) {
    const ac = accessControl(p.address, deployer);
    const mine = (await rolesOf(reader, p.address, opts.fromBlock)).filter(
      (h) => h.account.toLowerCase() === me,
    );
    mine.sort((a, b) => Number(a.role === "DEFAULT_ADMIN_ROLE") - Number(b.role === "DEFAULT_ADMIN_ROLE"));
    for (const h of mine) {
      const role = ROLE_NAMES.includes(h.role as RoleName) ? roleId(h.role as RoleName) : h.role;
      await (await ac.renounceRole(role, me)).wait();
      log(`${p.name}: deployer renounced ${h.role}`);
    }
  }
  await checkRoles(reader, plans, me, opts.fromBlock);
}

/** Every planned holder holds its role; `deployer` holds none on those contracts. */
export async function checkRoles(
  provider: Provider,
  plans: RolePlan[],
  deployer: string,
  fromBlock = 0,
): Promise<void> {
  for (const p of plans) {
    const ac = accessControl(p.address, provider);
    for (const g of p.grants) {
      if (!(await ac.hasRole(roleId(g.role), g.holder))) {
        throw new Error(`${p.name}: ${g.holder} should hold ${g.role} and does not`);
      }
    }
    const kept = (await rolesOf(provider, p.address, fromBlock)).filter(
      (h) => h.account.toLowerCase() === deployer.toLowerCase(),
    );
    if (kept.length > 0) {
      throw new Error(`${p.name}: the deployer still holds ${kept.map((h) => h.role).join(", ")}`);
    }
  }
}
