//! Server-side sessions, stored in the database so that several app instances share them.
//! The cookie holds a random token; the table holds only its SHA-256, so a leaked database
//! dump signs nobody in. Also the user's memberships (the frame, switching, signing in).

use super::model::{ABSOLUTE_TIMEOUT_SECS, IDLE_TIMEOUT_SECS, SESSION_COOKIE};
use crate::kit::code::Code;
use crate::kit::cookie::cookie_value;
use crate::kit::db::{now, Db};
use crate::kit::request::{AuthContext, CurrentProvider, Role};
use crate::kit::token::{hash_token, new_token};
use crate::shell::MembershipView;
use sqlx::Row;

/// `last_seen_at` is written at most this often, so reads stay reads.
const TOUCH_INTERVAL_SECS: i64 = 60;

/// Starts a session; returns the token for the cookie.
pub async fn create(
    db: &Db,
    user_id: i64,
    provider_id: Option<i64>,
    ip: &str,
    user_agent: &str,
) -> Result<String, sqlx::Error> {
    let token = new_token();
    let at = now();
    sqlx::query(
        "INSERT INTO sessions (id, user_id, provider_id, created_at, last_seen_at, expires_at, ip, user_agent)
         VALUES ($1, $2, $3, $4, $4, $5, $6, $7)",
    )
    .bind(hash_token(&token))
    .bind(user_id)
    .bind(provider_id)
    .bind(at)
    .bind(at + ABSOLUTE_TIMEOUT_SECS)
    .bind(ip)
    .bind(user_agent.chars().take(300).collect::<String>())
    .execute(db.pool())
    .await?;
    Ok(token)
}

/// Ends the session a cookie token names, if any.
pub async fn delete_by_token(db: &Db, token: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE id = $1")
        .bind(hash_token(token))
        .execute(db.pool())
        .await?;
    Ok(())
}

pub async fn delete(db: &Db, session_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE id = $1")
        .bind(session_id)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Ends every session of a user but `except` (the one making the change, if any).
pub async fn delete_for_user(
    db: &Db,
    user_id: i64,
    except: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id <> $2")
        .bind(user_id)
        .bind(except.unwrap_or(""))
        .execute(db.pool())
        .await?;
    Ok(())
}

pub async fn set_provider(db: &Db, session_id: &str, provider_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE sessions SET provider_id = $1 WHERE id = $2")
        .bind(provider_id)
        .bind(session_id)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Looks up the session a request's cookie names. Expired or idle sessions are deleted and
/// resolve to nobody; a membership that is no longer active, or with a provider the platform
/// suspended, leaves no current provider.
pub async fn resolve(
    db: &Db,
    headers: &http::HeaderMap,
) -> Result<Option<AuthContext>, sqlx::Error> {
    let Some(token) = cookie_value(headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    let session_id = hash_token(&token);
    let row = sqlx::query(
        "SELECT s.user_id, s.provider_id, s.last_seen_at, s.expires_at,
                u.email, u.name, u.platform_role, u.operator_disabled_at, u.totp_enabled_at, u.time_zone, u.locale, u.list_page_size, m.role, p.require_two_factor, sp.name AS suspended_name
         FROM sessions s
         JOIN users u ON u.id = s.user_id
         LEFT JOIN providers sp ON sp.id = s.provider_id AND sp.suspended_at IS NOT NULL
         LEFT JOIN memberships m
                ON m.user_id = s.user_id AND m.provider_id = s.provider_id AND m.status = 'active'
                AND sp.id IS NULL
         LEFT JOIN providers p ON p.id = m.provider_id
         WHERE s.id = $1",
    )
    .bind(&session_id)
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let at = now();
    let last_seen: i64 = row.try_get("last_seen_at")?;
    let expires: i64 = row.try_get("expires_at")?;
    if at >= expires || at - last_seen >= IDLE_TIMEOUT_SECS {
        delete(db, &session_id).await?;
        return Ok(None);
    }
    if at - last_seen >= TOUCH_INTERVAL_SECS {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id = $2")
            .bind(at)
            .bind(&session_id)
            .execute(db.pool())
            .await?;
    }
    let provider_id: Option<i64> = row.try_get("provider_id")?;
    let role: Option<String> = row.try_get("role")?;
    let provider = match (provider_id, role.as_deref().and_then(Role::from_db)) {
        (Some(provider_id), Some(role)) => Some(CurrentProvider { provider_id, role }),
        _ => None,
    };
    let required = row
        .try_get::<Option<i64>, _>("require_two_factor")?
        .unwrap_or(0)
        != 0;
    let enrolled = row.try_get::<Option<i64>, _>("totp_enabled_at")?.is_some();
    let two_factor_required = provider.is_some() && required && !enrolled;
    let provider = if two_factor_required { None } else { provider };
    let platform_role: Option<String> = row.try_get("platform_role")?;
    Ok(Some(AuthContext {
        session_id,
        user_id: row.try_get("user_id")?,
        email: row.try_get("email")?,
        name: row.try_get("name")?,
        // A disabled operator (停用) keeps the role, not the access.
        is_operator: platform_role.as_deref() == Some("operator")
            && row
                .try_get::<Option<i64>, _>("operator_disabled_at")?
                .is_none(),
        provider,
        suspended_provider: row.try_get("suspended_name")?,
        two_factor_required,
        time_zone: crate::kit::time::Zone::of_setting(
            row.try_get::<Option<String>, _>("time_zone")?.as_deref(),
        ),
        locale: row
            .try_get::<Option<String>, _>("locale")?
            .as_deref()
            .and_then(crate::kit::i18n::Locale::from_tag),
        list_page_size: row.try_get("list_page_size")?,
    }))
}

/// Remembers the language `user_id` reads pages in, so that their mails speak it.
pub async fn remember_locale(
    db: &Db,
    user_id: i64,
    locale: crate::kit::i18n::Locale,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET locale = $1 WHERE id = $2")
        .bind(locale.tag())
        .bind(user_id)
        .execute(db.pool())
        .await?;
    Ok(())
}

pub async fn memberships(db: &Db, user_id: i64) -> Result<Vec<MembershipView>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT p.id, p.name, m.role FROM memberships m JOIN providers p ON p.id = m.provider_id
         WHERE m.user_id = $1 AND m.status = 'active' AND p.suspended_at IS NULL
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
                role: Role::from_db(&role)
                    .ok_or_else(|| sqlx::Error::Decode(format!("unknown role {role}").into()))?,
            })
        })
        .collect()
}

/// How many of the user's active memberships are with a provider the platform suspended.
pub async fn suspended_memberships(db: &Db, user_id: i64) -> Result<usize, sqlx::Error> {
    let n: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM memberships m JOIN providers p ON p.id = m.provider_id
         WHERE m.user_id = $1 AND m.status = 'active' AND p.suspended_at IS NOT NULL",
    )
    .bind(user_id)
    .fetch_one(db.pool())
    .await?
    .try_get("n")?;
    Ok(n as usize)
}

/// The session goes on with another provider of its user, audited.
pub async fn switch_provider(
    db: &Db,
    session_id: &str,
    user_id: i64,
    provider_id: i64,
    ip: &str,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE sessions SET provider_id = $1 WHERE id = $2")
        .bind(provider_id)
        .bind(session_id)
        .execute(&mut *tx)
        .await?;
    crate::kit::audit::record(
        &mut *tx,
        crate::kit::audit::Entry {
            provider_id: Some(provider_id),
            actor_id: Some(user_id),
            action: "switch_provider",
            target_type: "provider",
            target_id: &provider_id.to_string(),
            detail: "",
            ip,
        },
    )
    .await?;
    tx.commit().await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_cookie_among_several_headers() {
        let mut headers = http::HeaderMap::new();
        headers.append(http::header::COOKIE, "a=1; pc_lang=en".parse().unwrap());
        headers.append(http::header::COOKIE, "pc_session=abc".parse().unwrap());
        assert_eq!(cookie_value(&headers, "pc_session").as_deref(), Some("abc"));
        assert_eq!(cookie_value(&headers, "pc_lang").as_deref(), Some("en"));
        assert_eq!(cookie_value(&headers, "missing"), None);
    }

    #[test]
    fn tokens_are_random_and_stored_hashed() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_ne!(hash_token(&a), a);
        assert_eq!(hash_token(&a), hash_token(&a));
    }
}
