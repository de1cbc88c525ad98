//! Links sent by mail: 用户激活 (activation of an invited membership) and 忘记密码 (reset).
//! Each link is single-use and expiring; the URL holds a random token, the table its
//! SHA-256. Asking for a link answers the same whether or not the address is known.

use crate::kit::error::AppError;
use crate::kit::forms::{feedback, FieldMessage, FormMessage};
use crate::kit::i18n::use_locale;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use serde::{Deserialize, Serialize};

pub const ACTIVATION_SECS: i64 = 3 * 24 * 3600;
pub const RESET_SECS: i64 = 3600;
/// A new link for the same person at most this often (mail flooding).
#[cfg(feature = "ssr")]
const RESEND_GAP_SECS: i64 = 60;

/// Who invites when the platform does (an approved registration, a link sent again).
pub const PLATFORM_INVITER: &str = "服务提供商中心 Provider Center";

/// Invites `user_id` to `provider_id`: a fresh activation link, mailed to `to` with the
/// §5.1.3 wording, in the caller's transaction.
#[cfg(feature = "ssr")]
#[allow(clippy::too_many_arguments)]
pub async fn invite(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    public_url: &str,
    user_id: i64,
    provider_id: i64,
    to: &str,
    provider: &str,
    inviter: &str,
) -> Result<(), sqlx::Error> {
    let token =
        ssr::issue_token(tx, "activate", user_id, Some(provider_id), ACTIVATION_SECS).await?;
    ssr::enqueue_invitation(tx, public_url, to, provider, inviter, &token).await
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LinkState {
    Valid,
    Used,
    Expired,
    Unknown,
}

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

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::LinkState;
    use crate::kit::db::now;
    use crate::kit::mail::{enqueue, render};
    use crate::kit::token::{hash_token, new_token};
    use sqlx::{Any, Row, Transaction};

    pub async fn issue_token(
        tx: &mut Transaction<'static, Any>,
        purpose: &str,
        user_id: i64,
        provider_id: Option<i64>,
        ttl: i64,
    ) -> Result<String, sqlx::Error> {
        let token = new_token();
        let at = now();
        sqlx::query(
            "INSERT INTO account_tokens (id, purpose, user_id, provider_id, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(hash_token(&token))
        .bind(purpose)
        .bind(user_id)
        .bind(provider_id)
        .bind(at)
        .bind(at + ttl)
        .execute(&mut **tx)
        .await?;
        Ok(token)
    }

    /// Uses a link up: its user and provider when it was live, or why not.
    pub async fn claim(
        tx: &mut Transaction<'static, Any>,
        purpose: &str,
        token: &str,
    ) -> Result<Result<(i64, Option<i64>), LinkState>, sqlx::Error> {
        let id = hash_token(token);
        let at = now();
        let claimed = sqlx::query(
            "UPDATE account_tokens SET used_at = $1
             WHERE id = $2 AND purpose = $3 AND used_at IS NULL AND expires_at > $1",
        )
        .bind(at)
        .bind(&id)
        .bind(purpose)
        .execute(&mut **tx)
        .await?
        .rows_affected();
        if claimed != 1 {
            return Ok(Err(state(&mut **tx, purpose, token).await?));
        }
        let row = sqlx::query("SELECT user_id, provider_id FROM account_tokens WHERE id = $1")
            .bind(&id)
            .fetch_one(&mut **tx)
            .await?;
        Ok(Ok((row.try_get("user_id")?, row.try_get("provider_id")?)))
    }

    pub async fn state<'e, E>(
        executor: E,
        purpose: &str,
        token: &str,
    ) -> Result<LinkState, sqlx::Error>
    where
        E: sqlx::Executor<'e, Database = Any>,
    {
        let row = sqlx::query(
            "SELECT used_at, expires_at FROM account_tokens WHERE id = $1 AND purpose = $2",
        )
        .bind(hash_token(token))
        .bind(purpose)
        .fetch_optional(executor)
        .await?;
        Ok(match row {
            None => LinkState::Unknown,
            Some(row) if row.try_get::<Option<i64>, _>("used_at")?.is_some() => LinkState::Used,
            Some(row) if row.try_get::<i64, _>("expires_at")? <= now() => LinkState::Expired,
            Some(_) => LinkState::Valid,
        })
    }

    /// Whether a link of `purpose` went to this user within the last minute.
    pub async fn recently_sent<'e, E>(
        executor: E,
        purpose: &str,
        user_id: i64,
    ) -> Result<bool, sqlx::Error>
    where
        E: sqlx::Executor<'e, Database = Any>,
    {
        Ok(sqlx::query(
            "SELECT 1 FROM account_tokens WHERE user_id = $1 AND purpose = $2 AND created_at > $3",
        )
        .bind(user_id)
        .bind(purpose)
        .bind(now() - super::RESEND_GAP_SECS)
        .fetch_optional(executor)
        .await?
        .is_some())
    }

    /// The invitation of manual §5.1.3: "… 邀请您成为服务提供商 (X) 用户 · 激活您的账号 · 点击此处".
    pub async fn enqueue_invitation(
        tx: &mut Transaction<'static, Any>,
        public_url: &str,
        to: &str,
        provider: &str,
        inviter: &str,
        token: &str,
    ) -> Result<(), sqlx::Error> {
        let url = format!("{public_url}/activate/{token}");
        let mail = render(
            to,
            &format!("邀请您成为服务提供商（{provider}）用户 · Invitation to {provider}"),
            &[
                format!("您好！{inviter} 邀请您成为服务提供商（{provider}）用户。"),
                "激活您的账号：请点击下方按钮，设置姓名、电话和密码。链接 3 天内有效，仅可使用一次。".into(),
                format!(
                    "Hello, {inviter} invites you to join the provider {provider} on Provider Center. \
                     Activate your account with the button below; the link works once, within 3 days."
                ),
            ],
            Some(("点击此处激活 / Activate your account", &url)),
        )
        .secret(url.clone());
        enqueue(&mut **tx, &mail).await
    }

    pub async fn enqueue_reset(
        tx: &mut Transaction<'static, Any>,
        public_url: &str,
        to: &str,
        token: &str,
    ) -> Result<(), sqlx::Error> {
        let url = format!("{public_url}/reset/{token}");
        let mail = render(
            to,
            "重置密码 · Reset your password",
            &[
                "我们收到了重置您服务提供商中心账号密码的请求。请在 1 小时内点击下方按钮设置新密码；链接仅可使用一次。".into(),
                "如果这不是您本人的操作，请忽略此邮件，您的密码不会改变。".into(),
                "We received a request to reset the password of your Provider Center account. \
                 Set a new one within an hour with the button below; the link works once. \
                 If this was not you, ignore this message: your password stays as it is."
                    .into(),
            ],
            Some(("重置密码 / Reset password", &url)),
        )
        .secret(url.clone());
        enqueue(&mut **tx, &mail).await
    }

    /// A new password ends what the old one opened: reset links still unused and sign-ins
    /// waiting for their second factor.
    pub async fn password_replaced(
        tx: &mut Transaction<'static, Any>,
        user_id: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE account_tokens SET used_at = $1
             WHERE user_id = $2 AND purpose = 'reset' AND used_at IS NULL",
        )
        .bind(now())
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
        sqlx::query("DELETE FROM pending_sign_ins WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut **tx)
            .await?;
        Ok(())
    }

    /// An identity provider's account was linked: it now signs in without the password.
    pub async fn enqueue_oidc_linked(
        tx: &mut Transaction<'static, Any>,
        to: &str,
    ) -> Result<(), sqlx::Error> {
        let mail = render(
            to,
            "已关联 AAD 身份 · An AAD identity was linked",
            &[
                "您的服务提供商中心账号刚刚关联了一个 AAD 身份，今后可用它快捷登录。".into(),
                "如果这不是您本人的操作，请立即在“账号安全”中解除关联、修改密码并联系平台。".into(),
                "An Azure AD identity was just linked to your Provider Center account and can \
                 now sign in to it. If this was not you, unlink it under Account security, \
                 change your password and contact the platform."
                    .into(),
            ],
            None,
        );
        enqueue(&mut **tx, &mail).await
    }

    /// Wrong second-factor codes started to wait: someone who knows the password may be
    /// guessing the code.
    pub async fn enqueue_second_factor_alert(
        tx: &mut Transaction<'static, Any>,
        to: &str,
    ) -> Result<(), sqlx::Error> {
        let mail = render(
            to,
            "多次输入错误的验证码 · Several wrong verification codes",
            &[
                "有人用正确的密码登录了您的服务提供商中心账号，但多次输入了错误的两步验证码。此后每次尝试都需要等待更久。".into(),
                "如果这不是您本人，请立即修改密码并联系平台。".into(),
                "Someone signed in to your Provider Center account with the right password but \
                 typed several wrong verification codes; each further try now waits longer. If \
                 this was not you, change your password now and contact the platform."
                    .into(),
            ],
            None,
        );
        enqueue(&mut **tx, &mail).await
    }

    pub async fn enqueue_password_changed(
        tx: &mut Transaction<'static, Any>,
        to: &str,
    ) -> Result<(), sqlx::Error> {
        let mail = render(
            to,
            "您的密码已修改 · Your password was changed",
            &[
                "您服务提供商中心账号的密码刚刚被修改，其他设备上的登录已退出。".into(),
                "如果这不是您本人的操作，请立即通过“忘记密码”重置密码并联系平台。".into(),
                "The password of your Provider Center account was just changed and your other \
                 sessions were signed out. If this was not you, reset your password now with \
                 “Forgot password” and contact the platform."
                    .into(),
            ],
            None,
        );
        enqueue(&mut **tx, &mail).await
    }
}

#[server(endpoint = "activation_info")]
pub async fn get_activation_info(token: String) -> Result<ActivationInfo, AppError> {
    use sqlx::Row;
    let result = async {
        let db = crate::kit::request::db()?;
        let state = ssr::state(db.pool(), "activate", &token).await?;
        let row = sqlx::query(
            "SELECT u.email, u.name, u.phone, u.password_hash, p.name AS company
             FROM account_tokens t JOIN users u ON u.id = t.user_id
             LEFT JOIN providers p ON p.id = t.provider_id
             WHERE t.id = $1 AND t.purpose = 'activate'",
        )
        .bind(crate::kit::token::hash_token(&token))
        .fetch_optional(db.pool())
        .await?;
        // Nothing about the person behind a dead link.
        Ok(match row {
            Some(row) if state == LinkState::Valid => ActivationInfo {
                state,
                company: row
                    .try_get::<Option<String>, _>("company")?
                    .unwrap_or_default(),
                email: row.try_get("email")?,
                name: row.try_get("name")?,
                phone: row.try_get("phone")?,
                existing_account: row.try_get::<Option<String>, _>("password_hash")?.is_some(),
            },
            _ => ActivationInfo {
                state,
                company: String::new(),
                email: String::new(),
                name: String::new(),
                phone: String::new(),
                existing_account: false,
            },
        })
    }
    .await;
    crate::kit::forms::finish("", result)
}

/// 用户激活: sets name, phone and password (or, for someone who already has an account,
/// confirms it with their password) and makes the membership active.
#[server(endpoint = "activate")]
pub async fn activate(
    token: String,
    name: String,
    phone: String,
    password: String,
    confirm_password: Option<String>,
) -> Result<(), AppError> {
    use crate::accounts::{password as pw, policy};
    use sqlx::Row;

    let typed = [("name", name.as_str()), ("phone", phone.as_str())];
    let result = async {
        let db = crate::kit::request::db()?;
        let name = name.trim().to_owned();
        let phone = phone.trim().to_owned();
        let refuse = |field: &str, code: &str| crate::kit::forms::invalid("activate", &[(field, code)], &typed);
        let row = sqlx::query(
            "SELECT u.id, u.email, u.password_hash FROM account_tokens t JOIN users u ON u.id = t.user_id
             WHERE t.id = $1 AND t.purpose = 'activate'",
        )
        .bind(crate::kit::token::hash_token(&token))
        .fetch_optional(db.pool())
        .await?
        .ok_or(AppError::NotFound)?;
        let email: String = row.try_get("email")?;
        let stored: Option<String> = row.try_get("password_hash")?;
        let existing = stored.is_some();
        if name.is_empty() {
            return Err(refuse("name", "form.required"));
        }
        if name.chars().count() > 100 || phone.chars().count() > 40 {
            return Err(refuse(if name.chars().count() > 100 { "name" } else { "phone" }, "form.too_long"));
        }
        let new_hash = if existing {
            if !pw::verify(password, stored).await {
                return Err(refuse("password", "password.wrong_current"));
            }
            None
        } else {
            if let Err(code) = policy::check_password(&password, &[&email, &name]) {
                return Err(refuse("password", code));
            }
            if confirm_password.as_deref() != Some(password.as_str()) {
                return Err(refuse("confirm_password", "password.mismatch"));
            }
            Some(pw::hash(password).await.map_err(|_| AppError::Internal)?)
        };
        let mut tx = db.begin().await?;
        let (user_id, provider_id) = match ssr::claim(&mut tx, "activate", &token).await? {
            Ok(claimed) => claimed,
            Err(_) => return Err(AppError::Conflict("activate.error.link".into())),
        };
        if let Some(hash) = new_hash {
            sqlx::query("UPDATE users SET name = $1, phone = $2, password_hash = $3 WHERE id = $4")
                .bind(&name)
                .bind(&phone)
                .bind(hash)
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
        } else {
            sqlx::query("UPDATE users SET name = $1, phone = $2 WHERE id = $3")
                .bind(&name)
                .bind(&phone)
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
        }
        if let Some(provider_id) = provider_id {
            sqlx::query(
                "UPDATE memberships SET status = 'active' WHERE user_id = $1 AND provider_id = $2 AND status = 'invited'",
            )
            .bind(user_id)
            .bind(provider_id)
            .execute(&mut *tx)
            .await?;
        }
        crate::kit::audit::record(
            &mut *tx,
            crate::kit::audit::Entry {
                provider_id,
                actor_id: Some(user_id),
                action: "activated",
                target_type: "user",
                target_id: &user_id.to_string(),
                detail: "",
                ip: &crate::kit::request::client_ip(),
            },
        )
        .await?;
        tx.commit().await?;
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
#[server(endpoint = "resend_activation")]
pub async fn resend_activation(email: String) -> Result<(), AppError> {
    use sqlx::Row;
    let result = async {
        let db = crate::kit::request::db()?;
        let settings = crate::kit::request::settings()?;
        let email = email.trim().to_lowercase();
        if email.is_empty() {
            return Err(crate::kit::forms::invalid(
                "resend",
                &[("email", "form.required")],
                &[],
            ));
        }
        let invitations = sqlx::query(
            "SELECT u.id AS user_id, p.id AS provider_id, p.name FROM memberships m
             JOIN users u ON u.id = m.user_id JOIN providers p ON p.id = m.provider_id
             WHERE u.email = $1 AND m.status = 'invited'",
        )
        .bind(&email)
        .fetch_all(db.pool())
        .await?;
        let mut tx = db.begin().await?;
        for row in invitations {
            let user_id: i64 = row.try_get("user_id")?;
            if ssr::recently_sent(&mut *tx, "activate", user_id).await? {
                continue;
            }
            let provider_id: i64 = row.try_get("provider_id")?;
            let provider: String = row.try_get("name")?;
            let token = ssr::issue_token(
                &mut tx,
                "activate",
                user_id,
                Some(provider_id),
                ACTIVATION_SECS,
            )
            .await?;
            ssr::enqueue_invitation(
                &mut tx,
                &settings.public_url,
                &email,
                &provider,
                "服务提供商中心 Provider Center",
                &token,
            )
            .await?;
        }
        tx.commit().await?;
        leptos_axum::redirect("/forgot?sent=activation");
        Ok(())
    }
    .await;
    crate::kit::forms::finish("resend", result)
}

/// 忘记密码？: mails a reset link to a known, activated address; answers alike otherwise.
#[server(endpoint = "request_reset")]
pub async fn request_reset(email: String) -> Result<(), AppError> {
    use sqlx::Row;
    let result = async {
        let db = crate::kit::request::db()?;
        let settings = crate::kit::request::settings()?;
        let email = email.trim().to_lowercase();
        if email.is_empty() || !email.contains('@') {
            return Err(crate::kit::forms::invalid(
                "forgot",
                &[(
                    "email",
                    if email.is_empty() {
                        "form.required"
                    } else {
                        "form.email_invalid"
                    },
                )],
                &[("email", &email)],
            ));
        }
        let user =
            sqlx::query("SELECT id FROM users WHERE email = $1 AND password_hash IS NOT NULL")
                .bind(&email)
                .fetch_optional(db.pool())
                .await?;
        if let Some(row) = user {
            let user_id: i64 = row.try_get("id")?;
            let mut tx = db.begin().await?;
            if !ssr::recently_sent(&mut *tx, "reset", user_id).await? {
                let token = ssr::issue_token(&mut tx, "reset", user_id, None, RESET_SECS).await?;
                ssr::enqueue_reset(&mut tx, &settings.public_url, &email, &token).await?;
            }
            tx.commit().await?;
        }
        leptos_axum::redirect("/forgot?sent=reset");
        Ok(())
    }
    .await;
    crate::kit::forms::finish("forgot", result)
}

#[server(endpoint = "reset_state")]
pub async fn reset_state(token: String) -> Result<LinkState, AppError> {
    let result =
        async { Ok(ssr::state(crate::kit::request::db()?.pool(), "reset", &token).await?) }.await;
    crate::kit::forms::finish("", result)
}

/// Sets a new password from a reset link; every session of the user ends.
#[server(endpoint = "reset_password")]
pub async fn reset_password(
    token: String,
    new_password: String,
    confirm_password: String,
) -> Result<(), AppError> {
    use crate::accounts::{password as pw, policy};
    use sqlx::Row;

    let result = async {
        let db = crate::kit::request::db()?;
        let refuse =
            |field: &str, code: &str| crate::kit::forms::invalid("reset", &[(field, code)], &[]);
        let row = sqlx::query(
            "SELECT u.id, u.email, u.name FROM account_tokens t JOIN users u ON u.id = t.user_id
             WHERE t.id = $1 AND t.purpose = 'reset'",
        )
        .bind(crate::kit::token::hash_token(&token))
        .fetch_optional(db.pool())
        .await?
        .ok_or(AppError::NotFound)?;
        let email: String = row.try_get("email")?;
        let name: String = row.try_get("name")?;
        if let Err(code) = policy::check_password(&new_password, &[&email, &name]) {
            return Err(refuse("new_password", code));
        }
        if new_password != confirm_password {
            return Err(refuse("confirm_password", "password.mismatch"));
        }
        let hash = pw::hash(new_password)
            .await
            .map_err(|_| AppError::Internal)?;
        let mut tx = db.begin().await?;
        let user_id = match ssr::claim(&mut tx, "reset", &token).await? {
            Ok((user_id, _)) => user_id,
            Err(_) => return Err(AppError::Conflict("reset.error.link".into())),
        };
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(&hash)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        // Other reset links of this user die with this one; a linked identity goes too
        // (whoever had lost the account may have linked one), to be linked again.
        ssr::password_replaced(&mut tx, user_id).await?;
        sqlx::query("UPDATE users SET oidc_subject = NULL WHERE id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM login_failures WHERE account = $1")
            .bind(&email)
            .execute(&mut *tx)
            .await?;
        crate::kit::audit::user_event(
            &mut *tx,
            None,
            user_id,
            "password_reset",
            "",
            &crate::kit::request::client_ip(),
        )
        .await?;
        ssr::enqueue_password_changed(&mut tx, &email).await?;
        tx.commit().await?;
        leptos_axum::redirect(&format!(
            "/login?notice=reset&email={}",
            crate::kit::forms::encode_query(&email)
        ));
        Ok(())
    }
    .await;
    crate::kit::forms::finish("reset", result)
}

/// The card public account pages sit in, like the login page.
#[component]
pub fn PublicCard(title: &'static str, children: Children) -> impl IntoView {
    let locale = use_locale();
    view! {
        <leptos_meta::Title text=locale.t(title) />
        <div class="login-page">
            <div class="login-card wide">
                <a class="login-brand" href="/login">
                    <span class="logo-mark">"PC"</span>
                    <span>{locale.t("app.name")}</span>
                </a>
                <h1 class="login-heading">{locale.t(title)}</h1>
                {children()}
                <p class="login-lang">
                    <a rel="external" href=format!("/lang/{}", locale.other().tag())>{locale.t("lang.switch")}</a>
                </p>
            </div>
        </div>
    }
}

/// A dead link: says why and offers a new one.
#[component]
fn DeadLink(state: LinkState, resend_activation: bool) -> impl IntoView {
    let locale = use_locale();
    let resend = ServerAction::<ResendActivation>::new();
    let fb = feedback("resend", resend.value());
    let text = match state {
        LinkState::Used => locale.t("link.used"),
        LinkState::Expired => locale.t("link.expired"),
        _ => locale.t("link.unknown"),
    };
    view! {
        <p class="form-error" role="alert" data-testid="dead-link">{text}</p>
        {if resend_activation {
            view! {
                <ActionForm action=resend attr:class="form">
                    <FormMessage feedback=fb />
                    <label class="field">
                        <span>{locale.t("login.email")}</span>
                        <input type="email" name="email" autocomplete="email" required />
                        <FieldMessage feedback=fb field="email" />
                    </label>
                    <button type="submit" class="button primary wide">{locale.t("activate.resend")}</button>
                </ActionForm>
            }.into_any()
        } else {
            view! { <a class="button primary wide" href="/forgot">{locale.t("reset.again")}</a> }.into_any()
        }}
    }
}

/// 用户激活 (§5.1.3's link): 公司 and 邮箱 read-only; 名称, 电话, 密码, 确认密码.
#[component]
pub fn ActivatePage() -> impl IntoView {
    let locale = use_locale();
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let info = crate::kit::request_cache::page_resource(token, get_activation_info);
    let action = ServerAction::<Activate>::new();
    let fb = feedback("activate", action.value());
    view! {
        <PublicCard title="activate.title">
            <Suspense fallback=move || view! { <p class="loading">{locale.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match info.await {
                        Ok(info) if info.state == LinkState::Valid => {
                            let typed = move |field: &'static str, initial: String| {
                                move || {
                                    let value = fb.with(|f| f.value(field));
                                    if value.is_empty() { initial.clone() } else { value }
                                }
                            };
                            view! {
                                <ActionForm action attr:class="form">
                                    <FormMessage feedback=fb />
                                    <input type="hidden" name="token" value=token() />
                                    <label class="field">
                                        <span>{locale.t("activate.company")}</span>
                                        <input type="text" value=info.company readonly />
                                    </label>
                                    <label class="field">
                                        <span>{locale.t("login.email")}</span>
                                        <input type="email" value=info.email readonly data-testid="activate-email" />
                                    </label>
                                    <label class="field">
                                        <span>{locale.t("activate.name")}</span>
                                        <input type="text" name="name" value=typed("name", info.name) required maxlength="100" />
                                        <FieldMessage feedback=fb field="name" />
                                    </label>
                                    <label class="field">
                                        <span>{locale.t("activate.phone")}</span>
                                        <input type="tel" name="phone" value=typed("phone", info.phone) maxlength="40" />
                                        <FieldMessage feedback=fb field="phone" />
                                    </label>
                                    {if info.existing_account {
                                        view! {
                                            <p class="muted">{locale.t("activate.existing")}</p>
                                            <label class="field">
                                                <span>{locale.t("login.password")}</span>
                                                <input type="password" name="password" autocomplete="current-password" required />
                                                <FieldMessage feedback=fb field="password" />
                                            </label>
                                        }.into_any()
                                    } else {
                                        view! {
                                            <label class="field">
                                                <span>{locale.t("login.password")}</span>
                                                <input type="password" name="password" autocomplete="new-password" required />
                                                <FieldMessage feedback=fb field="password" />
                                            </label>
                                            <label class="field">
                                                <span>{locale.t("password.confirm")}</span>
                                                <input type="password" name="confirm_password" autocomplete="new-password" required />
                                                <FieldMessage feedback=fb field="confirm_password" />
                                            </label>
                                            <p class="muted">{locale.t("password.policy")}</p>
                                        }.into_any()
                                    }}
                                    <button type="submit" class="button primary wide" disabled=move || action.pending().get()>{locale.t("activate.submit")}</button>
                                </ActionForm>
                            }.into_any()
                        }
                        Ok(info) => view! { <DeadLink state=info.state resend_activation=true /> }.into_any(),
                        Err(error) => view! { <crate::shell::ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
        </PublicCard>
    }
}

/// 忘记密码？: the address to send a reset link to.
#[component]
pub fn ForgotPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let sent = move || query.with(|q| q.get("sent"));
    let action = ServerAction::<RequestReset>::new();
    let fb = feedback("forgot", action.value());
    view! {
        <PublicCard title="forgot.title">
            {move || match sent().as_deref() {
                Some("reset") => Some(view! { <p class="notice ok" role="status" data-testid="sent">{locale.t("forgot.sent")}</p> }),
                Some("activation") => Some(view! { <p class="notice ok" role="status" data-testid="sent">{locale.t("activate.sent")}</p> }),
                _ => None,
            }}
            <ActionForm action attr:class="form">
                <FormMessage feedback=fb />
                <label class="field">
                    <span>{locale.t("login.email")}</span>
                    <input type="email" name="email" autocomplete="email" required value=move || fb.with(|f| f.value("email")) />
                    <FieldMessage feedback=fb field="email" />
                </label>
                <button type="submit" class="button primary wide" disabled=move || action.pending().get()>{locale.t("forgot.submit")}</button>
            </ActionForm>
            <p class="login-links"><a href="/login">{locale.t("forgot.back")}</a></p>
        </PublicCard>
    }
}

/// The reset link's page: the new password twice.
#[component]
pub fn ResetPage() -> impl IntoView {
    let locale = use_locale();
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let state = crate::kit::request_cache::page_resource(token, reset_state);
    let action = ServerAction::<ResetPassword>::new();
    let fb = feedback("reset", action.value());
    view! {
        <PublicCard title="reset.title">
            <Suspense fallback=move || view! { <p class="loading">{locale.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match state.await {
                        Ok(LinkState::Valid) => view! {
                            <ActionForm action attr:class="form">
                                <FormMessage feedback=fb />
                                <input type="hidden" name="token" value=token() />
                                <label class="field">
                                    <span>{locale.t("password.new")}</span>
                                    <input type="password" name="new_password" autocomplete="new-password" required />
                                    <FieldMessage feedback=fb field="new_password" />
                                </label>
                                <label class="field">
                                    <span>{locale.t("password.confirm")}</span>
                                    <input type="password" name="confirm_password" autocomplete="new-password" required />
                                    <FieldMessage feedback=fb field="confirm_password" />
                                </label>
                                <p class="muted">{locale.t("password.policy")}</p>
                                <button type="submit" class="button primary wide" disabled=move || action.pending().get()>{locale.t("reset.submit")}</button>
                            </ActionForm>
                        }.into_any(),
                        Ok(state) => view! { <DeadLink state resend_activation=false /> }.into_any(),
                        Err(error) => view! { <crate::shell::ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
        </PublicCard>
    }
}
