import { expect } from "chai";
import { network } from "hardhat";

import { deployFromConfig } from "../fixtures.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { loadFixture, time } = networkHelpers;

const fixture = () => deployFromConfig(connection);

/** Constructor tail of a token with no Arbitrum bridge: gateway, router, registrar. */
const NO_BRIDGE = [ethers.ZeroAddress, ethers.ZeroAddress, ethers.ZeroAddress];

async function permitSignature(
  token: Awaited<ReturnType<typeof fixture>>["token"],
  owner: Awaited<ReturnType<typeof fixture>>["signers"][number],
  spender: string,
  value: bigint,
  deadline: bigint,
  claimed?: { owner: string; nonce: bigint },
) {
  const { chainId } = await ethers.provider.getNetwork();
  const domain = {
    name: await token.name(),
    version: "1",
    chainId,
    verifyingContract: await token.getAddress(),
  };
  const types = {
    Permit: [
      { name: "owner", type: "address" },
      { name: "spender", type: "address" },
      { name: "value", type: "uint256" },
      { name: "nonce", type: "uint256" },
      { name: "deadline", type: "uint256" },
    ],
  };
  const message = {
    owner: claimed?.owner ?? owner.address,
    spender,
    value,
    nonce: claimed?.nonce ?? (await token.nonces(owner.address)),
    deadline,
  };
  return ethers.Signature.from(await owner.signTypedData(domain, types, message));
}

describe("ComputeToken", () => {
  describe("genesis", () => {
    it("takes name, symbol and cap from the tokenomics config and mints exactly the cap", async () => {
      const { token, config } = await loadFixture(fixture);
      expect(await token.name()).to.equal(config.token.name);
      expect(await token.symbol()).to.equal(config.token.symbol);
      expect(await token.decimals()).to.equal(18n);
      expect(await token.cap()).to.equal(config.token.cap);
      expect(await token.totalSupply()).to.equal(config.token.cap);
    });

    it("fills every bucket with its amount", async () => {
      const { token, config, addresses, signers } = await loadFixture(fixture);
      for (const bucket of config.buckets) {
        const holder =
          bucket.kind === "emission"
            ? addresses.emissionSchedule
            : bucket.kind === "vesting"
              ? addresses[`vesting.${bucket.name}`]
              : bucket.recipient === "timelock"
                ? addresses.timelock
                : signers[Number(bucket.recipient.split(":")[1])].address;
        expect(await token.balanceOf(holder), bucket.name).to.equal(bucket.amount);
      }
    });

    it("error: allocation that does not sum to the cap", async () => {
      const [a, b] = await ethers.getSigners();
      const factory = await ethers.getContractFactory("ComputeToken");
      await expect(
        ethers.deployContract("ComputeToken", [
          "T",
          "T",
          100n,
          [a.address, b.address],
          [60n, 39n],
          ...NO_BRIDGE,
        ]),
      )
        .to.be.revertedWithCustomError(factory, "TokenAllocationMismatch")
        .withArgs(99n, 100n);
      await expect(
        ethers.deployContract("ComputeToken", ["T", "T", 100n, [a.address], [60n, 40n], ...NO_BRIDGE]),
      )
        .to.be.revertedWithCustomError(factory, "TokenAllocationLength")
        .withArgs(1n, 2n);
      await expect(ethers.deployContract("ComputeToken", ["T", "T", 100n, [], [], ...NO_BRIDGE]))
        .to.be.revertedWithCustomError(factory, "TokenAllocationLength")
        .withArgs(0n, 0n);
    });

    it("error: allocation above the cap", async () => {
      const [a] = await ethers.getSigners();
      const factory = await ethers.getContractFactory("ComputeToken");
      await expect(ethers.deployContract("ComputeToken", ["T", "T", 100n, [a.address], [101n], ...NO_BRIDGE]))
        .to.be.revertedWithCustomError(factory, "ERC20ExceededCap")
        .withArgs(101n, 100n);
    });
  });

  describe("burn", () => {
    it("burns from the holder and lowers the supply, never the cap", async () => {
      const { token, signers, config } = await loadFixture(fixture);
      const holder = signers[4];
      await token.connect(holder).burn(10n);
      expect(await token.totalSupply()).to.equal(config.token.cap - 10n);
      expect(await token.cap()).to.equal(config.token.cap);
    });

    it("error: burnFrom without allowance", async () => {
      const { token, signers } = await loadFixture(fixture);
      await expect(token.connect(signers[9]).burnFrom(signers[4].address, 1n))
        .to.be.revertedWithCustomError(token, "ERC20InsufficientAllowance")
        .withArgs(signers[9].address, 0n, 1n);
    });
  });

  describe("permit (EIP-2612)", () => {
    it("sets an allowance from a signature and bumps the nonce", async () => {
      const { token, signers } = await loadFixture(fixture);
      const [owner, spender] = [signers[4], signers[9]];
      const deadline = BigInt(await time.latest()) + 3_600n;
      const sig = await permitSignature(token, owner, spender.address, 500n, deadline);
      await expect(token.permit(owner.address, spender.address, 500n, deadline, sig.v, sig.r, sig.s))
        .to.emit(token, "Approval")
        .withArgs(owner.address, spender.address, 500n);
      expect(await token.allowance(owner.address, spender.address)).to.equal(500n);
      expect(await token.nonces(owner.address)).to.equal(1n);
    });

    it("error: replaying a used permit", async () => {
      const { token, signers } = await loadFixture(fixture);
      const [owner, spender] = [signers[4], signers[9]];
      const deadline = BigInt(await time.latest()) + 3_600n;
      const sig = await permitSignature(token, owner, spender.address, 500n, deadline);
      await token.permit(owner.address, spender.address, 500n, deadline, sig.v, sig.r, sig.s);
      // The nonce moved on, so the same signature now recovers to some other address.
      await expect(
        token.permit(owner.address, spender.address, 500n, deadline, sig.v, sig.r, sig.s),
      ).to.be.revertedWithCustomError(token, "ERC2612InvalidSigner");
    });

    it("error: expired permit", async () => {
      const { token, signers } = await loadFixture(fixture);
      const [owner, spender] = [signers[4], signers[9]];
      const deadline = BigInt(await time.latest()) + 60n;
      const sig = await permitSignature(token, owner, spender.address, 1n, deadline);
      await time.increaseTo(deadline + 1n);
      await expect(token.permit(owner.address, spender.address, 1n, deadline, sig.v, sig.r, sig.s))
        .to.be.revertedWithCustomError(token, "ERC2612ExpiredSignature")
        .withArgs(deadline);
    });

    it("error: permit signed by someone else", async () => {
      const { token, signers } = await loadFixture(fixture);
      const [owner, spender, forger] = [signers[4], signers[9], signers[8]];
      const deadline = BigInt(await time.latest()) + 3_600n;
      const sig = await permitSignature(token, forger, spender.address, 1n, deadline, {
        owner: owner.address,
        nonce: await token.nonces(owner.address),
      });
      await expect(token.permit(owner.address, spender.address, 1n, deadline, sig.v, sig.r, sig.s))
        .to.be.revertedWithCustomError(token, "ERC2612InvalidSigner")
        .withArgs(forger.address, owner.address);
    });
  });

  describe("votes (ERC-5805, timestamp clock)", () => {
    it("uses timestamps as its clock", async () => {
      const { token } = await loadFixture(fixture);
      expect(await token.CLOCK_MODE()).to.equal("mode=timestamp");
      expect(await token.clock()).to.equal(BigInt(await time.latest()));
    });

    it("counts votes only once delegated, and checkpoints them by timestamp", async () => {
      const { token, signers } = await loadFixture(fixture);
      const [holder, other] = [signers[4], signers[9]];
      const balance = await token.balanceOf(holder.address);
      expect(await token.getVotes(holder.address)).to.equal(0n);
      await token.connect(holder).delegate(holder.address);
      const t1 = BigInt(await time.latest());
      expect(await token.getVotes(holder.address)).to.equal(balance);
      await time.increase(100);
      await token.connect(holder).transfer(other.address, 1_000n);
      const t2 = BigInt(await time.latest());
      await time.increase(1);
      expect(await token.getPastVotes(holder.address, t1)).to.equal(balance);
      expect(await token.getPastVotes(holder.address, t2)).to.equal(balance - 1_000n);
      expect(await token.numCheckpoints(holder.address)).to.equal(2n);
      await expect(token.getPastVotes(holder.address, t2 + 10n))
        .to.be.revertedWithCustomError(token, "ERC5805FutureLookup")
        .withArgs(t2 + 10n, BigInt(await time.latest()));
    });

    it("delegates by signature, once", async () => {
      const { token, signers } = await loadFixture(fixture);
      const [holder, delegatee, relayer] = [signers[5], signers[9], signers[8]];
      const { chainId } = await ethers.provider.getNetwork();
      const expiry = BigInt(await time.latest()) + 3_600n;
      const nonce = await token.nonces(holder.address);
      const sig = ethers.Signature.from(
        await holder.signTypedData(
          { name: await token.name(), version: "1", chainId, verifyingContract: await token.getAddress() },
          {
            Delegation: [
              { name: "delegatee", type: "address" },
              { name: "nonce", type: "uint256" },
              { name: "expiry", type: "uint256" },
            ],
          },
          { delegatee: delegatee.address, nonce, expiry },
        ),
      );
      await expect(
        token.connect(relayer).delegateBySig(delegatee.address, nonce, expiry, sig.v, sig.r, sig.s),
      )
        .to.emit(token, "DelegateChanged")
        .withArgs(holder.address, ethers.ZeroAddress, delegatee.address);
      expect(await token.delegates(holder.address)).to.equal(delegatee.address);
      expect(await token.getVotes(delegatee.address)).to.equal(await token.balanceOf(holder.address));
      // error: replay
      await expect(
        token.connect(relayer).delegateBySig(delegatee.address, nonce, expiry, sig.v, sig.r, sig.s),
      )
        .to.be.revertedWithCustomError(token, "InvalidAccountNonce")
        .withArgs(holder.address, nonce + 1n);
    });

    it("error: expired delegation signature", async () => {
      const { token, signers } = await loadFixture(fixture);
      const expiry = BigInt(await time.latest()) - 1n;
      await expect(token.delegateBySig(signers[9].address, 0n, expiry, 27, ethers.ZeroHash, ethers.ZeroHash))
        .to.be.revertedWithCustomError(token, "VotesExpiredSignature")
        .withArgs(expiry);
    });
  });

  describe("Arbitrum registration (see test/evm/bridge/ArbitrumRegistration.test.ts)", () => {
    it("adds only IArbitrumL1Token's functions: the ERC-20, 2612, 5805 and 6372 surface is unchanged", async () => {
      const { token } = await loadFixture(fixture);
      const functions: string[] = [];
      token.interface.forEachFunction((f) => functions.push(f.format("sighash")));
      const bridge = [
        "arbitrumRegistrar()",
        "isArbitrumEnabled()",
        "l1CustomGateway()",
        "l1GatewayRouter()",
        "l2Token()",
        "registerTokenOnL2(address,uint256,uint256,uint256,uint256,uint256,uint256,uint256,address)",
      ];
      // The token's functions before the bridge (ERC20, Capped, Burnable, Permit, Votes, clock)
      const before = [
        "CLOCK_MODE()",
        "DOMAIN_SEPARATOR()",
        "allowance(address,address)",
        "approve(address,uint256)",
        "balanceOf(address)",
        "burn(uint256)",
        "burnFrom(address,uint256)",
        "cap()",
        "checkpoints(address,uint32)",
        "clock()",
        "decimals()",
        "delegate(address)",
        "delegateBySig(address,uint256,uint256,uint8,bytes32,bytes32)",
        "delegates(address)",
        "eip712Domain()",
        "getPastTotalSupply(uint256)",
        "getPastVotes(address,uint256)",
        "getVotes(address)",
        "name()",
        "nonces(address)",
        "numCheckpoints(address)",
        "permit(address,address,uint256,uint256,uint8,bytes32,bytes32)",
        "symbol()",
        "totalSupply()",
        "transfer(address,uint256)",
        "transferFrom(address,address,uint256)",
      ];
      expect(functions.sort()).to.deep.equal([...before, ...bridge].sort());
    });

    it("error: a config without Arbitrum deploys a token that nobody, not even the timelock, can register", async () => {
      const { token, config, addresses } = await loadFixture(fixture);
      expect(config.token.arbitrum).to.equal(undefined);
      expect(await token.l1CustomGateway()).to.equal(ethers.ZeroAddress);
      expect(await token.l1GatewayRouter()).to.equal(ethers.ZeroAddress);
      expect(await token.arbitrumRegistrar()).to.equal(ethers.ZeroAddress);
      const timelock = await ethers.getImpersonatedSigner(addresses.timelock);
      await networkHelpers.setBalance(timelock.address, 10n ** 18n);
      await expect(
        token
          .connect(timelock)
          .registerTokenOnL2(timelock.address, 0n, 0n, 0n, 0n, 0n, 0n, 0n, timelock.address),
      )
        .to.be.revertedWithCustomError(token, "ArbitrumUnauthorizedRegistrar")
        .withArgs(timelock.address);
      await expect(token.isArbitrumEnabled()).to.be.revertedWithCustomError(token, "ArbitrumNotRegistering");
    });
  });
});
