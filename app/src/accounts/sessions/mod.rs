//! Sessions: signing a user's browser in and out, the session's current provider and the
//! frame's user data.

pub mod api;
pub mod model;
#[cfg(feature = "ssr")]
pub mod store;

pub use model::{home_path, safe_next};

/// Ending a user's sessions is the one session move other areas make (a disabled member, a
/// user signing out their other devices): through the area, not its store.
#[cfg(feature = "ssr")]
pub use store::delete_for_user as end_sessions;
