// Gas per licence for batches of 1, 10 and 50: CheckerNodeSale.buy (ERC721A licence, one tier)
// against an OpenZeppelin ERC721Enumerable reference minting one by one, in the same run, on
// Hardhat's in-process EVM.   npx hardhat run scripts/bench/license-gas.ts
import { network } from "hardhat";

import { Currency, deployArbitrum, loadLicenseConfig } from "../../src/evm/arbitrum.js";

const { ethers, networkHelpers } = await network.create();
const config = loadLicenseConfig("config/arbitrum/licenses.json");
// one large tier, so every batch pays one price and the comparison is only about minting
config.sale.tiers = [{ quantity: 10_000, priceEth: "0.1", priceStable: "300" }];
config.sale.publicWalletCap = 10_000;
config.license.maxSupply = 10_000;
const d = await deployArbitrum(ethers, config);
await networkHelpers.time.increaseTo(d.start + config.sale.publicStartSeconds);
const reference = await ethers.deployContract("ReferenceEnumerableLicense");
const buyer = (await ethers.getSigners())[8];

const rows: string[] = [];
for (const n of [1n, 10n, 50n]) {
  // warm both contracts' storage for this buyer first, so neither pays a first-mint premium
  const [warm] = await d.sale.quote(1n, Currency.ETH, ethers.ZeroHash);
  await d.sale.connect(buyer).buy(1n, Currency.ETH, ethers.ZeroHash, warm, 0n, [], { value: warm });
  await reference.connect(buyer).buy(1n, 0);

  const [total] = await d.sale.quote(n, Currency.ETH, ethers.ZeroHash);
  const ours = await (
    await d.sale.connect(buyer).buy(n, Currency.ETH, ethers.ZeroHash, total, 0n, [], { value: total })
  ).wait();
  const ref = await (await reference.connect(buyer).buy(n, 0)).wait();
  const perOurs = ours!.gasUsed / n;
  const perRef = ref!.gasUsed / n;
  rows.push(
    `| ${n} | ${ours!.gasUsed} | ${perOurs} | ${ref!.gasUsed} | ${perRef} | ${(Number(perRef) / Number(perOurs)).toFixed(1)}x |`,
  );
}
console.log(
  "| batch | CheckerNodeSale.buy gas | per licence | ERC721Enumerable one-by-one gas | per licence | reference / ours |",
);
console.log("| ---: | ---: | ---: | ---: | ---: | ---: |");
for (const r of rows) console.log(r);
