// npx hardhat audit:roles --network <net>: every privileged role of the deployment recorded for
// <net> (deployments/ethereum-<net>.json and/or arbitrum-<net>.json), read from chain, printed
// with its holder, and compared with the configs; exits non-zero on any difference.
import { existsSync } from "node:fs";
import path from "node:path";

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { DEPLOYMENTS_DIR, readDeployment } from "../../src/deployments.js";
import { auditRoles, expectedArbitrum, expectedEthereum } from "../../src/evm/audit.js";

interface Args {
  json: boolean;
}

interface DeploymentRecord {
  addresses: Record<string, string>;
  fromBlock?: number;
  tokenomics?: string;
  licenses?: string;
  escrow?: string;
}

export default async function auditRolesTask(args: Args, hre: HardhatRuntimeEnvironment) {
  const { ethers, networkName } = await hre.network.getOrCreate();
  const sides = ["ethereum", "arbitrum"].filter((s) =>
    existsSync(path.join(DEPLOYMENTS_DIR, `${s}-${networkName}.json`)),
  );
  if (sides.length === 0) readDeployment(`ethereum-${networkName}`); // the one-line "deploy first" error
  let ok = true;
  const report: unknown[] = [];
  for (const side of sides) {
    const record = readDeployment<DeploymentRecord>(`${side}-${networkName}`);
    const expected =
      side === "ethereum"
        ? await expectedEthereum(
            ethers,
            record.tokenomics ?? "config/ethereum/tokenomics.json",
            record.addresses,
          )
        : await expectedArbitrum(
            ethers,
            record.licenses ?? "config/arbitrum/licenses.json",
            record.escrow ?? "config/arbitrum/escrow.json",
            record.addresses,
          );
    const result = await auditRoles(ethers, expected, record.fromBlock ?? 0);
    ok &&= result.ok;
    report.push({ side, ...result });
    if (!args.json) {
      console.log(`== ${side} on ${networkName}`);
      for (const h of result.holdings) {
        console.log(`  ${h.contract.padEnd(18)} ${h.role.padEnd(19)} ${h.holder}  ${h.status}`);
      }
    }
  }
  if (args.json) console.log(JSON.stringify({ network: networkName, ok, sides: report }, null, 2));
  if (!ok) {
    process.exitCode = 1;
    console.error(`error: roles on ${networkName} differ from the config (see "unexpected"/"missing" above)`);
  } else if (!args.json) {
    console.log(`audit: every role on ${networkName} is held as the config says; the deployer holds none`);
  }
}
