// The cluster clock as the program sees it: the Clock sysvar (slot, unix timestamp), read over
// JSON-RPC with jsonParsed. Any cluster answers it; the local network moves it (localnet.ts).
import { SYSVAR_CLOCK_PUBKEY, type Commitment, type Connection } from "@solana/web3.js";

/** The cluster clock: the Clock sysvar the program reads, at `commitment` (default confirmed). */
export async function readClock(
  connection: Connection,
  commitment: Commitment = "confirmed",
): Promise<{ slot: number; unixTimestamp: number }> {
  const info = await connection.getParsedAccountInfo(SYSVAR_CLOCK_PUBKEY, commitment);
  const parsed = (info.value?.data as { parsed?: { info?: { slot: number; unixTimestamp: number } } })?.parsed
    ?.info;
  if (!parsed) throw new Error("the Clock sysvar did not parse");
  return { slot: parsed.slot, unixTimestamp: parsed.unixTimestamp };
}
