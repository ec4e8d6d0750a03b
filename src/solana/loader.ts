// The BPF Upgradeable Loader (loader v3), which owns deployed programs: who may upgrade a program
// (its ProgramData account), the SetAuthority / SetAuthorityChecked instructions that hand that
// right to another key (a Squads multisig vault) or remove it, and a plain deploy (buffer, writes,
// DeployWithMaxDataLen) for chains where a program must be put in place from its ELF.
// Layouts follow the loader's bincode encoding (solana-loader-v3-interface): a u32 LE variant
// tag first, then the variant's fields; `Option<Pubkey>` is one byte 0/1 and then 32 bytes if 1.
import {
  Keypair,
  PublicKey,
  sendAndConfirmTransaction,
  SystemProgram,
  SYSVAR_CLOCK_PUBKEY,
  SYSVAR_RENT_PUBKEY,
  Transaction,
  TransactionInstruction,
  type Connection,
  type Signer,
} from "@solana/web3.js";

export const UPGRADEABLE_LOADER_ID = new PublicKey("BPFLoaderUpgradeab1e11111111111111111111111");
export const NATIVE_LOADER_ID = new PublicKey("NativeLoader1111111111111111111111111111111");
/** The BPF loader v2 (`BPFLoader2111...`): programs it owns are final, with no upgrade authority. */
export const BPF_LOADER_V2_ID = new PublicKey("BPFLoader2111111111111111111111111111111111");

/** `UpgradeableLoaderInstruction` variant tags. */
export const LoaderInstruction = {
  InitializeBuffer: 0,
  Write: 1,
  DeployWithMaxDataLen: 2,
  Upgrade: 3,
  SetAuthority: 4,
  Close: 5,
  ExtendProgram: 6,
  SetAuthorityChecked: 7,
} as const;

/** Sizes of the account states (`size_of_*` in the loader's interface). */
export const BUFFER_METADATA_SIZE = 37; // tag u32, Option<Pubkey>
export const PROGRAM_SIZE = 36; // tag u32, Pubkey
export const PROGRAMDATA_METADATA_SIZE = 45; // tag u32, slot u64, Option<Pubkey>

export type LoaderState =
  | { kind: "uninitialized" }
  | { kind: "buffer"; authority: PublicKey | null }
  | { kind: "program"; programData: PublicKey }
  | { kind: "programData"; slot: bigint; authority: PublicKey | null; elfLength: number };

function optionPubkey(data: Buffer, at: number, what: string): PublicKey | null {
  if (data[at] === 0) return null;
  if (data[at] !== 1) throw new Error(`${what}: bad Option tag ${data[at]}`);
  return new PublicKey(data.subarray(at + 1, at + 33));
}

/** Parses an account owned by the upgradeable loader. */
export function parseLoaderState(data: Buffer): LoaderState {
  if (data.length < 4) throw new Error(`loader account of ${data.length} bytes: too short`);
  const tag = data.readUInt32LE(0);
  switch (tag) {
    case 0:
      return { kind: "uninitialized" };
    case 1:
      if (data.length < BUFFER_METADATA_SIZE - 32) throw new Error("buffer account: too short");
      return { kind: "buffer", authority: optionPubkey(data, 4, "buffer authority") };
    case 2:
      if (data.length < PROGRAM_SIZE) throw new Error("program account: too short");
      return { kind: "program", programData: new PublicKey(data.subarray(4, 36)) };
    case 3:
      if (data.length < PROGRAMDATA_METADATA_SIZE) throw new Error("programdata account: too short");
      return {
        kind: "programData",
        slot: data.readBigUInt64LE(4),
        authority: optionPubkey(data, 12, "upgrade authority"),
        elfLength: data.length - PROGRAMDATA_METADATA_SIZE,
      };
    default:
      throw new Error(`unknown upgradeable-loader account tag ${tag}`);
  }
}

/** The ProgramData account of an upgradeable program: the PDA `[program id]` of the loader. */
export function programDataAddress(programId: PublicKey): PublicKey {
  return PublicKey.findProgramAddressSync([programId.toBuffer()], UPGRADEABLE_LOADER_ID)[0];
}

const tagOnly = (tag: number) => {
  const data = Buffer.alloc(4);
  data.writeUInt32LE(tag);
  return data;
};

/**
 * Sets the authority of a ProgramData (or Buffer) account: to `next`, or to none (`next: null`,
 * the program becomes immutable). `checked` (SetAuthorityChecked) also requires `next` to sign,
 * which proves the new key is held; a Squads vault (a PDA) cannot sign, so it takes SetAuthority.
 */
export function setAuthorityInstruction(p: {
  account: PublicKey;
  current: PublicKey;
  next: PublicKey | null;
  checked?: boolean;
}): TransactionInstruction {
  if (p.checked && !p.next) throw new Error("SetAuthorityChecked needs a new authority");
  const keys = [
    { pubkey: p.account, isSigner: false, isWritable: true },
    { pubkey: p.current, isSigner: true, isWritable: false },
  ];
  if (p.next) keys.push({ pubkey: p.next, isSigner: !!p.checked, isWritable: false });
  const tag = p.checked ? LoaderInstruction.SetAuthorityChecked : LoaderInstruction.SetAuthority;
  return new TransactionInstruction({ programId: UPGRADEABLE_LOADER_ID, keys, data: tagOnly(tag) });
}

export interface UpgradeAuthority {
  program: PublicKey;
  programData: PublicKey;
  /** slot of the last deploy or upgrade */
  slot: bigint;
  /** null: immutable (final) */
  authority: PublicKey | null;
}

/** Reads who may upgrade `program`; a one-line error if it is not an upgradeable program. */
export async function readUpgradeAuthority(
  connection: Connection,
  program: PublicKey,
): Promise<UpgradeAuthority> {
  const account = await connection.getAccountInfo(program);
  if (!account)
    throw new Error(`no account at ${program.toBase58()}: the program is not deployed on this chain`);
  if (!account.owner.equals(UPGRADEABLE_LOADER_ID)) {
    const what = account.owner.equals(NATIVE_LOADER_ID)
      ? "a builtin of the native loader"
      : account.owner.equals(BPF_LOADER_V2_ID)
        ? "the non-upgradeable BPF loader, which has no upgrade authority"
        : account.owner.toBase58();
    throw new Error(`${program.toBase58()} is not an upgradeable program (owner: ${what})`);
  }
  const state = parseLoaderState(account.data);
  if (state.kind !== "program")
    throw new Error(`${program.toBase58()} is a loader ${state.kind} account, not a program`);
  const expected = programDataAddress(program);
  if (!state.programData.equals(expected)) {
    throw new Error(
      `${program.toBase58()} names programdata ${state.programData.toBase58()}, expected ${expected.toBase58()}`,
    );
  }
  const dataAccount = await connection.getAccountInfo(state.programData);
  if (!dataAccount)
    throw new Error(`programdata ${state.programData.toBase58()} of ${program.toBase58()} is missing`);
  const data = parseLoaderState(dataAccount.data);
  if (data.kind !== "programData")
    throw new Error(`${state.programData.toBase58()} is not a programdata account`);
  return { program, programData: state.programData, slot: data.slot, authority: data.authority };
}

export interface SetUpgradeAuthorityResult {
  before: UpgradeAuthority;
  after: UpgradeAuthority;
  /** undefined: nothing was sent (dry run, or already so) */
  signature?: string;
}

/**
 * Hands `program`'s upgrade authority from `current` to `to` (null: removes it for good). Checks
 * the chain first: `current` must be the authority now; an authority already equal to `to` sends
 * nothing. `toSigner` (the new authority's keypair) makes it SetAuthorityChecked. Reads it back.
 */
export async function setUpgradeAuthority(
  connection: Connection,
  p: { program: PublicKey; current: Keypair; to: PublicKey | null; toSigner?: Keypair; dryRun?: boolean },
): Promise<SetUpgradeAuthorityResult> {
  const before = await readUpgradeAuthority(connection, p.program);
  const target = p.toSigner?.publicKey ?? p.to;
  if (p.toSigner && p.to && !p.to.equals(p.toSigner.publicKey)) {
    throw new Error(
      `the new authority's keypair is ${p.toSigner.publicKey.toBase58()}, not ${p.to.toBase58()}`,
    );
  }
  const same = target === null ? before.authority === null : !!before.authority?.equals(target);
  if (same) return { before, after: before };
  if (!before.authority)
    throw new Error(`${p.program.toBase58()} is immutable: it has no upgrade authority any more`);
  if (!before.authority.equals(p.current.publicKey)) {
    throw new Error(
      `the upgrade authority of ${p.program.toBase58()} is ${before.authority.toBase58()}, not ${p.current.publicKey.toBase58()} (--keypair)`,
    );
  }
  if (p.dryRun) return { before, after: before };
  const ix = setAuthorityInstruction({
    account: before.programData,
    current: p.current.publicKey,
    next: target,
    checked: !!p.toSigner,
  });
  const signers: Signer[] = p.toSigner ? [p.current, p.toSigner] : [p.current];
  const signature = await sendAndConfirmTransaction(connection, new Transaction().add(ix), signers, {
    commitment: "confirmed",
  });
  const after = await readUpgradeAuthority(connection, p.program);
  const done = target === null ? after.authority === null : !!after.authority?.equals(target);
  if (!done)
    throw new Error(
      `sent ${signature} but the upgrade authority reads ${after.authority?.toBase58() ?? "none"}`,
    );
  return { before, after, signature };
}

/** The seed of an authority's buffer for one program (`createWithSeed(authority, seed, loader)`):
 *  the program id's first 32 characters (a seed holds at most 32 bytes), so an interrupted deploy
 *  finds its buffer again and writes only the bytes still missing, and two programs deployed by
 *  one key never share a buffer. */
export const bufferSeed = (programId: PublicKey) => programId.toBase58().slice(0, 32);

export const bufferAddress = (authority: PublicKey, programId: PublicKey) =>
  PublicKey.createWithSeed(authority, bufferSeed(programId), UPGRADEABLE_LOADER_ID);

/** The loader's largest program (MAX_PERMITTED_DATA_LENGTH) and smallest ExtendProgram
 *  (SIMD-0431, active on mainnet: below it only an extension up to the largest size is accepted). */
export const MAX_PROGRAM_LENGTH = 10 * 1024 * 1024;
export const MIN_EXTEND_BYTES = 10_240;

/** Most bytes of ELF per Write so that the transaction (fee payer = authority) fits 1232 bytes. */
export const WRITE_CHUNK = (() => {
  const authority = PublicKey.unique();
  const probe = new Transaction({
    feePayer: authority,
    blockhash: PublicKey.default.toBase58(),
    lastValidBlockHeight: 0,
  }).add(writeInstruction(PublicKey.unique(), authority, 0, Buffer.alloc(0)));
  // one signature + the message; the data length's compact-u16 grows by one byte past 127
  const empty = 1 + 64 + probe.serializeMessage().length;
  return 1232 - empty - 1;
})();

export function writeInstruction(buffer: PublicKey, authority: PublicKey, offset: number, bytes: Buffer) {
  const data = Buffer.alloc(16 + bytes.length);
  data.writeUInt32LE(LoaderInstruction.Write, 0);
  data.writeUInt32LE(offset, 4);
  data.writeBigUInt64LE(BigInt(bytes.length), 8);
  bytes.copy(data, 16);
  return new TransactionInstruction({
    programId: UPGRADEABLE_LOADER_ID,
    keys: [
      { pubkey: buffer, isSigner: false, isWritable: true },
      { pubkey: authority, isSigner: true, isWritable: false },
    ],
    data,
  });
}

/** Close (loader v3): a buffer's lamports back to `recipient`; the authority signs. */
export function closeBufferInstruction(buffer: PublicKey, recipient: PublicKey, authority: PublicKey) {
  return new TransactionInstruction({
    programId: UPGRADEABLE_LOADER_ID,
    keys: [
      { pubkey: buffer, isSigner: false, isWritable: true },
      { pubkey: recipient, isSigner: false, isWritable: true },
      { pubkey: authority, isSigner: true, isWritable: false },
    ],
    data: tagOnly(LoaderInstruction.Close),
  });
}

/**
 * Sends one Write per chunk of `elf` that the buffer does not hold yet, many at a time, and
 * reads the buffer back until it holds the whole ELF (at most `rounds` rounds: a write lost to
 * an expired blockhash is sent again in the next round).
 */
async function fillBuffer(
  connection: Connection,
  p: { authority: Keypair; buffer: PublicKey; elf: Buffer; log: (line: string) => void },
  rounds = 5,
): Promise<number> {
  let sent = 0;
  let firstError: string | undefined; // the first refused send or failed write, for the final error
  for (let round = 0; ; round++) {
    const account = await connection.getAccountInfo(p.buffer, "confirmed");
    if (!account) throw new Error(`buffer ${p.buffer.toBase58()} vanished while writing`);
    const held = account.data.subarray(BUFFER_METADATA_SIZE);
    const missing: number[] = [];
    for (let offset = 0; offset < p.elf.length; offset += WRITE_CHUNK) {
      const end = Math.min(offset + WRITE_CHUNK, p.elf.length);
      if (!held.subarray(offset, end).equals(p.elf.subarray(offset, end))) missing.push(offset);
    }
    if (missing.length === 0) return sent;
    if (round === rounds) {
      throw new Error(
        `buffer ${p.buffer.toBase58()}: ${missing.length} chunks still unwritten after ${rounds} rounds (first error: ${firstError ?? "none reported"}); run the deploy again to resume`,
      );
    }
    if (round > 0) p.log(`buffer: ${missing.length} chunks not landed, sending them again`);
    // A fresh blockhash every 256 writes: sending them all can outlast one blockhash (~60 s).
    let { blockhash, lastValidBlockHeight } = await connection.getLatestBlockhash("confirmed");
    const signatures: string[] = [];
    const inFlight = 32; // HTTP requests at a time
    for (let i = 0; i < missing.length; i += inFlight) {
      if (i > 0 && i % 256 === 0)
        ({ blockhash, lastValidBlockHeight } = await connection.getLatestBlockhash("confirmed"));
      const batch = missing.slice(i, i + inFlight).map((offset) => {
        const tx = new Transaction({ feePayer: p.authority.publicKey, blockhash, lastValidBlockHeight });
        tx.add(
          writeInstruction(
            p.buffer,
            p.authority.publicKey,
            offset,
            p.elf.subarray(offset, offset + WRITE_CHUNK),
          ),
        );
        tx.sign(p.authority);
        return connection.sendRawTransaction(tx.serialize(), { skipPreflight: true, maxRetries: 0 });
      });
      for (const r of await Promise.allSettled(batch)) {
        if (r.status === "fulfilled") signatures.push(r.value);
        else firstError ??= String((r.reason as Error)?.message ?? r.reason).split("\n")[0];
      }
    }
    sent += signatures.length;
    // Wait until each landed or the blockhash expired; the next round reads what is in the buffer.
    let pending = signatures;
    while (pending.length > 0) {
      const still: string[] = [];
      for (let i = 0; i < pending.length; i += 256) {
        const part = pending.slice(i, i + 256);
        const { value } = await connection.getSignatureStatuses(part);
        value.forEach((status, k) => {
          if (status?.err) firstError ??= JSON.stringify(status.err);
          const done =
            status?.err ||
            status?.confirmationStatus === "confirmed" ||
            status?.confirmationStatus === "finalized";
          if (!done) still.push(part[k]);
        });
      }
      pending = still;
      if (pending.length === 0) break;
      if ((await connection.getBlockHeight("confirmed")) > lastValidBlockHeight) break;
      await new Promise((r) => setTimeout(r, 400));
    }
  }
}

/** The authority's buffer for an ELF of `elfLength` bytes: created at its seed address, initialized. */
export async function createBufferInstructions(
  connection: Connection,
  authority: PublicKey,
  programId: PublicKey,
  elfLength: number,
): Promise<TransactionInstruction[]> {
  const buffer = await bufferAddress(authority, programId);
  const space = BUFFER_METADATA_SIZE + elfLength;
  return [
    SystemProgram.createAccountWithSeed({
      fromPubkey: authority,
      newAccountPubkey: buffer,
      basePubkey: authority,
      seed: bufferSeed(programId),
      lamports: await connection.getMinimumBalanceForRentExemption(space),
      space,
      programId: UPGRADEABLE_LOADER_ID,
    }),
    loaderInstruction(tagOnly(LoaderInstruction.InitializeBuffer), [
      [buffer, "w"],
      [authority, ""],
    ]),
  ];
}

/** A loader-v3 instruction; each account is `w` (writable), `s` (signer), `ws`, or "" (neither). */
function loaderInstruction(data: Buffer, accounts: [PublicKey, "" | "w" | "s" | "ws"][]) {
  return new TransactionInstruction({
    programId: UPGRADEABLE_LOADER_ID,
    keys: accounts.map(([pubkey, flags]) => ({
      pubkey,
      isSigner: flags.includes("s"),
      isWritable: flags.includes("w"),
    })),
    data,
  });
}

export interface DeployProgramResult extends UpgradeAuthority {
  /** what was done: deployed, upgraded, or nothing (the same ELF is already deployed) */
  action: "deployed" | "upgraded" | "unchanged";
  /** transactions sent */
  sent: number;
}

/**
 * Deploys `elf` at `programKeypair`'s address through the upgradeable loader, `authority` paying
 * and becoming the upgrade authority; or, when the program exists, upgrades it if its ELF differs
 * (the authority must be the program's). The ELF goes through the authority's buffer
 * (`bufferAddress`): a deploy that stops midway resumes with the chunks already written. A new
 * program gets `maxDataLen` bytes of room (default: twice the ELF) for later, larger versions;
 * an upgrade past the room extends the program first (ExtendProgram).
 */
export async function deployProgram(
  connection: Connection,
  p: {
    authority: Keypair;
    programKeypair?: Keypair;
    programId?: PublicKey;
    elf: Buffer;
    maxDataLen?: number;
    log?: (line: string) => void;
  },
): Promise<DeployProgramResult> {
  const log = p.log ?? (() => {});
  const { authority, elf } = p;
  const programId = p.programKeypair?.publicKey ?? p.programId;
  if (!programId) throw new Error("deployProgram: the program keypair (or, to upgrade, its id) is required");
  if (p.programKeypair && p.programId && !p.programId.equals(p.programKeypair.publicKey)) {
    throw new Error(
      `the program keypair is ${p.programKeypair.publicKey.toBase58()}, not ${p.programId.toBase58()}`,
    );
  }
  if (elf.length === 0 || elf.length > MAX_PROGRAM_LENGTH) {
    throw new Error(`an ELF of ${elf.length} bytes: the loader takes 1 to ${MAX_PROGRAM_LENGTH}`);
  }
  const maxDataLen = p.maxDataLen ?? Math.min(elf.length * 2, MAX_PROGRAM_LENGTH);
  if (!Number.isSafeInteger(maxDataLen) || maxDataLen < elf.length || maxDataLen > MAX_PROGRAM_LENGTH) {
    throw new Error(
      `maxDataLen ${maxDataLen}: it must be between the ELF's ${elf.length} bytes and ${MAX_PROGRAM_LENGTH}`,
    );
  }
  let sent = 0;
  const send = (tx: Transaction, signers: Signer[]) => {
    sent++;
    return sendAndConfirmTransaction(connection, tx, signers, { commitment: "confirmed" });
  };
  const programData = programDataAddress(programId);
  const buffer = await bufferAddress(authority.publicKey, programId);

  // An existing program: nothing to do if it runs this ELF; else an upgrade by its authority.
  const existing = await connection.getAccountInfo(programId, "confirmed");
  let upgrade: UpgradeAuthority | undefined;
  if (existing) {
    const now = await readUpgradeAuthority(connection, programId);
    const data = (await connection.getAccountInfo(programData, "confirmed"))!.data;
    const deployed = data.subarray(PROGRAMDATA_METADATA_SIZE);
    const same =
      deployed.subarray(0, elf.length).equals(elf) && deployed.subarray(elf.length).every((b) => b === 0);
    if (same) {
      // a buffer left by an interrupted deploy of this program: its rent goes back
      if (await connection.getAccountInfo(buffer, "confirmed")) {
        await send(
          new Transaction().add(closeBufferInstruction(buffer, authority.publicKey, authority.publicKey)),
          [authority],
        );
        log(`closed the leftover buffer ${buffer.toBase58()}`);
      }
      return { ...now, action: "unchanged", sent };
    }
    if (p.maxDataLen !== undefined) throw new Error("maxDataLen applies to a new program, not to an upgrade");
    if (!now.authority)
      throw new Error(`${programId.toBase58()} is immutable: its ELF differs and cannot change`);
    if (!now.authority.equals(authority.publicKey)) {
      throw new Error(
        `${programId.toBase58()} runs another ELF and its upgrade authority is ${now.authority.toBase58()}, not ${authority.publicKey.toBase58()}`,
      );
    }
    upgrade = now;
    if (elf.length > deployed.length) {
      // room for this ELF and half of it again, and never less than SIMD-0431's minimum
      const room = MAX_PROGRAM_LENGTH - deployed.length;
      const wanted = Math.max(elf.length - deployed.length + Math.floor(elf.length / 2), MIN_EXTEND_BYTES);
      const by = Math.min(wanted, room);
      if (by < elf.length - deployed.length) {
        throw new Error(
          `an ELF of ${elf.length} bytes does not fit: a program holds at most ${MAX_PROGRAM_LENGTH}`,
        );
      }
      const extend = Buffer.alloc(8);
      extend.writeUInt32LE(LoaderInstruction.ExtendProgram, 0);
      extend.writeUInt32LE(by, 4);
      await send(
        new Transaction().add(
          loaderInstruction(extend, [
            [programData, "w"],
            [programId, "w"],
            [SystemProgram.programId, ""],
            [authority.publicKey, "ws"],
          ]),
        ),
        [authority],
      );
      log(`extended ${programData.toBase58()} by ${by} bytes`);
    }
  } else if (!p.programKeypair) {
    throw new Error(`no program at ${programId.toBase58()}: its keypair is needed to deploy it`);
  }

  // The buffer: the authority's for this program, sized for this ELF (another size is closed and
  // made anew).
  const bufferSize = BUFFER_METADATA_SIZE + elf.length;
  let bufferAccount = await connection.getAccountInfo(buffer, "confirmed");
  if (bufferAccount && bufferAccount.data.length !== bufferSize) {
    await send(
      new Transaction().add(closeBufferInstruction(buffer, authority.publicKey, authority.publicKey)),
      [authority],
    );
    log(`closed buffer ${buffer.toBase58()} of another size`);
    bufferAccount = null;
  }
  if (bufferAccount) {
    const state = parseLoaderState(bufferAccount.data);
    if (state.kind !== "buffer" || !state.authority?.equals(authority.publicKey)) {
      throw new Error(`${buffer.toBase58()} is not a buffer of ${authority.publicKey.toBase58()}`);
    }
  } else {
    await send(
      new Transaction().add(
        ...(await createBufferInstructions(connection, authority.publicKey, programId, elf.length)),
      ),
      [authority],
    );
  }
  const writes = await fillBuffer(connection, { authority, buffer, elf, log });
  sent += writes;
  log(`buffer ${buffer.toBase58()} holds the ${elf.length}-byte ELF (${writes} writes)`);

  // If the loader refuses the last step, the buffer keeps its rent: say where it is.
  const keepsRent = async (err: unknown): Promise<never> => {
    const lamports = (await connection.getAccountInfo(buffer, "confirmed").catch(() => null))?.lamports ?? 0;
    const reason = err instanceof Error ? err.message.split("\n")[0] : String(err);
    throw new Error(
      `${reason} (buffer ${buffer.toBase58()} still holds ${lamports / 1e9} SOL: run again to retry, or close it with the loader's Close instruction)`,
    );
  };
  if (upgrade) {
    await send(
      new Transaction().add(
        loaderInstruction(tagOnly(LoaderInstruction.Upgrade), [
          [programData, "w"],
          [programId, "w"],
          [buffer, "w"],
          [authority.publicKey, "w"], // spill: the buffer's lamports
          [SYSVAR_RENT_PUBKEY, ""],
          [SYSVAR_CLOCK_PUBKEY, ""],
          [authority.publicKey, "s"],
        ]),
      ),
      [authority],
    ).catch(keepsRent);
    return { ...(await readUpgradeAuthority(connection, programId)), action: "upgraded", sent };
  }
  const deploy = Buffer.alloc(12);
  deploy.writeUInt32LE(LoaderInstruction.DeployWithMaxDataLen, 0);
  deploy.writeBigUInt64LE(BigInt(maxDataLen), 4);
  await send(
    new Transaction().add(
      SystemProgram.createAccount({
        fromPubkey: authority.publicKey,
        newAccountPubkey: programId,
        lamports: await connection.getMinimumBalanceForRentExemption(PROGRAM_SIZE),
        space: PROGRAM_SIZE,
        programId: UPGRADEABLE_LOADER_ID,
      }),
      loaderInstruction(deploy, [
        [authority.publicKey, "ws"], // payer
        [programData, "w"],
        [programId, "w"],
        [buffer, "w"],
        [SYSVAR_RENT_PUBKEY, ""],
        [SYSVAR_CLOCK_PUBKEY, ""],
        [SystemProgram.programId, ""],
        [authority.publicKey, "s"], // upgrade authority
      ]),
    ),
    [authority, p.programKeypair!],
  ).catch(keepsRent);
  return { ...(await readUpgradeAuthority(connection, programId)), action: "deployed", sent };
}

/** A new program at `programKeypair`'s address, `payer` its upgrade authority (see deployProgram). */
export async function deployUpgradeable(
  connection: Connection,
  p: { payer: Keypair; programKeypair: Keypair; elf: Buffer },
): Promise<UpgradeAuthority> {
  return deployProgram(connection, { authority: p.payer, programKeypair: p.programKeypair, elf: p.elf });
}
