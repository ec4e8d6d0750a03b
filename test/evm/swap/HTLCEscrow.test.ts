import { expect } from "chai";
import { keccak256, parseEther, toBeHex, ZeroAddress } from "ethers";
import { network } from "hardhat";

import {
  cancelEvm,
  deployHtlc,
  evmHashlock,
  evmSwapKey,
  findEvmSecret,
  lockEvm,
  MAX_PUBLIC_CANCELLATION,
  MAX_TIMELOCK_OFFSET,
  readEvmSwap,
  withdrawEvm,
  type EvmLockTerms,
  type EvmTimelocks,
} from "../../../src/evm/swap.js";
import type { HTLCEscrow } from "../../../types/ethers-contracts/index.js";

// Ethereum: the market token is ComputeToken.
const { ethers, networkHelpers } = await network.create();
const { loadFixture, time } = networkHelpers;

const DAY = 86_400;
const TIMELOCKS: EvmTimelocks = {
  finality: 60,
  publicWithdrawal: 600,
  cancellation: 3_600,
  publicCancellation: 7_200,
};
const SECRET = toBeHex(0xc0ffeen, 32);
const HASHLOCK = evmHashlock(SECRET);
const AMOUNT = parseEther("1000");
const DEPOSIT = parseEther("0.01");
const SWAP_ID = 7n;
const SUPPLY = parseEther("1000000");

const State = { None: 0n, Locked: 1n, Withdrawn: 2n, Cancelled: 3n } as const;
const Stage = {
  None: 0n,
  FinalityLock: 1n,
  PrivateWithdrawal: 2n,
  PublicWithdrawal: 3n,
  PrivateCancellation: 4n,
  PublicCancellation: 5n,
  Withdrawn: 6n,
  Cancelled: 7n,
} as const;

type Signer = Awaited<ReturnType<typeof ethers.getSigners>>[number];

/** The escrow, ComputeToken (all of it minted to the maker) and nothing locked yet. */
async function deployed() {
  const [deployer, maker, recipient, stranger, other] = await ethers.getSigners();
  const escrow = await deployHtlc(ethers, deployer);
  const token = await ethers.deployContract("ComputeToken", [
    "Compute",
    "CMT",
    SUPPLY,
    [maker.address],
    [SUPPLY],
    ZeroAddress,
    ZeroAddress,
    ZeroAddress,
  ]);
  return { escrow, token, deployer, maker, recipient, stranger, other };
}

function terms(d: Awaited<ReturnType<typeof deployed>>, over: Partial<EvmLockTerms> = {}): EvmLockTerms {
  return {
    swapId: SWAP_ID,
    recipient: d.recipient.address,
    token: d.token.target as string,
    amount: AMOUNT,
    hashlock: HASHLOCK,
    timelocks: TIMELOCKS,
    safetyDeposit: DEPOSIT,
    ...over,
  };
}

/** Maker's swap SWAP_ID locked through the library; `lockedAt` is its block's timestamp. */
async function locked() {
  const d = await deployed();
  const receipt = await lockEvm(d.escrow.connect(d.maker), terms(d));
  const lockedAt = (await ethers.provider.getBlock(receipt.blockNumber))!.timestamp;
  return { ...d, lockedAt, lockBlock: receipt.blockNumber };
}

/** The escrow holds exactly the amounts and deposits of its locked swaps. */
async function holds(
  escrow: HTLCEscrow,
  token: { balanceOf(a: string): Promise<bigint> },
  amount: bigint,
  eth: bigint,
) {
  const at = await escrow.getAddress();
  expect(await token.balanceOf(at)).to.equal(amount);
  expect(await ethers.provider.getBalance(at)).to.equal(eth);
}

describe("HTLCEscrow (cross-chain swap, EVM leg)", () => {
  describe("lock", () => {
    it("pulls the amount and the deposit, stores the terms under keccak256(abi.encode(maker, swapId)), emits Locked", async () => {
      const d = await loadFixture(deployed);
      await d.token.connect(d.maker).approve(d.escrow.target, AMOUNT);
      const tx = d.escrow
        .connect(d.maker)
        .lock(SWAP_ID, d.recipient.address, d.token.target, AMOUNT, HASHLOCK, TIMELOCKS, { value: DEPOSIT });
      await expect(tx).to.changeTokenBalances(ethers, d.token, [d.maker, d.escrow], [-AMOUNT, AMOUNT]);
      await expect(tx).to.changeEtherBalances(ethers, [d.maker, d.escrow], [-DEPOSIT, DEPOSIT]);
      const lockedAt = BigInt(await time.latest());
      await expect(tx)
        .to.emit(d.escrow, "Locked")
        .withArgs(
          d.maker.address,
          SWAP_ID,
          d.recipient.address,
          d.token.target,
          AMOUNT,
          HASHLOCK,
          Object.values(TIMELOCKS),
          lockedAt,
          DEPOSIT,
        );
      const key = await d.escrow.swapKey(d.maker.address, SWAP_ID);
      expect(key).to.equal(evmSwapKey(d.maker.address, SWAP_ID));
      expect(key).to.equal(
        keccak256(
          ethers.AbiCoder.defaultAbiCoder().encode(["address", "uint64"], [d.maker.address, SWAP_ID]),
        ),
      );
      const expected = [
        d.maker.address,
        d.recipient.address,
        d.token.target,
        AMOUNT,
        HASHLOCK,
        Object.values(TIMELOCKS).map(BigInt),
        lockedAt,
        DEPOSIT,
        State.Locked,
      ];
      expect(await d.escrow.swaps(key)).to.deep.equal(expected);
      expect(await d.escrow.swapOf(d.maker.address, SWAP_ID)).to.deep.equal(expected);
      expect(await d.escrow.stage(d.maker.address, SWAP_ID)).to.equal(Stage.FinalityLock);
      await holds(d.escrow, d.token, AMOUNT, DEPOSIT);
    });

    it("the bounds are constants: 30 days for finality..cancellation, 60 days for publicCancellation", async () => {
      const d = await loadFixture(deployed);
      expect(await d.escrow.MAX_TIMELOCK_OFFSET()).to.equal(BigInt(MAX_TIMELOCK_OFFSET));
      expect(await d.escrow.MAX_PUBLIC_CANCELLATION()).to.equal(BigInt(MAX_PUBLIC_CANCELLATION));
      expect(MAX_TIMELOCK_OFFSET).to.equal(30 * DAY);
      expect(MAX_PUBLIC_CANCELLATION).to.equal(60 * DAY);
    });

    it("error: a swap id the maker already used, also after the swap ended (ids are never reused)", async () => {
      const d = await loadFixture(locked);
      const lock = () =>
        d.escrow
          .connect(d.maker)
          .lock(SWAP_ID, d.recipient.address, d.token.target, 1n, HASHLOCK, TIMELOCKS, { value: DEPOSIT });
      await d.token.connect(d.maker).approve(d.escrow.target, ethers.MaxUint256);
      await expect(lock())
        .to.be.revertedWithCustomError(d.escrow, "SwapExists")
        .withArgs(d.maker.address, SWAP_ID);
      await time.setNextBlockTimestamp(d.lockedAt + TIMELOCKS.finality);
      await withdrawEvm(d.escrow.connect(d.recipient), d.maker.address, SWAP_ID, SECRET);
      await expect(lock())
        .to.be.revertedWithCustomError(d.escrow, "SwapExists")
        .withArgs(d.maker.address, SWAP_ID);
      // another maker's id 7 is another swap
      await d.token.connect(d.maker).transfer(d.stranger.address, 1n);
      await d.token.connect(d.stranger).approve(d.escrow.target, 1n);
      await d.escrow
        .connect(d.stranger)
        .lock(SWAP_ID, d.recipient.address, d.token.target, 1n, HASHLOCK, TIMELOCKS, { value: DEPOSIT });
      expect((await d.escrow.swapOf(d.stranger.address, SWAP_ID)).state).to.equal(State.Locked);
    });

    it("error: a zero amount, a zero deposit, a deposit above uint96, a zero recipient", async () => {
      const d = await loadFixture(deployed);
      await d.token.connect(d.maker).approve(d.escrow.target, ethers.MaxUint256);
      const lock = (recipient: string, amount: bigint, value: bigint) =>
        d.escrow
          .connect(d.maker)
          .lock(SWAP_ID, recipient, d.token.target, amount, HASHLOCK, TIMELOCKS, { value });
      await expect(lock(d.recipient.address, 0n, DEPOSIT))
        .to.be.revertedWithCustomError(d.escrow, "InvalidAmount")
        .withArgs(0n);
      await expect(lock(d.recipient.address, AMOUNT, 0n))
        .to.be.revertedWithCustomError(d.escrow, "InvalidSafetyDeposit")
        .withArgs(0n);
      await networkHelpers.setBalance(d.maker.address, 2n ** 97n);
      await expect(lock(d.recipient.address, AMOUNT, 2n ** 96n))
        .to.be.revertedWithCustomError(d.escrow, "InvalidSafetyDeposit")
        .withArgs(2n ** 96n);
      await expect(lock(ZeroAddress, AMOUNT, DEPOSIT))
        .to.be.revertedWithCustomError(d.escrow, "InvalidRecipient")
        .withArgs(ZeroAddress);
      // the largest deposit is accepted and paid back in full
      await lock(d.recipient.address, AMOUNT, 2n ** 96n - 1n);
      await holds(d.escrow, d.token, AMOUNT, 2n ** 96n - 1n);
    });

    it("error: timelocks not strictly increasing from > 0, or past their bounds (each bound itself accepted)", async () => {
      const d = await loadFixture(deployed);
      await d.token.connect(d.maker).approve(d.escrow.target, ethers.MaxUint256);
      let id = 100n;
      const lock = (t: EvmTimelocks) =>
        d.escrow
          .connect(d.maker)
          .lock(id++, d.recipient.address, d.token.target, 1n, HASHLOCK, t, { value: DEPOSIT });
      const bad: EvmTimelocks[] = [
        { ...TIMELOCKS, finality: 0 },
        { ...TIMELOCKS, publicWithdrawal: TIMELOCKS.finality },
        { ...TIMELOCKS, cancellation: TIMELOCKS.publicWithdrawal },
        { ...TIMELOCKS, publicCancellation: TIMELOCKS.cancellation },
        { finality: 3, publicWithdrawal: 2, cancellation: 4, publicCancellation: 5 },
        { ...TIMELOCKS, cancellation: MAX_TIMELOCK_OFFSET + 1, publicCancellation: MAX_TIMELOCK_OFFSET + 2 },
        { ...TIMELOCKS, publicCancellation: MAX_PUBLIC_CANCELLATION + 1 },
      ];
      for (const t of bad) {
        await expect(lock(t))
          .to.be.revertedWithCustomError(d.escrow, "InvalidTimelocks")
          .withArgs(Object.values(t));
      }
      await lock({ finality: 1, publicWithdrawal: 2, cancellation: 3, publicCancellation: 4 });
      await lock({
        finality: MAX_TIMELOCK_OFFSET - 2,
        publicWithdrawal: MAX_TIMELOCK_OFFSET - 1,
        cancellation: MAX_TIMELOCK_OFFSET,
        publicCancellation: MAX_PUBLIC_CANCELLATION,
      });
    });

    it("error: a fee-on-transfer token (balance delta below the amount)", async () => {
      const d = await loadFixture(deployed);
      const fot = await ethers.deployContract("FeeOnTransferToken");
      await fot.mint(d.maker.address, AMOUNT);
      await fot.connect(d.maker).approve(d.escrow.target, AMOUNT);
      await expect(
        d.escrow
          .connect(d.maker)
          .lock(SWAP_ID, d.recipient.address, fot.target, AMOUNT, HASHLOCK, TIMELOCKS, { value: DEPOSIT }),
      )
        .to.be.revertedWithCustomError(d.escrow, "FeeOnTransferToken")
        .withArgs(fot.target, AMOUNT, AMOUNT - AMOUNT / 100n);
      expect((await d.escrow.swapOf(d.maker.address, SWAP_ID)).state).to.equal(State.None);
    });

    it("error: a token re-entering the escrow from its transfer hook during lock", async () => {
      const d = await loadFixture(deployed);
      const hook = await ethers.deployContract("CallbackToken");
      await hook.mint(d.maker.address, 2n * AMOUNT);
      await hook.connect(d.maker).approve(d.escrow.target, 2n * AMOUNT);
      await hook.setCallback(
        d.escrow.target,
        d.escrow.interface.encodeFunctionData("lock", [
          SWAP_ID + 1n,
          d.recipient.address,
          hook.target as string,
          AMOUNT,
          HASHLOCK,
          TIMELOCKS,
        ]),
      );
      await expect(
        d.escrow
          .connect(d.maker)
          .lock(SWAP_ID, d.recipient.address, hook.target, AMOUNT, HASHLOCK, TIMELOCKS, { value: DEPOSIT }),
      ).to.be.revertedWithCustomError(d.escrow, "ReentrancyGuardReentrantCall");
    });
  });

  describe("withdraw", () => {
    it("happy path: the recipient withdraws with the secret at finality; the event carries the secret; findEvmSecret reads it", async () => {
      const d = await loadFixture(locked);
      expect(await findEvmSecret(d.escrow, d.maker.address, SWAP_ID, d.lockBlock)).to.equal(null);
      await time.setNextBlockTimestamp(d.lockedAt + TIMELOCKS.finality);
      const tx = d.escrow.connect(d.recipient).withdraw(d.maker.address, SWAP_ID, SECRET);
      await expect(tx).to.changeTokenBalances(
        ethers,
        d.token,
        [d.escrow, d.recipient, d.maker],
        [-AMOUNT, AMOUNT, 0n],
      );
      await expect(tx).to.changeEtherBalances(
        ethers,
        [d.escrow, d.recipient, d.maker],
        [-DEPOSIT, DEPOSIT, 0n],
      );
      await expect(tx)
        .to.emit(d.escrow, "Withdrawn")
        .withArgs(d.maker.address, SWAP_ID, SECRET, d.recipient.address);
      expect((await d.escrow.swapOf(d.maker.address, SWAP_ID)).state).to.equal(State.Withdrawn);
      expect(await d.escrow.stage(d.maker.address, SWAP_ID)).to.equal(Stage.Withdrawn);
      expect(await findEvmSecret(d.escrow, d.maker.address, SWAP_ID, d.lockBlock)).to.equal(SECRET);
      expect(evmHashlock((await findEvmSecret(d.escrow, d.maker.address, SWAP_ID, 0))!)).to.equal(HASHLOCK);
      await holds(d.escrow, d.token, 0n, 0n);
    });

    it("public withdrawal: a third party with the secret pushes it through, the tokens go to the recipient, the deposit to the third party", async () => {
      const d = await loadFixture(locked);
      await time.setNextBlockTimestamp(d.lockedAt + TIMELOCKS.publicWithdrawal);
      const tx = d.escrow.connect(d.stranger).withdraw(d.maker.address, SWAP_ID, SECRET);
      await expect(tx).to.changeTokenBalances(
        ethers,
        d.token,
        [d.escrow, d.recipient, d.stranger, d.maker],
        [-AMOUNT, AMOUNT, 0n, 0n],
      );
      await expect(tx).to.changeEtherBalances(
        ethers,
        [d.escrow, d.stranger, d.recipient, d.maker],
        [-DEPOSIT, DEPOSIT, 0n, 0n],
      );
      await expect(tx)
        .to.emit(d.escrow, "Withdrawn")
        .withArgs(d.maker.address, SWAP_ID, SECRET, d.stranger.address);
    });

    it("error: a wrong secret, in both withdrawal windows", async () => {
      const d = await loadFixture(locked);
      const wrong = toBeHex(0xbadn, 32);
      await time.setNextBlockTimestamp(d.lockedAt + TIMELOCKS.finality);
      await expect(d.escrow.connect(d.recipient).withdraw(d.maker.address, SWAP_ID, wrong))
        .to.be.revertedWithCustomError(d.escrow, "InvalidSecret")
        .withArgs(HASHLOCK, keccak256(wrong));
      await time.setNextBlockTimestamp(d.lockedAt + TIMELOCKS.publicWithdrawal);
      await expect(d.escrow.connect(d.stranger).withdraw(d.maker.address, SWAP_ID, wrong))
        .to.be.revertedWithCustomError(d.escrow, "InvalidSecret")
        .withArgs(HASHLOCK, keccak256(wrong));
      // the hashlock is of the 32-byte secret, not of its hex text nor of a shorter encoding
      await expect(
        d.escrow
          .connect(d.stranger)
          .withdraw(d.maker.address, SWAP_ID, keccak256(ethers.toUtf8Bytes(SECRET))),
      ).to.be.revertedWithCustomError(d.escrow, "InvalidSecret");
    });

    it("error: the maker (not the recipient) in the private withdrawal window", async () => {
      const d = await loadFixture(locked);
      await time.setNextBlockTimestamp(d.lockedAt + TIMELOCKS.finality + 1);
      await expect(d.escrow.connect(d.maker).withdraw(d.maker.address, SWAP_ID, SECRET))
        .to.be.revertedWithCustomError(d.escrow, "NotRecipient")
        .withArgs(d.maker.address, d.recipient.address);
    });

    it("error: double withdraw, withdraw after cancel, cancel after withdraw, an unknown swap", async () => {
      const d = await loadFixture(locked);
      await time.setNextBlockTimestamp(d.lockedAt + TIMELOCKS.finality);
      await d.escrow.connect(d.recipient).withdraw(d.maker.address, SWAP_ID, SECRET);
      await expect(d.escrow.connect(d.recipient).withdraw(d.maker.address, SWAP_ID, SECRET))
        .to.be.revertedWithCustomError(d.escrow, "SwapClosed")
        .withArgs(d.maker.address, SWAP_ID, State.Withdrawn);
      await time.increaseTo(d.lockedAt + TIMELOCKS.publicCancellation);
      await expect(d.escrow.connect(d.maker).cancel(d.maker.address, SWAP_ID))
        .to.be.revertedWithCustomError(d.escrow, "SwapClosed")
        .withArgs(d.maker.address, SWAP_ID, State.Withdrawn);
      await expect(d.escrow.connect(d.maker).withdraw(d.stranger.address, SWAP_ID, SECRET))
        .to.be.revertedWithCustomError(d.escrow, "SwapNotFound")
        .withArgs(d.stranger.address, SWAP_ID);
      await expect(d.escrow.connect(d.maker).cancel(d.maker.address, SWAP_ID + 1n))
        .to.be.revertedWithCustomError(d.escrow, "SwapNotFound")
        .withArgs(d.maker.address, SWAP_ID + 1n);
      expect(await d.escrow.stage(d.maker.address, SWAP_ID + 1n)).to.equal(Stage.None);
      expect(await readEvmSwap(d.escrow, d.maker.address, SWAP_ID + 1n)).to.equal(null);
    });

    it("error: a token re-entering the escrow from its transfer hook during withdraw (the swap is already closed, and guarded)", async () => {
      const d = await loadFixture(deployed);
      const hook = await ethers.deployContract("CallbackToken");
      await hook.mint(d.maker.address, AMOUNT);
      await lockEvm(d.escrow.connect(d.maker), terms(d, { token: hook.target as string }));
      const lockedAt = await time.latest();
      await hook.setCallback(
        d.escrow.target,
        d.escrow.interface.encodeFunctionData("cancel", [d.maker.address, SWAP_ID]),
      );
      await time.setNextBlockTimestamp(lockedAt + TIMELOCKS.publicWithdrawal);
      await expect(
        d.escrow.connect(d.stranger).withdraw(d.maker.address, SWAP_ID, SECRET),
      ).to.be.revertedWithCustomError(d.escrow, "ReentrancyGuardReentrantCall");
      expect((await d.escrow.swapOf(d.maker.address, SWAP_ID)).state).to.equal(State.Locked);
    });

    it("error: a caller re-entering from the deposit payment (withdraw, then cancel from receive) is refused; the swap stays locked", async () => {
      const d = await loadFixture(locked);
      const attacker = await ethers.deployContract("AdversarialCaller");
      await attacker.setReentry(
        d.escrow.target,
        d.escrow.interface.encodeFunctionData("cancel", [d.maker.address, SWAP_ID]),
      );
      await time.setNextBlockTimestamp(d.lockedAt + TIMELOCKS.publicWithdrawal);
      await expect(
        attacker.execute(
          d.escrow.target,
          d.escrow.interface.encodeFunctionData("withdraw", [d.maker.address, SWAP_ID, SECRET]),
        ),
      ).to.be.revertedWithCustomError(d.escrow, "ReentrancyGuardReentrantCall");
      expect((await d.escrow.swapOf(d.maker.address, SWAP_ID)).state).to.equal(State.Locked);
      await holds(d.escrow, d.token, AMOUNT, DEPOSIT);
    });

    it("a caller that rejects ETH cannot withdraw (the whole call reverts, nothing moves); anyone else still can", async () => {
      const d = await loadFixture(locked);
      const wallet = await ethers.deployContract("EthRejectingWallet");
      await time.setNextBlockTimestamp(d.lockedAt + TIMELOCKS.publicWithdrawal);
      await expect(
        wallet.execute(
          d.escrow.target,
          d.escrow.interface.encodeFunctionData("withdraw", [d.maker.address, SWAP_ID, SECRET]),
        ),
      ).to.be.revertedWithCustomError(wallet, "EthRejected");
      await holds(d.escrow, d.token, AMOUNT, DEPOSIT);
      await networkHelpers.mine(); // the refused call mined nothing: mine the block at that second
      expect(await d.escrow.stage(d.maker.address, SWAP_ID)).to.equal(Stage.PublicWithdrawal);
      await expect(
        d.escrow.connect(d.stranger).withdraw(d.maker.address, SWAP_ID, SECRET),
      ).to.changeTokenBalance(ethers, d.token, d.recipient, AMOUNT);
    });

    it("a recipient contract that rejects ETH is served by a third party in the public window", async () => {
      const d = await loadFixture(deployed);
      const wallet = await ethers.deployContract("EthRejectingWallet");
      await lockEvm(d.escrow.connect(d.maker), terms(d, { recipient: wallet.target as string }));
      const lockedAt = await time.latest();
      await time.setNextBlockTimestamp(lockedAt + TIMELOCKS.finality);
      await expect(
        wallet.execute(
          d.escrow.target,
          d.escrow.interface.encodeFunctionData("withdraw", [d.maker.address, SWAP_ID, SECRET]),
        ),
      ).to.be.revertedWithCustomError(wallet, "EthRejected");
      await time.setNextBlockTimestamp(lockedAt + TIMELOCKS.publicWithdrawal);
      const tx = d.escrow.connect(d.stranger).withdraw(d.maker.address, SWAP_ID, SECRET);
      await expect(tx).to.changeTokenBalance(ethers, d.token, wallet, AMOUNT);
      await expect(tx).to.changeEtherBalance(ethers, d.stranger, DEPOSIT);
    });
  });

  describe("cancel", () => {
    it("the maker cancels at cancellation: tokens and deposit back to the maker", async () => {
      const d = await loadFixture(locked);
      await time.setNextBlockTimestamp(d.lockedAt + TIMELOCKS.cancellation);
      const tx = d.escrow.connect(d.maker).cancel(d.maker.address, SWAP_ID);
      await expect(tx).to.changeTokenBalances(
        ethers,
        d.token,
        [d.escrow, d.maker, d.recipient],
        [-AMOUNT, AMOUNT, 0n],
      );
      await expect(tx).to.changeEtherBalances(ethers, [d.escrow, d.maker], [-DEPOSIT, DEPOSIT]);
      await expect(tx).to.emit(d.escrow, "Cancelled").withArgs(d.maker.address, SWAP_ID, d.maker.address);
      expect(await d.escrow.stage(d.maker.address, SWAP_ID)).to.equal(Stage.Cancelled);
      await holds(d.escrow, d.token, 0n, 0n);
    });

    it("public cancellation: a third party returns the tokens to the maker and is paid the deposit", async () => {
      const d = await loadFixture(locked);
      await time.setNextBlockTimestamp(d.lockedAt + TIMELOCKS.publicCancellation);
      const tx = d.escrow.connect(d.stranger).cancel(d.maker.address, SWAP_ID);
      await expect(tx).to.changeTokenBalances(
        ethers,
        d.token,
        [d.escrow, d.maker, d.stranger],
        [-AMOUNT, AMOUNT, 0n],
      );
      await expect(tx).to.changeEtherBalances(
        ethers,
        [d.escrow, d.stranger, d.maker],
        [-DEPOSIT, DEPOSIT, 0n],
      );
      await expect(tx).to.emit(d.escrow, "Cancelled").withArgs(d.maker.address, SWAP_ID, d.stranger.address);
    });

    it("error: cancel before cancellation (from the lock's own second), double cancel, withdraw after cancel", async () => {
      const d = await loadFixture(locked);
      for (const t of [1, TIMELOCKS.finality, TIMELOCKS.publicWithdrawal]) {
        await time.setNextBlockTimestamp(d.lockedAt + t);
        await expect(d.escrow.connect(d.maker).cancel(d.maker.address, SWAP_ID))
          .to.be.revertedWithCustomError(d.escrow, "CancellationNotOpen")
          .withArgs(d.lockedAt + t, d.lockedAt + TIMELOCKS.cancellation);
      }
      await time.setNextBlockTimestamp(d.lockedAt + TIMELOCKS.cancellation);
      await cancelEvm(d.escrow.connect(d.maker), d.maker.address, SWAP_ID);
      await expect(d.escrow.connect(d.maker).cancel(d.maker.address, SWAP_ID))
        .to.be.revertedWithCustomError(d.escrow, "SwapClosed")
        .withArgs(d.maker.address, SWAP_ID, State.Cancelled);
      await expect(d.escrow.connect(d.recipient).withdraw(d.maker.address, SWAP_ID, SECRET))
        .to.be.revertedWithCustomError(d.escrow, "SwapClosed")
        .withArgs(d.maker.address, SWAP_ID, State.Cancelled);
    });

    it("a maker contract that rejects ETH gets its tokens back through a third party's public cancellation", async () => {
      const d = await loadFixture(deployed);
      const wallet = await ethers.deployContract("AdversarialCaller");
      const walletAddress = wallet.target as string;
      await d.token.connect(d.maker).transfer(walletAddress, AMOUNT);
      await wallet.execute(
        d.token.target,
        d.token.interface.encodeFunctionData("approve", [d.escrow.target, AMOUNT]),
      );
      const lockData = d.escrow.interface.encodeFunctionData("lock", [
        SWAP_ID,
        d.recipient.address,
        d.token.target as string,
        AMOUNT,
        HASHLOCK,
        TIMELOCKS,
      ]);
      await wallet.execute(d.escrow.target, lockData, { value: DEPOSIT });
      await wallet.setRejectEth(true);
      const lockedAt = await time.latest();
      await time.setNextBlockTimestamp(lockedAt + TIMELOCKS.cancellation);
      await expect(
        wallet.execute(
          d.escrow.target,
          d.escrow.interface.encodeFunctionData("cancel", [walletAddress, SWAP_ID]),
        ),
      ).to.be.revertedWithCustomError(wallet, "EthRejected");
      await holds(d.escrow, d.token, AMOUNT, DEPOSIT);
      await time.setNextBlockTimestamp(lockedAt + TIMELOCKS.publicCancellation);
      const tx = d.escrow.connect(d.stranger).cancel(walletAddress, SWAP_ID);
      await expect(tx).to.changeTokenBalance(ethers, d.token, wallet, AMOUNT);
      await expect(tx).to.changeEtherBalance(ethers, d.stranger, DEPOSIT);
    });
  });

  describe("windows: each boundary second (time.setNextBlockTimestamp)", () => {
    type Who = "maker" | "recipient" | "stranger";
    type Case = {
      at: [keyof EvmTimelocks | "lock", number];
      who: Who;
      action: "withdraw" | "cancel";
      error?: string;
      args?: (lockedAt: number, d: Awaited<ReturnType<typeof locked>>) => unknown[];
      stage: bigint;
    };
    const T = (k: keyof EvmTimelocks | "lock", delta: number) => (k === "lock" ? 0 : TIMELOCKS[k]) + delta;
    const cases: Case[] = [
      {
        at: ["lock", 1],
        who: "recipient",
        action: "withdraw",
        error: "WithdrawalNotOpen",
        args: (l) => [l + 1, l + TIMELOCKS.finality],
        stage: Stage.FinalityLock,
      },
      {
        at: ["finality", -1],
        who: "recipient",
        action: "withdraw",
        error: "WithdrawalNotOpen",
        args: (l) => [l + TIMELOCKS.finality - 1, l + TIMELOCKS.finality],
        stage: Stage.FinalityLock,
      },
      { at: ["finality", 0], who: "recipient", action: "withdraw", stage: Stage.PrivateWithdrawal },
      {
        at: ["finality", 0],
        who: "stranger",
        action: "withdraw",
        error: "NotRecipient",
        args: (_, d) => [d.stranger.address, d.recipient.address],
        stage: Stage.PrivateWithdrawal,
      },
      {
        at: ["publicWithdrawal", -1],
        who: "stranger",
        action: "withdraw",
        error: "NotRecipient",
        args: (_, d) => [d.stranger.address, d.recipient.address],
        stage: Stage.PrivateWithdrawal,
      },
      { at: ["publicWithdrawal", -1], who: "recipient", action: "withdraw", stage: Stage.PrivateWithdrawal },
      { at: ["publicWithdrawal", 0], who: "stranger", action: "withdraw", stage: Stage.PublicWithdrawal },
      { at: ["cancellation", -1], who: "stranger", action: "withdraw", stage: Stage.PublicWithdrawal },
      { at: ["cancellation", -1], who: "recipient", action: "withdraw", stage: Stage.PublicWithdrawal },
      {
        at: ["cancellation", -1],
        who: "maker",
        action: "cancel",
        error: "CancellationNotOpen",
        args: (l) => [l + TIMELOCKS.cancellation - 1, l + TIMELOCKS.cancellation],
        stage: Stage.PublicWithdrawal,
      },
      {
        at: ["cancellation", 0],
        who: "recipient",
        action: "withdraw",
        error: "WithdrawalClosed",
        args: (l) => [l + TIMELOCKS.cancellation, l + TIMELOCKS.cancellation],
        stage: Stage.PrivateCancellation,
      },
      {
        at: ["cancellation", 0],
        who: "stranger",
        action: "withdraw",
        error: "WithdrawalClosed",
        args: (l) => [l + TIMELOCKS.cancellation, l + TIMELOCKS.cancellation],
        stage: Stage.PrivateCancellation,
      },
      { at: ["cancellation", 0], who: "maker", action: "cancel", stage: Stage.PrivateCancellation },
      {
        at: ["cancellation", 0],
        who: "stranger",
        action: "cancel",
        error: "NotMaker",
        args: (_, d) => [d.stranger.address, d.maker.address],
        stage: Stage.PrivateCancellation,
      },
      {
        at: ["publicCancellation", -1],
        who: "stranger",
        action: "cancel",
        error: "NotMaker",
        args: (_, d) => [d.stranger.address, d.maker.address],
        stage: Stage.PrivateCancellation,
      },
      {
        at: ["publicCancellation", -1],
        who: "recipient",
        action: "cancel",
        error: "NotMaker",
        args: (_, d) => [d.recipient.address, d.maker.address],
        stage: Stage.PrivateCancellation,
      },
      { at: ["publicCancellation", -1], who: "maker", action: "cancel", stage: Stage.PrivateCancellation },
      { at: ["publicCancellation", 0], who: "stranger", action: "cancel", stage: Stage.PublicCancellation },
      { at: ["publicCancellation", 0], who: "maker", action: "cancel", stage: Stage.PublicCancellation },
      {
        at: ["publicCancellation", 0],
        who: "recipient",
        action: "withdraw",
        error: "WithdrawalClosed",
        args: (l) => [l + TIMELOCKS.publicCancellation, l + TIMELOCKS.cancellation],
        stage: Stage.PublicCancellation,
      },
    ];

    for (const c of cases) {
      const [k, delta] = c.at;
      const when = `t = ${k}${delta === 0 ? "" : delta > 0 ? ` + ${delta}` : ` - ${-delta}`}`;
      const outcome = c.error ? `is refused (${c.error})` : "succeeds";
      it(`${when}: the ${c.who}'s ${c.action} ${outcome}; stage() is ${Object.entries(Stage).find(([, v]) => v === c.stage)![0]}`, async () => {
        const d = await loadFixture(locked);
        const t = d.lockedAt + T(k, delta);
        await time.setNextBlockTimestamp(t);
        await networkHelpers.mine();
        expect(await time.latest()).to.equal(t);
        expect(await d.escrow.stage(d.maker.address, SWAP_ID)).to.equal(c.stage);
        expect((await readEvmSwap(d.escrow, d.maker.address, SWAP_ID))!.blockTimestamp).to.equal(t);
        // the action itself runs in the block at exactly t
        await networkHelpers.loadFixture(locked);
        await time.setNextBlockTimestamp(t);
        const signer: Signer = d[c.who];
        const escrow = d.escrow.connect(signer);
        const tx =
          c.action === "withdraw"
            ? escrow.withdraw(d.maker.address, SWAP_ID, SECRET)
            : escrow.cancel(d.maker.address, SWAP_ID);
        if (c.error) {
          await expect(tx)
            .to.be.revertedWithCustomError(d.escrow, c.error)
            .withArgs(...c.args!(d.lockedAt, d));
          await holds(d.escrow, d.token, AMOUNT, DEPOSIT);
        } else {
          const to = c.action === "withdraw" ? d.recipient : d.maker;
          await expect(tx).to.changeTokenBalance(ethers, d.token, to, AMOUNT);
          await expect(tx).to.changeEtherBalance(ethers, signer, DEPOSIT);
          expect(await time.latest()).to.equal(t);
          await holds(d.escrow, d.token, 0n, 0n);
        }
      });
    }
  });

  describe("library (src/evm/swap.ts)", () => {
    it("lockEvm approves exactly the amount when needed and locks; readEvmSwap returns terms, lockedAt, state and stage", async () => {
      const d = await loadFixture(deployed);
      await lockEvm(d.escrow.connect(d.maker), terms(d));
      const lockedAt = await time.latest();
      expect(await d.token.allowance(d.maker.address, d.escrow.target)).to.equal(0n);
      const swap = await readEvmSwap(d.escrow, d.maker.address, SWAP_ID);
      expect(swap).to.deep.include({
        key: evmSwapKey(d.maker.address, SWAP_ID),
        maker: d.maker.address,
        swapId: SWAP_ID,
        recipient: d.recipient.address,
        token: d.token.target,
        amount: AMOUNT,
        hashlock: HASHLOCK,
        lockedAt,
        safetyDeposit: DEPOSIT,
        state: "locked",
        stage: "finalityLock",
      });
      expect(swap!.timelocks).to.deep.equal(TIMELOCKS);
      await time.increaseTo(lockedAt + TIMELOCKS.cancellation);
      expect((await readEvmSwap(d.escrow, d.maker.address, SWAP_ID))!.stage).to.equal("privateCancellation");
      await cancelEvm(d.escrow.connect(d.maker), d.maker.address, SWAP_ID);
      expect(await readEvmSwap(d.escrow, d.maker.address, SWAP_ID)).to.deep.include({
        state: "cancelled",
        stage: "cancelled",
      });
    });

    it("lockEvm refuses bad terms before sending anything; evmHashlock refuses a secret that is not 32 bytes", async () => {
      const d = await loadFixture(deployed);
      const escrow = d.escrow.connect(d.maker);
      const before = await ethers.provider.getBlockNumber();
      const refused = [
        terms(d, { amount: 0n }),
        terms(d, { safetyDeposit: 0n }),
        terms(d, { swapId: 2n ** 64n }),
        terms(d, { hashlock: "0x1234" }),
        terms(d, { timelocks: { ...TIMELOCKS, publicWithdrawal: TIMELOCKS.cancellation } }),
        terms(d, { timelocks: { ...TIMELOCKS, publicCancellation: MAX_PUBLIC_CANCELLATION + 1 } }),
        terms(d, { timelocks: { ...TIMELOCKS, finality: 1.5 } }),
      ];
      for (const t of refused) {
        let threw = false;
        await lockEvm(escrow, t).catch(() => (threw = true));
        expect(
          threw,
          JSON.stringify(t, (_, v) => (typeof v === "bigint" ? v.toString() : v)),
        ).to.equal(true);
      }
      expect(await ethers.provider.getBlockNumber()).to.equal(before);
      expect(() => evmHashlock("0x1234")).to.throw(/32 bytes/);
      expect(evmHashlock(SECRET)).to.equal(keccak256(SECRET));
    });
  });
});

describe("HTLCEscrow on Arbitrum (L2ComputeToken)", () => {
  it("a full swap of the bridged token: public withdrawal by a third party, and a cancelled one", async () => {
    const arb = await network.create("hardhatArbitrum");
    const [gateway, maker, recipient, stranger] = await arb.ethers.getSigners();
    expect((await arb.ethers.provider.getNetwork()).chainId).to.equal(412346n);
    const token = await arb.ethers.deployContract("L2ComputeToken", [
      "CMT",
      "CMT",
      gateway.address,
      gateway.address,
    ]);
    await token.bridgeMint(maker.address, 2n * AMOUNT);
    const escrow = await deployHtlc(arb.ethers);

    await lockEvm(escrow.connect(maker), {
      swapId: 1n,
      recipient: recipient.address,
      token: token.target as string,
      amount: AMOUNT,
      hashlock: HASHLOCK,
      timelocks: TIMELOCKS,
      safetyDeposit: DEPOSIT,
    });
    const lock1 = (await readEvmSwap(escrow, maker.address, 1n))!;
    await lockEvm(escrow.connect(maker), {
      swapId: 2n,
      recipient: recipient.address,
      token: token.target as string,
      amount: AMOUNT,
      hashlock: HASHLOCK,
      timelocks: TIMELOCKS,
      safetyDeposit: DEPOSIT,
    });
    const lock2 = (await readEvmSwap(escrow, maker.address, 2n))!;
    expect(await token.balanceOf(escrow.target)).to.equal(2n * AMOUNT);

    await arb.networkHelpers.time.setNextBlockTimestamp(lock1.lockedAt + TIMELOCKS.publicWithdrawal);
    await withdrawEvm(escrow.connect(stranger), maker.address, 1n, SECRET);
    expect(await token.balanceOf(recipient.address)).to.equal(AMOUNT);
    expect(await findEvmSecret(escrow, maker.address, 1n, lock1.blockNumber)).to.equal(SECRET);

    await arb.networkHelpers.time.setNextBlockTimestamp(lock2.lockedAt + TIMELOCKS.publicCancellation);
    const balanceBefore = await arb.ethers.provider.getBalance(stranger.address);
    const receipt = await cancelEvm(escrow.connect(stranger), maker.address, 2n);
    expect(await token.balanceOf(maker.address)).to.equal(AMOUNT);
    expect(await arb.ethers.provider.getBalance(stranger.address)).to.equal(
      balanceBefore + DEPOSIT - receipt.gasUsed * receipt.gasPrice,
    );
    expect(await token.balanceOf(escrow.target)).to.equal(0n);
    expect(await arb.ethers.provider.getBalance(escrow.target)).to.equal(0n);
  });
});
