pub mod initialize;
pub mod update_config;

pub use initialize::*;
pub use update_config::*;
