// deploy:arbitrum's library: which stablecoin it wires in, and who holds each power afterwards.
import assert from "node:assert/strict";

import { expect } from "chai";
import { network } from "hardhat";

import {
  deployArbitrum,
  deployArbitrumMarket,
  loadLicenseConfig,
  resolveRef,
  type LicenseConfig,
} from "../../../src/evm/arbitrum.js";
import { loadEscrowConfig } from "../../../src/evm/escrow.js";
import { rolesOf } from "../../../src/evm/roles.js";
import { LICENSES_FILE } from "../fixtures.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const ESCROW_FILE = LICENSES_FILE.replace("licenses.json", "escrow.json");
const PUBLIC = { name: "arbitrumOne", local: false };

describe("deploy:arbitrum", () => {
  const config = () => loadLicenseConfig(LICENSES_FILE);

  describe("the stablecoin", () => {
    it("finding 10-H: on a non-local network the mintable test coin is refused and nothing is sent", async () => {
      const [deployer] = await ethers.getSigners();
      const nonce = await ethers.provider.getTransactionCount(deployer.address);
      await assert.rejects(
        deployArbitrum(connection, config(), { network: PUBLIC }),
        /arbitrumOne \(chain 31337\) is not a local chain: set "stablecoin"/,
      );
      expect(await ethers.provider.getTransactionCount(deployer.address)).to.equal(nonce);
    });

    it("finding 10-H: a chain id that is not a local one is not local, whatever the caller says", async () => {
      const arbitrumOneFork = await network.create({ override: { chainId: 42161 } });
      await assert.rejects(
        deployArbitrum(arbitrumOneFork, config(), { network: { name: "mislabelled", local: true } }),
        /mislabelled \(chain 42161\) is not a local chain/,
      );
    });

    it("error: a configured stablecoin without code, or without 6 decimals", async () => {
      const noCode: LicenseConfig = { ...config(), stablecoin: "0x000000000000000000000000000000000000dEaD" };
      await assert.rejects(deployArbitrum(connection, noCode, { network: PUBLIC }), /has no code/);
      const eighteen = await ethers.deployContract("L2ComputeToken", [
        "T",
        "T",
        "0x0000000000000000000000000000000000000009",
        "0x0000000000000000000000000000000000000001",
      ]);
      const wrong: LicenseConfig = { ...config(), stablecoin: await eighteen.getAddress() };
      await assert.rejects(deployArbitrum(connection, wrong, { network: PUBLIC }), /18 decimals/);
    });

    it("the configured stablecoin is wired into the sale; no test coin is deployed", async () => {
      const usdc = await ethers.deployContract("MockStablecoin"); // stands for a deployed 6-decimal coin
      const withUsdc: LicenseConfig = { ...config(), stablecoin: await usdc.getAddress() };
      const d = await deployArbitrum(connection, withUsdc, { network: PUBLIC });
      expect(d.stable).to.equal(undefined);
      expect(await d.sale.stable()).to.equal(await usdc.getAddress());
    });
  });

  describe("roles", () => {
    const deployed = async () => {
      const d = await deployArbitrumMarket(connection, config(), loadEscrowConfig(ESCROW_FILE), {
        network: { name: "hardhat", local: true },
      });
      return d;
    };

    it("finding 10-M: the deployer ends with no role on any Arbitrum contract", async () => {
      const d = await networkHelpers.loadFixture(deployed);
      for (const [name, address] of Object.entries(d.addresses)) {
        if (["token", "stablecoin"].includes(name)) continue; // no AccessControl
        const mine = (await rolesOf(ethers.provider, address)).filter(
          (h) => h.account.toLowerCase() === d.deployer.toLowerCase(),
        );
        expect(mine, `${name}: roles the deployer kept`).to.deep.equal([]);
      }
    });

    it("finding 10-M: every power is where the config's roles say (docs/AUTHORITIES.md)", async () => {
      const d = await networkHelpers.loadFixture(deployed);
      const c = config();
      const [admin, pauser, settler, priceSetter, poster] = await Promise.all(
        [c.roles.admin, c.roles.pauser, c.roles.settler, c.roles.priceSetter, c.rewards.rewardPoster].map(
          (r) => resolveRef(ethers, r),
        ),
      );
      const held = async (address: string) =>
        (await rolesOf(ethers.provider, address)).map((h) => `${h.role}:${h.account.toLowerCase()}`).sort();
      const expected = (...pairs: [string, string][]) =>
        pairs.map(([role, who]) => `${role}:${who.toLowerCase()}`).sort();
      expect(await held(d.addresses.license)).to.deep.equal(
        expected(["DEFAULT_ADMIN_ROLE", admin], ["MINTER_ROLE", d.addresses.sale]),
      );
      expect(await held(d.addresses.sale)).to.deep.equal(
        expected(["DEFAULT_ADMIN_ROLE", admin], ["PAUSER_ROLE", pauser], ["REFERRAL_ROLE", admin]),
      );
      expect(await held(d.addresses.rewards)).to.deep.equal(
        expected(["DEFAULT_ADMIN_ROLE", admin], ["PAUSER_ROLE", pauser], ["REWARD_ROLE", poster]),
      );
      expect(await held(d.addresses.rentalEscrow)).to.deep.equal(
        expected(["DEFAULT_ADMIN_ROLE", admin], ["PAUSER_ROLE", pauser], ["SETTLER_ROLE", settler]),
      );
      expect(await held(d.addresses.priceOracle)).to.deep.equal(
        expected(["DEFAULT_ADMIN_ROLE", admin], ["PRICE_SETTER_ROLE", priceSetter]),
      );
    });

    it("error: a config that gives a role to the deployer is refused", async () => {
      const c = config();
      const mine = { ...c, roles: { ...c.roles, settler: "signer:0" } };
      await assert.rejects(
        deployArbitrumMarket(connection, mine, loadEscrowConfig(ESCROW_FILE), {
          network: { name: "hardhat", local: true },
        }),
        /gives SETTLER_ROLE to the deployer/,
      );
    });
  });
});
