//! A work order: its detail with its history, and its moves (接单, decline, payment,
//! dispatch), each one transaction recorded in the history.

use super::{lock_work_order, money, record, status, Event};
use crate::kit::code::Code;
use crate::kit::db::{now, Db, Owner};
use crate::kit::error::AppError;
use crate::kit::request::{ProviderScope, Settings};
use crate::kit::time::format_datetime;
use crate::orders::model::{percent, WorkOrderAction, WorkOrderStatus};
use crate::orders::{EventView, WorkOrderDetail};
use sqlx::any::AnyRow;
use sqlx::Row;

fn actor_name(row: &AnyRow) -> Result<String, sqlx::Error> {
    let name: Option<String> = row.try_get("actor_name")?;
    let email: Option<String> = row.try_get("actor_email")?;
    let label: String = row.try_get("actor_label")?;
    Ok(match (name, email) {
        (Some(n), _) if !n.is_empty() => n,
        (_, Some(e)) => e,
        _ => label,
    })
}

pub async fn detail(db: &Db, scope: &ProviderScope, no: &str) -> Result<WorkOrderDetail, AppError> {
    let row = sqlx::query(
        "SELECT wo.id, wo.work_order_no, wo.created_at, wo.service_item_name, wo.implementer,
                wo.currency, wo.unit_price_minor, wo.tax_rate, wo.unit_price_incl_minor,
                wo.quantity, wo.total_incl_minor, wo.status, wo.decline_reason,
                o.order_no, o.picture_url, o.solution_name, o.solution_quantity,
                COALESCE(wo.acceptance_contact_name, o.contact_name) AS contact_name,
                COALESCE(wo.acceptance_contact_email, o.contact_email) AS contact_email,
                o.buyer_company
         FROM work_orders wo JOIN orders o ON o.id = wo.order_id
         WHERE wo.provider_id = $1 AND wo.work_order_no = $2",
    )
    .bind(scope.provider_id)
    .bind(no)
    .fetch_optional(db.pool())
    .await?
    .ok_or(AppError::NotFound)?;
    let id: i64 = row.try_get("id")?;
    let milestones = super::milestones::milestones(db, id).await?;
    let history = sqlx::query(
        "SELECT e.action, e.milestone_no, e.from_status, e.to_status, e.reason, e.created_at,
                e.actor_label, u.name AS actor_name, u.email AS actor_email
         FROM work_order_events e LEFT JOIN users u ON u.id = e.actor_id
         WHERE e.work_order_id = $1 ORDER BY e.created_at DESC, e.id DESC",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(|e| {
        Ok(EventView {
            at: format_datetime(e.try_get("created_at")?),
            actor: actor_name(e)?,
            action: e.try_get("action")?,
            milestone_no: e.try_get("milestone_no")?,
            from_status: e.try_get("from_status")?,
            to_status: e.try_get("to_status")?,
            reason: e.try_get("reason")?,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let contact_name: String = row.try_get("contact_name")?;
    let contact_email: String = row.try_get("contact_email")?;
    Ok(WorkOrderDetail {
        work_order_no: row.try_get("work_order_no")?,
        order_no: row.try_get("order_no")?,
        created: format_datetime(row.try_get("created_at")?),
        picture_url: row.try_get("picture_url")?,
        solution_name: row.try_get("solution_name")?,
        solution_quantity: row.try_get("solution_quantity")?,
        contact: if contact_name.is_empty() {
            contact_email.clone()
        } else {
            format!("{contact_name} <{contact_email}>")
        },
        contact_name,
        contact_email,
        buyer_company: row.try_get("buyer_company")?,
        service_item_name: row.try_get("service_item_name")?,
        implementer: row.try_get("implementer")?,
        unit_price: money(&row, "unit_price_minor")?,
        tax_rate: percent(&row.try_get::<String, _>("tax_rate")?),
        unit_price_incl: money(&row, "unit_price_incl_minor")?,
        quantity: row.try_get("quantity")?,
        total_incl: money(&row, "total_incl_minor")?,
        status: status(&row)?,
        decline_reason: row.try_get("decline_reason")?,
        milestones,
        history,
    })
}

/// Accept, decline or mark paid: one transaction, applied once. A repeat of a move that
/// already happened (a double click) succeeds without a second history line.
pub async fn transition(
    db: &Db,
    owner: Owner,
    actor_id: i64,
    no: &str,
    action: WorkOrderAction,
    reason: &str,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let (id, from) = lock_work_order(&mut tx, owner, no).await?;
    let already = match action {
        WorkOrderAction::MarkPaid => WorkOrderStatus::AwaitingAcceptance,
        WorkOrderAction::Accept => WorkOrderStatus::InProgress,
        WorkOrderAction::Decline => WorkOrderStatus::Rejected,
    };
    let to = match from.apply(action) {
        Ok(to) => to,
        Err(_) if from == already => return Ok(()),
        Err(_) => return Err(AppError::Conflict("wo.error.state".into())),
    };
    sqlx::query(
        "UPDATE work_orders SET status = $1, decline_reason = $2, updated_at = $3 WHERE id = $4",
    )
    .bind(to.as_db())
    .bind(reason)
    .bind(now())
    .bind(id)
    .execute(&mut *tx)
    .await?;
    if action == WorkOrderAction::MarkPaid {
        // What settlement bills count: the amount paid and when (交易时间).
        sqlx::query(
            "UPDATE work_orders SET paid_minor = total_incl_minor, paid_currency = currency,
                                    paid_at = $1 WHERE id = $2",
        )
        .bind(now())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    }
    let name = match action {
        WorkOrderAction::Accept => "accept",
        WorkOrderAction::Decline => "decline",
        WorkOrderAction::MarkPaid => "mark_paid",
    };
    record(
        &mut tx,
        Event {
            work_order_id: id,
            milestone_no: None,
            actor_id: Some(actor_id),
            actor_label: "",
            action: name,
            from_status: from.as_db(),
            to_status: to.as_db(),
            reason,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn dispatch(
    db: &Db,
    settings: &Settings,
    operator_id: i64,
    no: &str,
    provider_id: i64,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let provider: String = sqlx::query("SELECT name FROM providers WHERE id = $1")
        .bind(provider_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(AppError::NotFound)?
        .try_get("name")?;
    let row = sqlx::query(
        "UPDATE work_orders SET updated_at = updated_at WHERE work_order_no = $1
         RETURNING id, status, provider_id",
    )
    .bind(no)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::NotFound)?;
    let status: String = row.try_get("status")?;
    if !matches!(status.as_str(), "awaiting_payment" | "awaiting_acceptance") {
        return Err(AppError::Conflict("wo.error.dispatched".into()));
    }
    if row.try_get::<Option<i64>, _>("provider_id")? == Some(provider_id) {
        return Ok(());
    }
    let id: i64 = row.try_get("id")?;
    sqlx::query("UPDATE work_orders SET provider_id = $1, updated_at = $2 WHERE id = $3")
        .bind(provider_id)
        .bind(now())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    record(
        &mut tx,
        Event {
            work_order_id: id,
            milestone_no: None,
            actor_id: Some(operator_id),
            actor_label: "",
            action: "dispatch",
            from_status: "",
            to_status: "",
            reason: &provider,
        },
    )
    .await?;
    super::acceptance::notify_provider(
        &mut tx,
        provider_id,
        crate::orders::notify::dispatched(&provider, no),
        &format!("{}/orders/{no}", settings.public_url),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
