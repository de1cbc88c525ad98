//! 登录 (§2.2): the password tab with its slider, the second factor, the AAD tab, sign-out.
//! The identity provider's round trip is the server's (`server/src/oidc.rs`); it finishes
//! through `store::complete` like a password sign-in.

pub mod api;
pub mod model;
mod pages;
#[cfg(feature = "ssr")]
pub mod store;

pub use api::*;
pub use model::{CHALLENGE_SECS, PENDING_ATTEMPTS, PENDING_COOKIE, PENDING_SECS};
pub use pages::{LoginPage, VerifyPage};
