// The wrong-code check of the SBF link (tools/sbf/link-check.ts) on log lines shaped like
// sbpf-linker's (LLVM 22 diagnostics, printed because the link runs with --fatal-errors=false).
import assert from "node:assert/strict";
import { test } from "node:test";

import { fatal, readable } from "../../tools/sbf/link-check.js";

const line = (fn: string, msg: string) =>
  `ERROR llvm: <unknown>:0:0: in function ${fn} void (ptr, ptr): ${msg}`;
const TRY_ACCOUNTS =
  "_RNvXs_NtNtNtCslgqVfw6H5fe_14compute_market12instructions6escrow13settle_rentalNtB4_12SettleRentalINtCseXiB1j4uOtL_11anchor_lang8AccountsNtB4_17SettleRentalBumpsE12try_accounts";
const STRING_ERROR_SOURCE =
  "_RNvYNtNvXsf_NtNtCsgBGl3FLd6Ys_5alloc5boxed7convertINtBc_3BoxDNtNtCsgXk2yJcEgY8_4core5error5ErrorEL_EINtNtB11_7convert4FromNtNtBe_6string6StringE4from11StringErrorBX_6sourceCsgrZ7N63MSC2_5borsh";

test("a clean link passes", () => {
  assert.equal(fatal("INFO linking\nwrote output\n").size, 0);
});

test("each wrong-code diagnostic fails the build, with the function named", () => {
  for (const msg of [
    "only small returns supported",
    "stack arguments are not supported",
    "Looks like the BPF stack limit is exceeded. Please move large on stack variables into BPF per-cpu array map.",
    "aggregate returns are not supported",
  ]) {
    const out = fatal(line(TRY_ACCOUNTS, msg));
    assert.equal(out.size, 1, msg);
    assert.ok([...out.values()][0].has(TRY_ACCOUNTS));
  }
});

test("calls to the f64 helpers pass; any other builtin call fails", () => {
  assert.equal(fatal(line(TRY_ACCOUNTS, "A call to built-in function '__muldf3' is not supported.")).size, 0);
  assert.equal(fatal(line(TRY_ACCOUNTS, "A call to built-in function '__multi3' is not supported.")).size, 1);
  assert.equal(
    fatal(line(TRY_ACCOUNTS, "A call to built-in function '__udivti3' is not supported.")).size,
    1,
  );
});

test("the allow-list covers only StringError's error-trait methods, and only aggregate returns", () => {
  assert.equal(fatal(line(STRING_ERROR_SOURCE, "aggregate returns are not supported")).size, 0);
  assert.equal(fatal(line(STRING_ERROR_SOURCE, "only small returns supported")).size, 1);
  assert.equal(fatal(line("__multi3", "aggregate returns are not supported")).size, 1);
});

test("an error line of an unknown shape fails too", () => {
  assert.equal(fatal("ERROR sbpf_linker: unresolved symbol foo").size, 1);
});

test("symbols are shown by their identifiers", () => {
  assert.match(
    readable(TRY_ACCOUNTS),
    /compute_market::instructions::escrow::settle_rental::SettleRental.*try_accounts$/,
  );
  assert.equal(readable("__multi3"), "__multi3");
});
