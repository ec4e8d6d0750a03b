pub mod initialize;
pub mod update_config;

#[allow(ambiguous_glob_reexports)]
pub use initialize::*;
#[allow(ambiguous_glob_reexports)]
pub use update_config::*;
