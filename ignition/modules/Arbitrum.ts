// The Arbitrum side as Hardhat Ignition modules.
// - `arbitrumCoreModule`: bridged token, licence, sale, rewards (and, on local chains only, a
//   mintable test stablecoin); the deployer is their admin. The tests' fixtures deploy this.
// - `arbitrumMarketModule`: the core, the rental escrow and its price oracle, the swap escrow,
//   then every role handed to the holders the config names and renounced by the deployer.
// Built from a plan (src/evm/arbitrum.ts `arbitrumPlan`): the zod-validated configs with every
// address resolved and the sale's times fixed on the first run (see ignition/modules/Ethereum.ts
// for why a plan and not Ignition parameters).
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import type { CallableContractFuture, ContractCallFuture } from "@nomicfoundation/ignition-core";
import { ZeroHash, id } from "ethers";

export interface ArbitrumPlan {
  deployer: string;
  /** the deployment's time origin: sale phases and the transfer lock count from it */
  start: number;
  /** USDC's address, or "mock": a mintable test coin (local chains only) */
  stablecoin: string | "mock";
  token: { name: string; symbol: string; l2Gateway: string; l1Token: string };
  license: {
    name: string;
    symbol: string;
    maxSupply: number;
    transferLockUntil: number;
    unlockCeiling: number;
    royaltyReceiver: string;
    royaltyBps: number;
    tierURIs: string[];
  };
  sale: {
    treasury: string;
    allowlistStart: number;
    publicStart: number;
    saleEnd: number;
    allowlistRoot: string;
    publicWalletCap: number;
    referralDiscountBps: number;
    referralRebateBps: number;
    tiers: { quantity: number; priceWei: bigint; priceStable: bigint }[];
  };
  rewards: {
    maxRewardsPerPeriod: bigint;
    periodSeconds: number;
    claimDelaySeconds: number;
    claimWindowSeconds: number;
    poster: string;
  };
  escrow: {
    feeBps: number;
    tokenDiscountBps: number;
    maxPriceStaleness: number;
    startTimeout: number;
    disputeWindow: number;
    maxPriceDeviationBps: number;
    initialTokenPrice: bigint;
  };
  /** who holds each power after the hand-over (docs/AUTHORITIES.md); never the deployer */
  roles: { admin: string; pauser: string; settler: string; priceSetter: string };
}

export function arbitrumCoreModule(plan: ArbitrumPlan) {
  return buildModule("ArbitrumCore", (m) => {
    const stable = plan.stablecoin === "mock" ? m.contract("MockStablecoin", []) : undefined;
    const token = m.contract("L2ComputeToken", [
      plan.token.name,
      plan.token.symbol,
      plan.token.l2Gateway,
      plan.token.l1Token,
    ]);
    const l = plan.license;
    const license = m.contract("CheckerNodeLicense", [
      l.name,
      l.symbol,
      l.maxSupply,
      l.transferLockUntil,
      l.unlockCeiling,
      plan.deployer,
      l.royaltyReceiver,
      l.royaltyBps,
    ]);
    const s = plan.sale;
    const sale = m.contract("CheckerNodeSale", [
      {
        license,
        stable: stable ?? plan.stablecoin,
        treasury: s.treasury,
        admin: plan.deployer,
        allowlistStart: s.allowlistStart,
        publicStart: s.publicStart,
        saleEnd: s.saleEnd,
        allowlistRoot: s.allowlistRoot,
        publicWalletCap: s.publicWalletCap,
        referralDiscountBps: s.referralDiscountBps,
        referralRebateBps: s.referralRebateBps,
      },
      s.tiers,
    ]);
    const r = plan.rewards;
    const rewards = m.contract("CheckerRewards", [
      token,
      license,
      r.maxRewardsPerPeriod,
      r.periodSeconds,
      r.claimDelaySeconds,
      r.claimWindowSeconds,
      plan.deployer,
    ]);
    // (a module that uses this one waits for all of it, these calls included)
    m.call(license, "grantRole", [id("MINTER_ROLE"), sale], { id: "GrantMinter_sale" });
    m.call(rewards, "grantRole", [id("REWARD_ROLE"), r.poster], { id: "GrantReward_poster" });
    l.tierURIs.forEach((uri, tier) =>
      m.call(license, "setTierURI", [tier, uri], { id: `SetTierURI_${tier}` }),
    );
    return { token, license, sale, rewards, ...(stable ? { stable } : {}) };
  });
}

export function arbitrumMarketModule(plan: ArbitrumPlan) {
  const core = arbitrumCoreModule(plan);
  return buildModule("Arbitrum", (m) => {
    const { token, license, sale, rewards, stable } = m.useModule(core) as Record<
      "token" | "license" | "sale" | "rewards",
      CallableContractFuture<string>
    > & { stable?: CallableContractFuture<string> };
    const e = plan.escrow;
    // the deployer sets the first price, then hands the oracle over below
    const oracle = m.contract("ManualPriceOracle", [plan.deployer, plan.deployer, e.maxPriceDeviationBps]);
    const priced = m.call(oracle, "setPrice", [e.initialTokenPrice], { id: "SetInitialPrice" });
    const escrow = m.contract("RentalEscrow", [
      {
        stable: stable ?? plan.stablecoin,
        token,
        oracle,
        treasury: plan.sale.treasury,
        admin: plan.deployer,
        feeBps: e.feeBps,
        tokenDiscountBps: e.tokenDiscountBps,
        maxPriceStaleness: e.maxPriceStaleness,
        startTimeout: e.startTimeout,
        disputeWindow: e.disputeWindow,
      },
    ]);
    // The cross-chain swap escrow: no constructor arguments, no roles (docs/AUTHORITIES.md).
    const htlcEscrow = m.contract("HTLCEscrow", []);

    // Hand-over: grant every role the config names, then the deployer renounces every role its
    // constructors gave it (admin roles last), after the last step that needed them.
    const r = plan.roles;
    const grants = [
      m.call(license, "grantRole", [ZeroHash, r.admin], { id: "Grant_license_admin" }),
      m.call(sale, "grantRole", [ZeroHash, r.admin], { id: "Grant_sale_admin" }),
      m.call(sale, "grantRole", [id("PAUSER_ROLE"), r.pauser], { id: "Grant_sale_pauser" }),
      m.call(sale, "grantRole", [id("REFERRAL_ROLE"), r.admin], { id: "Grant_sale_referral" }),
      m.call(rewards, "grantRole", [ZeroHash, r.admin], { id: "Grant_rewards_admin" }),
      m.call(rewards, "grantRole", [id("PAUSER_ROLE"), r.pauser], { id: "Grant_rewards_pauser" }),
      m.call(escrow, "grantRole", [ZeroHash, r.admin], { id: "Grant_escrow_admin" }),
      m.call(escrow, "grantRole", [id("PAUSER_ROLE"), r.pauser], { id: "Grant_escrow_pauser" }),
      m.call(escrow, "grantRole", [id("SETTLER_ROLE"), r.settler], { id: "Grant_escrow_settler" }),
      m.call(oracle, "grantRole", [ZeroHash, r.admin], { id: "Grant_oracle_admin" }),
      m.call(oracle, "grantRole", [id("PRICE_SETTER_ROLE"), r.priceSetter], {
        id: "Grant_oracle_priceSetter",
      }),
    ];
    const after = [...grants, priced, htlcEscrow];
    const renounce = (contract: CallableContractFuture<string>, name: string, roles: [string, string][]) => {
      let previous: ContractCallFuture<string, string> | undefined;
      for (const [label, role] of roles) {
        previous = m.call(contract, "renounceRole", [role, plan.deployer], {
          id: `Renounce_${name}_${label}`,
          after: [...after, ...(previous ? [previous] : [])],
        });
      }
    };
    renounce(license, "license", [["admin", ZeroHash]]);
    renounce(sale, "sale", [
      ["pauser", id("PAUSER_ROLE")],
      ["referral", id("REFERRAL_ROLE")],
      ["admin", ZeroHash],
    ]);
    renounce(rewards, "rewards", [
      ["pauser", id("PAUSER_ROLE")],
      ["admin", ZeroHash],
    ]);
    renounce(escrow, "escrow", [
      ["pauser", id("PAUSER_ROLE")],
      ["settler", id("SETTLER_ROLE")],
      ["admin", ZeroHash],
    ]);
    renounce(oracle, "oracle", [
      ["priceSetter", id("PRICE_SETTER_ROLE")],
      ["admin", ZeroHash],
    ]);
    return {
      token,
      license,
      sale,
      rewards,
      rentalEscrow: escrow,
      priceOracle: oracle,
      htlcEscrow,
      ...(stable ? { stable } : {}),
    };
  });
}
