// deploy:ethereum's library: what the plan refuses before anything is sent, and the resume guard.
import assert from "node:assert/strict";

import { expect } from "chai";
import { network } from "hardhat";

import { deployEthereum } from "../../../src/evm/ethereum.js";
import { pinPlan, type IgnitionRun } from "../../../src/evm/ignition.js";
import { tokenomics } from "../fixtures.js";

const connection = await network.create();
const { ethers } = connection;

describe("deploy:ethereum", () => {
  const nonce = async () => ethers.provider.getTransactionCount((await ethers.getSigners())[0].address);

  it("review 13-7: a config that makes the deployer the guardian, a beneficiary or a sink is refused", async () => {
    const before = await nonce();
    const c = tokenomics();
    await assert.rejects(
      deployEthereum(connection, { ...c, guardian: "signer:0" }),
      /makes the deployer 0x\w+ the guardian/,
    );
    const sink = {
      ...c,
      emission: {
        ...c.emission,
        sinks: [{ ...c.emission.sinks[0], account: "signer:0" }, c.emission.sinks[1]],
      },
    };
    await assert.rejects(deployEthereum(connection, sink), /the emission sink 0/);
    expect(await nonce()).to.equal(before);
  });

  it("review 13-2: under CREATE2, two vesting buckets that would deploy the same wallet are refused", async () => {
    const before = await nonce();
    const c = tokenomics();
    const team = c.buckets.find((b) => b.kind === "vesting")!;
    const twin = { ...team, name: "team-twin" };
    const doubled = {
      ...c,
      buckets: c.buckets
        .map((b) => (b.name === team.name ? { ...b, amount: b.amount / 2n } : b))
        .concat([{ ...twin, amount: team.amount / 2n }]),
    };
    await assert.rejects(
      deployEthereum(connection, doubled, { strategy: "create2" }),
      /would deploy the same wallet/,
    );
    expect(await nonce()).to.equal(before);
  });

  it("review 13-3: a resumed run whose resolved plan differs (another account behind signer:N) is refused", () => {
    const run = { deploymentId: "ethereum-x", planDigest: "0000000000000000" } as IgnitionRun;
    assert.throws(
      () => pinPlan(run, { guardian: "0x01" }),
      /resolved plan .* differs from the one it began with/,
    );
    const fresh = { deploymentId: "ethereum-x" } as IgnitionRun;
    pinPlan(fresh, { guardian: "0x01" });
    assert.doesNotThrow(() => pinPlan(fresh, { guardian: "0x01" }));
  });
});
