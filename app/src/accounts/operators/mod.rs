//! Platform operators from the command line: `server operator add <email>` is how a real
//! installation (no `--demo`) gets its first operator, and how one is added later.

pub mod notify;
pub mod store;

pub use store::{add, OperatorAdded, OperatorRefused};
