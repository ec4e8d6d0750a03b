//! The compute-market test chain: agave's runtime (through `solana-program-test`) with the
//! program loaded from its SBF bytecode (`target/deploy/compute_market.so`, `npm run build:sbf`),
//! SPL Token, Token-2022 and the associated-token program as SBF too.
//!
//! The bytes must be built from the sources being tested: [`program_test`] refuses a missing or
//! stale `.so` (`scripts/solana/build-sbf.sh --check`). `CM_PROGRAM=native` registers the program
//! as a native builtin instead, a faster mode for debugging that hides compute units, stack
//! frames and code generation.
//!
//! Two adaptations make the native mode run faithfully:
//! 1. Anchor's generated `entry` ties all its lifetimes to one `'info`, which does not fit the
//!    `processor!` signature; [`compute_market_entry`] is the shim.
//! 2. Anchor 1.x performs CPIs through `solana-invoke` and reads sysvars through `solana-sysvar`
//!    3.x, whose host stubs are a different global from the `solana-sysvar` 4.x stubs that
//!    `solana-program-test` installs. Left alone, a native CPI would silently succeed without
//!    running (the 3.x default stub returns `Ok(())`). [`start`] shares the runtime's stubs
//!    with the 3.x global.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Once, OnceLock};

use solana_account::Account;
use solana_keypair::Keypair;
use solana_rent::Rent;

use anchor_lang::solana_program::{
    account_info::AccountInfo, entrypoint::ProgramResult, instruction::Instruction, pubkey::Pubkey,
};
use solana_program_test::{processor, ProgramTest, ProgramTestContext};

pub use solana_program_test;

/// The program id declared by the Anchor program.
pub fn program_id() -> Pubkey {
    compute_market::ID
}

/// Lifetime shim between the runtime's native adaptor and Anchor's `entry`.
pub fn compute_market_entry<'a, 'b, 'c, 'd>(
    program_id: &'a Pubkey,
    accounts: &'b [AccountInfo<'c>],
    data: &'d [u8],
) -> ProgramResult {
    // SAFETY: the adaptor keeps the parameter buffer, the account infos and the
    // instruction data alive for the whole call; only the lifetimes are unified.
    let (accounts, data) = unsafe {
        (
            std::mem::transmute::<&'b [AccountInfo<'c>], &'a [AccountInfo<'a>]>(accounts),
            std::mem::transmute::<&'d [u8], &'a [u8]>(data),
        )
    };
    compute_market::entry(program_id, accounts, data)
}

/// The runtime's host stubs, shared by the `solana-sysvar` 3.x and 4.x globals.
///
/// `solana-program-test` installs its stubs (which route CPIs, sysvars and logs into the
/// runtime) into the 4.x global only. This takes that object out, and installs one wrapper
/// around it into both globals, so Anchor's 3.x calls reach the runtime too.
struct SharedStubs(Arc<Box<dyn solana_sysvar_v4::program_stubs::SyscallStubs>>);

macro_rules! forward_stubs {
    ($trait_path:path) => {
        impl $trait_path for SharedStubs {
            fn sol_log(&self, message: &str) {
                self.0.sol_log(message)
            }
            fn sol_log_compute_units(&self) {
                self.0.sol_log_compute_units()
            }
            fn sol_remaining_compute_units(&self) -> u64 {
                self.0.sol_remaining_compute_units()
            }
            fn sol_invoke_signed(
                &self,
                instruction: &Instruction,
                account_infos: &[AccountInfo],
                signers_seeds: &[&[&[u8]]],
            ) -> ProgramResult {
                self.0
                    .sol_invoke_signed(instruction, account_infos, signers_seeds)
            }
            fn sol_get_sysvar(&self, id: *const u8, var: *mut u8, offset: u64, length: u64) -> u64 {
                self.0.sol_get_sysvar(id, var, offset, length)
            }
            fn sol_get_clock_sysvar(&self, var: *mut u8) -> u64 {
                self.0.sol_get_clock_sysvar(var)
            }
            fn sol_get_epoch_schedule_sysvar(&self, var: *mut u8) -> u64 {
                self.0.sol_get_epoch_schedule_sysvar(var)
            }
            fn sol_get_fees_sysvar(&self, var: *mut u8) -> u64 {
                self.0.sol_get_fees_sysvar(var)
            }
            fn sol_get_rent_sysvar(&self, var: *mut u8) -> u64 {
                self.0.sol_get_rent_sysvar(var)
            }
            fn sol_get_epoch_rewards_sysvar(&self, var: *mut u8) -> u64 {
                self.0.sol_get_epoch_rewards_sysvar(var)
            }
            fn sol_get_last_restart_slot(&self, var: *mut u8) -> u64 {
                self.0.sol_get_last_restart_slot(var)
            }
            fn sol_get_epoch_stake(&self, vote_address: *const u8) -> u64 {
                self.0.sol_get_epoch_stake(vote_address)
            }
            fn sol_get_return_data(&self) -> Option<(Pubkey, Vec<u8>)> {
                self.0.sol_get_return_data()
            }
            fn sol_set_return_data(&self, data: &[u8]) {
                self.0.sol_set_return_data(data)
            }
            fn sol_log_data(&self, fields: &[&[u8]]) {
                self.0.sol_log_data(fields)
            }
            fn sol_get_processed_sibling_instruction(&self, index: usize) -> Option<Instruction> {
                self.0.sol_get_processed_sibling_instruction(index)
            }
            fn sol_get_stack_height(&self) -> u64 {
                self.0.sol_get_stack_height()
            }
        }
    };
}

forward_stubs!(solana_sysvar_v3::program_stubs::SyscallStubs);
forward_stubs!(solana_sysvar_v4::program_stubs::SyscallStubs);

/// Shares the runtime's stubs with the 3.x global. Must run after `solana-program-test` has
/// installed them, i.e. after the first `start`/`start_with_context` of the process.
fn share_runtime_stubs() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        struct Placeholder;
        impl solana_sysvar_v4::program_stubs::SyscallStubs for Placeholder {}
        let runtime = solana_sysvar_v4::program_stubs::set_syscall_stubs(Box::new(Placeholder));
        let shared = Arc::new(runtime);
        solana_sysvar_v4::program_stubs::set_syscall_stubs(Box::new(SharedStubs(shared.clone())));
        solana_sysvar_v3::program_stubs::set_syscall_stubs(Box::new(SharedStubs(shared)));
    });
}

/// Starts a chain from `pt` and makes sure native CPIs and sysvar reads reach the runtime.
pub async fn start(pt: ProgramTest) -> ProgramTestContext {
    let ctx = pt.start_with_context().await;
    share_runtime_stubs();
    ctx
}

/// The keypair named `label`: its secret is the keccak-256 of the label. Tests that must repeat
/// exactly (the compute-unit snapshot: a PDA's bump search depends on the addresses in its
/// seeds) name their keys instead of drawing random ones. Test keys only.
pub fn keypair(label: &str) -> Keypair {
    Keypair::new_from_array(compute_market::merkle::keccak(&[label.as_bytes()]))
}

/// Whether the program runs natively (`CM_PROGRAM=native`) instead of as SBF bytecode.
pub fn native() -> bool {
    match std::env::var("CM_PROGRAM").as_deref() {
        Ok("native") => true,
        Ok("sbf") | Err(_) => false,
        Ok(other) => panic!("CM_PROGRAM={other}: expected sbf (the default) or native"),
    }
}

/// The repository's root (this crate is `crates/svm-harness`).
/// The checkout under test: `CM_REPO_ROOT`, else the one the working directory is in (cargo runs
/// tests from their crate), else the one this crate was built from. Several checkouts (a CI clone,
/// a worktree) share one cargo target directory, so a test binary in it may have been built from
/// another checkout than the one running it.
fn repo_root() -> PathBuf {
    if let Some(root) = std::env::var_os("CM_REPO_ROOT") {
        return PathBuf::from(root);
    }
    if let Ok(cwd) = std::env::current_dir() {
        if let Some(root) = cwd.ancestors().find(|dir| {
            dir.join("programs/compute-market/Cargo.toml").is_file()
                && dir.join("scripts/solana/build-sbf.sh").is_file()
        }) {
            return root.to_path_buf();
        }
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The SBF bytes of `target/deploy/<library>.so`, checked (once) to be built from the sources
/// under test.
pub fn sbf_elf(library: &str) -> Vec<u8> {
    static CHECKED: OnceLock<()> = OnceLock::new();
    let root = repo_root();
    CHECKED.get_or_init(|| {
        let check = Command::new("bash")
            .arg("scripts/solana/build-sbf.sh")
            .arg("--check")
            .current_dir(&root)
            .output()
            .expect("bash runs");
        assert!(
            check.status.success(),
            "{}",
            String::from_utf8_lossy(&check.stderr).trim()
        );
    });
    std::fs::read(root.join(format!("target/deploy/{library}.so"))).expect("the checked .so reads")
}

/// The address of the reference program of the compute-unit bench (`programs/bench-noop`).
pub fn bench_noop_id() -> Pubkey {
    "BenchNoop1111111111111111111111111111111111"
        .parse()
        .expect("a valid address")
}

/// A program account of the BPF loader holding `elf`, as `solana-program-test` builds one.
fn program_account(elf: Vec<u8>) -> Account {
    Account {
        lamports: Rent::default().minimum_balance(elf.len()).max(1),
        data: elf,
        owner: solana_sdk_ids::bpf_loader::id(),
        executable: true,
        rent_epoch: 0,
    }
}

/// A `ProgramTest` with compute-market loaded as SBF bytecode by the BPF loader, as a cluster
/// runs it (or natively with `CM_PROGRAM=native`), and the bench's no-op reference program.
/// SPL Token, Token-2022 and the associated-token program are loaded as SBF by
/// `solana-program-test` itself.
pub fn program_test() -> ProgramTest {
    let mut pt = ProgramTest::default();
    pt.prefer_bpf(false);
    if native() {
        pt.add_program(
            "compute_market",
            program_id(),
            processor!(compute_market_entry),
        );
    } else {
        pt.add_account(program_id(), program_account(sbf_elf("compute_market")));
        pt.add_account(bench_noop_id(), program_account(sbf_elf("bench_noop")));
    }
    pt
}

mod chain;
pub use chain::{custom_error_code, Chain};
