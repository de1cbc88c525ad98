//! Accounts, as sub-areas of the same shape: registration and its review, activation and
//! password reset links, signing in (password with slider and second factor, or OIDC),
//! sessions (the session's provider and the frame's user data), the user's own security
//! (password change, two-factor enrolment), preferences, and platform operators.

pub mod activation;
pub mod login;
pub mod operators;
pub mod preferences;
pub mod registration;
pub mod security;
pub mod sessions;

pub use login::LoginPage;
pub use sessions::api::get_shell_info;
pub use sessions::{home_path, safe_next};
