//! Accounts: registration and its review, activation, signing in (password with slider and
//! second factor, or OIDC), password reset and change, two-factor enrolment, the session's
//! provider and the frame's user data.

pub mod activation;
pub mod login;
#[cfg(feature = "ssr")]
pub mod notify;
#[cfg(feature = "ssr")]
pub mod operators;
#[cfg(feature = "ssr")]
pub mod password;
#[cfg(feature = "ssr")]
pub mod policy;
pub mod preferences;
pub mod registration;
pub mod security;
#[cfg(feature = "ssr")]
pub mod session;
#[cfg(feature = "ssr")]
pub mod store;
#[cfg(feature = "ssr")]
pub mod two_factor;

use crate::kit::error::AppError;
use crate::shell::ShellInfo;
use leptos::prelude::*;

pub use login::LoginPage;

/// Where a signed-in user lands: their provider's home, or the platform's.
pub fn home_path(is_operator: bool, has_provider: bool) -> &'static str {
    if has_provider || !is_operator {
        "/"
    } else {
        "/platform"
    }
}

/// Only paths of this site are followed after sign-in: one leading slash, then no second
/// slash or backslash, and nothing a browser drops or rewrites (tabs, newlines, spaces,
/// backslashes, other control characters), so `/\t/evil.example` cannot become
/// `//evil.example`.
pub fn safe_next(next: Option<&str>) -> Option<&str> {
    next.filter(|n| {
        let mut chars = n.chars();
        chars.next() == Some('/')
            && !matches!(chars.next(), Some('/' | '\\'))
            && n.len() <= 2000
            && n.chars()
                .all(|c| !c.is_control() && !c.is_whitespace() && c != '\\')
    })
}

/// Switches the session to another provider the user is an active member of (§2.3.1).
/// A provider the user does not belong to is answered as if it did not exist.
#[server(endpoint = "switch_provider")]
pub async fn switch_provider(provider_id: i64) -> Result<(), AppError> {
    use crate::kit::request::{auth, client_ip, db};

    let result = async {
        let db = db()?;
        let auth = auth()?;
        let memberships = store::memberships(&db, auth.user_id).await?;
        let target = memberships
            .iter()
            .find(|m| m.provider_id == provider_id)
            .ok_or(AppError::NotFound)?;
        store::switch_provider(
            &db,
            &auth.session_id,
            auth.user_id,
            target.provider_id,
            &client_ip(),
        )
        .await?;
        leptos_axum::redirect("/");
        Ok(())
    }
    .await;
    crate::kit::forms::finish("", result)
}

/// The frame's data: who is signed in, the current provider and the others to switch to.
#[server(endpoint = "shell_info")]
pub async fn get_shell_info() -> Result<ShellInfo, AppError> {
    use crate::kit::request::{auth, db};

    let result = async {
        let db = db()?;
        let auth = auth()?;
        let memberships = store::memberships(&db, auth.user_id).await?;
        let current = auth.provider.and_then(|p| {
            memberships
                .iter()
                .find(|m| m.provider_id == p.provider_id)
                .cloned()
        });
        Ok(ShellInfo {
            name: auth.name,
            email: auth.email,
            is_operator: auth.is_operator,
            current,
            memberships,
            two_factor_required: auth.two_factor_required,
            today: auth.time_zone.today(),
        })
    }
    .await;
    crate::kit::forms::finish("", result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(safe_next(Some("/bills?page=2")), Some("/bills?page=2"));
        assert_eq!(safe_next(Some("//evil.example")), None);
        assert_eq!(safe_next(Some("/\\evil.example")), None);
        assert_eq!(safe_next(Some("https://evil.example")), None);
        assert_eq!(safe_next(None), None);
        for hostile in [
            "/\t/evil.example/x",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "/ /evil.example",
            "/\u{0b}/evil.example",
            "/x\\evil",
            "\\\\evil.example",
            "javascript:alert(1)",
            "evil.example",
            "",
            "/\u{3000}/evil.example",
        ] {
            assert_eq!(safe_next(Some(hostile)), None, "{hostile:?}");
        }
        assert_eq!(safe_next(Some("/%2F/evil")), Some("/%2F/evil"));
        assert_eq!(safe_next(Some("/")), Some("/"));
    }
}
