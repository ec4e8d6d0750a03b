// One line for a failed transaction, whichever chain refused it: the program's named error
// (Solana, Anchor), the contract's custom error with its arguments (EVM, ethers' `revert`), or the
// message. Commands wrap their sends in `report` so a refusal is one clear line.
import { programErrorName } from "./solana/market.js";

/** The EVM custom error of `err`, as `Name(arg, ...)`, if ethers decoded one. */
export function evmRevert(err: unknown): string | undefined {
  const revert = (err as { revert?: { name?: string; args?: unknown[] } }).revert;
  return revert?.name ? `${revert.name}(${(revert.args ?? []).join(", ")})` : undefined;
}

export function errorReason(err: unknown): string {
  return programErrorName(err) ?? evmRevert(err) ?? (err as Error).message;
}

/** Awaits `p`; a failure becomes `<what> failed: <reason>`. */
export async function report<T>(what: string, p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (err) {
    throw new Error(`${what} failed: ${errorReason(err)}`);
  }
}
