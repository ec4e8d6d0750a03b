// Rewrites the LLVM IR module of the program so that LLVM 22's BPF backend compiles it correctly.
//
// LLVM 22's BPF backend miscompiles two things *silently* (it prints a diagnostic and goes on when
// the link runs with --fatal-errors=false, which the SBF link must: tools/sbf/README.md):
//   1. a value wider than 64 bits returned from a call ("only small returns supported"): the
//      libcalls behind `mul i128`, `udiv i128`, `urem i128` and `llvm.umul.with.overflow.{i64,i128}`
//      (`__multi3`, `__udivti3`, `__umodti3`) come back as 0;
//   2. a call with more than 5 arguments ("stack arguments are not supported"): the 6th and later
//      read as 0.
// This module removes both from the IR before code generation:
//   1. each such operation becomes a call to an always-inlined helper written with 64-bit
//      operations only (`__cm_*` below), so no 128-bit value is ever returned by a real call;
//   2. each direct call of a function defined with more than 5 parameters goes through a
//      `noinline` wrapper of 3 parameters: the first two arguments, and a pointer to the others
//      stored in a stack slot of the caller. The callee is marked `alwaysinline`, so inside the
//      wrapper the 6-argument call disappears. One wrapper per callee: its body is inlined once,
//      and the wrapper's frame is the callee's own, as before the rewrite.
// Whatever this does not handle (an indirect call with 6 arguments, a signed 128-bit division)
// still reaches the backend, and the build fails on its diagnostic (scripts/solana/build-sbf.sh).
// Tested against LLVM's own results in test/tooling/sbf-ir-rewrite.test.ts (lli on the host).
import { readFileSync, writeFileSync } from "node:fs";

export interface RewriteStats {
  /** functions defined with more than 5 parameters, now always inlined */
  inlined: number;
  /** call sites of those functions, now through a 3-argument wrapper (one per callee) */
  wrappedCalls: number;
  umulo64: number;
  umulo128: number;
  mul128: number;
  udiv128: number;
  urem128: number;
}

/** Splits `s` at top-level `sep` (outside (), [], {}, <> and quotes), trimmed, empty parts dropped. */
export function splitTopLevel(s: string, sep = ","): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let cur = "";
  for (const ch of s) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && "([{<".includes(ch)) depth++;
    else if (!quoted && ")]}>".includes(ch)) depth--;
    if (ch === sep && depth === 0 && !quoted) {
      out.push(cur.trim());
      cur = "";
    } else cur += ch;
  }
  if (cur.trim() !== "") out.push(cur.trim());
  return out;
}

/** Index just past the bracket that closes the one opened right before `start`. */
function closing(s: string, start: number): number {
  let depth = 1;
  let quoted = false;
  for (let i = start; i < s.length; i++) {
    const ch = s[i];
    if (ch === '"') quoted = !quoted;
    else if (!quoted && "([{<".includes(ch)) depth++;
    else if (!quoted && ")]}>".includes(ch) && --depth === 0) return i + 1;
  }
  throw new Error(`unbalanced brackets in: ${s.slice(0, 120)}`);
}

const NAME = String.raw`(?:"[^"]*"|[-a-zA-Z$._0-9]+)`;

/** `define ... @name(params) ...`: the name, the parameter list and where it ends. */
function parseDefine(line: string): { name: string; params: string[]; end: number } | undefined {
  const m = new RegExp(String.raw`@(${NAME})\(`).exec(line);
  if (!m) return undefined;
  const open = m.index + m[0].length;
  const end = closing(line, open);
  return { name: m[1], params: splitTopLevel(line.slice(open, end - 1)), end };
}

/** One argument of a call: its type with attributes (everything but the value), and the value. */
export function splitArgument(arg: string): { typed: string; value: string } {
  // a constant expression: `ptr getelementptr inbounds (i8, ptr @x, i64 8)`
  if (arg.endsWith(")")) {
    const m =
      /\s((?:getelementptr|bitcast|inttoptr|ptrtoint|addrspacecast|add|sub|mul|shl|xor|or|and|trunc)\b[^(]*\(.*\))$/.exec(
        arg,
      );
    if (m) return { typed: arg.slice(0, m.index), value: m[1] };
  }
  // an aggregate constant: `{ i64, i64 } { i64 1, i64 2 }`, `[2 x i8] c"ab"`
  const i = arg.lastIndexOf(" ");
  if (i < 0) throw new Error(`an argument without a value: ${arg}`);
  if (/[}\]>]$/.test(arg) && !arg.endsWith('"')) {
    throw new Error(`aggregate constant arguments are not handled: ${arg}`);
  }
  return { typed: arg.slice(0, i), value: arg.slice(i + 1) };
}

/** The type of a parameter or argument: its first (bracket-balanced) token. */
export function typeOf(typed: string): string {
  const t = typed.trim();
  if ("{[<".includes(t[0])) return t.slice(0, closing(t, 1));
  return t.split(/\s+/)[0];
}

interface CallSite {
  indent: string;
  result: string; // "%x = " or ""
  prefix: string; // "tail call fastcc noundef i64 " (kind, cc, return attributes, return type)
  returnType: string;
  cc: string;
  callee: string;
  args: string[];
  after: string; // attributes and metadata after the argument list
}

function parseCall(line: string): CallSite | undefined {
  const m = new RegExp(
    String.raw`^(\s*)(%${NAME} = )?((?:tail |musttail |notail )?call )(.*?)@(${NAME})\(`,
  ).exec(line);
  if (!m) return undefined;
  const open = m[0].length;
  const end = closing(line, open);
  const head = m[4].trimEnd();
  // the return type is the last (bracket-balanced) token before the callee
  let returnType: string;
  if (/[)}\]>]$/.test(head)) {
    const openers: Record<string, string> = { ")": "(", "}": "{", "]": "[", ">": "<" };
    let depth = 0;
    let i = head.length - 1;
    for (; i >= 0; i--) {
      if (head[i] in openers) depth++;
      else if (Object.values(openers).includes(head[i]) && --depth === 0) break;
    }
    // `i64 (ptr, ...)`: a function type, preceded by its return type
    const before = head.slice(0, i).trimEnd();
    returnType = head[i] === "(" ? `${before.split(/\s+/).pop()} ${head.slice(i)}` : head.slice(i);
  } else returnType = head.split(/\s+/).pop() ?? "";
  const cc = /\b(fastcc|coldcc|ccc|cc \d+)\b/.exec(head)?.[1] ?? "";
  return {
    indent: m[1],
    result: m[2] ?? "",
    prefix: m[3] + m[4],
    returnType,
    cc,
    callee: m[5],
    args: splitTopLevel(line.slice(open, end - 1)),
    after: line.slice(end),
  };
}

const BINARY = new RegExp(
  String.raw`^(\s*)(%${NAME}) = (mul|udiv|urem)((?: nuw| nsw| exact)*) i128 ([^,]+), (.+?)\s*$`,
);

/** Rewrites a module (the text of a `.ll` file); throws on a construct it cannot rewrite safely. */
export function rewriteModule(ir: string): { ir: string; stats: RewriteStats } {
  const lines = ir.split("\n");
  const stats: RewriteStats = {
    inlined: 0,
    wrappedCalls: 0,
    umulo64: 0,
    umulo128: 0,
    mul128: 0,
    udiv128: 0,
    urem128: 0,
  };

  // Functions defined with more than 5 parameters, and the attribute groups to derive from.
  const wide = new Set<string>();
  const groups = new Map<string, string>();
  let maxGroup = 0;
  for (const line of lines) {
    if (line.startsWith("define")) {
      const d = parseDefine(line);
      if (d && d.params.length > 5) {
        if (d.params.some((p) => p === "..."))
          throw new Error(`variadic function with more than 5 parameters: @${d.name}`);
        wide.add(d.name);
      }
    }
    const g = /^attributes #(\d+) = \{ (.*) \}$/.exec(line);
    if (g) {
      groups.set(g[1], g[2]);
      maxGroup = Math.max(maxGroup, Number(g[1]));
    }
  }
  // An always-inline copy of each attribute group a wide function uses (noinline and optnone out).
  const inlineGroup = new Map<string, number>();
  const newGroups: string[] = [];
  const alwaysInline = (group: string | undefined): number => {
    const key = group ?? "";
    let n = inlineGroup.get(key);
    if (n === undefined) {
      n = ++maxGroup;
      const attrs = splitTopLevel(group === undefined ? "" : (groups.get(group) ?? ""), " ").filter(
        (a) => a !== "noinline" && a !== "optnone",
      );
      newGroups.push(`attributes #${n} = { ${[...attrs, "alwaysinline"].join(" ")} }`);
      inlineGroup.set(key, n);
    }
    return n;
  };
  const wrapperGroup = ++maxGroup;
  const helperGroup = ++maxGroup;

  const out: string[] = [];
  const wrappers: string[] = [];
  const wrapperOf = new Map<string, string>(); // callee and signature -> its wrapper
  let entry = -1; // where the current function's entry-block stack slots go
  let slots: string[] = [];
  for (let line of lines) {
    if (line.startsWith("define")) {
      const d = parseDefine(line);
      if (d && wide.has(d.name)) {
        const tail = line.slice(d.end);
        const g = /#(\d+)/.exec(tail);
        const n = alwaysInline(g?.[1]);
        line = line.slice(0, d.end) + (g ? tail.replace(/#\d+/, `#${n}`) : tail.replace(/\{\s*$/, `#${n} {`));
        stats.inlined++;
      }
      out.push(line);
      entry = out.length;
      continue;
    }
    if (line === "}" && entry >= 0) {
      if (slots.length > 0) {
        const at = /^[-a-zA-Z$._0-9"]+:/.test(out[entry] ?? "") ? entry + 1 : entry;
        out.splice(at, 0, ...slots);
        slots = [];
      }
      entry = -1;
    }
    if (/^declare .*@llvm\.umul\.with\.overflow\.i(64|128)\(/.test(line)) continue;
    if (line.includes("@llvm.umul.with.overflow.i64(")) {
      line = line.replaceAll("@llvm.umul.with.overflow.i64(", "@__cm_umulo64(");
      stats.umulo64++;
    }
    if (line.includes("@llvm.umul.with.overflow.i128(")) {
      line = line.replaceAll("@llvm.umul.with.overflow.i128(", "@__cm_umulo128(");
      stats.umulo128++;
    }
    if (/\binvoke\b.*@/.test(line) && [...wide].some((w) => line.includes(`@${w}(`))) {
      throw new Error(`an invoke of a function with more than 5 parameters: ${line.trim().slice(0, 160)}`);
    }
    const call = entry >= 0 ? parseCall(line) : undefined;
    if (call && wide.has(call.callee)) {
      if (call.prefix.startsWith("musttail")) throw new Error(`a musttail call of @${call.callee}`);
      const k = stats.wrappedCalls++;
      const args = call.args.map(splitArgument);
      const rest = args.slice(2);
      const types = args.map((a) => typeOf(a.typed));
      const packType = `{ ${types.slice(2).join(", ")} }`;
      const pack = `%__cm_pack${k}`;
      slots.push(`  ${pack} = alloca ${packType}, align 8`);
      rest.forEach((a, i) => {
        out.push(
          `${call.indent}${pack}.${i} = getelementptr inbounds ${packType}, ptr ${pack}, i32 0, i32 ${i}`,
        );
        out.push(`${call.indent}store ${types[i + 2]} ${a.value}, ptr ${pack}.${i}`);
      });
      // one wrapper per callee (and signature): the callee's body is inlined once, into it
      const cc = call.cc ? `${call.cc} ` : "";
      const key = `${cc}${call.returnType} @${call.callee}(${types.join(", ")})`;
      let wrapper = wrapperOf.get(key);
      if (wrapper === undefined) {
        wrapper = `@__cm_wrap${wrapperOf.size}`;
        wrapperOf.set(key, wrapper);
        const body = rest.flatMap((a, i) => [
          `  %p${i} = getelementptr inbounds ${packType}, ptr %pack, i32 0, i32 ${i}`,
          `  %a${i} = load volatile ${types[i + 2]}, ptr %p${i}`,
        ]);
        const inner = [
          `${args[0].typed} %x0`,
          `${args[1].typed} %x1`,
          ...rest.map((a, i) => `${a.typed} %a${i}`),
        ].join(", ");
        const ret =
          call.returnType === "void"
            ? [`  call ${cc}void @${call.callee}(${inner})`, "  ret void"]
            : [
                `  %r = call ${cc}${call.returnType} @${call.callee}(${inner})`,
                `  ret ${call.returnType} %r`,
              ];
        wrappers.push(
          [
            `define internal ${call.returnType} ${wrapper}(${types[0]} %x0, ${types[1]} %x1, ptr %pack) #${wrapperGroup} {`,
            ...body,
            ...ret,
            "}",
          ].join("\n"),
        );
      }
      const [a0, a1] = args;
      out.push(
        `${call.indent}${call.result}call ${call.returnType} ${wrapper}(${a0.typed} ${a0.value}, ${a1.typed} ${a1.value}, ptr ${pack})`,
      );
      continue;
    }
    const bin = BINARY.exec(line);
    if (bin) {
      const [, indent, result, op, , a, b] = bin;
      if (b.includes("!")) throw new Error(`an i128 ${op} with metadata: ${line.trim()}`);
      stats[`${op}128` as "mul128" | "udiv128" | "urem128"]++;
      line = `${indent}${result} = call i128 @__cm_${op}128(i128 ${a}, i128 ${b})`;
    }
    out.push(line);
  }
  const module = [
    ...out,
    ...newGroups,
    `attributes #${wrapperGroup} = { noinline nounwind }`,
    `attributes #${helperGroup} = { alwaysinline nounwind }`,
    HELPERS.replaceAll("#HELPER", `#${helperGroup}`),
    ...wrappers,
    "",
  ].join("\n");
  return { ir: module, stats };
}

/** The helpers: 64-bit operations only; inlined, so none of them returns through a real call. */
const HELPERS = String.raw`
; a * b in 128 bits from four 32 x 32 -> 64 products
define internal i128 @__cm_mul64wide(i64 %a, i64 %b) #HELPER {
  %ah = lshr i64 %a, 32
  %al = and i64 %a, 4294967295
  %bh = lshr i64 %b, 32
  %bl = and i64 %b, 4294967295
  %ll = mul i64 %al, %bl
  %lh = mul i64 %al, %bh
  %hl = mul i64 %ah, %bl
  %hh = mul i64 %ah, %bh
  ; the middle column: high half of ll + low halves of lh and hl (< 3 * 2^32, no overflow)
  %llh = lshr i64 %ll, 32
  %lhl = and i64 %lh, 4294967295
  %hll = and i64 %hl, 4294967295
  %mid0 = add i64 %llh, %lhl
  %mid = add i64 %mid0, %hll
  %midl = shl i64 %mid, 32
  %lll = and i64 %ll, 4294967295
  %lo = or i64 %midl, %lll
  %lhh = lshr i64 %lh, 32
  %hlh = lshr i64 %hl, 32
  %midh = lshr i64 %mid, 32
  %hi0 = add i64 %hh, %lhh
  %hi1 = add i64 %hi0, %hlh
  %hi = add i64 %hi1, %midh
  %hiw = zext i64 %hi to i128
  %his = shl i128 %hiw, 64
  %low = zext i64 %lo to i128
  %r = or i128 %his, %low
  ret i128 %r
}

define internal { i64, i1 } @__cm_umulo64(i64 %a, i64 %b) #HELPER {
  %w = call i128 @__cm_mul64wide(i64 %a, i64 %b)
  %hs = lshr i128 %w, 64
  %h = trunc i128 %hs to i64
  %l = trunc i128 %w to i64
  %o = icmp ne i64 %h, 0
  %r0 = insertvalue { i64, i1 } poison, i64 %l, 0
  %r1 = insertvalue { i64, i1 } %r0, i1 %o, 1
  ret { i64, i1 } %r1
}

; (a1 * 2^64 + a0) * (b1 * 2^64 + b0) mod 2^128 = a0 * b0 + (a1 * b0 + a0 * b1) * 2^64
define internal i128 @__cm_mul128(i128 %a, i128 %b) #HELPER {
  %a0 = trunc i128 %a to i64
  %b0 = trunc i128 %b to i64
  %as = lshr i128 %a, 64
  %bs = lshr i128 %b, 64
  %a1 = trunc i128 %as to i64
  %b1 = trunc i128 %bs to i64
  %low = call i128 @__cm_mul64wide(i64 %a0, i64 %b0)
  %x = mul i64 %a1, %b0
  %y = mul i64 %a0, %b1
  %cross = add i64 %x, %y
  %cw = zext i64 %cross to i128
  %cs = shl i128 %cw, 64
  %r = add i128 %low, %cs
  ret i128 %r
}

; overflow when both high halves are non-zero, a cross product overflows 64 bits, their sum
; does, or adding it to the high half of a0 * b0 does
define internal { i128, i1 } @__cm_umulo128(i128 %a, i128 %b) #HELPER {
  %a0 = trunc i128 %a to i64
  %b0 = trunc i128 %b to i64
  %as = lshr i128 %a, 64
  %bs = lshr i128 %b, 64
  %a1 = trunc i128 %as to i64
  %b1 = trunc i128 %bs to i64
  %a1nz = icmp ne i64 %a1, 0
  %b1nz = icmp ne i64 %b1, 0
  %both = and i1 %a1nz, %b1nz
  %x = call { i64, i1 } @__cm_umulo64(i64 %a1, i64 %b0)
  %y = call { i64, i1 } @__cm_umulo64(i64 %a0, i64 %b1)
  %xv = extractvalue { i64, i1 } %x, 0
  %xo = extractvalue { i64, i1 } %x, 1
  %yv = extractvalue { i64, i1 } %y, 0
  %yo = extractvalue { i64, i1 } %y, 1
  %cross = add i64 %xv, %yv
  %crosso = icmp ult i64 %cross, %xv
  %low = call i128 @__cm_mul64wide(i64 %a0, i64 %b0)
  %lhs = lshr i128 %low, 64
  %lh = trunc i128 %lhs to i64
  %hi = add i64 %lh, %cross
  %hio = icmp ult i64 %hi, %cross
  %o0 = or i1 %both, %xo
  %o1 = or i1 %o0, %yo
  %o2 = or i1 %o1, %crosso
  %o = or i1 %o2, %hio
  %cw = zext i64 %cross to i128
  %cs = shl i128 %cw, 64
  %v = add i128 %low, %cs
  %r0 = insertvalue { i128, i1 } poison, i128 %v, 0
  %r1 = insertvalue { i128, i1 } %r0, i1 %o, 1
  ret { i128, i1 } %r1
}

; n / d and n % d by restoring division, one bit per step; 64-bit division when both fit
define internal { i128, i128 } @__cm_udivrem128(i128 %n, i128 %d) #HELPER {
entry:
  %nh = lshr i128 %n, 64
  %dh = lshr i128 %d, 64
  %high = or i128 %nh, %dh
  %small = icmp eq i128 %high, 0
  br i1 %small, label %fast, label %loop
fast:
  %n64 = trunc i128 %n to i64
  %d64 = trunc i128 %d to i64
  %q64 = udiv i64 %n64, %d64
  %r64 = urem i64 %n64, %d64
  %qf = zext i64 %q64 to i128
  %rf = zext i64 %r64 to i128
  br label %done
loop:
  %i = phi i32 [ 0, %entry ], [ %i1, %loop ]
  %rest = phi i128 [ %n, %entry ], [ %rest1, %loop ]
  %rem = phi i128 [ 0, %entry ], [ %rem2, %loop ]
  %quo = phi i128 [ 0, %entry ], [ %quo1, %loop ]
  %top = lshr i128 %rest, 127
  %rems = shl i128 %rem, 1
  %rem1 = or i128 %rems, %top
  %rest1 = shl i128 %rest, 1
  %fits = icmp uge i128 %rem1, %d
  %less = sub i128 %rem1, %d
  %rem2 = select i1 %fits, i128 %less, i128 %rem1
  %quos = shl i128 %quo, 1
  %bit = zext i1 %fits to i128
  %quo1 = or i128 %quos, %bit
  %i1 = add i32 %i, 1
  %end = icmp eq i32 %i1, 128
  br i1 %end, label %done, label %loop
done:
  %q = phi i128 [ %qf, %fast ], [ %quo1, %loop ]
  %r = phi i128 [ %rf, %fast ], [ %rem2, %loop ]
  %p0 = insertvalue { i128, i128 } poison, i128 %q, 0
  %p1 = insertvalue { i128, i128 } %p0, i128 %r, 1
  ret { i128, i128 } %p1
}

define internal i128 @__cm_udiv128(i128 %n, i128 %d) #HELPER {
  %qr = call { i128, i128 } @__cm_udivrem128(i128 %n, i128 %d)
  %q = extractvalue { i128, i128 } %qr, 0
  ret i128 %q
}

define internal i128 @__cm_urem128(i128 %n, i128 %d) #HELPER {
  %qr = call { i128, i128 } @__cm_udivrem128(i128 %n, i128 %d)
  %r = extractvalue { i128, i128 } %qr, 1
  ret i128 %r
}
`;

/** `tsx tools/sbf/ir-rewrite.ts <in.ll> <out.ll>`: prints what it rewrote. */
if (import.meta.url === `file://${process.argv[1]}`) {
  const [input, output] = process.argv.slice(2);
  if (!input || !output) {
    console.error("usage: tsx tools/sbf/ir-rewrite.ts <in.ll> <out.ll>");
    process.exit(2);
  }
  try {
    const { ir, stats } = rewriteModule(readFileSync(input, "utf8"));
    writeFileSync(output, ir);
    console.log(`ir-rewrite: ${JSON.stringify(stats)}`);
  } catch (e) {
    console.error(`ir-rewrite: ${(e as Error).message}`);
    process.exit(1);
  }
}
