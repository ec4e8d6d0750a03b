// The tokenomics config: one JSON file per deployment, validated here. The Solidity contracts take
// every name, amount and duration from it; none is a constant in Solidity.
import { readFileSync } from "node:fs";

import { z } from "zod";

const DECIMALS = 18n;
const UNIT = 10n ** DECIMALS;
const MAX_BPS = 10_000;
/** EmissionSchedule.MIN_DECAY_BPS: every curve decays by at least 5 % per period. */
export const MIN_DECAY_BPS = 500;
/** EmissionSchedule.MAX_PERIOD_LENGTH, in days: no decay period is longer than two years. */
export const MAX_PERIOD_DAYS = 730;
/** GuardianCanceller.MAX_VETO_PERIOD, in days. */
/** The shortest timelock delay that leaves a guardian time to veto. */
export const MIN_VETO_DELAY_SECONDS = 86_400;
export const MAX_GUARDIAN_VETO_DAYS = 730;

const wholeTokens = z
  .string()
  .regex(/^\d+$/, "a whole number of tokens, as a string")
  .transform((s) => BigInt(s) * UNIT);
/** `0x…` address, `signer:N` (local chains) or `timelock`. */
const addressRef = z
  .string()
  .regex(/^(0x[0-9a-fA-F]{40}|signer:\d+|timelock)$/, "0x-address, 'signer:N' or 'timelock'");

const ethAddress = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "0x-address");

const Bucket = z.discriminatedUnion("kind", [
  z.object({ name: z.string().min(1), kind: z.literal("emission"), amount: wholeTokens }),
  z.object({
    name: z.string().min(1),
    kind: z.literal("vesting"),
    amount: wholeTokens,
    beneficiary: addressRef,
    cliffDays: z.number().int().min(0),
    durationDays: z.number().int().positive(),
  }),
  z.object({
    name: z.string().min(1),
    kind: z.literal("direct"),
    amount: wholeTokens,
    recipient: addressRef,
  }),
]);

export const TokenomicsSchema = z
  .object({
    token: z.object({
      name: z.string().min(1),
      symbol: z.string().min(1).max(11),
      cap: wholeTokens,
      /** Arbitrum's L1 custom gateway and L1 gateway router; absent: the token cannot register. */
      arbitrum: z.object({ l1CustomGateway: ethAddress, l1GatewayRouter: ethAddress }).optional(),
    }),
    start: z.union([z.literal("deployment"), z.number().int().positive()]),
    guardian: addressRef.optional(),
    buckets: z.array(Bucket).min(1),
    emission: z.object({
      epochDays: z.number().int().min(1),
      initialEpochEmission: wholeTokens,
      maxEpochEmission: wholeTokens,
      decayBps: z
        .number()
        .int()
        .min(MIN_DECAY_BPS)
        .max(MAX_BPS - 1),
      epochsPerPeriod: z.number().int().positive(),
      sinks: z
        .array(
          z.object({ name: z.string().min(1), account: addressRef, weightBps: z.number().int().positive() }),
        )
        .min(1)
        .max(16),
    }),
    governance: z.object({
      votingDelaySeconds: z.number().int().min(0),
      votingPeriodSeconds: z.number().int().positive(),
      proposalThreshold: wholeTokens.refine((v) => v > 0n, "must be > 0 (anyone could spam proposals)"),
      quorumPercent: z.number().int().min(1).max(100),
      lateQuorumExtensionSeconds: z.number().int().min(0),
      timelockDelaySeconds: z.number().int().min(0),
      /** days from deployment during which `guardian` may cancel queued timelock operations (0: no veto) */
      guardianVetoDays: z.number().int().min(0).max(MAX_GUARDIAN_VETO_DAYS),
    }),
  })
  .superRefine((c, ctx) => {
    const sum = c.buckets.reduce((acc, b) => acc + b.amount, 0n);
    if (sum !== c.token.cap) {
      ctx.addIssue({
        code: "custom",
        path: ["buckets"],
        message: `buckets sum to ${sum / UNIT} tokens, the cap is ${c.token.cap / UNIT}: they must be equal`,
      });
    }
    const names = new Set(c.buckets.map((b) => b.name));
    if (names.size !== c.buckets.length)
      ctx.addIssue({ code: "custom", path: ["buckets"], message: "bucket names must be unique" });
    if (c.buckets.filter((b) => b.kind === "emission").length !== 1) {
      ctx.addIssue({
        code: "custom",
        path: ["buckets"],
        message: "exactly one bucket must be of kind 'emission'",
      });
    }
    for (const [i, b] of c.buckets.entries()) {
      if (b.kind === "vesting" && b.cliffDays > b.durationDays) {
        ctx.addIssue({
          code: "custom",
          path: ["buckets", i, "cliffDays"],
          message: "cliff longer than the vesting",
        });
      }
    }
    const e = c.emission;
    if (e.initialEpochEmission === 0n || e.initialEpochEmission > e.maxEpochEmission) {
      ctx.addIssue({
        code: "custom",
        path: ["emission", "initialEpochEmission"],
        message: "must be > 0 and <= maxEpochEmission",
      });
    }
    const emissionBucket = c.buckets.find((b) => b.kind === "emission");
    if (emissionBucket && e.maxEpochEmission > emissionBucket.amount) {
      ctx.addIssue({
        code: "custom",
        path: ["emission", "maxEpochEmission"],
        message: "exceeds the emission bucket",
      });
    }
    if (e.epochsPerPeriod * e.epochDays > MAX_PERIOD_DAYS) {
      ctx.addIssue({
        code: "custom",
        path: ["emission", "epochsPerPeriod"],
        message: `a decay period of ${e.epochsPerPeriod * e.epochDays} days: at most ${MAX_PERIOD_DAYS}`,
      });
    }
    if (c.governance.guardianVetoDays > 0 && !c.guardian) {
      ctx.addIssue({
        code: "custom",
        path: ["governance", "guardianVetoDays"],
        message: "a guardian veto needs a 'guardian'",
      });
    }
    // The veto cancels operations waiting in the timelock: with a short delay, queue and execute
    // follow each other before a guardian multisig can react (with 0, in one transaction).
    if (c.governance.guardianVetoDays > 0 && c.governance.timelockDelaySeconds < MIN_VETO_DELAY_SECONDS) {
      ctx.addIssue({
        code: "custom",
        path: ["governance", "timelockDelaySeconds"],
        message: `a guardian veto needs a timelock delay of at least ${MIN_VETO_DELAY_SECONDS} s (1 day) to act in`,
      });
    }
    if (e.sinks.reduce((acc, s) => acc + s.weightBps, 0) !== MAX_BPS) {
      ctx.addIssue({
        code: "custom",
        path: ["emission", "sinks"],
        message: "sink weights must sum to 10000 bps",
      });
    }
    if (new Set(e.sinks.map((s) => s.account)).size !== e.sinks.length) {
      ctx.addIssue({ code: "custom", path: ["emission", "sinks"], message: "sink accounts must be unique" });
    }
  });

export type Tokenomics = z.output<typeof TokenomicsSchema>;
export type TokenomicsInput = z.input<typeof TokenomicsSchema>;

export function parseTokenomics(raw: unknown, source = "tokenomics config"): Tokenomics {
  const parsed = TokenomicsSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`invalid ${source}:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

export function loadTokenomics(file: string): Tokenomics {
  return parseTokenomics(JSON.parse(readFileSync(file, "utf8")), file);
}

export const TOKEN_UNIT = UNIT;
export const DAY = 86_400;

/** The curve's amount for `epoch` in wei, mirroring EmissionSchedule._scheduled (fixed point, rounding down). */
export function scheduledAmount(e: Tokenomics["emission"], epoch: bigint): bigint {
  const WAD = 10n ** 18n;
  let period = epoch / BigInt(e.epochsPerPeriod);
  let factor = WAD;
  let base = (BigInt(MAX_BPS - e.decayBps) * WAD) / BigInt(MAX_BPS);
  while (period > 0n && factor > 0n) {
    if (period & 1n) factor = (factor * base) / WAD;
    base = (base * base) / WAD;
    period >>= 1n;
  }
  const amount = (e.initialEpochEmission * factor) / WAD;
  return amount < e.maxEpochEmission ? amount : e.maxEpochEmission;
}
