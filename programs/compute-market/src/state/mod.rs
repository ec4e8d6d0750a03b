pub mod market_config;
pub mod rental;
pub mod supplier;

pub use market_config::*;
pub use rental::*;
pub use supplier::*;
