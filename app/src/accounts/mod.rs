//! Accounts: signing in and out, the session's provider, and the frame's user data.
//! Registration, activation, reset and OIDC come with the accounts issue.

pub mod model;
#[cfg(feature = "ssr")]
pub mod password;
#[cfg(feature = "ssr")]
pub mod session;

use crate::error::AppError;
use crate::i18n::use_locale;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use model::ShellInfo;

/// Where a signed-in user lands: their provider's home, or the platform's.
pub fn home_path(is_operator: bool, has_provider: bool) -> &'static str {
    if has_provider || !is_operator {
        "/"
    } else {
        "/platform"
    }
}

/// Only same-site paths are followed after sign-in, never `//host` or `https://…`.
pub fn safe_next(next: Option<&str>) -> Option<&str> {
    next.filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.starts_with("/\\"))
}

/// Percent-encodes a query value.
pub fn encode_query(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::model::{MembershipView, Role};
    use crate::db::Db;
    use sqlx::Row;

    pub async fn memberships(db: &Db, user_id: i64) -> Result<Vec<MembershipView>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT p.id, p.name, m.role FROM memberships m JOIN providers p ON p.id = m.provider_id
             WHERE m.user_id = $1 AND m.status = 'active'
             ORDER BY m.created_at, p.id",
        )
        .bind(user_id)
        .fetch_all(db.pool())
        .await?;
        rows.iter()
            .map(|row| {
                let role: String = row.try_get("role")?;
                Ok(MembershipView {
                    provider_id: row.try_get("id")?,
                    provider_name: row.try_get("name")?,
                    role: Role::from_db(&role).ok_or_else(|| {
                        sqlx::Error::Decode(format!("unknown role {role}").into())
                    })?,
                })
            })
            .collect()
    }
}

/// Signs in with email and password. A plain form post: on success the browser is sent to
/// `next` (or home) with a fresh session cookie; on failure back to the login page with the
/// error and the email kept. Unknown email and wrong password answer alike.
#[server(endpoint = "login")]
pub async fn login(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    use crate::audit;
    use crate::scope::{client_ip, db, settings, user_agent};
    use leptos_axum::{redirect, ResponseOptions};

    let result = async {
        let db = db()?;
        let settings = settings()?;
        let email = email.trim().to_lowercase();
        let back_to_form = |code: &str| {
            let mut url = format!("/login?error={code}&email={}", encode_query(&email));
            if let Some(next) = safe_next(next.as_deref()) {
                url.push_str(&format!("&next={}", encode_query(next)));
            }
            redirect(&url);
        };
        if email.is_empty() || password.is_empty() {
            back_to_form("required");
            return Ok(());
        }
        let user =
            sqlx::query("SELECT id, password_hash, platform_role FROM users WHERE email = $1")
                .bind(&email)
                .fetch_optional(db.pool())
                .await?;
        use sqlx::Row;
        let (user_id, stored, is_operator) = match &user {
            Some(row) => (
                Some(row.try_get::<i64, _>("id")?),
                row.try_get::<Option<String>, _>("password_hash")?,
                row.try_get::<Option<String>, _>("platform_role")?.is_some(),
            ),
            None => (None, None, false),
        };
        let ip = client_ip();
        if !password::verify(password, stored).await {
            if let Some(user_id) = user_id {
                audit::record(
                    db.pool(),
                    audit::Entry {
                        provider_id: None,
                        actor_id: Some(user_id),
                        action: "login_failed",
                        target_type: "user",
                        target_id: &user_id.to_string(),
                        detail: "",
                        ip: &ip,
                    },
                )
                .await?;
            }
            back_to_form("credentials");
            return Ok(());
        }
        let user_id = user_id.ok_or(AppError::Internal)?;
        let memberships = ssr::memberships(&db, user_id).await?;
        if memberships.is_empty() && !is_operator {
            back_to_form("no_provider");
            return Ok(());
        }
        let provider_id = memberships.first().map(|m| m.provider_id);

        // A fresh session id at every sign-in; the one the browser had (if any) ends.
        if let Some(parts) = use_context::<http::request::Parts>() {
            if let Some(old) = session::cookie_value(&parts.headers, session::SESSION_COOKIE) {
                session::delete_by_token(&db, &old).await?;
            }
        }
        let token = session::create(&db, user_id, provider_id, &ip, &user_agent()).await?;
        let mut tx = db.begin().await?;
        sqlx::query("UPDATE users SET last_login_at = $1 WHERE id = $2")
            .bind(crate::db::now())
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        audit::record(
            &mut *tx,
            audit::Entry {
                provider_id,
                actor_id: Some(user_id),
                action: "login",
                target_type: "user",
                target_id: &user_id.to_string(),
                detail: "",
                ip: &ip,
            },
        )
        .await?;
        tx.commit().await?;

        if let Some(response) = use_context::<ResponseOptions>() {
            response.append_header(
                http::header::SET_COOKIE,
                http::HeaderValue::from_str(&session::set_cookie(&token, settings.secure_cookies))
                    .map_err(|_| AppError::Internal)?,
            );
        }
        let target = safe_next(next.as_deref())
            .map(str::to_owned)
            .unwrap_or_else(|| home_path(is_operator, provider_id.is_some()).to_owned());
        redirect(&target);
        Ok(())
    }
    .await;
    crate::forms::finish("", result)
}

/// Ends the session and returns to the login page (manual §2.3.2).
#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    use crate::audit;
    use crate::scope::{auth, client_ip, db, settings};
    use leptos_axum::{redirect, ResponseOptions};

    let result = async {
        let db = db()?;
        let settings = settings()?;
        if let Ok(auth) = auth() {
            session::delete(&db, &auth.session_id).await?;
            audit::record(
                db.pool(),
                audit::Entry {
                    provider_id: auth.provider.map(|p| p.provider_id),
                    actor_id: Some(auth.user_id),
                    action: "logout",
                    target_type: "user",
                    target_id: &auth.user_id.to_string(),
                    detail: "",
                    ip: &client_ip(),
                },
            )
            .await?;
        }
        if let Some(response) = use_context::<ResponseOptions>() {
            response.append_header(
                http::header::SET_COOKIE,
                http::HeaderValue::from_str(&session::clear_cookie(settings.secure_cookies))
                    .map_err(|_| AppError::Internal)?,
            );
        }
        redirect("/login");
        Ok(())
    }
    .await;
    crate::forms::finish("", result)
}

/// Switches the session to another provider the user is an active member of (§2.3.1).
/// A provider the user does not belong to is answered as if it did not exist.
#[server(endpoint = "switch_provider")]
pub async fn switch_provider(provider_id: i64) -> Result<(), AppError> {
    use crate::audit;
    use crate::scope::{auth, client_ip, db};

    let result = async {
        let db = db()?;
        let auth = auth()?;
        let memberships = ssr::memberships(&db, auth.user_id).await?;
        let target = memberships
            .iter()
            .find(|m| m.provider_id == provider_id)
            .ok_or(AppError::NotFound)?;
        let mut tx = db.begin().await?;
        sqlx::query("UPDATE sessions SET provider_id = $1 WHERE id = $2")
            .bind(target.provider_id)
            .bind(&auth.session_id)
            .execute(&mut *tx)
            .await?;
        audit::record(
            &mut *tx,
            audit::Entry {
                provider_id: Some(target.provider_id),
                actor_id: Some(auth.user_id),
                action: "switch_provider",
                target_type: "provider",
                target_id: &target.provider_id.to_string(),
                detail: "",
                ip: &client_ip(),
            },
        )
        .await?;
        tx.commit().await?;
        leptos_axum::redirect("/");
        Ok(())
    }
    .await;
    crate::forms::finish("", result)
}

/// The frame's data: who is signed in, the current provider and the others to switch to.
#[server(endpoint = "shell_info")]
pub async fn get_shell_info() -> Result<ShellInfo, AppError> {
    use crate::scope::{auth, db};

    let result = async {
        let db = db()?;
        let auth = auth()?;
        let memberships = ssr::memberships(&db, auth.user_id).await?;
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
        })
    }
    .await;
    crate::forms::finish("", result)
}

/// 登录 (§2.2): the password tab signs in; the AAD tab is reached without JavaScript too.
#[component]
pub fn LoginPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let get = move |key: &str| query.read_untracked().get(key).unwrap_or_default();
    let error = get("error");
    let email = get("email");
    let next = get("next");
    let aad = get("tab") == "aad";
    let error_text = match error.as_str() {
        "" => None,
        "credentials" => Some(locale.t("login.error.credentials")),
        "required" => Some(locale.t("login.error.required")),
        "no_provider" => Some(locale.t("login.error.no_provider")),
        _ => Some(locale.t("error.internal")),
    };
    let tab_class = move |active: bool| if active { "tab active" } else { "tab" };
    view! {
        <leptos_meta::Title text=locale.t("login.title") />
        <div class="login-page">
            <div class="login-card">
                <div class="login-brand">
                    <span class="logo-mark">"PC"</span>
                    <span>{locale.t("app.name")}</span>
                </div>
                <nav class="tabs" aria-label=locale.t("login.title")>
                    <a class=tab_class(!aad) href="/login">{locale.t("login.tab.password")}</a>
                    <a class=tab_class(aad) href="/login?tab=aad">{locale.t("login.tab.aad")}</a>
                </nav>
                {if aad {
                    view! { <p class="notice">{locale.t("login.aad.unavailable")}</p> }.into_any()
                } else {
                    view! {
                        <form method="post" action="/api/login" class="form" novalidate>
                            {error_text.map(|text| view! { <p class="form-error" role="alert">{text}</p> })}
                            <input type="hidden" name="next" value=next />
                            <label class="field">
                                <span>{locale.t("login.email")}</span>
                                <input type="email" name="email" value=email autocomplete="username" required />
                            </label>
                            <label class="field">
                                <span>{locale.t("login.password")}</span>
                                <input type="password" name="password" autocomplete="current-password" required />
                            </label>
                            <button type="submit" class="button primary wide">{locale.t("login.submit")}</button>
                        </form>
                    }
                    .into_any()
                }}
                <p class="login-lang">
                    <a rel="external" href=format!("/lang/{}", locale.other().tag())>
                        {locale.t("lang.switch")}
                    </a>
                </p>
            </div>
        </div>
    }
}

/// The localized message for an error a server function returned.
pub fn error_text(locale: crate::i18n::Locale, error: &AppError) -> String {
    locale.t_dyn(error.message_key())
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
    }

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(encode_query("a b&c=d@例"), "a%20b%26c%3Dd%40%E4%BE%8B");
    }
}
