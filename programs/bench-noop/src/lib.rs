//! The reference of `npm run bench:cu`: an Anchor program with one instruction that takes no
//! accounts and does nothing, built by the same SBF route as compute-market. Its compute units
//! are what Anchor's entrypoint, dispatch and instruction-name log cost before any work.
//! Never deployed.
#![allow(unexpected_cfgs)]

use anchor_lang::prelude::*;

#[cfg(all(target_os = "solana", target_arch = "bpf"))]
extern crate solana_compiler_builtins;

declare_id!("BenchNoop1111111111111111111111111111111111");

#[program]
pub mod bench_noop {
    use super::*;

    pub fn noop(_ctx: Context<Noop>) -> Result<()> {
        Ok(())
    }
}

#[derive(Accounts)]
pub struct Noop {}
