pub mod admin;
pub mod escrow;
pub mod ignition;
pub mod supplier;
pub mod swap;

#[allow(ambiguous_glob_reexports)]
pub use admin::*;
#[allow(ambiguous_glob_reexports)]
pub use escrow::*;
#[allow(ambiguous_glob_reexports)]
pub use ignition::*;
#[allow(ambiguous_glob_reexports)]
pub use supplier::*;
#[allow(ambiguous_glob_reexports)]
pub use swap::*;
