//! The state moves of a bill (send, 确认账单, 驳回, revise, record the payout): the bill locked,
//! the move checked by the model, written with its history and audit entry, and the other
//! side mailed, in one transaction.

use super::lines::{add_version, insert_lines, lines_of, version_totals, StoredLine};
use super::{audit_entry, bill_status, record, Event};
use crate::billing::model::{self, BillAction, BillStatus, Period, Step};
use crate::kit::code::Code;
use crate::kit::db::{now, Db, Owner};
use crate::kit::error::AppError;
use crate::kit::mail::post;
use crate::kit::money::Currency;
use crate::kit::request::Settings;
use crate::kit::time::day_start;
use crate::orders::model::WorkOrderStatus;
use sqlx::{Any, Row, Transaction};
use std::collections::BTreeMap;

/// A bill locked for this write transaction (see `orders::store::lock_work_order`).
pub struct Locked {
    pub id: i64,
    pub provider_id: i64,
    pub status: BillStatus,
    pub version: i64,
    pub period: Period,
}

async fn lock_bill(
    tx: &mut Transaction<'static, Any>,
    owner: Owner,
    no: &str,
) -> Result<Locked, AppError> {
    let row = match owner {
        Owner::Provider(provider_id) => sqlx::query(
            "UPDATE bills SET updated_at = updated_at WHERE provider_id = $1 AND bill_no = $2
             RETURNING id, provider_id, status, version, period_start, period_end",
        )
        .bind(provider_id)
        .bind(no),
        Owner::Platform => sqlx::query(
            "UPDATE bills SET updated_at = updated_at WHERE bill_no = $1
             RETURNING id, provider_id, status, version, period_start, period_end",
        )
        .bind(no),
    }
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(AppError::NotFound)?;
    Ok(Locked {
        id: row.try_get("id")?,
        provider_id: row.try_get("provider_id")?,
        status: bill_status(&row)?,
        version: row.try_get("version")?,
        period: Period {
            start: row.try_get("period_start")?,
            end: row.try_get("period_end")?,
        },
    })
}

/// What a move carries beyond the move itself.
#[derive(Debug, Clone, Default)]
pub struct MoveInput {
    pub reason: String,
    /// 驳回: the 订单编号 of the disputed lines.
    pub disputed: Vec<String>,
    /// 修订: new paid amounts by line id, and lines to drop.
    pub amounts: BTreeMap<i64, String>,
    pub removed: Vec<i64>,
    /// 打款: reference, date, amount per currency.
    pub payout_reference: String,
    pub payout_date: String,
    pub payout: BTreeMap<Currency, String>,
}

/// Who moves a bill: the owner the bill must belong to, the user, their address.
pub struct Actor<'a> {
    pub owner: Owner,
    pub user_id: i64,
    pub ip: &'a str,
}

/// Applies `action` to bill `no`: one transaction, audited, mailed to the other side. A
/// repeat of a move that already happened (a double click) succeeds and changes nothing.
pub async fn apply(
    db: &Db,
    settings: &Settings,
    actor: Actor<'_>,
    no: &str,
    action: BillAction,
    input: &MoveInput,
) -> Result<(), AppError> {
    let Actor {
        owner,
        user_id: actor_id,
        ip,
    } = actor;
    let mut tx = db.begin().await?;
    let bill = lock_bill(&mut tx, owner, no).await?;
    let to = match bill.status.step(action) {
        Ok(Step::To(to)) => to,
        Ok(Step::AlreadyThere) => return Ok(()),
        Err(_) => return Err(AppError::Conflict("bill.error.state".into())),
    };
    let mut version = bill.version;
    let mut disputed = String::new();
    match action {
        BillAction::Reject => {
            // Each named line must be the bill's: looked up by the index, not by reading
            // every line of a long bill.
            let mut unknown = Vec::new();
            for order_no in &input.disputed {
                let found = sqlx::query(
                    "SELECT 1 AS found FROM bill_lines
                     WHERE bill_id = $1 AND version = $2 AND order_no = $3 LIMIT 1",
                )
                .bind(bill.id)
                .bind(bill.version)
                .bind(order_no)
                .fetch_optional(&mut *tx)
                .await?;
                if found.is_none() {
                    unknown.push(order_no.as_str());
                }
            }
            if !unknown.is_empty() {
                return Err(AppError::invalid(&[(
                    "disputed_nos",
                    "bill.error.unknown_line",
                )]));
            }
            disputed = input.disputed.join(",");
        }
        BillAction::Revise => {
            version = revise_lines(&mut tx, &bill, actor_id, input).await?;
        }
        BillAction::RecordPayout => {
            let totals = version_totals(&mut *tx, bill.id, bill.version).await?;
            let amounts = model::check_payout(
                &input.payout_reference,
                day_start(&input.payout_date).is_some(),
                &totals.paid,
                &input.payout,
            )
            .map_err(|errors| AppError::invalid(&errors))?;
            for paid in amounts {
                sqlx::query(
                    "INSERT INTO bill_payouts (bill_id, currency, amount_minor) VALUES ($1, $2, $3)",
                )
                .bind(bill.id)
                .bind(paid.currency.code())
                .bind(paid.to_minor().map_err(|_| AppError::BadRequest)?)
                .execute(&mut *tx)
                .await?;
            }
            sqlx::query("UPDATE bills SET payout_reference = $1, payout_date = $2 WHERE id = $3")
                .bind(input.payout_reference.trim())
                .bind(input.payout_date.trim())
                .bind(bill.id)
                .execute(&mut *tx)
                .await?;
        }
        BillAction::Send | BillAction::Confirm => {}
    }
    if matches!(action, BillAction::Send | BillAction::Revise) {
        refuse_cancelled_lines(&mut tx, bill.id, version).await?;
    }
    sqlx::query("UPDATE bills SET status = $1, version = $2, updated_at = $3 WHERE id = $4")
        .bind(to.as_db())
        .bind(version)
        .bind(now())
        .bind(bill.id)
        .execute(&mut *tx)
        .await?;
    let reason = action.recorded_reason(&input.reason, &input.payout_reference);
    record(
        &mut tx,
        Event {
            bill_id: bill.id,
            version,
            actor_id,
            action: action.as_db(),
            from: Some(bill.status),
            to,
            reason,
            disputed_lines: &disputed,
        },
    )
    .await?;
    audit_entry(
        &mut tx,
        bill.provider_id,
        actor_id,
        &format!("bill_{}", action.as_db()),
        no,
        ip,
    )
    .await?;
    notify(&mut tx, settings, &bill, no, action, reason).await?;
    tx.commit().await?;
    Ok(())
}

/// A cancelled work order never reaches a bill: a version holding one (made before the work
/// order was cancelled) does not go to the provider; generating it again, or a revision
/// without the line, leaves it out.
async fn refuse_cancelled_lines(
    tx: &mut Transaction<'static, Any>,
    bill_id: i64,
    version: i64,
) -> Result<(), AppError> {
    let cancelled = sqlx::query(&format!(
        "SELECT 1 AS one FROM bill_lines l JOIN work_orders w ON w.id = l.work_order_id
         WHERE l.bill_id = $1 AND l.version = $2 AND w.status = '{}' LIMIT 1",
        WorkOrderStatus::Cancelled.as_db()
    ))
    .bind(bill_id)
    .bind(version)
    .fetch_optional(&mut **tx)
    .await?;
    match cancelled {
        Some(_) => Err(AppError::Conflict("bill.error.cancelled_lines".into())),
        None => Ok(()),
    }
}

/// Makes the next version from the current one with the platform's corrections.
async fn revise_lines(
    tx: &mut Transaction<'static, Any>,
    bill: &Locked,
    actor_id: i64,
    input: &MoveInput,
) -> Result<i64, AppError> {
    model::check_revision_note(&input.reason).map_err(|errors| AppError::invalid(&errors))?;
    let current = lines_of(&mut **tx, bill.id, bill.version).await?;
    let kept = model::revise_lines(
        current.iter().map(|stored| (stored.id, &stored.line)),
        &input.amounts,
        &input.removed,
    )
    .map_err(|errors| {
        let fields: Vec<(&str, &str)> = errors.iter().map(|(f, e)| (f.as_str(), *e)).collect();
        AppError::invalid(&fields)
    })?;
    let next: Vec<StoredLine> = kept
        .into_iter()
        .map(|(index, paid)| {
            let mut revised = current[index].clone();
            revised.line.paid = paid;
            revised
        })
        .collect();
    let version = model::next_version(bill.version);
    insert_lines(tx, bill.id, version, &next).await?;
    add_version(tx, bill.id, version, actor_id, input.reason.trim()).await?;
    Ok(version)
}

/// Tells the other side: the provider's admins of a platform move, the platform's operators
/// of a provider's answer.
async fn notify(
    tx: &mut Transaction<'static, Any>,
    settings: &Settings,
    bill: &Locked,
    no: &str,
    action: BillAction,
    reason: &str,
) -> Result<(), sqlx::Error> {
    let provider: String = sqlx::query("SELECT name FROM providers WHERE id = $1")
        .bind(bill.provider_id)
        .fetch_one(&mut **tx)
        .await?
        .try_get("name")?;
    let recipients = if action.by_provider() {
        crate::kit::mail::operator_addresses(tx).await?
    } else {
        crate::kit::mail::provider_admin_addresses(tx, bill.provider_id).await?
    };
    let letter =
        crate::billing::notify::bill_moved(settings, &provider, no, &bill.period, action, reason);
    for to in recipients {
        post(tx, &to, &letter).await?;
    }
    Ok(())
}
