//! The SQL of the user's own security: the password and what a new one ends, the second
//! factor's enrolment and recovery codes, the linked identity provider, and a provider's
//! rule that every member has a second factor.

use crate::kit::audit;
use crate::kit::code::Code;
use crate::kit::db::{now, Db};
use crate::kit::request::{AuthContext, ProviderScope, Role};
use sqlx::{Any, Row, Transaction};

/// The user's password hash (none before activation).
pub async fn password_hash(db: &Db, user_id: i64) -> Result<Option<String>, sqlx::Error> {
    sqlx::query("SELECT password_hash FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(db.pool())
        .await?
        .try_get("password_hash")
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

/// A new password for the signed-in user: stored, audited and mailed in one transaction;
/// then every other session of the user ends.
pub async fn change_password(
    db: &Db,
    auth: &AuthContext,
    hash: &str,
    ip: &str,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(hash)
        .bind(auth.user_id)
        .execute(&mut *tx)
        .await?;
    password_replaced(&mut tx, auth.user_id).await?;
    user_event(&mut tx, auth, "password_changed", ip).await?;
    crate::kit::mail::post(&mut tx, &auth.email, &super::notify::password_changed()).await?;
    tx.commit().await?;
    crate::accounts::sessions::store::delete_for_user(db, auth.user_id, Some(&auth.session_id))
        .await
}

async fn user_event(
    tx: &mut Transaction<'static, Any>,
    auth: &AuthContext,
    action: &str,
    ip: &str,
) -> Result<(), sqlx::Error> {
    audit::user_event(
        &mut **tx,
        auth.provider.map(|p| p.provider_id),
        auth.user_id,
        action,
        "",
        ip,
    )
    .await
}

/// What 账号安全 shows of the stored account.
pub struct StoredSecurity {
    pub enabled: bool,
    pub secret: Option<String>,
    pub pending_codes: Option<String>,
    pub oidc_linked: bool,
    pub recovery_codes_left: i64,
    pub is_admin: bool,
    pub provider_requires: bool,
}

pub async fn security(
    db: &Db,
    user_id: i64,
    session_id: &str,
) -> Result<StoredSecurity, sqlx::Error> {
    let row = sqlx::query(
        "SELECT totp_secret, totp_enabled_at, totp_pending_codes, oidc_subject FROM users WHERE id = $1",
    )
    .bind(user_id)
    .fetch_one(db.pool())
    .await?;
    let left: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
    )
    .bind(user_id)
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
    .bind(session_id)
    .fetch_optional(db.pool())
    .await?;
    let (is_admin, provider_requires) = match membership {
        Some(m) => (
            m.try_get::<String, _>("role")? == Role::Admin.as_db(),
            m.try_get::<i64, _>("require_two_factor")? != 0,
        ),
        None => (false, false),
    };
    Ok(StoredSecurity {
        enabled: row.try_get::<Option<i64>, _>("totp_enabled_at")?.is_some(),
        secret: row.try_get("totp_secret")?,
        pending_codes: row.try_get("totp_pending_codes")?,
        oidc_linked: row.try_get::<Option<String>, _>("oidc_subject")?.is_some(),
        recovery_codes_left: left,
        is_admin,
        provider_requires,
    })
}

pub async fn unlink_oidc(db: &Db, auth: &AuthContext, ip: &str) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE users SET oidc_subject = NULL WHERE id = $1")
        .bind(auth.user_id)
        .execute(&mut *tx)
        .await?;
    user_event(&mut tx, auth, "oidc_unlinked", ip).await?;
    tx.commit().await
}

/// A new secret and recovery codes, pending until a code confirms them (not while two-factor
/// sign-in is on).
pub async fn start_enrolment(
    db: &Db,
    user_id: i64,
    secret: &str,
    codes: &[String],
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE users SET totp_secret = $1, totp_pending_codes = $2
         WHERE id = $3 AND totp_enabled_at IS NULL",
    )
    .bind(secret)
    .bind(codes.join(" "))
    .bind(user_id)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// The pending enrolment's secret and recovery codes (as stored); none when there is none.
pub async fn pending_enrolment(
    db: &Db,
    user_id: i64,
) -> Result<Option<(String, Option<String>)>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT totp_secret, totp_pending_codes FROM users
         WHERE id = $1 AND totp_enabled_at IS NULL AND totp_secret IS NOT NULL",
    )
    .bind(user_id)
    .fetch_optional(db.pool())
    .await?;
    row.map(|row| {
        Ok((
            row.try_get("totp_secret")?,
            row.try_get("totp_pending_codes")?,
        ))
    })
    .transpose()
}

/// Turns two-factor sign-in on at time step `step` with the recovery `codes`; false when it
/// was no longer pending (turned on meanwhile).
pub async fn enable_two_factor(
    db: &Db,
    auth: &AuthContext,
    step: i64,
    codes: &[String],
    ip: &str,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin().await?;
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
        return Ok(false);
    }
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(auth.user_id)
        .execute(&mut *tx)
        .await?;
    for code in codes {
        sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
            .bind(auth.user_id)
            .bind(crate::kit::token::hash_token(
                &super::two_factor::normalize_recovery_code(code),
            ))
            .execute(&mut *tx)
            .await?;
    }
    user_event(&mut tx, auth, "two_factor_enabled", ip).await?;
    tx.commit().await?;
    Ok(true)
}

pub async fn disable_two_factor(db: &Db, auth: &AuthContext, ip: &str) -> Result<(), sqlx::Error> {
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
    user_event(&mut tx, auth, "two_factor_disabled", ip).await?;
    tx.commit().await
}

/// Whether `user_id` signs in with a second factor.
pub async fn has_two_factor(db: &Db, user_id: i64) -> Result<bool, sqlx::Error> {
    let enabled: Option<i64> = sqlx::query("SELECT totp_enabled_at FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(db.pool())
        .await?
        .try_get("totp_enabled_at")?;
    Ok(enabled.is_some())
}

/// The provider's rule that every member signs in with a second factor, audited.
pub async fn set_required(
    db: &Db,
    scope: &ProviderScope,
    required: bool,
    ip: &str,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE providers SET require_two_factor = $1 WHERE id = $2")
        .bind(i64::from(required))
        .bind(scope.provider_id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut *tx,
        audit::Entry {
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
            ip,
        },
    )
    .await?;
    tx.commit().await
}
