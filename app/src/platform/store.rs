//! The platform home's SQL: overdue stages, the outbox and the providers.

use super::{MailRow, OverdueStage, ProviderRow};
use crate::kit::db::Db;
use crate::kit::time::{format_datetime, format_deadline};
use sqlx::Row;

/// Stages whose customer did not answer in time, oldest deadline first (at most 100).
pub async fn overdue_stages(db: &Db) -> Result<Vec<OverdueStage>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT p.name, w.work_order_no, m.position, m.due_at,
                COALESCE(w.acceptance_contact_email, o.contact_email) AS contact_email
         FROM milestones m
         JOIN work_orders w ON w.id = m.work_order_id
         JOIN orders o ON o.id = w.order_id
         JOIN providers p ON p.id = w.provider_id
         WHERE m.status = 'awaiting_acceptance' AND m.overdue_flagged_at IS NOT NULL
         ORDER BY m.due_at LIMIT 100",
    )
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(OverdueStage {
                provider_name: row.try_get("name")?,
                work_order_no: row.try_get("work_order_no")?,
                position: row.try_get("position")?,
                due: format_deadline(row.try_get::<Option<i64>, _>("due_at")?.unwrap_or_default()),
                contact: row.try_get("contact_email")?,
            })
        })
        .collect()
}

/// Up to `limit` mails of the outbox older than `before`, newest first; live links redacted
/// unless `development` (no SMTP: the log is where a local user finds them).
pub async fn mails(
    db: &Db,
    before: i64,
    limit: i64,
    development: bool,
) -> Result<Vec<MailRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, to_address, subject, created_at, sent_at, failed_at, attempts, last_error, body_text, secrets
         FROM outbox WHERE id < $1 ORDER BY id DESC LIMIT $2",
    )
    .bind(before)
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(MailRow {
                id: row.try_get("id")?,
                to: row.try_get("to_address")?,
                subject: row.try_get("subject")?,
                created: format_datetime(row.try_get("created_at")?),
                sent: row
                    .try_get::<Option<i64>, _>("sent_at")?
                    .map(format_datetime),
                failed: row
                    .try_get::<Option<i64>, _>("failed_at")?
                    .map(format_datetime),
                attempts: row.try_get("attempts")?,
                last_error: row.try_get("last_error")?,
                // A live link (reset, activation, acceptance) is the recipient's alone.
                text: if development {
                    row.try_get("body_text")?
                } else {
                    crate::kit::mail::redact(
                        &row.try_get::<String, _>("body_text")?,
                        &row.try_get::<String, _>("secrets")?,
                    )
                },
            })
        })
        .collect()
}

/// Every provider by name, with its active members.
pub async fn providers(db: &Db) -> Result<Vec<ProviderRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT p.id, p.name, p.created_at,
                (SELECT COUNT(*) FROM memberships m
                  WHERE m.provider_id = p.id AND m.status = 'active') AS members
         FROM providers p ORDER BY p.name",
    )
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(ProviderRow {
                id: row.try_get("id")?,
                name: row.try_get("name")?,
                active_members: row.try_get("members")?,
                created: format_datetime(row.try_get("created_at")?),
            })
        })
        .collect()
}

/// Every provider by name, suspended ones too, for the platform's filters and bill generation.
pub async fn provider_choices(db: &Db) -> Result<Vec<(i64, String)>, sqlx::Error> {
    choices(db, "SELECT id, name FROM providers ORDER BY name").await
}

/// The providers a work order may be dispatched to: not the suspended ones.
pub async fn dispatch_choices(db: &Db) -> Result<Vec<(i64, String)>, sqlx::Error> {
    let sql = "SELECT id, name FROM providers WHERE suspended_at IS NULL ORDER BY name";
    choices(db, sql).await
}

async fn choices(db: &Db, sql: &str) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query(sql)
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("name")?)))
        .collect()
}
