//! The session's server functions: the frame's data, and switching to another provider.

use crate::kit::error::AppError;
use crate::shell::ShellInfo;
use leptos::prelude::*;

/// Switches the session to another provider the user is an active member of (§2.3.1).
/// A provider the user does not belong to is answered as if it did not exist.
#[server(endpoint = "switch_provider")]
pub async fn switch_provider(provider_id: i64) -> Result<(), AppError> {
    use crate::kit::request::{auth, client_ip, db};

    let result = async {
        let db = db()?;
        let auth = auth()?;
        let memberships = super::store::memberships(&db, auth.user_id).await?;
        let target = memberships
            .iter()
            .find(|m| m.provider_id == provider_id)
            .ok_or(AppError::NotFound)?;
        super::store::switch_provider(
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
        let memberships = super::store::memberships(&db, auth.user_id).await?;
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
            suspended_provider: auth.suspended_provider,
            today: auth.time_zone.today(),
        })
    }
    .await;
    crate::kit::forms::finish("", result)
}
