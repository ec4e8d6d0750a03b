// Gas of HTLCEscrow's lock, withdraw and cancel (ComputeToken, ETH safety deposit) next to the
// plain ERC-20 calls a trusted custodian would make for the same amount in the same run: the
// custodian pulls with `transferFrom` (as `lock` does) and pays out with `transfer` (as
// `withdraw`/`cancel` do). Both start from the same state: the escrow and the custodian already
// hold tokens (an earlier swap), every payee holds none, every swap id is fresh.
//   npx hardhat run scripts/bench/swap-gas.ts      (npm run bench:swap)
import { parseEther, toBeHex, ZeroAddress } from "ethers";
import { network } from "hardhat";

import { deployHtlc, evmHashlock, type EvmTimelocks } from "../../src/evm/swap.js";

const { ethers, networkHelpers } = await network.create();
const { time } = networkHelpers;
const [deployer, maker, recipient, keeper, custodian, ...payees] = await ethers.getSigners();
const SUPPLY = parseEther("1000000");
const AMOUNT = parseEther("1000");
const DEPOSIT = parseEther("0.01");
const TIMELOCKS: EvmTimelocks = {
  finality: 60,
  publicWithdrawal: 600,
  cancellation: 3_600,
  publicCancellation: 7_200,
};
const SECRET = toBeHex(1n, 32);
const HASHLOCK = evmHashlock(SECRET);

const token = await ethers.deployContract(
  "ComputeToken",
  ["Compute", "CMT", SUPPLY, [maker.address], [SUPPLY], ZeroAddress, ZeroAddress, ZeroAddress],
  deployer,
);
const escrow = await deployHtlc(ethers, deployer);
await (await token.connect(maker).approve(escrow.target, ethers.MaxUint256)).wait();
await (await token.connect(maker).approve(custodian.address, ethers.MaxUint256)).wait();

const gas = async (tx: Promise<{ wait(): Promise<{ gasUsed: bigint } | null> }>) =>
  (await (await tx).wait())!.gasUsed;
const lock = (id: bigint, to = recipient.address) =>
  gas(escrow.connect(maker).lock(id, to, token.target, AMOUNT, HASHLOCK, TIMELOCKS, { value: DEPOSIT }));

// the state both start from: each already holds tokens
await lock(1_000n);
await (await token.connect(custodian).transferFrom(maker.address, custodian.address, AMOUNT)).wait();

let id = 1n;
let payee = 0;
const freshPayee = () => payees[payee++].address;
const lockedAt = async () => time.latest();

// lock: 4 swaps to end each way
const locks: bigint[] = [];
const starts: number[] = [];
const swapPayees: string[] = [];
for (let i = 0; i < 4; i++) {
  const to = freshPayee();
  swapPayees.push(to);
  locks.push(await lock(id + BigInt(i), to));
  starts.push(await lockedAt());
}
const refPull = await gas(token.connect(custodian).transferFrom(maker.address, custodian.address, AMOUNT));

// withdraw by the recipient (private window) and by a keeper (public window)
await time.increaseTo(starts[3] + TIMELOCKS.finality);
const recipientSigner = await ethers.getSigner(swapPayees[0]);
const privateWithdraw = await gas(escrow.connect(recipientSigner).withdraw(maker.address, id, SECRET));
await time.increaseTo(starts[3] + TIMELOCKS.publicWithdrawal);
const publicWithdraw = await gas(escrow.connect(keeper).withdraw(maker.address, id + 1n, SECRET));
const refPay = await gas(token.connect(custodian).transfer(freshPayee(), AMOUNT));

// cancel by the maker (private window) and by a keeper (public window); the maker holds tokens
await time.increaseTo(starts[3] + TIMELOCKS.cancellation);
const privateCancel = await gas(escrow.connect(maker).cancel(maker.address, id + 2n));
await time.increaseTo(starts[3] + TIMELOCKS.publicCancellation);
const publicCancel = await gas(escrow.connect(keeper).cancel(maker.address, id + 3n));
const refRefund = await gas(token.connect(custodian).transfer(maker.address, AMOUNT));
id += 4n;

const avgLock = locks.reduce((a, b) => a + b, 0n) / BigInt(locks.length);
const rows: [string, bigint, string, bigint][] = [
  ["lock (ERC-20 in + ETH deposit, new swap)", avgLock, "transferFrom (custodian pulls)", refPull],
  ["withdraw by the recipient (private window)", privateWithdraw, "transfer to a new holder", refPay],
  ["withdraw by a keeper (public window)", publicWithdraw, "transfer to a new holder", refPay],
  ["cancel by the maker (private window)", privateCancel, "transfer back to the maker", refRefund],
  ["cancel by a keeper (public window)", publicCancel, "transfer back to the maker", refRefund],
  [
    "lock + private withdraw (a whole leg)",
    avgLock + privateWithdraw,
    "transferFrom + transfer",
    refPull + refPay,
  ],
];
console.log("| HTLCEscrow call | gas | reference (plain ERC-20, ComputeToken) | gas | overhead |");
console.log("| --- | ---: | --- | ---: | ---: |");
for (const [what, ours, ref, refGas] of rows) {
  console.log(`| ${what} | ${ours} | ${ref} | ${refGas} | +${ours - refGas} |`);
}
