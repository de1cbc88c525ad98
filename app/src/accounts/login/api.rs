//! The sign-in's server functions: the slider's challenge, the password, the second step,
//! signing out, and whether the AAD tab has an identity provider behind it.
//!
//! Password sign-in is a plain form post in both modes (a change of session reloads the
//! page). The slider is a server-issued, single-use, short-lived challenge; failures are
//! throttled per typed account and per client address; an unknown email answers exactly
//! like a wrong password.

use crate::kit::error::AppError;

#[cfg(feature = "ssr")]
fn set_cookie(value: String) -> Result<(), AppError> {
    if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        response.append_header(
            http::header::SET_COOKIE,
            http::HeaderValue::from_str(&value).map_err(|_| AppError::Internal)?,
        );
    }
    Ok(())
}

#[cfg(feature = "ssr")]
fn request_cookie(name: &str) -> Option<String> {
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| crate::kit::cookie::cookie_value(&parts.headers, name))
}

/// A fresh slider challenge for the login form.
#[leptos::server(endpoint = "login_challenge")]
pub async fn login_challenge() -> Result<String, AppError> {
    let result =
        async { Ok(super::store::issue_challenge(&crate::kit::request::db()?).await?) }.await;
    crate::kit::forms::finish("", result)
}

/// Signs in with email and password. On success the browser goes to `next` (or home) with
/// a fresh session, or to the second factor; on failure back to the login page with the
/// error and the email kept.
#[leptos::server(endpoint = "login")]
pub async fn login(
    email: String,
    password: String,
    challenge: Option<String>,
    slider: Option<String>,
    next: Option<String>,
) -> Result<(), AppError> {
    use super::model::{self, PENDING_COOKIE, PENDING_SECS};
    use super::store;
    use crate::accounts::safe_next;
    use crate::accounts::security::{model as policy, password};
    use crate::accounts::sessions;
    use crate::kit::request::{client_ip, db, settings, user_agent};
    use leptos_axum::redirect;

    let result = async {
        let db = db()?;
        let settings = settings()?;
        let email = email.trim().to_lowercase();
        let back = |code: &str, extra: &str| {
            redirect(&model::back_to_form(code, &email, extra, next.as_deref()));
        };
        if email.is_empty() || password.is_empty() {
            back("required", "");
            return Ok(());
        }
        // The slider first: each challenge answers one attempt, right or wrong.
        let challenge_ok = match challenge.as_deref() {
            Some(token) if !token.is_empty() => store::consume_challenge(&db, token).await?,
            _ => false,
        };
        if !model::slider_passed(challenge_ok, slider.as_deref()) {
            back("slider", "");
            return Ok(());
        }
        let ip = client_ip();
        let wait = store::throttle_wait(&db, &email, &ip).await?;
        if wait > 0 {
            let minutes = policy::minutes(wait);
            back("throttled", &format!("&minutes={minutes}"));
            return Ok(());
        }
        let (user_id, stored, two_factor) = match store::account(&db, &email).await? {
            Some((id, stored, two_factor)) => (Some(id), stored, two_factor),
            None => (None, None, false),
        };
        if !password::verify(password, stored).await {
            store::record_failure(&db, &email, &ip).await?;
            if let Some(user_id) = user_id {
                crate::kit::audit::user_event(db.pool(), None, user_id, "login_failed", "", &ip)
                    .await?;
            }
            back("credentials", "");
            return Ok(());
        }
        store::clear_failures(&db, &email).await?;
        let user_id = user_id.ok_or(AppError::Internal)?;
        if two_factor {
            let token =
                store::start_pending(&db, user_id, safe_next(next.as_deref()).unwrap_or_default())
                    .await?;
            set_cookie(sessions::model::cookie(
                PENDING_COOKIE,
                &token,
                PENDING_SECS,
                settings.secure_cookies,
            ))?;
            redirect("/login/verify");
            return Ok(());
        }
        let old = request_cookie(sessions::model::SESSION_COOKIE);
        match store::complete(
            &db,
            user_id,
            next.as_deref(),
            &ip,
            &user_agent(),
            old.as_deref(),
            "password",
        )
        .await?
        {
            Ok(signed_in) => {
                set_cookie(sessions::model::set_cookie(
                    &signed_in.token,
                    settings.secure_cookies,
                ))?;
                redirect(&signed_in.target);
            }
            Err(refused) => back(refused.code(), ""),
        }
        Ok(())
    }
    .await;
    crate::kit::forms::finish("", result)
}

/// The second step: a code from the authenticator app, or a recovery code.
#[leptos::server(endpoint = "login_verify")]
pub async fn login_verify(code: String) -> Result<(), AppError> {
    use super::model::{self, PENDING_COOKIE};
    use super::store;
    use crate::accounts::sessions;
    use crate::kit::request::{client_ip, db, settings, user_agent};
    use leptos_axum::redirect;

    let result = async {
        let db = db()?;
        let settings = settings()?;
        let Some(token) = request_cookie(PENDING_COOKIE) else {
            redirect("/login?error=pending_expired");
            return Ok(());
        };
        let Some((user_id, next)) = store::pending(&db, &token).await? else {
            set_cookie(sessions::model::cookie(
                PENDING_COOKIE,
                "",
                0,
                settings.secure_cookies,
            ))?;
            redirect("/login?error=pending_expired");
            return Ok(());
        };
        // Wrong codes count per account, across sign-ins: a fresh password sign-in does not
        // buy fresh guesses.
        // Each try is reserved before the code is looked at (counted as a failure, undone
        // on success), so parallel requests cannot all slip through one free slot.
        let Some(failures) = store::reserve_second_factor_try(&db, user_id).await? else {
            return Err(crate::kit::forms::invalid(
                "verify",
                &[("code", "login.error.code_throttled")],
                &[],
            ));
        };
        let attempts = store::count_pending_try(&db, &token).await?;
        let correct = match attempts {
            Some(_) => store::check_second_factor(&db, user_id, &code).await?,
            None => false,
        };
        if !correct {
            if attempts.is_some() {
                store::second_factor_failed(&db, user_id, failures, &client_ip()).await?;
            }
            // The pending sign-in's own tries are used up: back to the password.
            if model::pending_used_up(attempts) {
                store::drop_pending(&db, &token).await?;
                set_cookie(sessions::model::cookie(
                    PENDING_COOKIE,
                    "",
                    0,
                    settings.secure_cookies,
                ))?;
                redirect("/login?error=pending_expired");
                return Ok(());
            }
            return Err(crate::kit::forms::invalid(
                "verify",
                &[("code", "login.error.code")],
                &[],
            ));
        }
        store::second_factor_passed(&db, &token, user_id).await?;
        set_cookie(sessions::model::cookie(
            PENDING_COOKIE,
            "",
            0,
            settings.secure_cookies,
        ))?;
        let old = request_cookie(sessions::model::SESSION_COOKIE);
        let next = (!next.is_empty()).then_some(next);
        match store::complete(
            &db,
            user_id,
            next.as_deref(),
            &client_ip(),
            &user_agent(),
            old.as_deref(),
            "password+totp",
        )
        .await?
        {
            Ok(signed_in) => {
                set_cookie(sessions::model::set_cookie(
                    &signed_in.token,
                    settings.secure_cookies,
                ))?;
                redirect(&signed_in.target);
            }
            Err(refused) => redirect(&format!("/login?error={}", refused.code())),
        }
        Ok(())
    }
    .await;
    crate::kit::forms::finish("verify", result)
}

/// Ends the session and returns to the login page (manual §2.3.2).
#[leptos::server(endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    use crate::accounts::sessions;
    use crate::kit::audit;
    use crate::kit::request::{auth, client_ip, db, settings};

    let result = async {
        let db = db()?;
        let settings = settings()?;
        if let Ok(auth) = auth() {
            sessions::store::delete(&db, &auth.session_id).await?;
            audit::user_event(
                db.pool(),
                auth.provider.map(|p| p.provider_id),
                auth.user_id,
                "logout",
                "",
                &client_ip(),
            )
            .await?;
        }
        set_cookie(sessions::model::clear_cookie(settings.secure_cookies))?;
        leptos_axum::redirect("/login");
        Ok(())
    }
    .await;
    crate::kit::forms::finish("", result)
}

/// Whether the AAD tab has an identity provider behind it (OIDC configured on the server).
#[leptos::server(endpoint = "aad_enabled")]
pub async fn aad_enabled() -> Result<bool, AppError> {
    Ok(crate::kit::request::settings()?.oidc_enabled)
}
