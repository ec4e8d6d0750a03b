// What every Solana suite needs: a funded key, a check that a promise fails with a named program
// error (not just that it failed), and a check that every event the program emitted decodes.
import assert from "node:assert/strict";

import { EventParser, Wallet } from "@anchor-lang/core";
import { Keypair, LAMPORTS_PER_SOL, type Connection } from "@solana/web3.js";

import { marketProgram, programErrorName } from "../../src/solana/market.js";

export async function funded(connection: Connection, sol = 10): Promise<Keypair> {
  const kp = Keypair.generate();
  const sig = await connection.requestAirdrop(kp.publicKey, sol * LAMPORTS_PER_SOL);
  await connection.confirmTransaction({ signature: sig, ...(await connection.getLatestBlockhash()) });
  return kp;
}

export async function expectProgramError(promise: Promise<unknown>, name: string) {
  await assert.rejects(promise, (err: unknown) => {
    assert.equal(programErrorName(err), name, `expected ${name}, got: ${err}`);
    return true;
  });
}

/** The events each instruction always emits (programs/compute-market/src/instructions, `emit!`). */
export const EVENTS_OF: Record<string, string[]> = {
  initialize: ["MarketInitialized"],
  update_config: ["MarketConfigUpdated"],
  init_ignition_vault: ["IgnitionVaultCreated"],
  fund_ignition: ["IgnitionFunded"],
  transfer_authority: ["AuthorityTransferStarted"],
  accept_authority: ["AuthorityTransferred"],
  set_price_authority: ["PriceAuthoritySet"],
  set_subsidy_authority: ["SubsidyAuthoritySet"],
  post_subsidy_epoch: ["SubsidyEpochPosted"],
  claim_subsidy: ["SubsidyClaimed"],
  close_subsidy_epoch: ["SubsidyEpochClosed"],
  close_subsidy_claims: ["SubsidyClaimsClosed"],
  init_escrow_vault: ["EscrowVaultCreated"],
  set_token_price: ["TokenPriceSet"],
  register_supplier: ["SupplierRegistered"],
  update_offer: ["OfferUpdated"],
  create_rental: ["RentalCreated"],
  start_rental: ["RentalStarted"],
  settle_rental: ["RentalSettled"],
  cancel_rental: ["RentalRefunded"],
  reclaim_expired: ["RentalRefunded"],
  dispute_rental: ["RentalDisputed"],
  lock_swap: ["SwapLocked"],
  withdraw_swap: ["SwapWithdrawn"],
  cancel_swap: ["SwapCancelled"],
};

const snake = (pascal: string) =>
  pascal.replace(/[A-Z]/g, (c, i: number) => (i ? "_" : "") + c.toLowerCase());

/**
 * Every successful transaction the program ran on this chain, read back over JSON-RPC: each
 * instruction of it in EVENTS_OF must have emitted its events as `Program data:` logs (the SBF
 * program's `sol_log_data`), and Anchor's TS client (`EventParser`) must decode each one with
 * every field of the IDL. Returns the instructions checked, with how many times.
 */
export async function assertEventsDecoded(connection: Connection): Promise<Map<string, number>> {
  const program = marketProgram(connection, new Wallet(Keypair.generate()));
  const parser = new EventParser(program.programId, program.coder);
  const lowerFirst = (name: string) => name.charAt(0).toLowerCase() + name.slice(1);
  const fieldsOf = new Map<string, number>(
    (program.idl.types ?? []).map((t) => [
      lowerFirst(t.name),
      "fields" in t.type ? (t.type.fields ?? []).length : 0,
    ]),
  );
  const checked = new Map<string, number>();
  let before: string | undefined;
  for (;;) {
    const page = await connection.getSignaturesForAddress(program.programId, { before, limit: 1000 });
    if (page.length === 0) break;
    before = page[page.length - 1].signature;
    for (const s of page.filter((x) => x.err === null)) {
      const tx = await connection.getTransaction(s.signature, { maxSupportedTransactionVersion: 0 });
      const logs = tx?.meta?.logMessages ?? [];
      const events = [...parser.parseLogs(logs)];
      const names = events.map((e) => e.name.charAt(0).toUpperCase() + e.name.slice(1));
      for (const e of events) {
        const name = e.name.charAt(0).toUpperCase() + e.name.slice(1);
        const fields = fieldsOf.get(lowerFirst(e.name));
        assert.ok(fields !== undefined && fields > 0, `${name}: not an event of the IDL`);
        assert.equal(Object.keys(e.data).length, fields, `${name}: every field decoded`);
      }
      const instructions = logs
        .filter((l) => l.startsWith("Program log: Instruction: "))
        .map((l) => snake(l.slice("Program log: Instruction: ".length)));
      for (const ix of instructions.filter((i) => i in EVENTS_OF)) {
        for (const event of EVENTS_OF[ix]) {
          assert.ok(names.includes(event), `${ix} (${s.signature}): no ${event} event decoded from its logs`);
        }
        checked.set(ix, (checked.get(ix) ?? 0) + 1);
      }
    }
    if (page.length < 1000) break;
  }
  return checked;
}

/** The instructions each suite runs, whose events it checks: together, every key of EVENTS_OF. */
export const EVENT_COVERAGE: Record<"escrow" | "market" | "ignition" | "swap", string[]> = {
  escrow: [
    "initialize",
    "init_escrow_vault",
    "register_supplier",
    "update_offer",
    "set_token_price",
    "create_rental",
    "start_rental",
    "settle_rental",
    "cancel_rental",
    "reclaim_expired",
    "dispute_rental",
    "update_config",
  ],
  market: [
    "initialize",
    "update_config",
    "init_ignition_vault",
    "fund_ignition",
    "transfer_authority",
    "accept_authority",
    "set_price_authority",
  ],
  ignition: [
    "set_subsidy_authority",
    "post_subsidy_epoch",
    "claim_subsidy",
    "close_subsidy_epoch",
    "close_subsidy_claims",
  ],
  swap: ["lock_swap", "withdraw_swap", "cancel_swap"],
};
