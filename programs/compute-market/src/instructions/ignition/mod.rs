pub mod claim_subsidy;
pub mod close_subsidy_epoch;
pub mod fund_ignition;
pub mod init_ignition_vault;
pub mod init_subsidy_claims;
pub mod post_subsidy_epoch;

#[allow(ambiguous_glob_reexports)]
pub use claim_subsidy::*;
#[allow(ambiguous_glob_reexports)]
pub use close_subsidy_epoch::*;
#[allow(ambiguous_glob_reexports)]
pub use fund_ignition::*;
#[allow(ambiguous_glob_reexports)]
pub use init_ignition_vault::*;
#[allow(ambiguous_glob_reexports)]
pub use init_subsidy_claims::*;
#[allow(ambiguous_glob_reexports)]
pub use post_subsidy_epoch::*;
