//! The signed-in user's own security: 修改密码 (old + new, other sessions end) and two-factor
//! sign-in (enrol an authenticator app, recovery codes, turn off), the linked identity
//! provider, and for a provider admin the switch that requires a second factor of every
//! member. `model` holds the password policy and the brute-force waits, `two_factor` the
//! codes' arithmetic; both are pure.

pub mod api;
#[cfg(feature = "ssr")]
pub mod model;
#[cfg(feature = "ssr")]
pub mod notify;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod password;
#[cfg(feature = "ssr")]
pub mod store;
#[cfg(feature = "ssr")]
pub mod two_factor;

use serde::{Deserialize, Serialize};

pub use pages::{ChangePasswordPage, SecurityPage};

/// An enrolment in progress: the secret (as text, URI and QR code) and the recovery codes,
/// shown until the first code from the app confirms it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enrolment {
    pub secret: String,
    pub uri: String,
    pub qr_svg: String,
    pub recovery_codes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityStatus {
    pub enabled: bool,
    pub pending: Option<Enrolment>,
    pub recovery_codes_left: i64,
    /// Whether the user is the current provider's admin (the only one who sets the rule).
    pub is_admin: bool,
    pub provider_requires: bool,
    /// AAD 快捷登录 is configured, and whether an identity is linked to this account.
    pub oidc_enabled: bool,
    pub oidc_linked: bool,
}
