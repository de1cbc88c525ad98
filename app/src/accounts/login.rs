//! 登录 (§2.2): the password tab with its slider, the second factor, the AAD tab, sign-out.
//!
//! Password sign-in is a plain form post in both modes (a change of session reloads the
//! page). The slider is a server-issued, single-use, short-lived challenge; failures are
//! throttled per typed account and per client address; an unknown email answers exactly
//! like a wrong password.

#[cfg(feature = "ssr")]
use super::safe_next;
use crate::kit::error::AppError;
use crate::kit::forms::encode_query;
use crate::kit::i18n::use_locale;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The cookie that carries a sign-in between the password and the second factor.
pub const PENDING_COOKIE: &str = "pc_pending";
/// Minutes a slider challenge stays good.
pub const CHALLENGE_SECS: i64 = 300;
/// Time for the second factor after the password.
pub const PENDING_SECS: i64 = 300;
/// Wrong codes before the second step starts over from the password.
pub const PENDING_ATTEMPTS: i64 = 5;

#[cfg(feature = "ssr")]
pub mod ssr {
    use crate::accounts::session;
    pub use crate::accounts::session::cookie;
    use crate::kit::db::{now, Db};
    use crate::kit::error::AppError;
    use sqlx::Row;

    /// Where a completed sign-in goes, with the cookie token of its new session.
    pub struct SignedIn {
        pub token: String,
        pub target: String,
    }

    /// Why a verified identity still may not sign in.
    #[derive(Debug, PartialEq, Eq)]
    pub enum Refused {
        NoProvider,
    }

    /// Starts the session of a user whose identity is proven (password and second factor,
    /// or the identity provider): a fresh session id, the old one (`old_token`) ended.
    pub async fn complete(
        db: &Db,
        user_id: i64,
        next: Option<&str>,
        ip: &str,
        user_agent: &str,
        old_token: Option<&str>,
        method: &str,
    ) -> Result<Result<SignedIn, Refused>, AppError> {
        let is_operator: bool = sqlx::query("SELECT platform_role FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_one(db.pool())
            .await?
            .try_get::<Option<String>, _>("platform_role")?
            .is_some();
        let memberships = crate::accounts::store::memberships(db, user_id).await?;
        if memberships.is_empty() && !is_operator {
            return Ok(Err(Refused::NoProvider));
        }
        let provider_id = memberships.first().map(|m| m.provider_id);
        if let Some(old) = old_token {
            session::delete_by_token(db, old).await?;
        }
        let token = session::create(db, user_id, provider_id, ip, user_agent).await?;
        let mut tx = db.begin().await?;
        sqlx::query("UPDATE users SET last_login_at = $1 WHERE id = $2")
            .bind(now())
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        crate::kit::audit::record(
            &mut *tx,
            crate::kit::audit::Entry {
                provider_id,
                actor_id: Some(user_id),
                action: "login",
                target_type: "user",
                target_id: &user_id.to_string(),
                detail: method,
                ip,
            },
        )
        .await?;
        tx.commit().await?;
        let target = super::safe_next(next)
            .map(str::to_owned)
            .unwrap_or_else(|| {
                super::super::home_path(is_operator, provider_id.is_some()).to_owned()
            });
        Ok(Ok(SignedIn { token, target }))
    }

    /// Issues a slider challenge; expired ones are swept on the way.
    pub async fn issue_challenge(db: &Db) -> Result<String, sqlx::Error> {
        let at = now();
        sqlx::query("DELETE FROM login_challenges WHERE expires_at <= $1")
            .bind(at)
            .execute(db.pool())
            .await?;
        let token = crate::kit::token::new_token();
        sqlx::query("INSERT INTO login_challenges (id, expires_at) VALUES ($1, $2)")
            .bind(crate::kit::token::hash_token(&token))
            .bind(at + super::CHALLENGE_SECS)
            .execute(db.pool())
            .await?;
        Ok(token)
    }

    /// Uses up a challenge: true once for a live one, false for unknown, used or expired.
    pub async fn consume_challenge(db: &Db, token: &str) -> Result<bool, sqlx::Error> {
        let used = sqlx::query("DELETE FROM login_challenges WHERE id = $1 AND expires_at > $2")
            .bind(crate::kit::token::hash_token(token))
            .bind(now())
            .execute(db.pool())
            .await?
            .rows_affected();
        Ok(used == 1)
    }

    async fn times(db: &Db, sql: &str, key: &str, since: i64) -> Result<Vec<i64>, sqlx::Error> {
        sqlx::query(sql)
            .bind(key)
            .bind(since)
            .fetch_all(db.pool())
            .await?
            .iter()
            .map(|row| row.try_get::<i64, _>("at"))
            .collect()
    }

    /// Seconds before `account` may try again from `ip` (0: now).
    pub async fn throttle_wait(db: &Db, account: &str, ip: &str) -> Result<i64, sqlx::Error> {
        let at = now();
        let since = at - crate::accounts::policy::WINDOW_SECS;
        let by_account = times(
            db,
            "SELECT at FROM login_failures WHERE account = $1 AND at > $2",
            account,
            since,
        )
        .await?;
        let by_ip = times(
            db,
            "SELECT at FROM login_failures WHERE ip = $1 AND at > $2 ORDER BY at DESC LIMIT 200",
            ip,
            since,
        )
        .await?;
        Ok(crate::accounts::policy::sign_in_wait(
            &by_account,
            &by_ip,
            at,
        ))
    }

    pub async fn record_failure(db: &Db, account: &str, ip: &str) -> Result<(), sqlx::Error> {
        let at = now();
        sqlx::query("INSERT INTO login_failures (account, ip, at) VALUES ($1, $2, $3)")
            .bind(account)
            .bind(ip)
            .bind(at)
            .execute(db.pool())
            .await?;
        // Old rows serve no rule any more.
        sqlx::query("DELETE FROM login_failures WHERE at <= $1")
            .bind(at - 2 * crate::accounts::policy::WINDOW_SECS)
            .execute(db.pool())
            .await?;
        Ok(())
    }

    pub async fn clear_failures(db: &Db, account: &str) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM login_failures WHERE account = $1")
            .bind(account)
            .execute(db.pool())
            .await?;
        Ok(())
    }

    /// Reserves one second-factor try for `user_id`: counts it as a failure now (success
    /// resets the count) if the account's wait is over. A compare-and-set on the count, so of
    /// parallel tries only those that fit are let through. The count after this try, or
    /// `None` when the account must wait.
    pub async fn reserve_second_factor_try(
        db: &Db,
        user_id: i64,
    ) -> Result<Option<i64>, sqlx::Error> {
        let row = sqlx::query(
            "SELECT second_factor_failures, second_factor_failed_at FROM users WHERE id = $1",
        )
        .bind(user_id)
        .fetch_one(db.pool())
        .await?;
        let failures: i64 = row.try_get("second_factor_failures")?;
        let at = now();
        let wait = crate::accounts::policy::second_factor_wait(
            failures,
            row.try_get("second_factor_failed_at")?,
            at,
        );
        if wait > 0 {
            return Ok(None);
        }
        let reserved = sqlx::query(
            "UPDATE users SET second_factor_failures = second_factor_failures + 1,
                 second_factor_failed_at = $1
             WHERE id = $2 AND second_factor_failures = $3",
        )
        .bind(at)
        .bind(user_id)
        .bind(failures)
        .execute(db.pool())
        .await?
        .rows_affected();
        Ok((reserved == 1).then_some(failures + 1))
    }

    /// A reserved try was a wrong code: audits it, and mails the user when the codes start
    /// to wait (someone may hold their password).
    pub async fn second_factor_failed(
        db: &Db,
        user_id: i64,
        failures: i64,
        ip: &str,
    ) -> Result<(), sqlx::Error> {
        let mut tx = db.begin().await?;
        let row = sqlx::query("SELECT email FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_one(&mut *tx)
            .await?;
        crate::kit::audit::user_event(
            &mut *tx,
            None,
            user_id,
            "second_factor_failed",
            &failures.to_string(),
            ip,
        )
        .await?;
        if failures == crate::accounts::policy::FREE_SECOND_FACTOR_FAILURES {
            let email: String = row.try_get("email")?;
            let mail = crate::accounts::notify::second_factor_alert(&email);
            crate::kit::mail::enqueue(&mut *tx, &mail).await?;
        }
        tx.commit().await
    }

    /// Checks a second factor: a TOTP code (each time step once) or an unused recovery code.
    pub async fn check_second_factor(
        db: &Db,
        user_id: i64,
        typed: &str,
    ) -> Result<bool, sqlx::Error> {
        use crate::accounts::two_factor;
        let row = sqlx::query(
            "SELECT totp_secret, totp_last_step FROM users WHERE id = $1 AND totp_enabled_at IS NOT NULL",
        )
        .bind(user_id)
        .fetch_optional(db.pool())
        .await?;
        let Some(row) = row else {
            return Ok(false);
        };
        let secret: Option<String> = row.try_get("totp_secret")?;
        let last_step: i64 = row.try_get("totp_last_step")?;
        if let Some(step) = secret
            .as_deref()
            .and_then(|s| two_factor::verify(s, typed, now(), last_step))
        {
            // Conditional: of two requests with the same code, one wins.
            let won = sqlx::query(
                "UPDATE users SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $1",
            )
            .bind(step)
            .bind(user_id)
            .execute(db.pool())
            .await?
            .rows_affected();
            return Ok(won == 1);
        }
        let code = two_factor::normalize_recovery_code(typed);
        if code.len() != 8 {
            return Ok(false);
        }
        let used = sqlx::query(
            "UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
        )
        .bind(now())
        .bind(user_id)
        .bind(crate::kit::token::hash_token(&code))
        .execute(db.pool())
        .await?
        .rows_affected();
        Ok(used == 1)
    }
}

#[cfg(feature = "ssr")]
fn set_cookie(value: String) -> Result<(), AppError> {
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.append_header(
            http::header::SET_COOKIE,
            http::HeaderValue::from_str(&value).map_err(|_| AppError::Internal)?,
        );
    }
    Ok(())
}

#[cfg(feature = "ssr")]
fn request_cookie(name: &str) -> Option<String> {
    use_context::<http::request::Parts>()
        .and_then(|parts| crate::kit::cookie::cookie_value(&parts.headers, name))
}

/// A fresh slider challenge for the login form.
#[server(endpoint = "login_challenge")]
pub async fn login_challenge() -> Result<String, AppError> {
    let result = async { Ok(ssr::issue_challenge(&crate::kit::request::db()?).await?) }.await;
    crate::kit::forms::finish("", result)
}

/// Signs in with email and password. On success the browser goes to `next` (or home) with
/// a fresh session, or to the second factor; on failure back to the login page with the
/// error and the email kept.
#[server(endpoint = "login")]
pub async fn login(
    email: String,
    password: String,
    challenge: Option<String>,
    slider: Option<String>,
    next: Option<String>,
) -> Result<(), AppError> {
    use super::{password, session};
    use crate::kit::request::{client_ip, db, settings, user_agent};
    use leptos_axum::redirect;
    use sqlx::Row;

    let result = async {
        let db = db()?;
        let settings = settings()?;
        let email = email.trim().to_lowercase();
        let back = |code: &str, extra: &str| {
            let mut url = format!("/login?error={code}&email={}{extra}", encode_query(&email));
            if let Some(next) = safe_next(next.as_deref()) {
                url.push_str(&format!("&next={}", encode_query(next)));
            }
            redirect(&url);
        };
        if email.is_empty() || password.is_empty() {
            back("required", "");
            return Ok(());
        }
        // The slider first: each challenge answers one attempt, right or wrong.
        let challenge_ok = match challenge.as_deref() {
            Some(token) if !token.is_empty() => ssr::consume_challenge(&db, token).await?,
            _ => false,
        };
        if !challenge_ok || slider.as_deref() != Some("100") {
            back("slider", "");
            return Ok(());
        }
        let ip = client_ip();
        let wait = ssr::throttle_wait(&db, &email, &ip).await?;
        if wait > 0 {
            let minutes = super::policy::minutes(wait);
            back("throttled", &format!("&minutes={minutes}"));
            return Ok(());
        }
        let user = sqlx::query("SELECT id, password_hash, totp_enabled_at FROM users WHERE email = $1")
            .bind(&email)
            .fetch_optional(db.pool())
            .await?;
        let (user_id, stored, two_factor) = match &user {
            Some(row) => (
                Some(row.try_get::<i64, _>("id")?),
                row.try_get::<Option<String>, _>("password_hash")?,
                row.try_get::<Option<i64>, _>("totp_enabled_at")?.is_some(),
            ),
            None => (None, None, false),
        };
        if !password::verify(password, stored).await {
            ssr::record_failure(&db, &email, &ip).await?;
            if let Some(user_id) = user_id {
                crate::kit::audit::user_event(db.pool(), None, user_id, "login_failed", "", &ip).await?;
            }
            back("credentials", "");
            return Ok(());
        }
        ssr::clear_failures(&db, &email).await?;
        let user_id = user_id.ok_or(AppError::Internal)?;
        if two_factor {
            let token = crate::kit::token::new_token();
            sqlx::query(
                "INSERT INTO pending_sign_ins (id, user_id, next, expires_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(crate::kit::token::hash_token(&token))
            .bind(user_id)
            .bind(safe_next(next.as_deref()).unwrap_or_default())
            .bind(crate::kit::db::now() + PENDING_SECS)
            .execute(db.pool())
            .await?;
            set_cookie(ssr::cookie(PENDING_COOKIE, &token, PENDING_SECS, settings.secure_cookies))?;
            redirect("/login/verify");
            return Ok(());
        }
        let old = request_cookie(session::SESSION_COOKIE);
        match ssr::complete(&db, user_id, next.as_deref(), &ip, &user_agent(), old.as_deref(), "password")
            .await?
        {
            Ok(signed_in) => {
                set_cookie(session::set_cookie(&signed_in.token, settings.secure_cookies))?;
                redirect(&signed_in.target);
            }
            Err(ssr::Refused::NoProvider) => back("no_provider", ""),
        }
        Ok(())
    }
    .await;
    crate::kit::forms::finish("", result)
}

/// The second step: a code from the authenticator app, or a recovery code.
#[server(endpoint = "login_verify")]
pub async fn login_verify(code: String) -> Result<(), AppError> {
    use super::session;
    use crate::kit::request::{client_ip, db, settings, user_agent};
    use leptos_axum::redirect;
    use sqlx::Row;

    let result = async {
        let db = db()?;
        let settings = settings()?;
        let Some(token) = request_cookie(PENDING_COOKIE) else {
            redirect("/login?error=pending_expired");
            return Ok(());
        };
        let id = crate::kit::token::hash_token(&token);
        let row = sqlx::query(
            "SELECT user_id, next, attempts FROM pending_sign_ins WHERE id = $1 AND expires_at > $2",
        )
        .bind(&id)
        .bind(crate::kit::db::now())
        .fetch_optional(db.pool())
        .await?;
        let Some(row) = row else {
            set_cookie(ssr::cookie(PENDING_COOKIE, "", 0, settings.secure_cookies))?;
            redirect("/login?error=pending_expired");
            return Ok(());
        };
        let user_id: i64 = row.try_get("user_id")?;
        let next: String = row.try_get("next")?;
        // Wrong codes count per account, across sign-ins: a fresh password sign-in does not
        // buy fresh guesses.
        // Each try is reserved before the code is looked at (counted as a failure, undone
        // on success), so parallel requests cannot all slip through one free slot.
        let Some(failures) = ssr::reserve_second_factor_try(&db, user_id).await? else {
            return Err(crate::kit::forms::invalid(
                "verify",
                &[("code", "login.error.code_throttled")],
                &[],
            ));
        };
        let attempt = sqlx::query(
            "UPDATE pending_sign_ins SET attempts = attempts + 1
             WHERE id = $1 AND attempts < $2 RETURNING attempts",
        )
        .bind(&id)
        .bind(PENDING_ATTEMPTS)
        .fetch_optional(db.pool())
        .await?;
        let attempts: Option<i64> = attempt.map(|row| row.try_get("attempts")).transpose()?;
        let correct = match attempts {
            Some(_) => ssr::check_second_factor(&db, user_id, &code).await?,
            None => false,
        };
        if !correct {
            if attempts.is_some() {
                ssr::second_factor_failed(&db, user_id, failures, &client_ip()).await?;
            }
            // The pending sign-in's own tries are used up: back to the password.
            if attempts.is_none_or(|n| n >= PENDING_ATTEMPTS) {
                sqlx::query("DELETE FROM pending_sign_ins WHERE id = $1")
                    .bind(&id)
                    .execute(db.pool())
                    .await?;
                set_cookie(ssr::cookie(PENDING_COOKIE, "", 0, settings.secure_cookies))?;
                redirect("/login?error=pending_expired");
                return Ok(());
            }
            return Err(crate::kit::forms::invalid("verify", &[("code", "login.error.code")], &[]));
        }
        sqlx::query("DELETE FROM pending_sign_ins WHERE id = $1")
            .bind(&id)
            .execute(db.pool())
            .await?;
        sqlx::query("UPDATE users SET second_factor_failures = 0 WHERE id = $1")
            .bind(user_id)
            .execute(db.pool())
            .await?;
        set_cookie(ssr::cookie(PENDING_COOKIE, "", 0, settings.secure_cookies))?;
        let old = request_cookie(session::SESSION_COOKIE);
        let next = (!next.is_empty()).then_some(next);
        match ssr::complete(&db, user_id, next.as_deref(), &client_ip(), &user_agent(), old.as_deref(), "password+totp")
            .await?
        {
            Ok(signed_in) => {
                set_cookie(session::set_cookie(&signed_in.token, settings.secure_cookies))?;
                redirect(&signed_in.target);
            }
            Err(ssr::Refused::NoProvider) => redirect("/login?error=no_provider"),
        }
        Ok(())
    }
    .await;
    crate::kit::forms::finish("verify", result)
}

/// Ends the session and returns to the login page (manual §2.3.2).
#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    use crate::kit::audit;
    use crate::kit::request::{auth, client_ip, db, settings};

    let result = async {
        let db = db()?;
        let settings = settings()?;
        if let Ok(auth) = auth() {
            super::session::delete(&db, &auth.session_id).await?;
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
        set_cookie(super::session::clear_cookie(settings.secure_cookies))?;
        leptos_axum::redirect("/login");
        Ok(())
    }
    .await;
    crate::kit::forms::finish("", result)
}

/// Whether the AAD tab has an identity provider behind it (OIDC configured on the server).
#[server(endpoint = "aad_enabled")]
pub async fn aad_enabled() -> Result<bool, AppError> {
    Ok(crate::kit::request::settings()?.oidc_enabled)
}

/// The slider (滑块): drag to the right end. A native range input, so it works without
/// JavaScript; with it, letting go before the end springs back, as the manual's does.
#[component]
fn Slider(challenge: String) -> impl IntoView {
    let locale = use_locale();
    let position = RwSignal::new(0_u32);
    let done = move || position.get() >= 100;
    // The fill follows the thumb through the CSSOM, never a style attribute, which the
    // page's Content-Security-Policy (no inline styles) would refuse.
    let slider = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        let pos = format!("{}%", position.get());
        #[cfg(feature = "hydrate")]
        if let Some(div) = slider.get() {
            let _ = web_sys::HtmlElement::style(&div).set_property("--pos", &pos);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (pos, slider);
    });
    view! {
        <div class="slider" class:done=done node_ref=slider>
            <input type="hidden" name="challenge" value=challenge />
            <input
                type="range" name="slider" min="0" max="100" step="1" value="0"
                class="slider-range" data-testid="slider"
                aria-label=locale.t("login.slider")
                prop:value=move || position.get().to_string()
                on:input=move |ev| position.set(event_target_value(&ev).parse().unwrap_or(0))
                on:change=move |ev| {
                    let value: u32 = event_target_value(&ev).parse().unwrap_or(0);
                    position.set(if value >= 100 { 100 } else { 0 });
                }
            />
            <span class="slider-label" aria-hidden="true">
                {move || if done() { locale.t("login.slider.done") } else { locale.t("login.slider") }}
            </span>
        </div>
    }
}

/// 登录 (§2.2): 密码登录 and AAD 快捷登录 tabs.
#[component]
pub fn LoginPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let get = move |key: &str| query.read_untracked().get(key).unwrap_or_default();
    let error = get("error");
    let email = get("email");
    let next = get("next");
    let aad = get("tab") == "aad";
    let minutes = get("minutes");
    let error_text = match error.as_str() {
        "" => None,
        "throttled" => Some(locale.tf("login.error.throttled", &[("minutes", &minutes)])),
        code if code.starts_with("oidc_") => Some(locale.t_dyn(&format!("login.error.{code}"))),
        "credentials" | "required" | "no_provider" | "slider" | "pending_expired" => {
            Some(locale.t_dyn(&format!("login.error.{error}")))
        }
        _ => Some(locale.t("error.internal").to_owned()),
    };
    let notice = match get("notice").as_str() {
        "activated" => Some(locale.t("login.notice.activated")),
        "reset" => Some(locale.t("login.notice.reset")),
        "password_changed" => Some(locale.t("login.notice.password_changed")),
        _ => None,
    };
    let tab_class = move |active: bool| if active { "tab active" } else { "tab" };
    let challenge = crate::kit::request_cache::page_resource(|| (), |_| login_challenge());
    let aad_on = crate::kit::request_cache::page_resource(|| (), |_| aad_enabled());
    let aad_href = if next.is_empty() {
        "/auth/oidc/start".to_owned()
    } else {
        format!("/auth/oidc/start?next={}", encode_query(&next))
    };
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
                {notice.map(|text| view! { <p class="notice ok" role="status">{text}</p> })}
                {error_text.map(|text| view! { <p class="form-error" role="alert">{text}</p> })}
                {if aad {
                    view! {
                        <Suspense fallback=|| ()>
                            {move || Suspend::new({
                                let aad_href = aad_href.clone();
                                async move {
                                    if aad_on.await.unwrap_or(false) {
                                        view! {
                                            <p class="muted">{locale.t("login.aad.hint")}</p>
                                            <a rel="external" class="button primary wide" href=aad_href data-testid="aad-login">
                                                {locale.t("login.aad.submit")}
                                            </a>
                                        }.into_any()
                                    } else {
                                        view! { <p class="notice">{locale.t("login.aad.unavailable")}</p> }.into_any()
                                    }
                                }
                            })}
                        </Suspense>
                    }.into_any()
                } else {
                    view! {
                        <form method="post" action="/api/login" class="form" novalidate>
                            <input type="hidden" name="next" value=next />
                            <label class="field">
                                <span>{locale.t("login.email")}</span>
                                <input type="email" name="email" value=email autocomplete="username" required />
                            </label>
                            <label class="field">
                                <span>{locale.t("login.password")}</span>
                                <input type="password" name="password" autocomplete="current-password" required />
                            </label>
                            <Suspense fallback=|| ()>
                                {move || Suspend::new(async move {
                                    challenge.await.ok().map(|challenge| view! { <Slider challenge /> })
                                })}
                            </Suspense>
                            <button type="submit" class="button primary wide">{locale.t("login.submit")}</button>
                        </form>
                        <p class="login-links">
                            <a href="/forgot">{locale.t("login.forgot")}</a>
                            <a href="/register">{locale.t("login.register")}</a>
                        </p>
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

/// The second step of a password sign-in with two-factor authentication.
#[component]
pub fn VerifyPage() -> impl IntoView {
    use crate::kit::forms::{feedback, FieldMessage, FormMessage};
    let locale = use_locale();
    let verify = ServerAction::<LoginVerify>::new();
    let fb = feedback("verify", verify.value());
    view! {
        <leptos_meta::Title text=locale.t("login.verify.title") />
        <div class="login-page">
            <div class="login-card">
                <div class="login-brand">
                    <span class="logo-mark">"PC"</span>
                    <span>{locale.t("app.name")}</span>
                </div>
                <h1 class="login-heading">{locale.t("login.verify.title")}</h1>
                <p class="muted">{locale.t("login.verify.hint")}</p>
                <ActionForm action=verify attr:class="form">
                    <FormMessage feedback=fb />
                    <label class="field">
                        <span>{locale.t("login.verify.code")}</span>
                        <input type="text" name="code" inputmode="numeric" autocomplete="one-time-code" autofocus required />
                        <FieldMessage feedback=fb field="code" />
                    </label>
                    <button type="submit" class="button primary wide">{locale.t("login.verify.submit")}</button>
                </ActionForm>
                <p class="login-links"><a href="/login">{locale.t("login.verify.restart")}</a></p>
            </div>
        </div>
    }
}
