//! The mailed links' SQL: `account_tokens` (issued, claimed once, looked at), and what an
//! activation, a link sent again and a password reset write, each in one transaction.

use super::model::{LinkState, ACTIVATION_SECS, RESEND_GAP_SECS, RESET_SECS};
use super::ActivationInfo;
use crate::kit::db::{now, Db};
use crate::kit::error::AppError;
use crate::kit::mail::post;
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

/// Invites `user_id` to `provider_id`: a fresh activation link, mailed to `to` with the
/// §5.1.3 wording, in the caller's transaction.
pub async fn invite(
    tx: &mut Transaction<'static, Any>,
    public_url: &str,
    user_id: i64,
    provider_id: i64,
    to: &str,
    provider: &str,
    inviter: Option<&str>,
) -> Result<(), sqlx::Error> {
    let token = issue_token(tx, "activate", user_id, Some(provider_id), ACTIVATION_SECS).await?;
    let letter = super::notify::invitation(public_url, provider, inviter, &token);
    post(tx, to, &letter).await
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

pub async fn state<'e, E>(executor: E, purpose: &str, token: &str) -> Result<LinkState, sqlx::Error>
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
    let row = match row {
        Some(row) => Some((
            row.try_get::<Option<i64>, _>("used_at")?,
            row.try_get::<i64, _>("expires_at")?,
        )),
        None => None,
    };
    Ok(LinkState::of(row, now()))
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
    .bind(now() - RESEND_GAP_SECS)
    .fetch_optional(executor)
    .await?
    .is_some())
}

/// What an activation link shows: nothing about the person behind a dead link.
pub async fn activation_info(db: &Db, token: &str) -> Result<ActivationInfo, AppError> {
    let state = state(db.pool(), "activate", token).await?;
    let row = sqlx::query(
        "SELECT u.email, u.name, u.phone, u.password_hash, p.name AS company
         FROM account_tokens t JOIN users u ON u.id = t.user_id
         LEFT JOIN providers p ON p.id = t.provider_id
         WHERE t.id = $1 AND t.purpose = 'activate'",
    )
    .bind(hash_token(token))
    .fetch_optional(db.pool())
    .await?;
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
        _ => ActivationInfo::dead(state),
    })
}

/// The account a link of `purpose` was issued for, live or not: (email, name, password
/// hash); an unknown link is not found.
pub async fn link_account(
    db: &Db,
    purpose: &str,
    token: &str,
) -> Result<(String, String, Option<String>), AppError> {
    let row = sqlx::query(
        "SELECT u.email, u.name, u.password_hash FROM account_tokens t JOIN users u ON u.id = t.user_id
         WHERE t.id = $1 AND t.purpose = $2",
    )
    .bind(hash_token(token))
    .bind(purpose)
    .fetch_optional(db.pool())
    .await?
    .ok_or(AppError::NotFound)?;
    Ok((
        row.try_get("email")?,
        row.try_get("name")?,
        row.try_get("password_hash")?,
    ))
}

/// 用户激活: uses the link up, sets name and phone (and the new password's hash, for a
/// person without one) and makes the invited membership active.
pub async fn activate(
    db: &Db,
    token: &str,
    name: &str,
    phone: &str,
    new_hash: Option<String>,
    ip: &str,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let (user_id, provider_id) = match claim(&mut tx, "activate", token).await? {
        Ok(claimed) => claimed,
        Err(_) => return Err(AppError::Conflict("activate.error.link".into())),
    };
    if let Some(hash) = new_hash {
        sqlx::query("UPDATE users SET name = $1, phone = $2, password_hash = $3 WHERE id = $4")
            .bind(name)
            .bind(phone)
            .bind(hash)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
    } else {
        sqlx::query("UPDATE users SET name = $1, phone = $2 WHERE id = $3")
            .bind(name)
            .bind(phone)
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
            ip,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A new activation link for each invitation still open for `email`, but those sent a
/// moment ago.
pub async fn resend_invitations(db: &Db, public_url: &str, email: &str) -> Result<(), AppError> {
    let invitations = sqlx::query(
        "SELECT u.id AS user_id, p.id AS provider_id, p.name FROM memberships m
         JOIN users u ON u.id = m.user_id JOIN providers p ON p.id = m.provider_id
         WHERE u.email = $1 AND m.status = 'invited'",
    )
    .bind(email)
    .fetch_all(db.pool())
    .await?;
    let mut tx = db.begin().await?;
    for row in invitations {
        let user_id: i64 = row.try_get("user_id")?;
        if recently_sent(&mut *tx, "activate", user_id).await? {
            continue;
        }
        let provider_id: i64 = row.try_get("provider_id")?;
        let provider: String = row.try_get("name")?;
        invite(
            &mut tx,
            public_url,
            user_id,
            provider_id,
            email,
            &provider,
            None,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// A reset link for a known, activated address, unless one went out a moment ago.
pub async fn send_reset(db: &Db, public_url: &str, email: &str) -> Result<(), AppError> {
    let user = sqlx::query("SELECT id FROM users WHERE email = $1 AND password_hash IS NOT NULL")
        .bind(email)
        .fetch_optional(db.pool())
        .await?;
    if let Some(row) = user {
        let user_id: i64 = row.try_get("id")?;
        let mut tx = db.begin().await?;
        if !recently_sent(&mut *tx, "reset", user_id).await? {
            let token = issue_token(&mut tx, "reset", user_id, None, RESET_SECS).await?;
            post(&mut tx, email, &super::notify::reset(public_url, &token)).await?;
        }
        tx.commit().await?;
    }
    Ok(())
}

/// A new password from a reset link: every session of the user ends, other reset links
/// and a linked identity go with the old password, and the owner (`email`) is told.
pub async fn reset(
    db: &Db,
    token: &str,
    hash: &str,
    email: &str,
    ip: &str,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let user_id = match claim(&mut tx, "reset", token).await? {
        Ok((user_id, _)) => user_id,
        Err(_) => return Err(AppError::Conflict("reset.error.link".into())),
    };
    sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(hash)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    // Other reset links of this user die with this one; a linked identity goes too
    // (whoever had lost the account may have linked one), to be linked again.
    crate::accounts::security::store::password_replaced(&mut tx, user_id).await?;
    sqlx::query("UPDATE users SET oidc_subject = NULL WHERE id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM login_failures WHERE account = $1")
        .bind(email)
        .execute(&mut *tx)
        .await?;
    crate::kit::audit::user_event(&mut *tx, None, user_id, "password_reset", "", ip).await?;
    post(
        &mut tx,
        email,
        &crate::accounts::security::notify::password_changed(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
