// EIP-2612 permit replay across the two EVM chains: the Ethereum token (chain 31337 here) and the
// bridged Arbitrum token (chain 412346) share the name "Compute Market Token" and version "1"; only
// the chain id (and normally the address) in the EIP-712 domain tells their permits apart.
import { anyValue } from "@nomicfoundation/hardhat-ethers-chai-matchers/withArgs";
import { expect } from "chai";
import { getCreateAddress, Signature, type Signer } from "ethers";
import { network } from "hardhat";

import { deployArbitrumFromConfig, deployFromConfig } from "../fixtures.js";

const l1 = await network.create();
const l2 = await network.create("hardhatArbitrum");

interface PermitToken {
  getAddress(): Promise<string>;
  name(): Promise<string>;
  nonces(owner: string): Promise<bigint>;
}

/** `owner`'s permit for `spender` of `value`, signed for `token` on chain `chainId`. */
async function signPermit(
  token: PermitToken,
  chainId: bigint,
  owner: Signer,
  spender: string,
  value: bigint,
  deadline: bigint,
) {
  const ownerAddress = await owner.getAddress();
  const sig = await owner.signTypedData(
    { name: await token.name(), version: "1", chainId, verifyingContract: await token.getAddress() },
    {
      Permit: [
        { name: "owner", type: "address" },
        { name: "spender", type: "address" },
        { name: "value", type: "uint256" },
        { name: "nonce", type: "uint256" },
        { name: "deadline", type: "uint256" },
      ],
    },
    { owner: ownerAddress, spender, value, nonce: await token.nonces(ownerAddress), deadline },
  );
  return Signature.from(sig);
}

/** The Ethereum side, snapshotted; the Arbitrum side is deployed once (its tests only read it or
 *  send transactions that revert). */
const ethereum = () => deployFromConfig(l1);
let arbitrum: Awaited<ReturnType<typeof deployArbitrumFromConfig>>;
async function bothChains() {
  arbitrum ??= await deployArbitrumFromConfig(l2);
  return { eth: await l1.networkHelpers.loadFixture(ethereum), arb: arbitrum };
}

describe("Permit replay across chains", () => {
  it("the two tokens share name and version; their EIP-712 domains differ by chain id", async () => {
    const { eth, arb } = await bothChains();
    expect(await eth.token.name()).to.equal("Compute Market Token");
    expect(await arb.token.name()).to.equal(await eth.token.name());
    const [d1, d2] = [await eth.token.eip712Domain(), await arb.token.eip712Domain()];
    expect([d1.name, d1.version, d1.chainId]).to.deep.equal(["Compute Market Token", "1", 31337n]);
    expect([d2.name, d2.version, d2.chainId]).to.deep.equal(["Compute Market Token", "1", 412346n]);
  });

  it("error: a permit signed for the Ethereum token is refused by the Arbitrum token (ERC2612InvalidSigner), and on Ethereum works once", async () => {
    const { eth, arb } = await bothChains();
    const owner = eth.signers[4];
    const spender = eth.signers[9].address;
    const deadline = BigInt(await l1.networkHelpers.time.latest()) + 3_600n;
    const sig = await signPermit(eth.token, 31337n, owner, spender, 500n, deadline);
    const arbToken = arb.token.connect(arb.signers[9]);
    await expect(arbToken.permit(owner.address, spender, 500n, deadline, sig.v, sig.r, sig.s))
      .to.be.revertedWithCustomError(arb.token, "ERC2612InvalidSigner")
      .withArgs(anyValue, owner.address);
    expect(await arb.token.allowance(owner.address, spender)).to.equal(0n);
    expect(await arb.token.nonces(owner.address)).to.equal(0n);
    // on its own chain it is valid, once
    await eth.token.permit(owner.address, spender, 500n, deadline, sig.v, sig.r, sig.s);
    expect(await eth.token.allowance(owner.address, spender)).to.equal(500n);
    await expect(eth.token.permit(owner.address, spender, 500n, deadline, sig.v, sig.r, sig.s))
      .to.be.revertedWithCustomError(eth.token, "ERC2612InvalidSigner")
      .withArgs(anyValue, owner.address);
    expect(await eth.token.nonces(owner.address)).to.equal(1n);
  });

  it("error: even at the same address, with the same name, version and nonce, a permit of chain 31337 is refused on chain 412346", async () => {
    const eth = await l1.networkHelpers.loadFixture(ethereum);
    const l1Token = await eth.token.getAddress();
    // the nonce at which the deployer created the Ethereum token
    const deployer = eth.signers[0].address;
    const nonce = [...Array(200).keys()].find(
      (n) => getCreateAddress({ from: deployer, nonce: n }) === l1Token,
    );
    expect(nonce, "the token is a CREATE of the deployer").to.not.equal(undefined);
    // a fresh Arbitrum chain, where the deployer creates the bridged token at that same nonce
    const arbChain = await network.create("hardhatArbitrum");
    await arbChain.networkHelpers.setNonce(deployer, nonce!);
    const [arbDeployer] = await arbChain.ethers.getSigners();
    const twin = await arbChain.ethers.deployContract(
      "L2ComputeToken",
      [await eth.token.name(), "CMT", arbDeployer.address, l1Token],
      arbDeployer,
    );
    expect(await twin.getAddress()).to.equal(l1Token);
    expect((await arbChain.ethers.provider.getNetwork()).chainId).to.equal(412346n);

    const owner = eth.signers[4];
    const spender = eth.signers[9].address;
    expect(await twin.nonces(owner.address)).to.equal(await eth.token.nonces(owner.address));
    const deadline = BigInt(await l1.networkHelpers.time.latest()) + 3_600n;
    const sig = await signPermit(eth.token, 31337n, owner, spender, 500n, deadline);
    await expect(twin.permit(owner.address, spender, 500n, deadline, sig.v, sig.r, sig.s))
      .to.be.revertedWithCustomError(twin, "ERC2612InvalidSigner")
      .withArgs(anyValue, owner.address);
    expect(await twin.allowance(owner.address, spender)).to.equal(0n);
    // the same permit signed for the twin's domain (chain 412346) is accepted there
    const sig2 = await signPermit(twin, 412346n, owner, spender, 500n, deadline);
    await twin.permit(owner.address, spender, 500n, deadline, sig2.v, sig2.r, sig2.s);
    expect(await twin.allowance(owner.address, spender)).to.equal(500n);
  });
});
