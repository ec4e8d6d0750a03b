//! The compute-market test chain: agave's runtime (through `solana-program-test`) with the
//! Anchor program registered as a native builtin and SPL Token executing as SBF bytecode.
//!
//! Two adaptations make a native Anchor program run faithfully here:
//! 1. Anchor's generated `entry` ties all its lifetimes to one `'info`, which does not fit the
//!    `processor!` signature; [`compute_market_entry`] is the shim.
//! 2. Anchor 1.x performs CPIs through `solana-invoke` and reads sysvars through `solana-sysvar`
//!    3.x, whose host stubs are a different global from the `solana-sysvar` 4.x stubs that
//!    `solana-program-test` installs. Left alone, a native CPI would silently succeed without
//!    running. [`ForwardToRuntime`] forwards the 3.x stubs into the 4.x ones.

use std::sync::Once;

use anchor_lang::solana_program::{
    account_info::AccountInfo, entrypoint::ProgramResult, instruction::Instruction, pubkey::Pubkey,
};
use solana_program_test::{processor, ProgramTest};

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
    let (accounts, data): (&'a [AccountInfo<'a>], &'a [u8]) =
        unsafe { (std::mem::transmute(accounts), std::mem::transmute(data)) };
    compute_market::entry(program_id, accounts, data)
}

/// Forwards the `solana-sysvar` 3.x host stubs (used by Anchor and `solana-invoke`) to the
/// 4.x stubs installed by `solana-program-test`, which route into the runtime.
struct ForwardToRuntime;

impl solana_sysvar_v3::program_stubs::SyscallStubs for ForwardToRuntime {
    fn sol_log(&self, message: &str) {
        solana_sysvar_v4::program_stubs::sol_log(message)
    }
    fn sol_log_compute_units(&self) {
        solana_sysvar_v4::program_stubs::sol_log_compute_units()
    }
    fn sol_remaining_compute_units(&self) -> u64 {
        solana_sysvar_v4::program_stubs::sol_remaining_compute_units()
    }
    fn sol_invoke_signed(
        &self,
        instruction: &Instruction,
        account_infos: &[AccountInfo],
        signers_seeds: &[&[&[u8]]],
    ) -> ProgramResult {
        solana_sysvar_v4::program_stubs::sol_invoke_signed(instruction, account_infos, signers_seeds)
    }
    fn sol_get_sysvar(
        &self,
        sysvar_id_addr: *const u8,
        var_addr: *mut u8,
        offset: u64,
        length: u64,
    ) -> u64 {
        solana_sysvar_v4::program_stubs::sol_get_sysvar(sysvar_id_addr, var_addr, offset, length)
    }
    fn sol_get_clock_sysvar(&self, var_addr: *mut u8) -> u64 {
        solana_sysvar_v4::program_stubs::sol_get_clock_sysvar(var_addr)
    }
    fn sol_get_epoch_schedule_sysvar(&self, var_addr: *mut u8) -> u64 {
        solana_sysvar_v4::program_stubs::sol_get_epoch_schedule_sysvar(var_addr)
    }
    fn sol_get_rent_sysvar(&self, var_addr: *mut u8) -> u64 {
        solana_sysvar_v4::program_stubs::sol_get_rent_sysvar(var_addr)
    }
    fn sol_get_epoch_rewards_sysvar(&self, var_addr: *mut u8) -> u64 {
        solana_sysvar_v4::program_stubs::sol_get_epoch_rewards_sysvar(var_addr)
    }
    fn sol_get_last_restart_slot(&self, var_addr: *mut u8) -> u64 {
        solana_sysvar_v4::program_stubs::sol_get_last_restart_slot(var_addr)
    }
    fn sol_get_stack_height(&self) -> u64 {
        solana_sysvar_v4::program_stubs::sol_get_stack_height()
    }
    fn sol_log_data(&self, fields: &[&[u8]]) {
        solana_sysvar_v4::program_stubs::sol_log_data(fields)
    }
}

/// Installs the stub forwarder once per process.
pub fn install_stub_forwarder() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        solana_sysvar_v3::program_stubs::set_syscall_stubs(Box::new(ForwardToRuntime));
    });
}

/// A `ProgramTest` with compute-market registered natively (SPL Token, Token-2022 and the
/// associated-token program are loaded as SBF by `solana-program-test` itself).
pub fn program_test() -> ProgramTest {
    install_stub_forwarder();
    let mut pt = ProgramTest::default();
    pt.prefer_bpf(false);
    pt.add_program("compute_market", program_id(), processor!(compute_market_entry));
    pt
}
