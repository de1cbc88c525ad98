//! The audit log: who did what to which record, per provider (or platform-wide).

use serde::{Deserialize, Serialize};

/// One entry as the home page's recent activity shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityView {
    pub id: i64,
    pub at: String,
    pub actor: String,
    /// Translation key `audit.<action>`.
    pub action: String,
    pub detail: String,
}

#[cfg(feature = "ssr")]
pub use ssr::*;

#[cfg(feature = "ssr")]
mod ssr {
    use super::ActivityView;
    use crate::kit::db::now;
    use crate::kit::request::ProviderScope;
    use crate::kit::time::format_datetime;
    use sqlx::{Any, Executor, Row};

    pub struct Entry<'a> {
        pub provider_id: Option<i64>,
        pub actor_id: Option<i64>,
        pub action: &'a str,
        pub target_type: &'a str,
        pub target_id: &'a str,
        pub detail: &'a str,
        pub ip: &'a str,
    }

    /// Records an entry; callers pass their transaction so the entry commits with the change.
    pub async fn record<'e, E>(executor: E, entry: Entry<'_>) -> Result<(), sqlx::Error>
    where
        E: Executor<'e, Database = Any>,
    {
        sqlx::query(
            "INSERT INTO audit_log (provider_id, actor_id, action, target_type, target_id, detail, ip, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(entry.provider_id)
        .bind(entry.actor_id)
        .bind(entry.action)
        .bind(entry.target_type)
        .bind(entry.target_id)
        .bind(entry.detail)
        .bind(entry.ip)
        .bind(now())
        .execute(executor)
        .await?;
        Ok(())
    }

    /// Records what a user did to their own account (sign-in, password, second factor).
    pub async fn user_event<'e, E>(
        executor: E,
        provider_id: Option<i64>,
        user_id: i64,
        action: &str,
        detail: &str,
        ip: &str,
    ) -> Result<(), sqlx::Error>
    where
        E: Executor<'e, Database = Any>,
    {
        record(
            executor,
            Entry {
                provider_id,
                actor_id: Some(user_id),
                action,
                target_type: "user",
                target_id: &user_id.to_string(),
                detail,
                ip,
            },
        )
        .await
    }

    /// The newest entries of the scope's provider, newest first.
    pub async fn recent(
        db: &crate::kit::db::Db,
        scope: &ProviderScope,
        limit: i64,
    ) -> Result<Vec<ActivityView>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT a.id, a.action, a.detail, a.created_at, u.name, u.email
             FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id
             WHERE a.provider_id = $1
             ORDER BY a.created_at DESC, a.id DESC
             LIMIT $2",
        )
        .bind(scope.provider_id)
        .bind(limit)
        .fetch_all(db.pool())
        .await?;
        rows.iter()
            .map(|row| {
                let name: Option<String> = row.try_get("name")?;
                let email: Option<String> = row.try_get("email")?;
                let actor = match (name, email) {
                    (Some(n), _) if !n.is_empty() => n,
                    (_, Some(e)) => e,
                    _ => String::new(),
                };
                Ok(ActivityView {
                    id: row.try_get("id")?,
                    at: format_datetime(row.try_get("created_at")?),
                    actor,
                    action: row.try_get("action")?,
                    detail: row.try_get("detail")?,
                })
            })
            .collect()
    }
}
