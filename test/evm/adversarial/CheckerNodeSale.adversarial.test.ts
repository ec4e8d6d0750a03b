// CheckerNodeSale against hostile buyers and tokens: re-entry from a stablecoin's transfer hooks
// (purchase and refund) and from a buyer's ETH receive (refund), stablecoins that answer false
// or nothing, and licence receivers that refuse in every way. The licence mints with ERC721A's
// `_safeMint` (CheckerNodeLicense.mint), so a contract buyer's `onERC721Received` runs inside
// every purchase.
import { expect } from "chai";
import { parseEther, parseUnits, type Interface } from "ethers";
import { network } from "hardhat";

import { Currency } from "../../../src/evm/arbitrum.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time } = networkHelpers;

const WEI_PRICE = parseEther("0.001");
const STABLE_PRICE = parseUnits("3", 6);
const NO_CODE = ethers.ZeroHash;
const BEFORE = 0;
const AFTER = 1;

function errorName(iface: Interface, data: string) {
  return iface.parseError(data)?.name;
}

type StableName = "MockStablecoin" | "HookToken" | "ReturnFalseToken" | "NoReturnToken";

/** A one-tier public sale of `supply` licences (transfers unlocked) paid in `stableName`, and a
 *  contract buyer (ReentrantProbe) holding 1,000 of the stablecoin, approved to the sale. */
async function bareSale(stableName: StableName, supply = 10) {
  const [admin, , treasury, stranger] = await ethers.getSigners();
  const stable = await ethers.deployContract(stableName);
  const license = await ethers.deployContract("CheckerNodeLicense", [
    "L",
    "L",
    supply,
    0n,
    0n,
    admin.address,
    admin.address,
    0n,
  ]);
  const now = BigInt(await time.latest());
  const sale = await ethers.deployContract("CheckerNodeSale", [
    {
      license: await license.getAddress(),
      stable: await stable.getAddress(),
      treasury: treasury.address,
      admin: admin.address,
      allowlistStart: now,
      publicStart: now,
      saleEnd: now + 10_000n,
      allowlistRoot: ethers.ZeroHash,
      publicWalletCap: supply,
      referralDiscountBps: 0,
      referralRebateBps: 0,
    },
    [{ quantity: supply, priceWei: WEI_PRICE, priceStable: STABLE_PRICE }],
  ]);
  await license.grantRole(await license.MINTER_ROLE(), await sale.getAddress());
  const buyer = await ethers.deployContract("ReentrantProbe");
  const buyerAddress = await buyer.getAddress();
  await stable.mint(buyerAddress, parseUnits("1000", 6));
  await buyer.execute(
    await stable.getAddress(),
    stable.interface.encodeFunctionData("approve", [await sale.getAddress(), ethers.MaxUint256]),
  );
  const saleAddress = await sale.getAddress();
  return { admin, treasury, stranger, stable, license, sale, saleAddress, buyer, buyerAddress };
}

type Sale = Awaited<ReturnType<typeof bareSale>>;

const buyData = (s: Sale, quantity: bigint, currency: number, max: bigint) =>
  s.sale.interface.encodeFunctionData("buy", [quantity, currency, NO_CODE, max, 0n, []]);
const refundData = (s: Sale, first: bigint, ids: bigint[]) =>
  s.sale.interface.encodeFunctionData("refund", [first, ids]);
/** The buyer (a contract) calls the sale. */
const asBuyer = (s: Sale, data: string) =>
  s.buyer.interface.encodeFunctionData("execute", [s.saleAddress, data]);

const hookSale = async () => {
  const s = await bareSale("HookToken");
  return { ...s, hook: await ethers.getContractAt("HookToken", await s.stable.getAddress()) };
};

/** Two licences bought by the contract buyer in stablecoin (ids 1-2), then the sale cancelled. */
async function hookRefundable() {
  const s = await hookSale();
  await s.buyer.execute(s.saleAddress, buyData(s, 2n, Currency.STABLE, 2n * STABLE_PRICE));
  await s.sale.cancel();
  return s;
}

/** Two licences bought by the contract buyer in ETH (ids 1-2), then the sale cancelled. */
async function ethRefundable() {
  const s = await bareSale("MockStablecoin");
  await s.buyer.execute(s.saleAddress, buyData(s, 2n, Currency.ETH, 2n * WEI_PRICE), {
    value: 2n * WEI_PRICE,
  });
  await s.sale.cancel();
  return s;
}

/** Nothing was sold, minted or paid. */
async function untouched(s: Sale, buyer: string) {
  expect(await s.sale.sold()).to.equal(0n);
  expect(await s.sale.publicMinted(buyer)).to.equal(0n);
  expect(await s.license.totalMinted()).to.equal(0n);
  expect(await s.sale.proceedsWei()).to.equal(0n);
  expect(await s.sale.proceedsStable()).to.equal(0n);
  const at = await s.sale.getAddress();
  expect(await ethers.provider.getBalance(at)).to.equal(0n);
  expect(await s.stable.balanceOf(at)).to.equal(0n);
}

describe("CheckerNodeSale: adversarial buyers and tokens", () => {
  describe("re-entrant stablecoin", () => {
    for (const [phase, name] of [
      [BEFORE, "before"],
      [AFTER, "after"],
    ] as const) {
      it(`error: the buyer re-entering buy from the payment's ${name}-transfer hook is refused; nothing sold or paid`, async () => {
        const s = await loadFixture(hookSale);
        const again = asBuyer(s, buyData(s, 1n, Currency.STABLE, STABLE_PRICE));
        await s.hook.setHook(phase, s.buyerAddress, s.buyerAddress, again, false);
        const held = await s.stable.balanceOf(s.buyerAddress);
        await expect(
          s.buyer.execute(s.saleAddress, buyData(s, 1n, Currency.STABLE, STABLE_PRICE)),
        ).to.be.revertedWithCustomError(s.sale, "ReentrancyGuardReentrantCall");
        await untouched(s, s.buyerAddress);
        expect(await s.stable.balanceOf(s.buyerAddress)).to.equal(held);
      });

      it(`error: refund re-entered from the refund's ${name}-transfer hook pays each licence's share once`, async () => {
        const s = await loadFixture(hookRefundable);
        const [paid] = await s.sale.purchases(1n);
        const share1 = paid / 2n;
        const held = await s.stable.balanceOf(s.buyerAddress);
        // refunding licence 1 tries to refund licence 2 (the buyer's, same purchase) from inside
        await s.hook.setHook(phase, s.buyerAddress, s.saleAddress, asBuyer(s, refundData(s, 1n, [2n])), true);
        await s.buyer.execute(s.saleAddress, refundData(s, 1n, [1n]));
        expect(errorName(s.sale.interface, await s.hook.lastHookRevert())).to.equal(
          "ReentrancyGuardReentrantCall",
        );
        expect((await s.stable.balanceOf(s.buyerAddress)) - held).to.equal(share1);
        expect(await s.license.ownerOf(2n)).to.equal(s.buyerAddress);
        // licence 2 refunds on its own, for the rest of the purchase exactly
        await s.buyer.execute(s.saleAddress, refundData(s, 1n, [2n]));
        expect((await s.stable.balanceOf(s.buyerAddress)) - held).to.equal(paid);
        expect(await s.stable.balanceOf(s.saleAddress)).to.equal(0n);
        await expect(s.buyer.execute(s.saleAddress, refundData(s, 1n, [1n]))).to.be.revertedWithCustomError(
          s.license,
          "OwnerQueryForNonexistentToken",
        );
      });
    }

    it("error: a hook that fails the refund with the guard's error reverts the whole refund; the licences stay", async () => {
      const s = await loadFixture(hookRefundable);
      await s.hook.setHook(AFTER, s.buyerAddress, s.saleAddress, asBuyer(s, refundData(s, 1n, [2n])), false);
      const [paid] = await s.sale.purchases(1n);
      await expect(s.buyer.execute(s.saleAddress, refundData(s, 1n, [1n]))).to.be.revertedWithCustomError(
        s.sale,
        "ReentrancyGuardReentrantCall",
      );
      expect(await s.license.ownerOf(1n)).to.equal(s.buyerAddress);
      expect(await s.license.ownerOf(2n)).to.equal(s.buyerAddress);
      expect(await s.stable.balanceOf(s.saleAddress)).to.equal(paid);
    });
  });

  describe("re-entrant ETH buyer", () => {
    it("error: a buyer re-entering refund from its ETH receive (swallowing the failure) is paid one share", async () => {
      const s = await loadFixture(ethRefundable);
      const [paid] = await s.sale.purchases(1n);
      await s.buyer.arm(s.saleAddress, refundData(s, 1n, [2n]));
      const held = await ethers.provider.getBalance(s.buyerAddress);
      await s.buyer.execute(s.saleAddress, refundData(s, 1n, [1n]));
      expect(await s.buyer.attempts()).to.equal(1n);
      expect(await s.buyer.lastOk()).to.equal(false);
      expect(errorName(s.sale.interface, await s.buyer.lastRevert())).to.equal(
        "ReentrancyGuardReentrantCall",
      );
      expect((await ethers.provider.getBalance(s.buyerAddress)) - held).to.equal(paid / 2n);
      expect(await s.license.ownerOf(2n)).to.equal(s.buyerAddress);
      // it tries once more, refunding licence 2 from licence 2's own refund
      await s.buyer.arm(s.saleAddress, refundData(s, 1n, [2n]));
      await s.buyer.execute(s.saleAddress, refundData(s, 1n, [2n]));
      expect(errorName(s.sale.interface, await s.buyer.lastRevert())).to.equal(
        "ReentrancyGuardReentrantCall",
      );
      expect((await ethers.provider.getBalance(s.buyerAddress)) - held).to.equal(paid);
      expect(await ethers.provider.getBalance(s.saleAddress)).to.equal(0n);
    });
  });

  describe("non-standard stablecoins", () => {
    const returnFalse = async () => {
      const s = await bareSale("ReturnFalseToken");
      return { ...s, rf: await ethers.getContractAt("ReturnFalseToken", await s.stable.getAddress()) };
    };

    it("error: a stablecoin whose transferFrom returns false: buy reverts with SafeERC20FailedOperation", async () => {
      const s = await loadFixture(returnFalse);
      await s.rf.setFailing(true);
      await expect(s.buyer.execute(s.saleAddress, buyData(s, 1n, Currency.STABLE, STABLE_PRICE)))
        .to.be.revertedWithCustomError(s.sale, "SafeERC20FailedOperation")
        .withArgs(await s.stable.getAddress());
      await untouched(s, s.buyerAddress);
    });

    it("error: a stablecoin whose transfer returns false: refund reverts, the licence stays refundable", async () => {
      const s = await loadFixture(returnFalse);
      await s.buyer.execute(s.saleAddress, buyData(s, 1n, Currency.STABLE, STABLE_PRICE));
      await s.sale.cancel();
      await s.rf.setFailing(true);
      await expect(s.buyer.execute(s.saleAddress, refundData(s, 1n, [1n])))
        .to.be.revertedWithCustomError(s.sale, "SafeERC20FailedOperation")
        .withArgs(await s.stable.getAddress());
      expect(await s.license.ownerOf(1n)).to.equal(s.buyerAddress);
      await s.rf.setFailing(false);
      const held = await s.stable.balanceOf(s.buyerAddress);
      await s.buyer.execute(s.saleAddress, refundData(s, 1n, [1n]));
      expect((await s.stable.balanceOf(s.buyerAddress)) - held).to.equal(STABLE_PRICE);
    });

    it("a USDT-style stablecoin (no return value) works: purchase, refund and proceeds to the unit", async () => {
      // refund in a cancelled sale
      const s = await bareSale("NoReturnToken");
      const held = await s.stable.balanceOf(s.buyerAddress);
      await s.buyer.execute(s.saleAddress, buyData(s, 3n, Currency.STABLE, 3n * STABLE_PRICE));
      expect(await s.stable.balanceOf(s.saleAddress)).to.equal(3n * STABLE_PRICE);
      expect(await s.license.balanceOf(s.buyerAddress)).to.equal(3n);
      await s.sale.cancel();
      await s.buyer.execute(s.saleAddress, refundData(s, 1n, [1n, 2n, 3n]));
      expect(await s.stable.balanceOf(s.buyerAddress)).to.equal(held);
      expect(await s.stable.balanceOf(s.saleAddress)).to.equal(0n);
      // proceeds of a sold-out sale
      const t = await bareSale("NoReturnToken", 2);
      await t.buyer.execute(t.saleAddress, buyData(t, 2n, Currency.STABLE, 2n * STABLE_PRICE));
      await t.sale.finalize();
      await t.sale.withdrawProceeds(Currency.STABLE);
      expect(await t.stable.balanceOf(t.treasury.address)).to.equal(2n * STABLE_PRICE);
      expect(await t.stable.balanceOf(t.saleAddress)).to.equal(0n);
    });
  });

  describe("licence receivers that refuse (the licence is safe-minted)", () => {
    const receiverSale = async () => {
      const s = await bareSale("MockStablecoin");
      const receiver = await ethers.deployContract("RevertingReceiver", [
        s.saleAddress,
        await s.stable.getAddress(),
      ]);
      const receiverAddress = await receiver.getAddress();
      await s.stable.mint(receiverAddress, parseUnits("1000", 6));
      return { ...s, receiver, receiverAddress };
    };
    type R = Awaited<ReturnType<typeof receiverSale>>;

    /** mode -> what the purchase reverts with */
    const MODES: [number, string, (p: Promise<unknown>, r: R) => Promise<unknown>][] = [
      [1, "a reason string", (p) => expect(p).to.be.revertedWith("RevertingReceiver: no licences")],
      [
        2,
        "a custom error",
        async (p, r) => expect(p).to.be.revertedWithCustomError(r.receiver, "ReceiverRefused").withArgs(1n),
      ],
      [
        3,
        "no data",
        (p, r) =>
          expect(p).to.be.revertedWithCustomError(r.license, "TransferToNonERC721ReceiverImplementer"),
      ],
      [
        4,
        "the wrong selector",
        (p, r) =>
          expect(p).to.be.revertedWithCustomError(r.license, "TransferToNonERC721ReceiverImplementer"),
      ],
      [
        5,
        "running out of gas",
        (p, r) =>
          expect(p).to.be.revertedWithCustomError(r.license, "TransferToNonERC721ReceiverImplementer"),
      ],
      [6, "a panic", (p) => expect(p).to.be.revertedWithPanic(0x01)],
    ];

    for (const [mode, how, expectRevert] of MODES) {
      it(`error: a buyer whose onERC721Received refuses with ${how}: the purchase reverts whole (nothing sold, nothing paid)`, async () => {
        const r = await loadFixture(receiverSale);
        await r.receiver.setMode(mode);
        // the gas the callback burns in mode 5 is bounded by the transaction's
        const opts = { value: 2n * WEI_PRICE, gasLimit: 5_000_000n };
        await expectRevert(r.receiver.buy(2n, Currency.ETH, 2n * WEI_PRICE, opts), r);
        await untouched(r, r.receiverAddress);
        // paying in stablecoin: the payment pulled before the mint is undone too
        const held = await r.stable.balanceOf(r.receiverAddress);
        await expectRevert(
          r.receiver.buy(2n, Currency.STABLE, 2n * STABLE_PRICE, { gasLimit: 5_000_000n }),
          r,
        );
        await untouched(r, r.receiverAddress);
        expect(await r.stable.balanceOf(r.receiverAddress)).to.equal(held);
        expect(await r.stable.allowance(r.receiverAddress, r.saleAddress)).to.equal(0n);
      });
    }

    it("error: safeTransferFrom of a licence to a receiver that refuses in any way leaves it with its holder", async () => {
      const r = await loadFixture(receiverSale);
      const [holder] = await ethers.getSigners();
      await r.sale.buy(1n, Currency.ETH, NO_CODE, WEI_PRICE, 0n, [], { value: WEI_PRICE });
      const safeTransfer = r.license["safeTransferFrom(address,address,uint256)"];
      for (const [mode, , expectRevert] of MODES) {
        await r.receiver.setMode(mode);
        await expectRevert(safeTransfer(holder.address, r.receiverAddress, 1n, { gasLimit: 5_000_000n }), r);
        expect(await r.license.ownerOf(1n), `mode ${mode}`).to.equal(holder.address);
      }
      // a receiver that accepts gets it
      await r.receiver.setMode(0);
      await safeTransfer(holder.address, r.receiverAddress, 1n);
      expect(await r.license.ownerOf(1n)).to.equal(r.receiverAddress);
    });
  });
});
