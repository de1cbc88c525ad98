//! A work order: its detail with its history, and its moves (接单, decline, payment,
//! dispatch, the platform's 重新派单 of a declined one and 取消工单), each one transaction
//! recorded in the history and the audit log.

use super::{lock_work_order, money, record, status, Event};
use crate::kit::code::Code;
use crate::kit::db::{now, Db, Owner};
use crate::kit::error::AppError;
use crate::kit::request::{ProviderScope, Settings};
use crate::kit::time::format_datetime;
use crate::orders::model::{
    check_redispatch, percent, MilestoneAction, MilestoneStatus, RedispatchRefusal,
    WorkOrderAction, WorkOrderStatus,
};
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

/// Who opens a work order: one of its provider's members (theirs only; a declining
/// provider's former work order is no longer theirs), or the platform (any, and every actor
/// named in its history).
#[derive(Debug, Clone, Copy)]
pub enum Viewer {
    Provider(i64),
    Platform,
}

pub async fn detail(db: &Db, scope: &ProviderScope, no: &str) -> Result<WorkOrderDetail, AppError> {
    detail_for(db, Viewer::Provider(scope.provider_id), no).await
}

pub async fn detail_for(db: &Db, viewer: Viewer, no: &str) -> Result<WorkOrderDetail, AppError> {
    // Each viewer its own SQL: the platform's has no provider condition at all, rather than
    // a sentinel id a provider could one day have.
    let (scoped, named) = match viewer {
        Viewer::Provider(_) => (
            "wo.provider_id = $2",
            "(e.actor_id IS NOT NULL AND u.platform_role IS NULL AND NOT EXISTS (
                SELECT 1 FROM memberships ms
                WHERE ms.user_id = e.actor_id AND ms.provider_id = $2))",
        ),
        Viewer::Platform => ("1 = 1", "(1 = 0)"),
    };
    let row_sql = format!(
        "SELECT wo.id, wo.work_order_no, wo.created_at, wo.service_item_name, wo.implementer,
                wo.service_item_id, wo.service_version,
                wo.currency, wo.unit_price_minor, wo.tax_rate, wo.unit_price_incl_minor,
                wo.quantity, wo.total_incl_minor, wo.status, wo.decline_reason,
                wo.cancel_reason, wo.cancelled_at, o.order_no, o.picture_url, o.solution_name,
                o.solution_quantity,
                COALESCE(wo.acceptance_contact_name, o.contact_name) AS contact_name,
                COALESCE(wo.acceptance_contact_email, o.contact_email) AS contact_email,
                o.buyer_company, COALESCE(p.name, '') AS provider_name
         FROM work_orders wo JOIN orders o ON o.id = wo.order_id
         LEFT JOIN providers p ON p.id = wo.provider_id
         WHERE wo.work_order_no = $1 AND {scoped}"
    );
    let mut row_query = sqlx::query(&row_sql).bind(no);
    if let Viewer::Provider(provider_id) = viewer {
        row_query = row_query.bind(provider_id);
    }
    let row = row_query
        .fetch_optional(db.pool())
        .await?
        .ok_or(AppError::NotFound)?;
    let id: i64 = row.try_get("id")?;
    let milestones = super::milestones::milestones(db, id).await?;
    // A work order re-dispatched keeps its history, the declining provider's decline too; who
    // of that provider declined is theirs to know, not the next provider's.
    let history_sql = format!(
        "SELECT e.action, e.milestone_no, e.from_status, e.to_status, e.reason, e.created_at,
                e.actor_label, u.name AS actor_name, u.email AS actor_email,
                f.id AS file_id, f.name AS file_name, f.size AS file_size,
                {named} AS other_provider
         FROM work_order_events e LEFT JOIN users u ON u.id = e.actor_id
         LEFT JOIN acceptance_evidence f ON f.event_id = e.id
         WHERE e.work_order_id = $1 ORDER BY e.created_at DESC, e.id DESC"
    );
    let mut history_query = sqlx::query(&history_sql).bind(id);
    if let Viewer::Provider(provider_id) = viewer {
        history_query = history_query.bind(provider_id);
    }
    let history = history_query
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(|e| {
            let other_provider = crate::kit::db::flag(e, "other_provider")?;
            Ok(EventView {
                at: format_datetime(e.try_get("created_at")?),
                actor: if other_provider {
                    String::new()
                } else {
                    actor_name(e)?
                },
                other_provider,
                action: e.try_get("action")?,
                milestone_no: e.try_get("milestone_no")?,
                from_status: e.try_get("from_status")?,
                to_status: e.try_get("to_status")?,
                reason: e.try_get("reason")?,
                file: match e.try_get::<Option<i64>, _>("file_id")? {
                    Some(id) => Some(crate::orders::FileView {
                        id,
                        name: e.try_get("file_name")?,
                        size: crate::orders::model::human_size(e.try_get("file_size")?),
                    }),
                    None => None,
                },
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
        provider: row.try_get("provider_name")?,
        service_item_name: row.try_get("service_item_name")?,
        sold_from: match (
            row.try_get::<Option<i64>, _>("service_item_id")?,
            row.try_get::<Option<i64>, _>("service_version")?,
        ) {
            (Some(item), Some(version)) => Some((item, version)),
            _ => None,
        },
        implementer: row.try_get("implementer")?,
        unit_price: money(&row, "unit_price_minor")?,
        tax_rate: percent(&row.try_get::<String, _>("tax_rate")?),
        unit_price_incl: money(&row, "unit_price_incl_minor")?,
        quantity: row.try_get("quantity")?,
        total_incl: money(&row, "total_incl_minor")?,
        status: status(&row)?,
        decline_reason: row.try_get("decline_reason")?,
        cancel_reason: row.try_get("cancel_reason")?,
        cancelled: row
            .try_get::<Option<i64>, _>("cancelled_at")?
            .map(format_datetime)
            .unwrap_or_default(),
        milestones,
        history,
    })
}

/// Accept, decline or mark paid: one transaction, applied once. A repeat of a move that
/// already happened (a double click) succeeds without a second history line. A decline is
/// also kept among the work order's declines (whom a re-dispatch may not choose).
pub async fn transition(
    db: &Db,
    owner: Owner,
    actor_id: i64,
    no: &str,
    action: WorkOrderAction,
    reason: &str,
) -> Result<(), AppError> {
    if !matches!(
        action,
        WorkOrderAction::MarkPaid | WorkOrderAction::Accept | WorkOrderAction::Decline
    ) {
        // 重新派单 and 取消工单 carry more: `redispatch`, `cancel`.
        return Err(AppError::Internal);
    }
    let mut tx = db.begin().await?;
    let (id, from) = lock_work_order(&mut tx, owner, no).await?;
    let to = match from.apply(action) {
        Ok(to) => to,
        Err(_) if from == action.target() => return Ok(()),
        Err(_) => return Err(AppError::Conflict("wo.error.state".into())),
    };
    let at = now();
    sqlx::query(
        "UPDATE work_orders SET status = $1, decline_reason = $2, updated_at = $3 WHERE id = $4",
    )
    .bind(to.as_db())
    .bind(reason)
    .bind(at)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    if action == WorkOrderAction::MarkPaid {
        // What settlement bills count: the amount paid and when (交易时间).
        sqlx::query(
            "UPDATE work_orders SET paid_minor = total_incl_minor, paid_currency = currency,
                                    paid_at = $1 WHERE id = $2",
        )
        .bind(at)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    }
    if action == WorkOrderAction::Decline {
        sqlx::query(
            "INSERT INTO work_order_declines (work_order_id, provider_id, reason, declined_by, declined_at)
             SELECT id, provider_id, $1, $2, $3 FROM work_orders WHERE id = $4 AND provider_id IS NOT NULL",
        )
        .bind(reason)
        .bind(actor_id)
        .bind(at)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    }
    record(
        &mut tx,
        Event {
            work_order_id: id,
            milestone_no: None,
            actor_id: Some(actor_id),
            actor_label: "",
            action: action.event(),
            from_status: from.as_db(),
            to_status: to.as_db(),
            reason,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A provider's name, if there is such a provider; a suspended one is refused (a field error).
async fn provider_name(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    provider_id: i64,
) -> Result<Option<String>, AppError> {
    let row = sqlx::query(
        "SELECT name, suspended_at IS NOT NULL AS suspended FROM providers WHERE id = $1",
    )
    .bind(provider_id)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(row) = row else { return Ok(None) };
    // A suspended provider's members reach none of its data: it gets no new work either.
    if crate::kit::db::flag(&row, "suspended")? {
        return Err(AppError::invalid(&[(
            "provider_id",
            "intake.error.provider_suspended",
        )]));
    }
    Ok(Some(row.try_get("name")?))
}

/// The provider whose catalogue item the work order was sold as, if it names one that is
/// still there.
async fn sold_by(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    work_order_id: i64,
) -> Result<Option<i64>, AppError> {
    Ok(sqlx::query(
        "SELECT s.provider_id FROM work_orders w JOIN service_items s ON s.id = w.service_item_id
         WHERE w.id = $1",
    )
    .bind(work_order_id)
    .fetch_optional(&mut **tx)
    .await?
    .map(|row| row.try_get("provider_id"))
    .transpose()?)
}

/// Every provider that declined the work order so far.
async fn declines(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    work_order_id: i64,
) -> Result<Vec<i64>, AppError> {
    Ok(
        sqlx::query("SELECT provider_id FROM work_order_declines WHERE work_order_id = $1")
            .bind(work_order_id)
            .fetch_all(&mut **tx)
            .await?
            .iter()
            .map(|row| row.try_get("provider_id"))
            .collect::<Result<_, _>>()?,
    )
}

/// The work order `no`, locked, with its status, provider and order.
async fn lock_for_platform(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    no: &str,
) -> Result<(i64, WorkOrderStatus, Option<i64>, i64), AppError> {
    let row = sqlx::query(
        "UPDATE work_orders SET updated_at = updated_at WHERE work_order_no = $1
         RETURNING id, status, provider_id, order_id",
    )
    .bind(no)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(AppError::NotFound)?;
    Ok((
        row.try_get("id")?,
        status(&row)?,
        row.try_get("provider_id")?,
        row.try_get("order_id")?,
    ))
}

pub async fn dispatch(
    db: &Db,
    settings: &Settings,
    operator_id: i64,
    no: &str,
    provider_id: i64,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let provider = provider_name(&mut tx, provider_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (id, status, current, _) = lock_for_platform(&mut tx, no).await?;
    if !matches!(
        status,
        WorkOrderStatus::AwaitingPayment | WorkOrderStatus::AwaitingAcceptance
    ) {
        return Err(AppError::Conflict("wo.error.dispatched".into()));
    }
    if current == Some(provider_id) {
        return Ok(());
    }
    // A provider that declined it once (before a 重新派单) does not get it back; one sold from
    // a catalogue item goes to that item's provider.
    let declined_by = declines(&mut tx, id).await?;
    if let Err(refusal) = crate::orders::model::may_receive(&declined_by, provider_id).and(
        crate::orders::model::may_deliver_sold(sold_by(&mut tx, id).await?, provider_id),
    ) {
        return Err(AppError::invalid(&[("provider_id", refusal.key())]));
    }
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

/// 重新派单: a declined work order goes to another provider, waiting for its 接单 again. The
/// providers that declined it (now or before) are refused; the declining provider loses it
/// from its list, and keeps its decline (its 操作日志, the declines table). The new provider
/// is mailed as for a dispatch. Clicked twice, it re-dispatches once.
pub async fn redispatch(
    db: &Db,
    settings: &Settings,
    operator_id: i64,
    no: &str,
    provider_id: i64,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let (id, from, current, _) = lock_for_platform(&mut tx, no).await?;
    let refused = |field_code: &'static str| AppError::invalid(&[("provider_id", field_code)]);
    let Some(provider) = provider_name(&mut tx, provider_id).await? else {
        return Err(refused("form.invalid_value"));
    };
    if from == WorkOrderStatus::AwaitingAcceptance && current == Some(provider_id) {
        return Ok(());
    }
    let mut declined_by = declines(&mut tx, id).await?;
    // A declined work order stays with the provider that declined it until it moves on.
    if from == WorkOrderStatus::Rejected {
        declined_by.extend(current);
    }
    let sold = crate::orders::model::may_deliver_sold(sold_by(&mut tx, id).await?, provider_id);
    let to =
        match check_redispatch(from, &declined_by, provider_id).and_then(|to| sold.map(|()| to)) {
            Ok(to) => to,
            Err(RedispatchRefusal::NotDeclined) => {
                return Err(AppError::Conflict(
                    RedispatchRefusal::NotDeclined.key().into(),
                ))
            }
            Err(refusal) => return Err(refused(refusal.key())),
        };
    // The decline was the old provider's: the new one starts without its reason.
    sqlx::query(
        "UPDATE work_orders SET provider_id = $1, status = $2, decline_reason = '', updated_at = $3
         WHERE id = $4",
    )
    .bind(provider_id)
    .bind(to.as_db())
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
            action: WorkOrderAction::Redispatch.event(),
            from_status: from.as_db(),
            to_status: to.as_db(),
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

/// The bill statuses past which a bill's lines are the provider's and the platform's
/// agreement (sent, confirmed, paid out): a work order on such a bill is not cancelled here.
const AGREED_BILLS: &str = "'confirming', 'awaiting_payout', 'completed'";

/// 取消工单 with `reason` (checked by the caller): any work order not done or cancelled yet,
/// unless it is on a bill already sent to its provider. Its stages waiting for the customer
/// stop waiting (their links close); who, when and why are kept; the provider's managers (if
/// it was dispatched) and the buyer's contact are mailed. Clicked twice, it cancels once.
pub async fn cancel(
    db: &Db,
    settings: &Settings,
    operator_id: i64,
    no: &str,
    reason: &str,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let (id, from, provider_id, order_id) = lock_for_platform(&mut tx, no).await?;
    let to = match from.apply(WorkOrderAction::Cancel) {
        Ok(to) => to,
        Err(_) if from == WorkOrderAction::Cancel.target() => return Ok(()),
        Err(_) => return Err(AppError::Conflict("wo.error.state".into())),
    };
    let billed = sqlx::query(&format!(
        "SELECT 1 AS one FROM bill_lines l JOIN bills b ON b.id = l.bill_id AND b.version = l.version
         WHERE l.work_order_id = $1 AND b.status IN ({AGREED_BILLS}) LIMIT 1"
    ))
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    if billed.is_some() {
        return Err(AppError::Conflict("wo.error.billed".into()));
    }
    let at = now();
    let waiting = sqlx::query(
        "SELECT id, position, status FROM milestones
         WHERE work_order_id = $1 AND status = 'awaiting_acceptance' ORDER BY position",
    )
    .bind(id)
    .fetch_all(&mut *tx)
    .await?;
    for stage in waiting {
        let stage_id: i64 = stage.try_get("id")?;
        let status: String = stage.try_get("status")?;
        let stage_from = MilestoneStatus::from_db(&status).ok_or(AppError::Internal)?;
        let stage_to = stage_from
            .apply(MilestoneAction::Withdraw)
            .map_err(|_| AppError::Internal)?;
        sqlx::query(
            "UPDATE milestones SET status = $1, due_at = NULL, updated_at = $2 WHERE id = $3",
        )
        .bind(stage_to.as_db())
        .bind(at)
        .bind(stage_id)
        .execute(&mut *tx)
        .await?;
        // The customer's open links close: the page says so, an answer is refused.
        sqlx::query(
            "UPDATE acceptance_links SET expires_at = $1
             WHERE milestone_id = $2 AND answered_at IS NULL AND expires_at > $1",
        )
        .bind(at)
        .bind(stage_id)
        .execute(&mut *tx)
        .await?;
        record(
            &mut tx,
            Event {
                work_order_id: id,
                milestone_no: Some(stage.try_get("position")?),
                actor_id: Some(operator_id),
                actor_label: "",
                action: "milestone_withdraw",
                from_status: stage_from.as_db(),
                to_status: stage_to.as_db(),
                reason: "",
            },
        )
        .await?;
    }
    sqlx::query(
        "UPDATE work_orders SET status = $1, cancelled_at = $2, cancelled_by = $3, cancel_reason = $4,
                                updated_at = $2
         WHERE id = $5",
    )
    .bind(to.as_db())
    .bind(at)
    .bind(operator_id)
    .bind(reason)
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
            action: WorkOrderAction::Cancel.event(),
            from_status: from.as_db(),
            to_status: to.as_db(),
            reason,
        },
    )
    .await?;
    let order = sqlx::query(
        "SELECT o.order_no, o.contact_email, w.service_item_name
         FROM orders o JOIN work_orders w ON w.order_id = o.id WHERE o.id = $1 AND w.id = $2",
    )
    .bind(order_id)
    .bind(id)
    .fetch_one(&mut *tx)
    .await?;
    if let Some(provider_id) = provider_id {
        super::acceptance::notify_provider(
            &mut tx,
            provider_id,
            crate::orders::notify::cancelled(no, reason),
            &format!("{}/orders/{no}", settings.public_url),
        )
        .await?;
    }
    let contact: String = order.try_get("contact_email")?;
    let letter = crate::orders::notify::cancelled_for_buyer(
        no,
        &order.try_get::<String, _>("order_no")?,
        &order.try_get::<String, _>("service_item_name")?,
        reason,
    );
    crate::kit::mail::post(&mut tx, &contact, &letter).await?;
    tx.commit().await?;
    Ok(())
}
