pub mod authority;
pub mod init_escrow_vault;
pub mod initialize;
pub mod set_token_price;
pub mod update_config;

#[allow(ambiguous_glob_reexports)]
pub use authority::*;
#[allow(ambiguous_glob_reexports)]
pub use init_escrow_vault::*;
#[allow(ambiguous_glob_reexports)]
pub use initialize::*;
#[allow(ambiguous_glob_reexports)]
pub use set_token_price::*;
#[allow(ambiguous_glob_reexports)]
pub use update_config::*;
