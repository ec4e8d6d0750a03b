pub mod admin;
pub mod ignition;

pub use admin::*;
pub use ignition::*;
