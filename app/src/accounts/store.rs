//! The accounts' shared SQL: a user's memberships (the frame, switching, signing in), the
//! session's provider, the stored password hash, and what a new password ends.

use crate::kit::code::Code;
use crate::kit::db::{now, Db};
use crate::kit::request::Role;
use crate::shell::MembershipView;
use sqlx::{Any, Row, Transaction};

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
                role: Role::from_db(&role)
                    .ok_or_else(|| sqlx::Error::Decode(format!("unknown role {role}").into()))?,
            })
        })
        .collect()
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
