// Input schemas shared by the Solana scripts and the CLI.
import { PublicKey } from "@solana/web3.js";
import { z } from "zod";

/** A base58 public key, as a string. */
export const SolanaPubkey = z.string().refine((s) => {
  try {
    new PublicKey(s);
    return true;
  } catch {
    return false;
  }
}, "not a base58 public key");
