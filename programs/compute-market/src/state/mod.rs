pub mod market_config;

pub use market_config::*;
