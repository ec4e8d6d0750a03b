pub mod market_config;
pub mod rental;
pub mod subsidy_claims;
pub mod subsidy_epoch;
pub mod supplier;
pub mod swap;

pub use market_config::*;
pub use rental::*;
pub use subsidy_claims::*;
pub use subsidy_epoch::*;
pub use supplier::*;
pub use swap::*;
