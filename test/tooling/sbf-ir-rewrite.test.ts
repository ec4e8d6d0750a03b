// The IR rewrite of the SBF build (tools/sbf/ir-rewrite.ts) checked against LLVM itself: a module
// that uses every construct the rewrite replaces runs under `lli` (LLVM's interpreter/JIT, on the
// host, where 128-bit arithmetic and 7-argument calls are compiled correctly) before and after
// the rewrite, and both runs must print the same thing, value for value.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";

import { rewriteModule, splitArgument, splitTopLevel } from "../../tools/sbf/ir-rewrite.js";

const LLVM = process.env.CM_LLVM_BIN ?? "/usr/lib/llvm-22/bin";
const dir = process.env.KEEP_DIR ?? mkdtempSync(path.join(tmpdir(), "cm-ir-rewrite-"));
after(() => process.env.KEEP_DIR || rmSync(dir, { recursive: true, force: true }));

/** 36 operands: the edges of 32, 64 and 128 bits, and deterministic pseudo-random values. */
function operands(): bigint[] {
  const M = (1n << 128n) - 1n;
  const edges = [
    0n,
    1n,
    2n,
    3n,
    10_000n,
    (1n << 32n) - 1n,
    1n << 32n,
    (1n << 32n) + 1n,
    (1n << 63n) - 1n,
    1n << 63n,
    (1n << 64n) - 1n,
    1n << 64n,
    (1n << 64n) + 1n,
    (1n << 96n) - 1n,
    1n << 96n,
    (1n << 127n) - 1n,
    1n << 127n,
    M,
    0xdead_beefn,
    10n ** 18n,
  ];
  let x = 0x9e3779b97f4a7c15n;
  const next = () => {
    x = (x * 6364136223846793005n + 1442695040888963407n) & M;
    return x;
  };
  const random = Array.from({ length: 16 }, (_, i) => (i < 8 ? next() >> BigInt(64 + 8 * i) : next()));
  return [...edges, ...random];
}

const VALUES = operands();
const N = VALUES.length;

/** The module: for every pair (a, b) prints the results of each construct the rewrite replaces. */
const MODULE = String.raw`
@vals = private constant [${N} x i128] [${VALUES.map((v) => `i128 ${v}`).join(", ")}]
@fmt = private constant [34 x i8] c"%016llx%016llx %016llx%016llx %d\0A\00"
@tag = private constant [4 x i8] c"tag\00"

declare i32 @printf(ptr, ...)
declare { i64, i1 } @llvm.umul.with.overflow.i64(i64, i64)
declare { i128, i1 } @llvm.umul.with.overflow.i128(i128, i128)

define internal void @print(i128 %x, i128 %y, i32 %flag) {
  %xh0 = lshr i128 %x, 64
  %xh = trunc i128 %xh0 to i64
  %xl = trunc i128 %x to i64
  %yh0 = lshr i128 %y, 64
  %yh = trunc i128 %yh0 to i64
  %yl = trunc i128 %y to i64
  %r = call i32 (ptr, ...) @printf(ptr @fmt, i64 %xh, i64 %xl, i64 %yh, i64 %yl, i32 %flag)
  ret void
}

; seven parameters, a mix of types and a noinline attribute the rewrite must drop
define internal fastcc i64 @seven(i64 %a, ptr %p, i64 %c, i32 %d, i128 %e, i1 %f, i64 %g) #0 {
  %pb = load i8, ptr %p
  %pv = zext i8 %pb to i64
  %e0 = trunc i128 %e to i64
  %e1s = lshr i128 %e, 64
  %e1 = trunc i128 %e1s to i64
  %dz = zext i32 %d to i64
  %fz = zext i1 %f to i64
  %s0 = mul i64 %a, 3
  %s1 = add i64 %s0, %pv
  %s2 = mul i64 %s1, 5
  %s3 = add i64 %s2, %c
  %s4 = mul i64 %s3, 7
  %s5 = add i64 %s4, %dz
  %s6 = mul i64 %s5, 11
  %s7 = add i64 %s6, %e0
  %s8 = mul i64 %s7, 13
  %s9 = add i64 %s8, %e1
  %s10 = mul i64 %s9, 17
  %s11 = add i64 %s10, %fz
  %s12 = mul i64 %s11, 19
  %s13 = add i64 %s12, %g
  ret i64 %s13
}

; six parameters, void, writes through its first
define internal void @six(ptr %out, i64 %a, i64 %b, i64 %c, i64 %d, i64 %e) #0 {
  %x = xor i64 %a, %b
  %y = sub i64 %c, %d
  %z = mul i64 %x, %y
  %w = add i64 %z, %e
  store i64 %w, ptr %out
  ret void
}

define internal void @pair(i128 %a, i128 %b) {
entry:
  %a64 = trunc i128 %a to i64
  %b64 = trunc i128 %b to i64
  %m = mul nuw i128 %a, %b
  %mo = call { i128, i1 } @llvm.umul.with.overflow.i128(i128 %a, i128 %b)
  %mov = extractvalue { i128, i1 } %mo, 0
  %mof = extractvalue { i128, i1 } %mo, 1
  %mofz = zext i1 %mof to i32
  call void @print(i128 %m, i128 %mov, i32 %mofz)
  %o = call { i64, i1 } @llvm.umul.with.overflow.i64(i64 %a64, i64 %b64)
  %ov = extractvalue { i64, i1 } %o, 0
  %of = extractvalue { i64, i1 } %o, 1
  %ovz = zext i64 %ov to i128
  %ofz = zext i1 %of to i32
  %w = tail call fastcc i64 @seven(i64 %a64, ptr getelementptr inbounds (i8, ptr @tag, i64 2), i64 %b64, i32 7, i128 %a, i1 %of, i64 %ov)
  %wz = zext i64 %w to i128
  call void @print(i128 %ovz, i128 %wz, i32 %ofz)
  %slot = alloca i64
  call void @six(ptr %slot, i64 %a64, i64 %b64, i64 %ov, i64 %w, i64 12345)
  %sv = load i64, ptr %slot
  %svz = zext i64 %sv to i128
  %zero = icmp eq i128 %b, 0
  br i1 %zero, label %nodiv, label %div
div:
  %q = udiv i128 %a, %b
  %r = urem i128 %a, %b
  call void @print(i128 %q, i128 %r, i32 1)
  br label %nodiv
nodiv:
  call void @print(i128 %svz, i128 %svz, i32 2)
  ret void
}

define i32 @main() {
entry:
  br label %outer
outer:
  %i = phi i64 [ 0, %entry ], [ %i1, %outer.next ]
  %pa = getelementptr inbounds [${N} x i128], ptr @vals, i64 0, i64 %i
  %a = load i128, ptr %pa
  br label %inner
inner:
  %j = phi i64 [ 0, %outer ], [ %j1, %inner ]
  %pb = getelementptr inbounds [${N} x i128], ptr @vals, i64 0, i64 %j
  %b = load i128, ptr %pb
  call void @pair(i128 %a, i128 %b)
  %j1 = add i64 %j, 1
  %jd = icmp eq i64 %j1, ${N}
  br i1 %jd, label %outer.next, label %inner
outer.next:
  %i1 = add i64 %i, 1
  %id = icmp eq i64 %i1, ${N}
  br i1 %id, label %exit, label %outer
exit:
  ret i32 0
}

attributes #0 = { noinline nounwind }
`;

function run(file: string): string {
  const r = spawnSync(path.join(LLVM, "lli"), [file], { encoding: "utf8", maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, `lli ${file}: ${r.stderr}`);
  return r.stdout;
}

test("lli from LLVM 22 is installed (scripts/setup.sh installs llvm-22)", () => {
  assert.ok(existsSync(path.join(LLVM, "lli")), `${LLVM}/lli is missing: run npm run setup`);
});

test("every pair of 36 operands: the rewritten module prints exactly what LLVM computes", () => {
  const original = path.join(dir, "original.ll");
  const rewritten = path.join(dir, "rewritten.ll");
  writeFileSync(original, MODULE);
  const { ir, stats } = rewriteModule(MODULE);
  writeFileSync(rewritten, ir);
  // every construct was replaced ...
  assert.deepEqual(stats, {
    inlined: 2,
    wrappedCalls: 2,
    umulo64: 1,
    umulo128: 1,
    mul128: 1,
    udiv128: 1,
    urem128: 1,
  });
  assert.doesNotMatch(ir, /= (mul|udiv|urem)( nuw| nsw| exact)* i128/);
  assert.doesNotMatch(ir, /@llvm\.umul\.with\.overflow/);
  const outsideWrappers = ir.split("\ndefine ").filter((f) => !/^internal \S+ @__cm_wrap/.test(f));
  for (const f of outsideWrappers) {
    assert.doesNotMatch(
      f,
      /call [^\n]*@(seven|six)\(([^,]*,){5}/,
      "a call with 6+ arguments outside a wrapper",
    );
  }
  // ... and what it computes did not change (the IR is valid: lli verifies it first)
  const expected = run(original);
  const actual = run(rewritten);
  const lines = expected.trimEnd().split("\n");
  const divisions = N * (N - 1); // operand 0 appears once
  assert.equal(lines.length, N * N * 3 + divisions);
  assert.ok(
    lines.some((l) => / 1$/.test(l) && !l.startsWith("0".repeat(32))),
    "no overflow case was exercised",
  );
  const differing = actual
    .trimEnd()
    .split("\n")
    .filter((l, k) => l !== lines[k]);
  assert.deepEqual(differing, [], `${differing.length} results differ from LLVM's`);
});

test("the helpers are checked by the comparison: a wrong helper is caught", () => {
  // the same comparison with a helper broken on purpose must differ (the test can fail)
  const broken = rewriteModule(MODULE).ir.replace("%hi = add i64 %hi1, %midh", "%hi = add i64 %hi1, 0");
  const file = path.join(dir, "broken.ll");
  writeFileSync(file, broken);
  writeFileSync(path.join(dir, "original.ll"), MODULE);
  assert.notEqual(run(file), run(path.join(dir, "original.ll")));
});

test("argument parsing: types with attributes, constant expressions, quoted names", () => {
  assert.deepEqual(splitTopLevel("i64 %a, ptr getelementptr inbounds (i8, ptr @x, i64 2), { i64, i1 } %s"), [
    "i64 %a",
    "ptr getelementptr inbounds (i8, ptr @x, i64 2)",
    "{ i64, i1 } %s",
  ]);
  assert.deepEqual(splitArgument("ptr noalias noundef align 8 dereferenceable(24) %_5"), {
    typed: "ptr noalias noundef align 8 dereferenceable(24)",
    value: "%_5",
  });
  assert.deepEqual(splitArgument("ptr getelementptr inbounds (i8, ptr @x, i64 2)"), {
    typed: "ptr",
    value: "getelementptr inbounds (i8, ptr @x, i64 2)",
  });
  const r = rewriteModule(
    [
      'define internal void @"a,b"(i64 %a, i64 %b, i64 %c, i64 %d, i64 %e, i64 %f) {',
      "  ret void",
      "}",
      "define void @g() {",
      "start:",
      '  call void @"a,b"(i64 1, i64 2, i64 3, i64 4, i64 5, i64 6)',
      "  ret void",
      "}",
    ].join("\n"),
  );
  assert.equal(r.stats.wrappedCalls, 1);
  // the stack slot goes after the entry label
  assert.match(r.ir, /start:\n {2}%__cm_pack0 = alloca/);
});

test("one wrapper per callee: two call sites share it, each with its own stack slot", () => {
  const r = rewriteModule(
    [
      "define internal i64 @w(i64 %a, i64 %b, i64 %c, i64 %d, i64 %e, i64 %f) {",
      "  ret i64 %f",
      "}",
      "define i64 @g() {",
      "  %x = call i64 @w(i64 1, i64 2, i64 3, i64 4, i64 5, i64 6)",
      "  %y = call i64 @w(i64 %x, i64 2, i64 3, i64 4, i64 5, i64 7)",
      "  ret i64 %y",
      "}",
    ].join("\n"),
  );
  assert.equal(r.stats.wrappedCalls, 2);
  assert.equal(r.ir.match(/^define internal i64 @__cm_wrap\d+\(/gm)?.length, 1);
  assert.match(r.ir, /%__cm_pack0 = alloca/);
  assert.match(r.ir, /%__cm_pack1 = alloca/);
});

test("what the rewrite cannot do safely is refused, not passed on", () => {
  assert.throws(
    () =>
      rewriteModule(
        ["define void @v(i64 %a, i64 %b, i64 %c, i64 %d, i64 %e, i64 %f, ...) {", "  ret void", "}"].join(
          "\n",
        ),
      ),
    /variadic function with more than 5 parameters/,
  );
  assert.throws(
    () =>
      rewriteModule(
        [
          "define i64 @w(i64 %a, i64 %b, i64 %c, i64 %d, i64 %e, i64 %f) {",
          "  ret i64 0",
          "}",
          "define i64 @x() {",
          "  %r = musttail call i64 @w(i64 1, i64 2, i64 3, i64 4, i64 5, i64 6)",
          "  ret i64 %r",
          "}",
        ].join("\n"),
      ),
    /musttail/,
  );
});
