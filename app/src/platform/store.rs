//! The platform's SQL: the home's overdue stages, the outbox, the providers, and 平台设置.

use super::{MailRow, OverdueStage, PlatformSettings, ProviderRow};
use crate::kit::db::Db;
use crate::kit::pager::Paging;
use crate::kit::time::{format_datetime, format_deadline};
use sqlx::Row;

/// How many stages are overdue: the providers' counters the triggers keep (migration 0036),
/// a row a provider, where a count read every such stage.
pub async fn overdue_count(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) AS n FROM work_order_counts
         WHERE bucket = 'overdue:stages'",
    )
    .fetch_one(db.pool())
    .await?
    .try_get("n")
}

/// A page of the stages whose customer did not answer in time, oldest deadline first.
pub async fn overdue_stages(db: &Db, paging: Paging) -> Result<Vec<OverdueStage>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT p.name, w.work_order_no, m.id, m.position, m.due_at,
                COALESCE(w.acceptance_contact_email, o.contact_email) AS contact_email
         FROM milestones m
         JOIN work_orders w ON w.id = m.work_order_id
         JOIN orders o ON o.id = w.order_id
         JOIN providers p ON p.id = w.provider_id
         WHERE m.status = 'awaiting_acceptance' AND m.overdue_flagged_at IS NOT NULL
         ORDER BY m.due_at, m.id LIMIT $1 OFFSET $2",
    )
    .bind(paging.per_page)
    .bind(paging.offset())
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(OverdueStage {
                provider_name: row.try_get("name")?,
                work_order_no: row.try_get("work_order_no")?,
                milestone_id: row.try_get("id")?,
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
/// The newest `limit` providers (the home's glance; 服务提供商 lists them all).
pub async fn providers(db: &Db, limit: i64) -> Result<Vec<ProviderRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT p.id, p.name, p.created_at,
                (SELECT COUNT(*) FROM memberships m
                  WHERE m.provider_id = p.id AND m.status = 'active') AS members
         FROM providers p ORDER BY p.created_at DESC, p.id DESC LIMIT $1",
    )
    .bind(limit)
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

/// 平台设置 as stored (the single row of `platform_settings`).
pub async fn settings(db: &Db) -> Result<PlatformSettings, sqlx::Error> {
    let row = sqlx::query(
        "SELECT auto_accept_days, payer_name, payer_contact FROM platform_settings WHERE id = 1",
    )
    .fetch_optional(db.pool())
    .await?;
    Ok(match row {
        Some(row) => PlatformSettings {
            auto_accept_days: row.try_get("auto_accept_days")?,
            payer_name: row.try_get("payer_name")?,
            payer_contact: row.try_get("payer_contact")?,
        },
        None => PlatformSettings {
            auto_accept_days: None,
            payer_name: String::new(),
            payer_contact: String::new(),
        },
    })
}

/// The auto-acceptance period (`None`: off), read in the caller's transaction: what the
/// deadline watch and the acceptance mail go by.
pub async fn auto_accept_days(conn: &mut sqlx::AnyConnection) -> Result<Option<i64>, sqlx::Error> {
    let row = sqlx::query("SELECT auto_accept_days FROM platform_settings WHERE id = 1")
        .fetch_optional(&mut *conn)
        .await?;
    match row {
        Some(row) => row.try_get("auto_accept_days"),
        None => Ok(None),
    }
}

/// Saves 平台设置 for operator `actor`, audited old → new (nothing when nothing changed).
pub async fn save_settings(
    db: &Db,
    actor: i64,
    ip: &str,
    auto_accept_days: Option<i64>,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    // Locks the row (SQLite: the write lock; PostgreSQL: the row), so two saves line up.
    let old: Option<i64> = sqlx::query(
        "UPDATE platform_settings SET updated_at = updated_at WHERE id = 1
         RETURNING auto_accept_days",
    )
    .fetch_one(&mut *tx)
    .await?
    .try_get("auto_accept_days")?;
    if old == auto_accept_days {
        return Ok(());
    }
    sqlx::query(
        "UPDATE platform_settings SET auto_accept_days = $1, updated_by = $2, updated_at = $3
         WHERE id = 1",
    )
    .bind(auto_accept_days)
    .bind(actor)
    .bind(crate::kit::db::now())
    .execute(&mut *tx)
    .await?;
    let shown = |days: Option<i64>| days.map_or_else(|| "off".to_owned(), |d| d.to_string());
    crate::kit::audit::record(
        &mut *tx,
        crate::kit::audit::Entry {
            provider_id: None,
            actor_id: Some(actor),
            action: "platform_settings_changed",
            target_type: "platform_settings",
            target_id: "auto_accept_days",
            detail: &format!("{} → {}", shown(old), shown(auto_accept_days)),
            ip,
        },
    )
    .await?;
    tx.commit().await
}

/// Saves 付款方 for operator `actor`, audited old → new (nothing when nothing changed). Bills
/// generated from then on name this payer; those generated before keep theirs.
pub async fn save_payer(
    db: &Db,
    actor: i64,
    ip: &str,
    name: &str,
    contact: &str,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    let old = sqlx::query(
        "UPDATE platform_settings SET updated_at = updated_at WHERE id = 1
         RETURNING payer_name, payer_contact",
    )
    .fetch_one(&mut *tx)
    .await?;
    let (old_name, old_contact): (String, String) =
        (old.try_get("payer_name")?, old.try_get("payer_contact")?);
    if old_name == name && old_contact == contact {
        return Ok(());
    }
    sqlx::query(
        "UPDATE platform_settings SET payer_name = $1, payer_contact = $2, updated_by = $3,
                updated_at = $4
         WHERE id = 1",
    )
    .bind(name)
    .bind(contact)
    .bind(actor)
    .bind(crate::kit::db::now())
    .execute(&mut *tx)
    .await?;
    crate::kit::audit::record(
        &mut *tx,
        crate::kit::audit::Entry {
            provider_id: None,
            actor_id: Some(actor),
            action: "platform_settings_changed",
            target_type: "platform_settings",
            target_id: "payer",
            detail: &format!("{old_name} <{old_contact}> → {name} <{contact}>"),
            ip,
        },
    )
    .await?;
    tx.commit().await
}
