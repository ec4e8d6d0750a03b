// The tokenomics config is validated before anything is deployed.
import { readFileSync } from "node:fs";

import { expect } from "chai";

import { parseTokenomics, TOKEN_UNIT, type TokenomicsInput } from "../../../src/evm/tokenomics.js";
import { TOKENOMICS_FILE } from "../fixtures.js";

const raw = (): TokenomicsInput => JSON.parse(readFileSync(TOKENOMICS_FILE, "utf8"));

describe("tokenomics config", () => {
  it("the checked-in config is valid and its buckets sum to the cap", () => {
    const c = parseTokenomics(raw());
    expect(c.buckets.reduce((s, b) => s + b.amount, 0n)).to.equal(c.token.cap);
    expect(c.token.cap).to.equal(1_000_000_000n * TOKEN_UNIT);
  });

  it("error: buckets that do not sum to the cap", () => {
    const c = raw();
    c.buckets[0].amount = "349999999";
    expect(() => parseTokenomics(c)).to.throw(/buckets sum to 999999999 tokens, the cap is 1000000000/);
  });

  it("error: sink weights that do not sum to 10000", () => {
    const c = raw();
    c.emission.sinks[0].weightBps = 5_999;
    expect(() => parseTokenomics(c)).to.throw(/sink weights must sum to 10000 bps/);
  });

  it("error: initial epoch emission above the per-epoch cap", () => {
    const c = raw();
    c.emission.initialEpochEmission = "2500001";
    expect(() => parseTokenomics(c)).to.throw(/must be > 0 and <= maxEpochEmission/);
  });

  it("error: a cliff longer than the vesting, a bad address, no emission bucket", () => {
    const c = raw();
    const team = c.buckets.find((b) => b.kind === "vesting")!;
    if (team.kind !== "vesting") throw new Error("unreachable");
    team.cliffDays = team.durationDays + 1;
    expect(() => parseTokenomics(c)).to.throw(/cliff longer than the vesting/);
    const d = raw();
    d.guardian = "0x1234";
    expect(() => parseTokenomics(d)).to.throw(/0x-address, 'signer:N' or 'timelock'/);
    const e = raw();
    e.buckets = e.buckets.filter((b) => b.kind !== "emission");
    expect(() => parseTokenomics(e)).to.throw(/exactly one bucket must be of kind 'emission'/);
  });

  it("Arbitrum's L1 gateway and router, when given, are plain addresses (no 'signer:N', no 'timelock')", () => {
    const gateway = "0xcEe284F754E854890e311e3280b767F80797180d";
    const router = "0x72Ce9c846789fdB6fC1f34aC4AD25Dd9ef7031ef";
    const c = raw();
    c.token.arbitrum = { l1CustomGateway: gateway, l1GatewayRouter: router };
    expect(parseTokenomics(c).token.arbitrum).to.deep.equal({
      l1CustomGateway: gateway,
      l1GatewayRouter: router,
    });
    for (const bad of ["timelock", "signer:1", "0x1234"]) {
      const d = raw();
      d.token.arbitrum = { l1CustomGateway: gateway, l1GatewayRouter: bad };
      expect(() => parseTokenomics(d), bad).to.throw(/0x-address/);
    }
  });

  it("error: a curve the schedule would refuse, a zero proposal threshold, a veto without a guardian", () => {
    const a = raw();
    a.emission.decayBps = 499;
    expect(() => parseTokenomics(a)).to.throw(/decayBps/);
    const b = raw();
    b.emission.epochsPerPeriod = 105; // 105 weeks
    expect(() => parseTokenomics(b)).to.throw(/a decay period of 735 days: at most 730/);
    const c = raw();
    c.governance.proposalThreshold = "0";
    expect(() => parseTokenomics(c)).to.throw(/must be > 0/);
    const d = raw();
    delete d.guardian;
    expect(() => parseTokenomics(d)).to.throw(/a guardian veto needs a 'guardian'/);
    const e = raw();
    e.governance.guardianVetoDays = 731;
    expect(() => parseTokenomics(e)).to.throw(/guardianVetoDays/);
  });

  it("review L-2: a guardian veto with a timelock delay too short to act in is refused", () => {
    const c = raw();
    c.governance.timelockDelaySeconds = 0;
    expect(() => parseTokenomics(c)).to.throw(/a guardian veto needs a timelock delay of at least 86400 s/);
    c.governance.timelockDelaySeconds = 86_399;
    expect(() => parseTokenomics(c)).to.throw(/timelockDelaySeconds/);
    c.governance.timelockDelaySeconds = 86_400;
    expect(() => parseTokenomics(c)).not.to.throw();
  });
});
