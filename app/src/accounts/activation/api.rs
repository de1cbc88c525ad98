//! The mailed links' server functions: an activation link's data and its use, a link sent
//! again, asking for a reset and using it; each parse → store → finish. Asking for a link
//! answers the same whether or not the address is known.

use super::{ActivationInfo, LinkState};
use crate::kit::error::AppError;

#[leptos::server(endpoint = "activation_info")]
pub async fn get_activation_info(token: String) -> Result<ActivationInfo, AppError> {
    let result = async {
        let db = crate::kit::request::db()?;
        super::store::activation_info(&db, &token).await
    }
    .await;
    crate::kit::forms::finish("", result)
}

/// 用户激活: sets name, phone and password (or, for someone who already has an account,
/// confirms it with their password) and makes the membership active.
#[leptos::server(endpoint = "activate")]
pub async fn activate(
    token: String,
    name: String,
    phone: String,
    password: String,
    confirm_password: Option<String>,
) -> Result<(), AppError> {
    use crate::accounts::security::{model as policy, password as pw};

    let typed = [("name", name.as_str()), ("phone", phone.as_str())];
    let result = async {
        let db = crate::kit::request::db()?;
        let refuse = |(field, code): (&str, &str)| {
            crate::kit::forms::invalid("activate", &[(field, code)], &typed)
        };
        let (email, _, stored) = super::store::link_account(&db, "activate", &token).await?;
        let (name, phone) = super::model::check_profile(&name, &phone).map_err(refuse)?;
        let new_hash = if stored.is_some() {
            if !pw::verify(password, stored).await {
                return Err(refuse(("password", "password.wrong_current")));
            }
            None
        } else {
            policy::check_new_password(
                "password",
                &password,
                confirm_password.as_deref(),
                &[&email, &name],
            )
            .map_err(refuse)?;
            Some(pw::hash(password).await.map_err(|_| AppError::Internal)?)
        };
        super::store::activate(
            &db,
            &token,
            &name,
            &phone,
            new_hash,
            &crate::kit::request::client_ip(),
        )
        .await?;
        leptos_axum::redirect(&format!(
            "/login?notice=activated&email={}",
            crate::kit::forms::encode_query(&email)
        ));
        Ok(())
    }
    .await;
    crate::kit::forms::finish("activate", result)
}

/// A new activation link for each invitation still open for this address. Answers alike
/// for unknown addresses.
#[leptos::server(endpoint = "resend_activation")]
pub async fn resend_activation(email: String) -> Result<(), AppError> {
    let result = async {
        let db = crate::kit::request::db()?;
        let settings = crate::kit::request::settings()?;
        let email = super::model::normalize_email(&email);
        if email.is_empty() {
            return Err(crate::kit::forms::invalid(
                "resend",
                &[("email", "form.required")],
                &[],
            ));
        }
        super::store::resend_invitations(&db, &settings.public_url, &email).await?;
        leptos_axum::redirect("/forgot?sent=activation");
        Ok(())
    }
    .await;
    crate::kit::forms::finish("resend", result)
}

/// 忘记密码？: mails a reset link to a known, activated address; answers alike otherwise.
#[leptos::server(endpoint = "request_reset")]
pub async fn request_reset(email: String) -> Result<(), AppError> {
    let result = async {
        let db = crate::kit::request::db()?;
        let settings = crate::kit::request::settings()?;
        let email = super::model::normalize_email(&email);
        super::model::check_reset_email(&email).map_err(|code| {
            crate::kit::forms::invalid("forgot", &[("email", code)], &[("email", &email)])
        })?;
        super::store::send_reset(&db, &settings.public_url, &email).await?;
        leptos_axum::redirect("/forgot?sent=reset");
        Ok(())
    }
    .await;
    crate::kit::forms::finish("forgot", result)
}

#[leptos::server(endpoint = "reset_state")]
pub async fn reset_state(token: String) -> Result<LinkState, AppError> {
    let result = async {
        let db = crate::kit::request::db()?;
        Ok(super::store::state(db.pool(), "reset", &token).await?)
    }
    .await;
    crate::kit::forms::finish("", result)
}

/// Sets a new password from a reset link; every session of the user ends.
#[leptos::server(endpoint = "reset_password")]
pub async fn reset_password(
    token: String,
    new_password: String,
    confirm_password: String,
) -> Result<(), AppError> {
    use crate::accounts::security::{model as policy, password as pw};

    let result = async {
        let db = crate::kit::request::db()?;
        let (email, name, _) = super::store::link_account(&db, "reset", &token).await?;
        policy::check_new_password(
            "new_password",
            &new_password,
            Some(&confirm_password),
            &[&email, &name],
        )
        .map_err(|(field, code)| crate::kit::forms::invalid("reset", &[(field, code)], &[]))?;
        let hash = pw::hash(new_password)
            .await
            .map_err(|_| AppError::Internal)?;
        super::store::reset(
            &db,
            &token,
            &hash,
            &email,
            &crate::kit::request::client_ip(),
        )
        .await?;
        leptos_axum::redirect(&format!(
            "/login?notice=reset&email={}",
            crate::kit::forms::encode_query(&email)
        ));
        Ok(())
    }
    .await;
    crate::kit::forms::finish("reset", result)
}
