// Gas per licence for batches of 1, 10, 50 and MAX_PURCHASE (100): CheckerNodeSale.buy (ERC721A
// licence, one tier) against an OpenZeppelin ERC721Enumerable reference minting one by one, in the
// same run, on Hardhat's in-process EVM; then, the sale cancelled, the refund of each whole batch.
//   npx hardhat run scripts/bench/license-gas.ts
import { network } from "hardhat";

import { Currency, deployArbitrum, loadLicenseConfig } from "../../src/evm/arbitrum.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const config = loadLicenseConfig("config/arbitrum/licenses.json");
// one large tier, so every batch pays one price and the comparison is only about minting
config.sale.tiers = [{ quantity: 10_000, priceEth: "0.1", priceStable: "300" }];
config.sale.publicWalletCap = 10_000;
config.license.maxSupply = 10_000;
const d = await deployArbitrum(connection, config);
await networkHelpers.time.increaseTo(d.start + config.sale.publicStartSeconds);
const reference = await ethers.deployContract("ReferenceEnumerableLicense");
const buyer = (await ethers.getSigners())[8];
const batches = [1n, 10n, 50n, await d.sale.MAX_PURCHASE()];

const rows: string[] = [];
const bought: { n: bigint; first: bigint }[] = [];
for (const n of batches) {
  // warm both contracts' storage for this buyer first, so neither pays a first-mint premium
  const [warm] = await d.sale.quote(1n, Currency.ETH, ethers.ZeroHash);
  await d.sale.connect(buyer).buy(1n, Currency.ETH, ethers.ZeroHash, warm, 0n, [], { value: warm });
  await reference.connect(buyer).buy(1n, 0);

  const [total] = await d.sale.quote(n, Currency.ETH, ethers.ZeroHash);
  const ours = await (
    await d.sale.connect(buyer).buy(n, Currency.ETH, ethers.ZeroHash, total, 0n, [], { value: total })
  ).wait();
  const ref = await (await reference.connect(buyer).buy(n, 0)).wait();
  const purchased = ours!.logs.map((l) => d.sale.interface.parseLog(l)).find((e) => e?.name === "Purchased");
  bought.push({ n, first: purchased!.args.firstTokenId as bigint });
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

await (await d.sale.cancel()).wait();
console.log("\n| refund of a whole batch | CheckerNodeSale.refund gas | per licence |");
console.log("| ---: | ---: | ---: |");
for (const { n, first } of bought) {
  const ids = Array.from({ length: Number(n) }, (_, i) => first + BigInt(i));
  const receipt = await (await d.sale.connect(buyer).refund(first, ids)).wait();
  console.log(`| ${n} | ${receipt!.gasUsed} | ${receipt!.gasUsed / n} |`);
}
