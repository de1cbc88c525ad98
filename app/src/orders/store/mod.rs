//! The orders area's SQL, by aggregate: the lists (listing), a work order and its moves
//! (work_orders), its stages (milestones), the customer's acceptance links (acceptance) and
//! acceptance without them (behalf: the platform's 代客户验收, 自动验收), the
//! stages' evidence files (evidence) and the intake of orders (intake). Every provider's query
//! takes the caller's `ProviderScope` and filters by it, so a work order of another provider
//! is not found, whatever its number. Here: what the aggregates share (amounts, the history,
//! the work order's lock, its status kept in line with its accepted stages).

pub mod acceptance;
pub mod behalf;
pub mod evidence;
pub mod intake;
pub mod listing;
pub mod milestones;
pub mod work_orders;

use super::model::{MilestoneStatus, WorkOrderStatus};
use crate::kit::code::Code;
use crate::kit::db::{now, Owner};
use crate::kit::error::AppError;
use crate::kit::money::{Currency, Money};
use crate::kit::request::ProviderScope;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

/// The amount in `column`, in the row's `currency`.
fn money_of(row: &AnyRow, column: &str) -> Result<Money, sqlx::Error> {
    let currency: String = row.try_get("currency")?;
    let currency = Currency::from_code(&currency)
        .ok_or_else(|| sqlx::Error::Decode(format!("unknown currency {currency}").into()))?;
    Ok(Money::from_minor(row.try_get(column)?, currency))
}

pub fn money(row: &AnyRow, column: &str) -> Result<String, sqlx::Error> {
    Ok(money_of(row, column)?.to_string())
}

pub fn status(row: &AnyRow) -> Result<WorkOrderStatus, sqlx::Error> {
    let value: String = row.try_get("status")?;
    WorkOrderStatus::from_db(&value)
        .ok_or_else(|| sqlx::Error::Decode(format!("unknown status {value}").into()))
}

/// One line of a work order's history.
pub struct Event<'a> {
    pub work_order_id: i64,
    pub milestone_no: Option<i64>,
    pub actor_id: Option<i64>,
    pub actor_label: &'a str,
    pub action: &'a str,
    pub from_status: &'a str,
    pub to_status: &'a str,
    pub reason: &'a str,
}

/// Writes the history line (and the provider's 操作日志 line); returns the line's id.
pub async fn record(
    tx: &mut Transaction<'static, Any>,
    event: Event<'_>,
) -> Result<i64, sqlx::Error> {
    let id: i64 = sqlx::query(
        "INSERT INTO work_order_events (work_order_id, milestone_no, actor_id, actor_label, action,
                                        from_status, to_status, reason, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(event.work_order_id)
    .bind(event.milestone_no)
    .bind(event.actor_id)
    .bind(event.actor_label)
    .bind(event.action)
    .bind(event.from_status)
    .bind(event.to_status)
    .bind(event.reason)
    .bind(now())
    .fetch_one(&mut **tx)
    .await?
    .try_get("id")?;
    // The provider's 操作日志 shows work order moves beside sign-ins and bill actions.
    let detail = match (event.from_status, event.to_status, event.reason) {
        ("", "", reason) => reason.to_owned(),
        (from, to, "") => format!("{from} → {to}"),
        (from, to, reason) => format!("{from} → {to}: {reason}"),
    };
    sqlx::query(
        "INSERT INTO audit_log (provider_id, actor_id, action, target_type, target_id, detail, ip, created_at)
         SELECT provider_id, $1, $2, 'work_order', work_order_no, $3, '', $4 FROM work_orders WHERE id = $5",
    )
    .bind(event.actor_id)
    .bind(format!("wo_{}", event.action))
    .bind(detail.chars().take(500).collect::<String>())
    .bind(now())
    .bind(event.work_order_id)
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

/// The work order `no` of `owner`, locked for this write transaction (SQLite: the
/// transaction holds the write lock; PostgreSQL: the row lock of a no-op update). Another
/// provider's work order is not found.
pub async fn lock_work_order(
    tx: &mut Transaction<'static, Any>,
    owner: Owner,
    no: &str,
) -> Result<(i64, WorkOrderStatus), AppError> {
    let row = match owner {
        Owner::Provider(provider_id) => sqlx::query(
            "UPDATE work_orders SET updated_at = updated_at
             WHERE provider_id = $1 AND work_order_no = $2 RETURNING id, status",
        )
        .bind(provider_id)
        .bind(no),
        Owner::Platform => sqlx::query(
            "UPDATE work_orders SET updated_at = updated_at
             WHERE work_order_no = $1 RETURNING id, status",
        )
        .bind(no),
    }
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(AppError::NotFound)?;
    Ok((row.try_get("id")?, status(&row)?))
}

/// The work order, locked, if its milestones may change now.
pub async fn editable_work_order(
    tx: &mut Transaction<'static, Any>,
    scope: &ProviderScope,
    no: &str,
) -> Result<i64, AppError> {
    let (id, status) = lock_work_order(tx, Owner::Provider(scope.provider_id), no).await?;
    if !status.milestones_editable() {
        return Err(AppError::Conflict("ms.error.not_editable".into()));
    }
    Ok(id)
}

/// A stage of the work order, with its position and status.
pub async fn milestone_of(
    tx: &mut Transaction<'static, Any>,
    work_order_id: i64,
    milestone_id: i64,
) -> Result<(i64, MilestoneStatus), AppError> {
    let row =
        sqlx::query("SELECT position, status FROM milestones WHERE id = $1 AND work_order_id = $2")
            .bind(milestone_id)
            .bind(work_order_id)
            .fetch_optional(&mut **tx)
            .await?
            .ok_or(AppError::NotFound)?;
    let value: String = row.try_get("status")?;
    Ok((
        row.try_get("position")?,
        MilestoneStatus::from_db(&value).ok_or(AppError::Internal)?,
    ))
}

/// Brings the work order's status in line with its accepted milestones (部分验收, 已完成),
/// recording the change.
pub async fn sync_work_order_status(
    tx: &mut Transaction<'static, Any>,
    work_order_id: i64,
    actor_id: Option<i64>,
    actor_label: &str,
) -> Result<(), AppError> {
    let row = sqlx::query(
        "SELECT wo.status,
                (SELECT COUNT(*) FROM milestones m WHERE m.work_order_id = wo.id) AS total,
                (SELECT COUNT(*) FROM milestones m
                  WHERE m.work_order_id = wo.id AND m.status = 'accepted') AS accepted
         FROM work_orders wo WHERE wo.id = $1",
    )
    .bind(work_order_id)
    .fetch_one(&mut **tx)
    .await?;
    let from = status(&row)?;
    let total: i64 = row.try_get("total")?;
    let accepted: i64 = row.try_get("accepted")?;
    let to = from.after_acceptance(accepted as usize, total as usize);
    if to != from {
        sqlx::query("UPDATE work_orders SET status = $1, updated_at = $2 WHERE id = $3")
            .bind(to.as_db())
            .bind(now())
            .bind(work_order_id)
            .execute(&mut **tx)
            .await?;
        record(
            tx,
            Event {
                work_order_id,
                milestone_no: None,
                actor_id,
                actor_label,
                action: "status",
                from_status: from.as_db(),
                to_status: to.as_db(),
                reason: "",
            },
        )
        .await?;
    }
    Ok(())
}
