pub mod fund_ignition;
pub mod init_ignition_vault;

pub use fund_ignition::*;
pub use init_ignition_vault::*;
