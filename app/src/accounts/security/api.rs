//! The server functions of the user's own security, each parse → scope → store → finish.

use super::SecurityStatus;
use crate::kit::error::AppError;
use leptos::prelude::*;

/// 修改密码: the current password, then the new one twice. Every other session of the user
/// ends; this one stays.
#[server(endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
    confirm_password: String,
) -> Result<(), AppError> {
    use super::{model, password, store};
    use crate::kit::request::{auth, client_ip, db};

    let result = async {
        let db = db()?;
        let auth = auth()?;
        let refuse =
            |field: &str, code: &str| crate::kit::forms::invalid("password", &[(field, code)], &[]);
        if current_password.is_empty() {
            return Err(refuse("current_password", "form.required"));
        }
        let stored = store::password_hash(&db, auth.user_id).await?;
        if !password::verify(current_password, stored).await {
            return Err(refuse("current_password", "password.wrong_current"));
        }
        model::check_new_password(
            "new_password",
            &new_password,
            Some(&confirm_password),
            &[&auth.email, &auth.name],
        )
        .map_err(|(field, code)| refuse(field, code))?;
        let hash = password::hash(new_password)
            .await
            .map_err(|_| AppError::Internal)?;
        store::change_password(&db, &auth, &hash, &client_ip()).await?;
        leptos_axum::redirect("/account/password?changed=1");
        Ok(())
    }
    .await;
    crate::kit::forms::finish("password", result)
}

#[server(endpoint = "security_status")]
pub async fn get_security_status() -> Result<SecurityStatus, AppError> {
    use super::{model, two_factor, Enrolment};
    use crate::kit::request::{auth, db};

    let result = async {
        // Contexts first: during server rendering a resource's future may be polled past an
        // await where the reactive owner no longer answers.
        let db = db()?;
        let auth = auth()?;
        let oidc_enabled = crate::kit::request::settings()?.oidc_enabled;
        let stored = super::store::security(&db, auth.user_id, &auth.session_id).await?;
        let pending = match (stored.enabled, stored.secret) {
            (false, Some(secret)) => {
                let uri = two_factor::otpauth_uri(&secret, &auth.email);
                Some(Enrolment {
                    qr_svg: two_factor::qr_svg(&uri),
                    uri,
                    secret,
                    recovery_codes: model::pending_codes(stored.pending_codes.as_deref()),
                })
            }
            _ => None,
        };
        Ok(SecurityStatus {
            enabled: stored.enabled,
            pending,
            recovery_codes_left: stored.recovery_codes_left,
            is_admin: stored.is_admin,
            provider_requires: stored.provider_requires,
            oidc_enabled,
            oidc_linked: stored.oidc_linked,
        })
    }
    .await;
    crate::kit::forms::finish("", result)
}

/// The password, checked before a change that weakens the account; refused next to the
/// password field of `form`.
#[cfg(feature = "ssr")]
async fn confirm_password(
    db: &crate::kit::db::Db,
    user_id: i64,
    password: String,
    form: &str,
) -> Result<(), AppError> {
    let stored = super::store::password_hash(db, user_id).await?;
    if super::password::verify(password, stored).await {
        Ok(())
    } else {
        Err(crate::kit::forms::invalid(
            form,
            &[("password", "password.wrong_current")],
            &[],
        ))
    }
}

/// Removes the linked identity provider account, confirmed with the password.
#[server(endpoint = "unlink_oidc")]
pub async fn unlink_oidc(password: String) -> Result<(), AppError> {
    use crate::kit::request::{auth, client_ip, db};

    let result = async {
        let db = db()?;
        let auth = auth()?;
        confirm_password(&db, auth.user_id, password, "oidc-unlink").await?;
        super::store::unlink_oidc(&db, &auth, &client_ip()).await?;
        Ok(())
    }
    .await;
    crate::kit::forms::finish("oidc-unlink", result)
}

/// Starts enrolment: a new secret and recovery codes, shown until the first code confirms.
#[server(endpoint = "start_two_factor")]
pub async fn start_two_factor() -> Result<(), AppError> {
    use super::two_factor;
    use crate::kit::request::{auth, db};

    let result = async {
        let db = db()?;
        let auth = auth()?;
        let secret = two_factor::new_secret();
        let codes = two_factor::new_recovery_codes();
        super::store::start_enrolment(&db, auth.user_id, &secret, &codes).await?;
        Ok(())
    }
    .await;
    crate::kit::forms::finish("two-factor", result)
}

/// Confirms enrolment with a code from the app; the recovery codes become valid.
#[server(endpoint = "confirm_two_factor")]
pub async fn confirm_two_factor(code: String) -> Result<(), AppError> {
    use super::{model, two_factor};
    use crate::kit::db::now;
    use crate::kit::request::{auth, client_ip, db};

    let result = async {
        let db = db()?;
        let auth = auth()?;
        let not_pending = || AppError::Conflict("two_factor.error.not_pending".into());
        let (secret, codes) = super::store::pending_enrolment(&db, auth.user_id)
            .await?
            .ok_or_else(not_pending)?;
        let Some(step) = two_factor::verify(&secret, &code, now(), 0) else {
            return Err(crate::kit::forms::invalid(
                "two-factor",
                &[("code", "login.error.code")],
                &[],
            ));
        };
        let codes = model::pending_codes(codes.as_deref());
        if !super::store::enable_two_factor(&db, &auth, step, &codes, &client_ip()).await? {
            return Err(not_pending());
        }
        Ok(())
    }
    .await;
    crate::kit::forms::finish("two-factor", result)
}

/// Turns two-factor sign-in off, confirmed with the password.
#[server(endpoint = "disable_two_factor")]
pub async fn disable_two_factor(password: String) -> Result<(), AppError> {
    use crate::kit::request::{auth, client_ip, db};

    let result = async {
        let db = db()?;
        let auth = auth()?;
        confirm_password(&db, auth.user_id, password, "two-factor-off").await?;
        super::store::disable_two_factor(&db, &auth, &client_ip()).await?;
        Ok(())
    }
    .await;
    crate::kit::forms::finish("two-factor-off", result)
}

/// The provider admin requires (or stops requiring) a second factor of every member.
#[server(endpoint = "require_two_factor")]
pub async fn require_two_factor(required: Option<String>) -> Result<(), AppError> {
    use crate::kit::request::Role;
    use crate::kit::request::{client_ip, db, provider_scope};

    let result = async {
        let db = db()?;
        let (_, scope) = provider_scope()?;
        if scope.role != Role::Admin {
            return Err(AppError::Forbidden);
        }
        let required = required.is_some();
        let own = super::store::has_two_factor(&db, scope.user_id).await?;
        super::model::may_require_two_factor(required, own)
            .map_err(|code| AppError::Conflict(code.into()))?;
        super::store::set_required(&db, &scope, required, &client_ip()).await?;
        Ok(())
    }
    .await;
    crate::kit::forms::finish("two-factor-rule", result)
}
