//! Links sent by mail: 用户激活 (activation of an invited membership) and 忘记密码 (reset).
//! Each link is single-use and expiring; the URL holds a random token, the table its
//! SHA-256. Asking for a link answers the same whether or not the address is known.

pub mod api;
pub mod model;
#[cfg(feature = "ssr")]
pub mod notify;
mod pages;
#[cfg(feature = "ssr")]
pub mod store;

pub use api::*;
pub use model::{LinkState, ACTIVATION_SECS, RESET_SECS};
pub use pages::{ActivatePage, ForgotPage, PublicCard, ResetPage};
/// Other areas invite through this, in their own transaction (users' invitations).
#[cfg(feature = "ssr")]
pub use store::invite;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivationInfo {
    pub state: LinkState,
    pub company: String,
    pub email: String,
    pub name: String,
    pub phone: String,
    /// The person already has a password (a member of another provider): they confirm it.
    pub existing_account: bool,
}

impl ActivationInfo {
    /// What a dead link shows: its state, nothing about the person behind it.
    pub fn dead(state: LinkState) -> Self {
        ActivationInfo {
            state,
            company: String::new(),
            email: String::new(),
            name: String::new(),
            phone: String::new(),
            existing_account: false,
        }
    }
}
