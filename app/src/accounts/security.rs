//! The signed-in user's own security: 修改密码 (old + new, other sessions end) and two-factor
//! sign-in (enrol an authenticator app, recovery codes, turn off), and for a provider admin
//! the switch that requires a second factor of every member.

use crate::kit::error::AppError;
use crate::kit::forms::{feedback, FieldMessage, FormMessage};
use crate::kit::i18n::use_locale;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

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

/// 修改密码: the current password, then the new one twice. Every other session of the user
/// ends; this one stays.
#[server(endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
    confirm_password: String,
) -> Result<(), AppError> {
    use crate::accounts::{password, policy, session};
    use crate::kit::request::{auth, client_ip, db};
    use sqlx::Row;

    let result = async {
        let db = db()?;
        let auth = auth()?;
        let refuse =
            |field: &str, code: &str| crate::kit::forms::invalid("password", &[(field, code)], &[]);
        if current_password.is_empty() {
            return Err(refuse("current_password", "form.required"));
        }
        let stored: Option<String> = sqlx::query("SELECT password_hash FROM users WHERE id = $1")
            .bind(auth.user_id)
            .fetch_one(db.pool())
            .await?
            .try_get("password_hash")?;
        if !password::verify(current_password, stored).await {
            return Err(refuse("current_password", "password.wrong_current"));
        }
        if let Err(code) = policy::check_password(&new_password, &[&auth.email, &auth.name]) {
            return Err(refuse("new_password", code));
        }
        if new_password != confirm_password {
            return Err(refuse("confirm_password", "password.mismatch"));
        }
        let hash = password::hash(new_password)
            .await
            .map_err(|_| AppError::Internal)?;
        let mut tx = db.begin().await?;
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(&hash)
            .bind(auth.user_id)
            .execute(&mut *tx)
            .await?;
        super::store::password_replaced(&mut tx, auth.user_id).await?;
        crate::kit::audit::user_event(
            &mut *tx,
            auth.provider.map(|p| p.provider_id),
            auth.user_id,
            "password_changed",
            "",
            &client_ip(),
        )
        .await?;
        crate::kit::mail::post(&mut tx, &auth.email, &super::notify::password_changed()).await?;
        tx.commit().await?;
        session::delete_for_user(&db, auth.user_id, Some(&auth.session_id)).await?;
        leptos_axum::redirect("/account/password?changed=1");
        Ok(())
    }
    .await;
    crate::kit::forms::finish("password", result)
}

#[server(endpoint = "security_status")]
pub async fn get_security_status() -> Result<SecurityStatus, AppError> {
    use crate::accounts::two_factor;
    use crate::kit::code::Code;
    use crate::kit::request::Role;
    use crate::kit::request::{auth, db};
    use sqlx::Row;

    let result = async {
        // Contexts first: during server rendering a resource's future may be polled past an
        // await where the reactive owner no longer answers.
        let db = db()?;
        let auth = auth()?;
        let oidc_enabled = crate::kit::request::settings()?.oidc_enabled;
        let row = sqlx::query(
            "SELECT totp_secret, totp_enabled_at, totp_pending_codes, oidc_subject FROM users WHERE id = $1",
        )
        .bind(auth.user_id)
        .fetch_one(db.pool())
        .await?;
        let enabled = row.try_get::<Option<i64>, _>("totp_enabled_at")?.is_some();
        let secret: Option<String> = row.try_get("totp_secret")?;
        let codes: Option<String> = row.try_get("totp_pending_codes")?;
        let oidc_linked = row.try_get::<Option<String>, _>("oidc_subject")?.is_some();
        let pending = match (enabled, secret) {
            (false, Some(secret)) => {
                let uri = two_factor::otpauth_uri(&secret, &auth.email);
                Some(Enrolment {
                    qr_svg: two_factor::qr_svg(&uri),
                    uri,
                    secret,
                    recovery_codes: codes
                        .unwrap_or_default()
                        .split(' ')
                        .filter(|c| !c.is_empty())
                        .map(str::to_owned)
                        .collect(),
                })
            }
            _ => None,
        };
        let left: i64 = sqlx::query(
            "SELECT COUNT(*) AS n FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
        )
        .bind(auth.user_id)
        .fetch_one(db.pool())
        .await?
        .try_get("n")?;
        // The session hides a provider that requires 2FA until it is set up: read it afresh.
        let membership = sqlx::query(
            "SELECT m.role, p.require_two_factor FROM sessions s
             JOIN memberships m ON m.user_id = s.user_id AND m.provider_id = s.provider_id AND m.status = 'active'
             JOIN providers p ON p.id = m.provider_id
             WHERE s.id = $1",
        )
        .bind(&auth.session_id)
        .fetch_optional(db.pool())
        .await?;
        let (is_admin, provider_requires) = match membership {
            Some(row) => (
                row.try_get::<String, _>("role")? == Role::Admin.as_db(),
                row.try_get::<i64, _>("require_two_factor")? != 0,
            ),
            None => (false, false),
        };
        Ok(SecurityStatus {
            enabled,
            pending,
            recovery_codes_left: left,
            is_admin,
            provider_requires,
            oidc_enabled,
            oidc_linked,
        })
    }
    .await;
    crate::kit::forms::finish("", result)
}

/// Removes the linked identity provider account, confirmed with the password.
#[server(endpoint = "unlink_oidc")]
pub async fn unlink_oidc(password: String) -> Result<(), AppError> {
    use crate::kit::request::{auth, client_ip, db};
    use sqlx::Row;

    let result = async {
        let db = db()?;
        let auth = auth()?;
        let stored: Option<String> = sqlx::query("SELECT password_hash FROM users WHERE id = $1")
            .bind(auth.user_id)
            .fetch_one(db.pool())
            .await?
            .try_get("password_hash")?;
        if !super::password::verify(password, stored).await {
            return Err(crate::kit::forms::invalid(
                "oidc-unlink",
                &[("password", "password.wrong_current")],
                &[],
            ));
        }
        let mut tx = db.begin().await?;
        sqlx::query("UPDATE users SET oidc_subject = NULL WHERE id = $1")
            .bind(auth.user_id)
            .execute(&mut *tx)
            .await?;
        crate::kit::audit::user_event(
            &mut *tx,
            auth.provider.map(|p| p.provider_id),
            auth.user_id,
            "oidc_unlinked",
            "",
            &client_ip(),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
    .await;
    crate::kit::forms::finish("oidc-unlink", result)
}

/// Starts enrolment: a new secret and recovery codes, shown until the first code confirms.
#[server(endpoint = "start_two_factor")]
pub async fn start_two_factor() -> Result<(), AppError> {
    use crate::accounts::two_factor;
    use crate::kit::request::{auth, db};

    let result = async {
        let db = db()?;
        let auth = auth()?;
        sqlx::query(
            "UPDATE users SET totp_secret = $1, totp_pending_codes = $2
             WHERE id = $3 AND totp_enabled_at IS NULL",
        )
        .bind(two_factor::new_secret())
        .bind(two_factor::new_recovery_codes().join(" "))
        .bind(auth.user_id)
        .execute(db.pool())
        .await?;
        Ok(())
    }
    .await;
    crate::kit::forms::finish("two-factor", result)
}

/// Confirms enrolment with a code from the app; the recovery codes become valid.
#[server(endpoint = "confirm_two_factor")]
pub async fn confirm_two_factor(code: String) -> Result<(), AppError> {
    use crate::accounts::two_factor;
    use crate::kit::db::now;
    use crate::kit::request::{auth, client_ip, db};
    use sqlx::Row;

    let result = async {
        let db = db()?;
        let auth = auth()?;
        let mut tx = db.begin().await?;
        let row = sqlx::query(
            "SELECT totp_secret, totp_pending_codes FROM users WHERE id = $1 AND totp_enabled_at IS NULL",
        )
        .bind(auth.user_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| AppError::Conflict("two_factor.error.not_pending".into()))?;
        let secret: Option<String> = row.try_get("totp_secret")?;
        let codes: String = row.try_get::<Option<String>, _>("totp_pending_codes")?.unwrap_or_default();
        let secret = secret.ok_or_else(|| AppError::Conflict("two_factor.error.not_pending".into()))?;
        let Some(step) = two_factor::verify(&secret, &code, now(), 0) else {
            return Err(crate::kit::forms::invalid("two-factor", &[("code", "login.error.code")], &[]));
        };
        let updated = sqlx::query(
            "UPDATE users SET totp_enabled_at = $1, totp_last_step = $2, totp_pending_codes = NULL
             WHERE id = $3 AND totp_enabled_at IS NULL",
        )
        .bind(now())
        .bind(step)
        .bind(auth.user_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if updated != 1 {
            return Err(AppError::Conflict("two_factor.error.not_pending".into()));
        }
        sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
            .bind(auth.user_id)
            .execute(&mut *tx)
            .await?;
        for code in codes.split(' ').filter(|c| !c.is_empty()) {
            sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
                .bind(auth.user_id)
                .bind(crate::kit::token::hash_token(&two_factor::normalize_recovery_code(code)))
                .execute(&mut *tx)
                .await?;
        }
        crate::kit::audit::user_event(&mut *tx, auth.provider.map(|p| p.provider_id), auth.user_id, "two_factor_enabled", "", &client_ip()).await?;
        tx.commit().await?;
        Ok(())
    }
    .await;
    crate::kit::forms::finish("two-factor", result)
}

/// Turns two-factor sign-in off, confirmed with the password.
#[server(endpoint = "disable_two_factor")]
pub async fn disable_two_factor(password: String) -> Result<(), AppError> {
    use crate::kit::request::{auth, client_ip, db};
    use sqlx::Row;

    let result = async {
        let db = db()?;
        let auth = auth()?;
        let stored: Option<String> = sqlx::query("SELECT password_hash FROM users WHERE id = $1")
            .bind(auth.user_id)
            .fetch_one(db.pool())
            .await?
            .try_get("password_hash")?;
        if !crate::accounts::password::verify(password, stored).await {
            return Err(crate::kit::forms::invalid(
                "two-factor-off",
                &[("password", "password.wrong_current")],
                &[],
            ));
        }
        let mut tx = db.begin().await?;
        sqlx::query(
            "UPDATE users SET totp_secret = NULL, totp_enabled_at = NULL, totp_pending_codes = NULL WHERE id = $1",
        )
        .bind(auth.user_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
            .bind(auth.user_id)
            .execute(&mut *tx)
            .await?;
        crate::kit::audit::user_event(&mut *tx, auth.provider.map(|p| p.provider_id), auth.user_id, "two_factor_disabled", "", &client_ip()).await?;
        tx.commit().await?;
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
        // Otherwise the admin would lock themselves out of the provider with this very click.
        let own: Option<i64> = sqlx::query("SELECT totp_enabled_at FROM users WHERE id = $1")
            .bind(scope.user_id)
            .fetch_one(db.pool())
            .await
            .and_then(|row| sqlx::Row::try_get(&row, "totp_enabled_at"))?;
        if required && own.is_none() {
            return Err(AppError::Conflict("two_factor.rule.yourself_first".into()));
        }
        let mut tx = db.begin().await?;
        sqlx::query("UPDATE providers SET require_two_factor = $1 WHERE id = $2")
            .bind(i64::from(required))
            .bind(scope.provider_id)
            .execute(&mut *tx)
            .await?;
        crate::kit::audit::record(
            &mut *tx,
            crate::kit::audit::Entry {
                provider_id: Some(scope.provider_id),
                actor_id: Some(scope.user_id),
                action: if required {
                    "two_factor_required"
                } else {
                    "two_factor_optional"
                },
                target_type: "provider",
                target_id: &scope.provider_id.to_string(),
                detail: "",
                ip: &client_ip(),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
    .await;
    crate::kit::forms::finish("two-factor-rule", result)
}

/// 修改密码 (user menu).
#[component]
pub fn ChangePasswordPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let changed = move || query.with(|q| q.get_str("changed") == Some("1"));
    let change = ServerAction::<ChangePassword>::new();
    let fb = feedback("password", change.value());
    let field = move |name: &'static str, label: &'static str, autocomplete: &'static str| {
        view! {
            <label class="field">
                <span>{locale.t(label)}</span>
                <input type="password" name=name autocomplete=autocomplete required />
                <FieldMessage feedback=fb field=name />
            </label>
        }
    };
    view! {
        <crate::kit::title::PageTitle text=locale.t("menu.change_password") />
        <section class="page narrow">
            <h1>{locale.t("menu.change_password")}</h1>
            {move || changed().then(|| view! { <p class="notice ok" role="status">{locale.t("password.changed")}</p> })}
            <ActionForm action=change attr:class="form card">
                <FormMessage feedback=fb />
                {field("current_password", "password.current", "current-password")}
                {field("new_password", "password.new", "new-password")}
                {field("confirm_password", "password.confirm", "new-password")}
                <p class="muted">{locale.t("password.policy")}</p>
                <button type="submit" class="button primary" disabled=move || change.pending().get()>{locale.t("common.save")}</button>
            </ActionForm>
        </section>
    }
}

/// 账号安全: two-factor sign-in.
#[component]
pub fn SecurityPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let required = query.read_untracked().get("required").is_some();
    // The answer of a linking round trip to the identity provider.
    let oidc_notice = query
        .read_untracked()
        .get("oidc")
        .and_then(|v| match v.as_str() {
            "linked" => Some(("notice ok", "oidc.link.done")),
            "taken" => Some(("notice warn", "oidc.link.taken")),
            "password" => Some(("notice warn", "password.wrong_current")),
            _ => None,
        });

    let start = ServerAction::<StartTwoFactor>::new();
    let confirm = ServerAction::<ConfirmTwoFactor>::new();
    let disable = ServerAction::<DisableTwoFactor>::new();
    let rule = ServerAction::<RequireTwoFactor>::new();
    let status = Resource::new(|| (), |_| get_security_status());
    crate::kit::forms::refetch_on_success(start, status);
    crate::kit::forms::refetch_on_success(confirm, status);
    crate::kit::forms::refetch_on_success(disable, status);
    crate::kit::forms::refetch_on_success(rule, status);
    let unlink = ServerAction::<UnlinkOidc>::new();
    crate::kit::forms::refetch_on_success(unlink, status);
    let unlink_fb = feedback("oidc-unlink", unlink.value());
    let confirm_fb = feedback("two-factor", confirm.value());
    let disable_fb = feedback("two-factor-off", disable.value());
    let rule_fb = feedback("two-factor-rule", rule.value());
    view! {
        <crate::kit::title::PageTitle text=locale.t("menu.security") />
        <section class="page narrow">
            <h1>{locale.t("menu.security")}</h1>
            {required.then(|| view! { <p class="notice" role="alert">{locale.t("two_factor.required_notice")}</p> })}
            {oidc_notice.map(|(class, key)| view! { <p class=class role="status" data-testid="oidc-notice">{locale.t(key)}</p> })}
            <Suspense fallback=move || view! { <p class="loading">{locale.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match status.await {
                        Ok(status) => {
                            let state = if status.enabled {
                                view! {
                                    <div class="card" data-testid="two-factor">
                                        <h2>{locale.t("two_factor.title")}</h2>
                                        <p><span class="status status-completed">{locale.t("two_factor.on")}</span></p>
                                        <p class="muted">{locale.tf("two_factor.codes_left", &[("count", &status.recovery_codes_left.to_string())])}</p>
                                        <ActionForm action=disable attr:class="form">
                                            <FormMessage feedback=disable_fb />
                                            <label class="field">
                                                <span>{locale.t("login.password")}</span>
                                                <input type="password" name="password" autocomplete="current-password" required />
                                                <FieldMessage feedback=disable_fb field="password" />
                                            </label>
                                            <button type="submit" class="button danger">{locale.t("two_factor.disable")}</button>
                                        </ActionForm>
                                    </div>
                                }.into_any()
                            } else if let Some(pending) = status.pending {
                                view! {
                                    <div class="card" data-testid="two-factor">
                                        <h2>{locale.t("two_factor.title")}</h2>
                                        <ol class="steps-text">
                                            <li>{locale.t("two_factor.step.scan")}</li>
                                        </ol>
                                        <div class="qr" inner_html=pending.qr_svg></div>
                                        <p class="muted">{locale.t("two_factor.secret")}" "<code data-testid="totp-secret">{pending.secret}</code></p>
                                        <ol class="steps-text" start="2">
                                            <li>{locale.t("two_factor.step.codes")}</li>
                                        </ol>
                                        <ul class="recovery-codes" data-testid="recovery-codes">
                                            {pending.recovery_codes.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
                                        </ul>
                                        <ol class="steps-text" start="3">
                                            <li>{locale.t("two_factor.step.confirm")}</li>
                                        </ol>
                                        <ActionForm action=confirm attr:class="form">
                                            <FormMessage feedback=confirm_fb />
                                            <label class="field">
                                                <span>{locale.t("login.verify.code")}</span>
                                                <input type="text" name="code" inputmode="numeric" autocomplete="one-time-code" required />
                                                <FieldMessage feedback=confirm_fb field="code" />
                                            </label>
                                            <button type="submit" class="button primary">{locale.t("two_factor.confirm")}</button>
                                        </ActionForm>
                                    </div>
                                }.into_any()
                            } else {
                                view! {
                                    <div class="card" data-testid="two-factor">
                                        <h2>{locale.t("two_factor.title")}</h2>
                                        <p><span class="status status-pending">{locale.t("two_factor.off")}</span></p>
                                        <p class="muted">{locale.t("two_factor.explain")}</p>
                                        <ActionForm action=start attr:class="form">
                                            <button type="submit" class="button primary">{locale.t("two_factor.enable")}</button>
                                        </ActionForm>
                                    </div>
                                }.into_any()
                            };
                            let admin = status.is_admin.then(|| view! {
                                <div class="card">
                                    <h2>{locale.t("two_factor.rule.title")}</h2>
                                    <ActionForm action=rule attr:class="form">
                                        <FormMessage feedback=rule_fb />
                                        <label class="check">
                                            <input type="checkbox" name="required" value="on" checked=status.provider_requires />
                                            " "{locale.t("two_factor.rule.label")}
                                        </label>
                                        <button type="submit" class="button">{locale.t("common.save")}</button>
                                    </ActionForm>
                                </div>
                            });
                            // An identity provider signs in only an account linked to it, or one
                            // whose address it verified; anyone else links it here, signed in.
                            let aad = status.oidc_enabled.then(|| view! {
                                <div class="card" data-testid="oidc-link">
                                    <h2>{locale.t("oidc.link.title")}</h2>
                                    {if status.oidc_linked {
                                        view! {
                                            <p><span class="status status-completed">{locale.t("oidc.link.linked")}</span></p>
                                            <ActionForm action=unlink attr:class="form">
                                                <FormMessage feedback=unlink_fb />
                                                <label class="field">
                                                    <span>{locale.t("login.password")}</span>
                                                    <input type="password" name="password" autocomplete="current-password" required />
                                                    <FieldMessage feedback=unlink_fb field="password" />
                                                </label>
                                                <button type="submit" class="button danger">{locale.t("oidc.link.remove")}</button>
                                            </ActionForm>
                                        }.into_any()
                                    } else {
                                        // A plain form to a plain route: it leaves for the identity provider.
                                        view! {
                                            <p class="muted">{locale.t("oidc.link.explain")}</p>
                                            <form method="post" action="/auth/oidc/link" class="form">
                                                <label class="field">
                                                    <span>{locale.t("login.password")}</span>
                                                    <input type="password" name="password" autocomplete="current-password" required />
                                                </label>
                                                <button type="submit" class="button">{locale.t("oidc.link.action")}</button>
                                            </form>
                                        }.into_any()
                                    }}
                                </div>
                            });
                            view! { {state} {admin} {aad} }.into_any()
                        }
                        Err(error) => view! { <crate::shell::ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
