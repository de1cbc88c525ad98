//! The sign-in's SQL: slider challenges, failures and their throttling, the pending second
//! step and its tries, the second factor's check, and the session a sign-in starts.

use super::model::{self, Refused, CHALLENGE_SECS, PENDING_ATTEMPTS, PENDING_SECS};
use crate::accounts::security::{model as policy, two_factor};
use crate::accounts::sessions;
use crate::kit::db::{now, Db};
use crate::kit::error::AppError;
use crate::kit::token::{hash_token, new_token};
use sqlx::Row;

/// Where a completed sign-in goes, with the cookie token of its new session.
pub struct SignedIn {
    pub token: String,
    pub target: String,
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
    // A disabled operator (停用) signs in only where they are a provider's member.
    let (operator, disabled_operator) = match sqlx::query(
        "SELECT operator_disabled_at FROM users WHERE id = $1 AND platform_role = 'operator'",
    )
    .bind(user_id)
    .fetch_optional(db.pool())
    .await?
    {
        Some(row) => {
            let disabled = row
                .try_get::<Option<i64>, _>("operator_disabled_at")?
                .is_some();
            (!disabled, disabled)
        }
        None => (false, false),
    };
    let memberships = crate::accounts::sessions::store::memberships(db, user_id).await?;
    let standing = model::Standing {
        memberships: memberships.len(),
        suspended_memberships: crate::accounts::sessions::store::suspended_memberships(db, user_id)
            .await?,
        operator,
        disabled_operator,
    };
    if let Err(refused) = model::may_sign_in(standing) {
        return Ok(Err(refused));
    }
    let provider_id = memberships.first().map(|m| m.provider_id);
    if let Some(old) = old_token {
        sessions::store::delete_by_token(db, old).await?;
    }
    let token = sessions::store::create(db, user_id, provider_id, ip, user_agent).await?;
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
    let target = model::landing(next, operator, provider_id.is_some());
    Ok(Ok(SignedIn { token, target }))
}

/// Issues a slider challenge; expired ones are swept on the way.
pub async fn issue_challenge(db: &Db) -> Result<String, sqlx::Error> {
    let at = now();
    sqlx::query("DELETE FROM login_challenges WHERE expires_at <= $1")
        .bind(at)
        .execute(db.pool())
        .await?;
    let token = new_token();
    sqlx::query("INSERT INTO login_challenges (id, expires_at) VALUES ($1, $2)")
        .bind(hash_token(&token))
        .bind(at + CHALLENGE_SECS)
        .execute(db.pool())
        .await?;
    Ok(token)
}

/// Uses up a challenge: true once for a live one, false for unknown, used or expired.
pub async fn consume_challenge(db: &Db, token: &str) -> Result<bool, sqlx::Error> {
    let used = sqlx::query("DELETE FROM login_challenges WHERE id = $1 AND expires_at > $2")
        .bind(hash_token(token))
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
    let since = at - policy::WINDOW_SECS;
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
    Ok(policy::sign_in_wait(&by_account, &by_ip, at))
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
        .bind(at - 2 * policy::WINDOW_SECS)
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

/// The account an address names, for the password check: (id, password hash, whether a
/// second factor is on).
pub async fn account(
    db: &Db,
    email: &str,
) -> Result<Option<(i64, Option<String>, bool)>, sqlx::Error> {
    let row = sqlx::query("SELECT id, password_hash, totp_enabled_at FROM users WHERE email = $1")
        .bind(email)
        .fetch_optional(db.pool())
        .await?;
    row.map(|row| {
        Ok((
            row.try_get::<i64, _>("id")?,
            row.try_get::<Option<String>, _>("password_hash")?,
            row.try_get::<Option<i64>, _>("totp_enabled_at")?.is_some(),
        ))
    })
    .transpose()
}

/// The password was right and a second factor follows: a pending sign-in, whose token goes
/// into the pending cookie.
pub async fn start_pending(db: &Db, user_id: i64, next: &str) -> Result<String, sqlx::Error> {
    let token = new_token();
    sqlx::query(
        "INSERT INTO pending_sign_ins (id, user_id, next, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(hash_token(&token))
    .bind(user_id)
    .bind(next)
    .bind(now() + PENDING_SECS)
    .execute(db.pool())
    .await?;
    Ok(token)
}

/// The live pending sign-in a cookie token names: (user, next).
pub async fn pending(db: &Db, token: &str) -> Result<Option<(i64, String)>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT user_id, next, attempts FROM pending_sign_ins WHERE id = $1 AND expires_at > $2",
    )
    .bind(hash_token(token))
    .bind(now())
    .fetch_optional(db.pool())
    .await?;
    row.map(|row| Ok((row.try_get("user_id")?, row.try_get("next")?)))
        .transpose()
}

/// Counts one try on a pending sign-in: the count after it, none when no try is left.
pub async fn count_pending_try(db: &Db, token: &str) -> Result<Option<i64>, sqlx::Error> {
    let attempt = sqlx::query(
        "UPDATE pending_sign_ins SET attempts = attempts + 1
         WHERE id = $1 AND attempts < $2 RETURNING attempts",
    )
    .bind(hash_token(token))
    .bind(PENDING_ATTEMPTS)
    .fetch_optional(db.pool())
    .await?;
    attempt.map(|row| row.try_get("attempts")).transpose()
}

pub async fn drop_pending(db: &Db, token: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM pending_sign_ins WHERE id = $1")
        .bind(hash_token(token))
        .execute(db.pool())
        .await?;
    Ok(())
}

/// The second factor was right: the pending sign-in is done and the wrong codes before it
/// are forgiven.
pub async fn second_factor_passed(db: &Db, token: &str, user_id: i64) -> Result<(), sqlx::Error> {
    drop_pending(db, token).await?;
    sqlx::query("UPDATE users SET second_factor_failures = 0 WHERE id = $1")
        .bind(user_id)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Reserves one second-factor try for `user_id`: counts it as a failure now (success
/// resets the count) if the account's wait is over. A compare-and-set on the count, so of
/// parallel tries only those that fit are let through. The count after this try, or
/// `None` when the account must wait.
pub async fn reserve_second_factor_try(db: &Db, user_id: i64) -> Result<Option<i64>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT second_factor_failures, second_factor_failed_at FROM users WHERE id = $1",
    )
    .bind(user_id)
    .fetch_one(db.pool())
    .await?;
    let failures: i64 = row.try_get("second_factor_failures")?;
    let at = now();
    let wait = policy::second_factor_wait(failures, row.try_get("second_factor_failed_at")?, at);
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
    if failures == policy::FREE_SECOND_FACTOR_FAILURES {
        let email: String = row.try_get("email")?;
        let letter = crate::accounts::security::notify::second_factor_alert();
        crate::kit::mail::post(&mut tx, &email, &letter).await?;
    }
    tx.commit().await
}

/// Checks a second factor: a TOTP code (each time step once) or an unused recovery code.
pub async fn check_second_factor(db: &Db, user_id: i64, typed: &str) -> Result<bool, sqlx::Error> {
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
    if code.len() != model::RECOVERY_CODE_CHARS {
        return Ok(false);
    }
    let used = sqlx::query(
        "UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
    )
    .bind(now())
    .bind(user_id)
    .bind(hash_token(&code))
    .execute(db.pool())
    .await?
    .rows_affected();
    Ok(used == 1)
}
