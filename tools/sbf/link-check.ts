// The check of the final SBF link's diagnostics (scripts/solana/build-sbf.sh, step 4).
//
// The link runs with --fatal-errors=false, so LLVM's BPF backend reports problems as log lines and
// goes on. Some of them mean wrong code; this reads every one and fails unless each is known to be
// harmless here:
//   - "only small returns", "stack arguments", "stack limit", "aggregate returns": wrong code
//     (a result read as 0, an argument read as 0, a frame that overwrites its caller's), fatal,
//     except the few functions in ALLOWED, each with the reason it is never called;
//   - "A call to built-in function 'X' is not supported": the call is still emitted; harmless for
//     the f64 helpers below, which return 64 bits and are defined in the module
//     (solana-compiler-builtins, exported by the link); fatal for any other X;
//   - any other error line: fatal (unknown, so not known to be harmless).
import { readFileSync } from "node:fs";

/** f64 helpers: defined by solana-compiler-builtins, exported by the link, 64-bit results. */
export const F64_BUILTINS = new Set([
  "__adddf3",
  "__subdf3",
  "__negdf2",
  "__muldf3",
  "__divdf3",
  "__floatundidf",
  "__fixunsdfdi",
  "__gedf2",
  "__gtdf2",
]);

const WRONG_CODE = /only small returns|stack arguments|stack limit|aggregate returns/;

/** Diagnostics in functions that are never called by the program, each with its reason. */
export const ALLOWED: { function: RegExp; message: RegExp; reason: string }[] = [
  {
    // `<StringError as core::error::Error>::{source, type_id, description, cause}`, instantiated
    // by `Box<dyn Error + Send + Sync>: From<String>` in borsh and spl-token-metadata-interface
    function: /StringError.*(6source|7type_id|11description|5cause)C/,
    message: /aggregate returns are not supported/,
    reason:
      "the Error-trait methods of std's private StringError (a String turned into a boxed error): " +
      "the program never walks an error's source chain or asks its type id; errors become " +
      "ProgramError codes, and a message is only ever formatted (Display, not these)",
  },
];

export interface Finding {
  function: string;
  message: string;
}

/** Every diagnostic line of an sbpf-linker log: `... in function <name> <type>: <message>`. */
export function diagnostics(log: string): { findings: Finding[]; other: string[] } {
  const findings: Finding[] = [];
  const other: string[] = [];
  for (const line of log.split("\n")) {
    if (!/\b(ERROR|error|WARN)\b/.test(line)) continue;
    const m =
      /in function (\S+) .*?: ((?:A call to built-in function|only small|stack arguments|Looks like the BPF stack|aggregate returns|.*not supported).*)$/.exec(
        line,
      );
    if (m) findings.push({ function: m[1], message: m[2].trim() });
    else other.push(line.trim());
  }
  return { findings, other };
}

/** The fatal findings, grouped: message -> functions. Empty when the link is sound. */
export function fatal(log: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const add = (message: string, fn: string) => {
    const key = message.startsWith("Looks like the BPF stack limit")
      ? "stack limit exceeded (frame > 4096 bytes)"
      : message;
    if (!out.has(key)) out.set(key, new Set());
    out.get(key)!.add(fn);
  };
  const { findings, other } = diagnostics(log);
  for (const f of findings) {
    const builtin = /A call to built-in function '([^']+)' is not supported/.exec(f.message);
    if (builtin) {
      if (!F64_BUILTINS.has(builtin[1])) add(f.message, f.function);
      continue;
    }
    if (
      WRONG_CODE.test(f.message) &&
      ALLOWED.some((a) => a.function.test(f.function) && a.message.test(f.message))
    ) {
      continue;
    }
    add(f.message, f.function);
  }
  for (const line of other) add(`unrecognised diagnostic: ${line.slice(0, 200)}`, "-");
  return out;
}

/** Rust v0 symbol -> the identifiers it names, e.g. `compute_market::...::try_accounts`. */
export function readable(symbol: string): string {
  const idents: string[] = [];
  for (let i = 0; i < symbol.length;) {
    const rest = symbol.slice(i);
    // a disambiguator (`Cs<hash>_`, `s<n>_`) or a back-reference (`B<n>_`): not a name
    const skip = /^(?:C?s|B)[0-9A-Za-z]*_/.exec(rest);
    if (skip) {
      i += skip[0].length;
      continue;
    }
    const m = /^(\d+)_?/.exec(rest);
    if (!m) {
      i++;
      continue;
    }
    const n = Number(m[1]);
    const ident = rest.slice(m[0].length, m[0].length + n);
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(ident)) idents.push(ident);
    i += m[0].length + n;
  }
  return idents.length > 0 ? idents.join("::") : symbol;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2];
  if (!file) {
    console.error("usage: tsx tools/sbf/link-check.ts <link.log>");
    process.exit(2);
  }
  const problems = fatal(readFileSync(file, "utf8"));
  if (problems.size === 0) process.exit(0);
  for (const [message, fns] of problems) {
    console.error(`build:sbf: ${message}`);
    for (const f of [...fns].slice(0, 8)) console.error(`    in ${readable(f)}`);
    if (fns.size > 8) console.error(`    ... and ${fns.size - 8} more`);
  }
  process.exit(1);
}
