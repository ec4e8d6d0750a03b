pub mod fund_ignition;
pub mod init_ignition_vault;

#[allow(ambiguous_glob_reexports)]
pub use fund_ignition::*;
#[allow(ambiguous_glob_reexports)]
pub use init_ignition_vault::*;
