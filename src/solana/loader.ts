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

/** Bytes of program ELF per Write instruction: keeps each transaction under 1232 bytes. */
const WRITE_CHUNK = 900;

/**
 * Deploys `elf` at `programKeypair`'s address through the upgradeable loader, `payer` being the
 * upgrade authority: a buffer, its writes, then DeployWithMaxDataLen (room for twice the ELF).
 */
export async function deployUpgradeable(
  connection: Connection,
  p: { payer: Keypair; programKeypair: Keypair; elf: Buffer },
): Promise<UpgradeAuthority> {
  const { payer, programKeypair, elf } = p;
  const send = (tx: Transaction, signers: Signer[]) =>
    sendAndConfirmTransaction(connection, tx, signers, { commitment: "confirmed" });
  const buffer = Keypair.generate();
  const bufferSize = BUFFER_METADATA_SIZE + elf.length;
  await send(
    new Transaction().add(
      SystemProgram.createAccount({
        fromPubkey: payer.publicKey,
        newAccountPubkey: buffer.publicKey,
        lamports: await connection.getMinimumBalanceForRentExemption(bufferSize),
        space: bufferSize,
        programId: UPGRADEABLE_LOADER_ID,
      }),
      new TransactionInstruction({
        programId: UPGRADEABLE_LOADER_ID,
        keys: [
          { pubkey: buffer.publicKey, isSigner: false, isWritable: true },
          { pubkey: payer.publicKey, isSigner: false, isWritable: false },
        ],
        data: tagOnly(LoaderInstruction.InitializeBuffer),
      }),
    ),
    [payer, buffer],
  );
  for (let offset = 0; offset < elf.length; offset += WRITE_CHUNK) {
    const bytes = elf.subarray(offset, offset + WRITE_CHUNK);
    const data = Buffer.alloc(16 + bytes.length);
    data.writeUInt32LE(LoaderInstruction.Write, 0);
    data.writeUInt32LE(offset, 4);
    data.writeBigUInt64LE(BigInt(bytes.length), 8);
    bytes.copy(data, 16);
    await send(
      new Transaction().add(
        new TransactionInstruction({
          programId: UPGRADEABLE_LOADER_ID,
          keys: [
            { pubkey: buffer.publicKey, isSigner: false, isWritable: true },
            { pubkey: payer.publicKey, isSigner: true, isWritable: false },
          ],
          data,
        }),
      ),
      [payer],
    );
  }
  const programData = programDataAddress(programKeypair.publicKey);
  const deploy = Buffer.alloc(12);
  deploy.writeUInt32LE(LoaderInstruction.DeployWithMaxDataLen, 0);
  deploy.writeBigUInt64LE(BigInt(elf.length * 2), 4);
  await send(
    new Transaction().add(
      SystemProgram.createAccount({
        fromPubkey: payer.publicKey,
        newAccountPubkey: programKeypair.publicKey,
        lamports: await connection.getMinimumBalanceForRentExemption(PROGRAM_SIZE),
        space: PROGRAM_SIZE,
        programId: UPGRADEABLE_LOADER_ID,
      }),
      new TransactionInstruction({
        programId: UPGRADEABLE_LOADER_ID,
        keys: [
          { pubkey: payer.publicKey, isSigner: true, isWritable: true },
          { pubkey: programData, isSigner: false, isWritable: true },
          { pubkey: programKeypair.publicKey, isSigner: false, isWritable: true },
          { pubkey: buffer.publicKey, isSigner: false, isWritable: true },
          { pubkey: SYSVAR_RENT_PUBKEY, isSigner: false, isWritable: false },
          { pubkey: SYSVAR_CLOCK_PUBKEY, isSigner: false, isWritable: false },
          { pubkey: SystemProgram.programId, isSigner: false, isWritable: false },
          { pubkey: payer.publicKey, isSigner: true, isWritable: false },
        ],
        data: deploy,
      }),
    ),
    [payer, programKeypair],
  );
  return readUpgradeAuthority(connection, programKeypair.publicKey);
}
