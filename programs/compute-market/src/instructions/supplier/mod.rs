pub mod register_supplier;
pub mod update_offer;

#[allow(ambiguous_glob_reexports)]
pub use register_supplier::*;
#[allow(ambiguous_glob_reexports)]
pub use update_offer::*;
