//! Bills in the database: generation from paid work orders, the state moves (each one
//! transaction, applied once), revisions, payouts, and the list and detail reads. Every read
//! and write takes an `Owner`: a provider sees only its own bills, foreign ids are not found.

use super::model::{
    diff, format_totals, BillAction, BillLine, BillStatus, BillTotals, LineChange, Period, Step,
};
use super::*;
use crate::kit::audit::{self, Entry};
use crate::kit::code::Code;
use crate::kit::db::Owner;
use crate::kit::db::{now, Db};
use crate::kit::error::AppError;
use crate::kit::mail::post;
use crate::kit::money::{Currency, Money, Totals};
use crate::kit::request::Settings;
use crate::kit::search::{self, Hit, Query};
use crate::kit::time::{day_start, format_datetime, format_datetime_seconds};
use crate::orders::model::WorkOrderStatus;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use std::collections::BTreeMap;

fn currency(row: &AnyRow, column: &str) -> Result<Currency, sqlx::Error> {
    let code: String = row.try_get(column)?;
    Currency::from_code(&code).ok_or_else(|| sqlx::Error::Decode(column.into()))
}

fn bill_status(row: &AnyRow) -> Result<BillStatus, sqlx::Error> {
    let text: String = row.try_get("status")?;
    BillStatus::from_db(&text).ok_or_else(|| sqlx::Error::Decode("status".into()))
}

/// A stored line with what the views need beyond the arithmetic.
#[derive(Debug, Clone)]
pub struct StoredLine {
    pub id: i64,
    /// The work order the line bills, while it exists.
    pub work_order_id: Option<i64>,
    pub line: BillLine,
    pub order_status: String,
    pub product: String,
    pub traded_at: i64,
}

impl StoredLine {
    pub fn from_row(row: &AnyRow) -> Result<StoredLine, sqlx::Error> {
        Ok(StoredLine {
            id: row.try_get("id")?,
            work_order_id: row.try_get("work_order_id")?,
            line: BillLine {
                order_no: row.try_get("order_no")?,
                order_total: Money::from_minor(
                    row.try_get("order_total_minor")?,
                    currency(row, "order_currency")?,
                ),
                quantity: row.try_get("quantity")?,
                paid: Money::from_minor(
                    row.try_get("paid_minor")?,
                    currency(row, "paid_currency")?,
                ),
            },
            order_status: row.try_get("order_status")?,
            product: row.try_get("product")?,
            traded_at: row.try_get("traded_at")?,
        })
    }

    pub fn view(&self, disputed: &[String]) -> BillLineView {
        BillLineView {
            id: self.id,
            order_no: self.line.order_no.clone(),
            order_status: WorkOrderStatus::from_db(&self.order_status),
            order_total: self.line.order_total.to_string(),
            product: self.product.clone(),
            quantity: self.line.quantity,
            traded_at: format_datetime_seconds(self.traded_at),
            paid: self.line.paid.to_string(),
            disputed: disputed.contains(&self.line.order_no),
        }
    }
}

pub async fn lines_of(
    executor: impl sqlx::Executor<'_, Database = Any>,
    bill_id: i64,
    version: i64,
) -> Result<Vec<StoredLine>, sqlx::Error> {
    sqlx::query(
        "SELECT id, work_order_id, order_no, order_status, order_total_minor, order_currency,
                product, quantity, traded_at, paid_minor, paid_currency
         FROM bill_lines WHERE bill_id = $1 AND version = $2 ORDER BY position, id",
    )
    .bind(bill_id)
    .bind(version)
    .fetch_all(executor)
    .await?
    .iter()
    .map(StoredLine::from_row)
    .collect()
}

/// The work orders a period's bill counts: paid inside the period (UTC+8 days) and taken on
/// by the provider (a declined or unpaid work order is not the provider's revenue).
async fn billable_lines(
    tx: &mut Transaction<'static, Any>,
    provider_id: i64,
    period: &Period,
) -> Result<Vec<StoredLine>, AppError> {
    let (Some(from), Some(to)) = (day_start(&period.start), day_start(&period.end)) else {
        return Err(AppError::invalid(&[("month", "bill.error.period")]));
    };
    let rows = sqlx::query(
        "SELECT w.id AS work_order_id, o.order_no, w.status AS order_status,
                w.total_incl_minor AS order_total_minor, w.currency AS order_currency,
                o.solution_name AS product, w.quantity, w.paid_at AS traded_at,
                w.paid_minor, w.paid_currency, 0 AS id
         FROM work_orders w JOIN orders o ON o.id = w.order_id
         WHERE w.provider_id = $1 AND w.paid_at >= $2 AND w.paid_at < $3
           AND w.paid_minor IS NOT NULL
           AND w.status IN ('in_progress', 'partially_accepted', 'completed')
         ORDER BY w.paid_at DESC, w.id DESC",
    )
    .bind(provider_id)
    .bind(from)
    .bind(to + 86_400)
    .fetch_all(&mut **tx)
    .await?;
    rows.iter()
        .map(StoredLine::from_row)
        .collect::<Result<_, sqlx::Error>>()
        .map_err(AppError::from)
}

/// Writes a version's sums (`bill_totals`) from its lines; run once, in the transaction that
/// wrote them, by every writer of lines (generation, revision, the demo, the generator).
pub async fn store_totals(
    executor: impl sqlx::Executor<'_, Database = Any>,
    bill_id: i64,
    version: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO bill_totals (bill_id, version, order_currency, paid_currency, lines, units,
                                  order_total_minor, paid_minor)
         SELECT bill_id, version, order_currency, paid_currency, COUNT(*), SUM(quantity),
                SUM(order_total_minor), SUM(paid_minor)
         FROM bill_lines WHERE bill_id = $1 AND version = $2
         GROUP BY bill_id, version, order_currency, paid_currency",
    )
    .bind(bill_id)
    .bind(version)
    .execute(executor)
    .await?;
    Ok(())
}

/// A version's stored sums.
pub async fn version_totals(
    executor: impl sqlx::Executor<'_, Database = Any>,
    bill_id: i64,
    version: i64,
) -> Result<BillTotals, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT order_currency, paid_currency, lines, units, order_total_minor, paid_minor
         FROM bill_totals WHERE bill_id = $1 AND version = $2",
    )
    .bind(bill_id)
    .bind(version)
    .fetch_all(executor)
    .await?;
    let mut totals = BillTotals::default();
    for row in &rows {
        add_totals_row(&mut totals, row)?;
    }
    Ok(totals)
}

fn add_totals_row(totals: &mut BillTotals, row: &AnyRow) -> Result<(), sqlx::Error> {
    totals.orders += row.try_get::<i64, _>("lines")?;
    totals.units += row.try_get::<i64, _>("units")?;
    totals.order_total.add(Money::from_minor(
        row.try_get("order_total_minor")?,
        currency(row, "order_currency")?,
    ));
    totals.paid.add(Money::from_minor(
        row.try_get("paid_minor")?,
        currency(row, "paid_currency")?,
    ));
    Ok(())
}

async fn insert_lines(
    tx: &mut Transaction<'static, Any>,
    bill_id: i64,
    version: i64,
    lines: &[StoredLine],
) -> Result<(), AppError> {
    for (position, stored) in lines.iter().enumerate() {
        let minor = |money: Money| {
            money
                .to_minor()
                .map_err(|_| AppError::invalid(&[("amount", "bill.error.amount")]))
        };
        sqlx::query(
            "INSERT INTO bill_lines (bill_id, version, position, work_order_id, order_no,
                                     order_status, order_total_minor, order_currency, product,
                                     quantity, traded_at, paid_minor, paid_currency)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        )
        .bind(bill_id)
        .bind(version)
        .bind(position as i64 + 1)
        .bind(stored.work_order_id)
        .bind(&stored.line.order_no)
        .bind(&stored.order_status)
        .bind(minor(stored.line.order_total)?)
        .bind(stored.line.order_total.currency.code())
        .bind(&stored.product)
        .bind(stored.line.quantity)
        .bind(stored.traded_at)
        .bind(minor(stored.line.paid)?)
        .bind(stored.line.paid.currency.code())
        .execute(&mut **tx)
        .await?;
    }
    store_totals(&mut **tx, bill_id, version).await?;
    if version > 1 {
        store_changes(tx, bill_id, version, lines).await?;
    }
    Ok(())
}

struct Event<'a> {
    bill_id: i64,
    version: i64,
    actor_id: i64,
    action: &'a str,
    from: Option<BillStatus>,
    to: BillStatus,
    reason: &'a str,
    disputed_lines: &'a str,
}

async fn record(tx: &mut Transaction<'static, Any>, event: Event<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO bill_events (bill_id, version, actor_id, action, from_status, to_status,
                                  reason, disputed_lines, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(event.bill_id)
    .bind(event.version)
    .bind(event.actor_id)
    .bind(event.action)
    .bind(event.from.map(BillStatus::as_db).unwrap_or_default())
    .bind(event.to.as_db())
    .bind(event.reason)
    .bind(event.disputed_lines)
    .bind(now())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn add_version(
    tx: &mut Transaction<'static, Any>,
    bill_id: i64,
    version: i64,
    actor_id: i64,
    note: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO bill_versions (bill_id, version, note, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(bill_id)
    .bind(version)
    .bind(note)
    .bind(actor_id)
    .bind(now())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Writes how `version`'s `lines` differ from the version before (`bill_changes`), once, in
/// the transaction that wrote them, so that reading a bill's revisions compares nothing.
async fn store_changes(
    tx: &mut Transaction<'static, Any>,
    bill_id: i64,
    version: i64,
    lines: &[StoredLine],
) -> Result<(), sqlx::Error> {
    let before: Vec<BillLine> = lines_of(&mut **tx, bill_id, version - 1)
        .await?
        .into_iter()
        .map(|l| l.line)
        .collect();
    let after: Vec<BillLine> = lines.iter().map(|l| l.line.clone()).collect();
    // Stored amounts came from minor units, so they convert back exactly.
    let minor = |money: Option<Money>| money.and_then(|m| m.to_minor().ok());
    let code = |money: Option<Money>| money.map(|m| m.currency.code());
    for (position, change) in diff(&before, &after).into_iter().enumerate() {
        let (kind, order_no, before, after) = match change {
            LineChange::Added { order_no, paid } => ("added", order_no, None, Some(paid)),
            LineChange::Removed { order_no, paid } => ("removed", order_no, Some(paid), None),
            LineChange::Changed {
                order_no,
                before,
                after,
            } => ("changed", order_no, Some(before), Some(after)),
        };
        sqlx::query(
            "INSERT INTO bill_changes (bill_id, version, position, kind, order_no, before_minor,
                                       before_currency, after_minor, after_currency)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(bill_id)
        .bind(version)
        .bind(position as i64 + 1)
        .bind(kind)
        .bind(order_no)
        .bind(minor(before))
        .bind(code(before))
        .bind(minor(after))
        .bind(code(after))
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Generates the provider's bill for `period`; generating again while the bill is 未分账 or
/// 已驳回 makes a new version from the work orders as they are now, keeping the old one.
pub async fn generate(
    db: &Db,
    actor_id: i64,
    provider_id: i64,
    period: &Period,
    ip: &str,
) -> Result<String, AppError> {
    let mut tx = db.begin().await?;
    let provider = sqlx::query("SELECT id FROM providers WHERE id = $1")
        .bind(provider_id)
        .fetch_optional(&mut *tx)
        .await?;
    if provider.is_none() {
        return Err(AppError::invalid(&[("provider_id", "bill.error.provider")]));
    }
    let overlapping = sqlx::query(
        "SELECT id, bill_no, status, version, period_start, period_end FROM bills
         WHERE provider_id = $1 AND period_start <= $2 AND period_end >= $3",
    )
    .bind(provider_id)
    .bind(&period.end)
    .bind(&period.start)
    .fetch_all(&mut *tx)
    .await?;
    // The same period again may regenerate; any other overlap is refused.
    let existing = match overlapping.first() {
        Some(existing) => {
            let same = existing.try_get::<String, _>("period_start")? == period.start
                && existing.try_get::<String, _>("period_end")? == period.end;
            if !same || overlapping.len() > 1 {
                return Err(AppError::invalid(&[("month", "bill.error.overlap")]));
            }
            let status = bill_status(existing)?;
            if !status.regenerable() {
                return Err(AppError::Conflict("bill.error.state".into()));
            }
            Some((status, existing))
        }
        None => None,
    };
    let lines = billable_lines(&mut tx, provider_id, period).await?;
    if lines.is_empty() {
        return Err(AppError::invalid(&[("month", "bill.error.empty")]));
    }
    if let Some((status, existing)) = existing {
        let bill_id: i64 = existing.try_get("id")?;
        let bill_no: String = existing.try_get("bill_no")?;
        let version = existing.try_get::<i64, _>("version")? + 1;
        insert_lines(&mut tx, bill_id, version, &lines).await?;
        add_version(&mut tx, bill_id, version, actor_id, "regenerated").await?;
        sqlx::query("UPDATE bills SET version = $1, updated_at = $2 WHERE id = $3")
            .bind(version)
            .bind(now())
            .bind(bill_id)
            .execute(&mut *tx)
            .await?;
        record(
            &mut tx,
            Event {
                bill_id,
                version,
                actor_id,
                action: "regenerate",
                from: Some(status),
                to: status,
                reason: "",
                disputed_lines: "",
            },
        )
        .await?;
        audit_entry(
            &mut tx,
            provider_id,
            actor_id,
            "bill_regenerate",
            &bill_no,
            ip,
        )
        .await?;
        tx.commit().await?;
        return Ok(bill_no);
    }
    let bill_date = period
        .bill_date()
        .ok_or_else(|| AppError::invalid(&[("month", "bill.error.period")]))?;
    let taken: i64 = sqlx::query("SELECT COUNT(*) AS n FROM bills WHERE bill_no LIKE $1")
        .bind(format!("{bill_date}%"))
        .fetch_one(&mut *tx)
        .await?
        .try_get("n")?;
    let bill_no = model::bill_no(&bill_date, taken + 1);
    let at = now();
    let bill_id: i64 = sqlx::query(
        "INSERT INTO bills (bill_no, provider_id, period_start, period_end, status, version,
                            generated_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, 'unsettled', 1, $5, $6, $6) RETURNING id",
    )
    .bind(&bill_no)
    .bind(provider_id)
    .bind(&period.start)
    .bind(&period.end)
    .bind(actor_id)
    .bind(at)
    .fetch_one(&mut *tx)
    .await?
    .try_get("id")?;
    insert_lines(&mut tx, bill_id, 1, &lines).await?;
    add_version(&mut tx, bill_id, 1, actor_id, "generated").await?;
    record(
        &mut tx,
        Event {
            bill_id,
            version: 1,
            actor_id,
            action: "generate",
            from: None,
            to: BillStatus::Unsettled,
            reason: "",
            disputed_lines: "",
        },
    )
    .await?;
    audit_entry(
        &mut tx,
        provider_id,
        actor_id,
        "bill_generate",
        &bill_no,
        ip,
    )
    .await?;
    tx.commit().await?;
    Ok(bill_no)
}

async fn audit_entry(
    tx: &mut Transaction<'static, Any>,
    provider_id: i64,
    actor_id: i64,
    action: &str,
    bill_no: &str,
    ip: &str,
) -> Result<(), sqlx::Error> {
    audit::record(
        &mut **tx,
        Entry {
            provider_id: Some(provider_id),
            actor_id: Some(actor_id),
            action,
            target_type: "bill",
            target_id: bill_no,
            detail: "",
            ip,
        },
    )
    .await
}

/// A bill locked for this write transaction (see `orders::queries::lock_work_order`).
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

/// Applies `action` to bill `no`: one transaction, audited, mailed to the other side. A
/// repeat of a move that already happened (a double click) succeeds and changes nothing.
/// Who moves a bill: the owner the bill must belong to, the user, their address.
pub struct Actor<'a> {
    pub owner: Owner,
    pub user_id: i64,
    pub ip: &'a str,
}

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
    sqlx::query("UPDATE bills SET status = $1, version = $2, updated_at = $3 WHERE id = $4")
        .bind(to.as_db())
        .bind(version)
        .bind(now())
        .bind(bill.id)
        .execute(&mut *tx)
        .await?;
    let reason = match action {
        BillAction::RecordPayout => input.payout_reference.trim(),
        _ => input.reason.trim(),
    };
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
    let version = bill.version + 1;
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
    let recipients: Vec<String> = if action.by_provider() {
        sqlx::query("SELECT email FROM users WHERE platform_role = 'operator' ORDER BY id")
            .fetch_all(&mut **tx)
            .await?
    } else {
        sqlx::query(
            "SELECT u.email FROM memberships m JOIN users u ON u.id = m.user_id
             WHERE m.provider_id = $1 AND m.status = 'active' AND m.role IN ('admin', 'co_admin')
             ORDER BY u.id",
        )
        .bind(bill.provider_id)
        .fetch_all(&mut **tx)
        .await?
    }
    .iter()
    .map(|r| r.try_get("email"))
    .collect::<Result<_, _>>()?;
    let letter = super::notify::bill_moved(settings, &provider, no, &bill.period, action, reason);
    for to in recipients {
        post(tx, &to, &letter).await?;
    }
    Ok(())
}

/// The list's filters, read from its query.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub status: Option<BillStatus>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub provider_id: Option<i64>,
    pub page: i64,
}

impl ListFilter {
    pub fn parse(status: &str, from: &str, to: &str, page: &str) -> Result<ListFilter, AppError> {
        let status = match status {
            "" => None,
            s => Some(BillStatus::from_db(s).ok_or(AppError::BadRequest)?),
        };
        let date = |d: &str| -> Result<Option<String>, AppError> {
            match d.trim() {
                "" => Ok(None),
                d if day_start(d).is_some() => Ok(Some(d.to_owned())),
                _ => Err(AppError::BadRequest),
            }
        };
        let page = crate::kit::paging::page_number(page)?;
        Ok(ListFilter {
            status,
            from: date(from)?,
            to: date(to)?,
            provider_id: None,
            page,
        })
    }
}

/// The WHERE clause both the page and the summary use; `$n` binds in order.
pub fn where_clause(owner: Owner, filter: &ListFilter) -> (String, Vec<BindValue>) {
    let mut sql = String::from(" WHERE 1 = 1");
    let mut binds = Vec::new();
    let mut push = |clause: &str, value: BindValue, binds: &mut Vec<BindValue>| {
        binds.push(value);
        sql.push_str(&clause.replace('?', &format!("${}", binds.len())));
    };
    match owner {
        Owner::Provider(id) => push(" AND b.provider_id = ?", BindValue::Int(id), &mut binds),
        Owner::Platform => {
            if let Some(id) = filter.provider_id {
                push(" AND b.provider_id = ?", BindValue::Int(id), &mut binds);
            }
        }
    }
    if let Some(status) = filter.status {
        push(
            " AND b.status = ?",
            BindValue::Text(status.as_db().into()),
            &mut binds,
        );
    }
    if let Some(from) = &filter.from {
        push(
            " AND b.period_end >= ?",
            BindValue::Text(from.clone()),
            &mut binds,
        );
    }
    if let Some(to) = &filter.to {
        push(
            " AND b.period_end <= ?",
            BindValue::Text(to.clone()),
            &mut binds,
        );
    }
    (sql, binds)
}

#[derive(Debug, Clone)]
pub enum BindValue {
    Int(i64),
    Text(String),
}

pub fn bind_all<'q>(
    mut query: sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>>,
    binds: &'q [BindValue],
) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>> {
    for bind in binds {
        query = match bind {
            BindValue::Int(v) => query.bind(*v),
            BindValue::Text(v) => query.bind(v.as_str()),
        };
    }
    query
}

/// One exported line with its bill.
pub struct ExportRow {
    pub bill_no: String,
    pub provider: String,
    pub period: String,
    pub status: BillStatus,
    pub line: StoredLine,
}

/// Sends the exported lines of the bills under `filter` (of bill `bill_no` alone, with the
/// default filter) into a bounded channel: the reader's pace sets the producer's, so memory
/// stays flat however many lines there are.
pub fn spawn_export_rows(
    db: Db,
    owner: Owner,
    filter: ListFilter,
    bill_no: Option<String>,
) -> tokio::sync::mpsc::Receiver<Result<ExportRow, AppError>> {
    use futures_util::StreamExt;
    let (sender, receiver) = tokio::sync::mpsc::channel(256);
    tokio::spawn(async move {
        let (mut where_sql, mut binds) = where_clause(owner, &filter);
        if let Some(no) = &bill_no {
            binds.push(BindValue::Text(no.clone()));
            where_sql.push_str(&format!(" AND b.bill_no = ${}", binds.len()));
        }
        let sql = format!(
            "SELECT b.bill_no, b.period_start, b.period_end, b.status, p.name AS provider,
                    l.id, l.work_order_id, l.order_no, l.order_status, l.order_total_minor, l.order_currency,
                    l.product, l.quantity, l.traded_at, l.paid_minor, l.paid_currency
             FROM bills b JOIN providers p ON p.id = b.provider_id
             JOIN bill_lines l ON l.bill_id = b.id AND l.version = b.version
             {where_sql}
             ORDER BY b.period_end DESC, b.id DESC, l.position, l.id"
        );
        let mut rows = bind_all(sqlx::query(&sql), &binds).fetch(db.pool());
        while let Some(row) = rows.next().await {
            let item = row.map_err(AppError::from).and_then(|row| {
                let status: String = row.try_get("status")?;
                Ok(ExportRow {
                    bill_no: row.try_get("bill_no")?,
                    provider: row.try_get("provider")?,
                    period: Period {
                        start: row.try_get("period_start")?,
                        end: row.try_get("period_end")?,
                    }
                    .label(),
                    status: BillStatus::from_db(&status)
                        .ok_or_else(|| sqlx::Error::Decode("status".into()))?,
                    line: StoredLine::from_row(&row)?,
                })
            });
            let failed = item.is_err();
            if sender.send(item).await.is_err() || failed {
                break;
            }
        }
    });
    receiver
}

/// A provider's name, or empty when there is none of that id.
pub async fn provider_name(db: &Db, id: i64) -> Result<String, AppError> {
    Ok(sqlx::query("SELECT name FROM providers WHERE id = $1")
        .bind(id)
        .fetch_optional(db.pool())
        .await?
        .map(|r| r.try_get::<String, _>("name"))
        .transpose()?
        .unwrap_or_default())
}

/// Per-bill sums of the current version, from the stored totals: a few rows per bill.
async fn sums(
    db: &Db,
    where_sql: &str,
    binds: &[BindValue],
) -> Result<BTreeMap<i64, BillTotals>, sqlx::Error> {
    let sql = format!(
        "SELECT b.id AS bill_id, t.order_currency, t.paid_currency, t.lines, t.units,
                t.order_total_minor, t.paid_minor
         FROM bills b JOIN bill_totals t ON t.bill_id = b.id AND t.version = b.version
         {where_sql}"
    );
    let rows = bind_all(sqlx::query(&sql), binds)
        .fetch_all(db.pool())
        .await?;
    let mut out: BTreeMap<i64, BillTotals> = BTreeMap::new();
    for row in rows {
        add_totals_row(out.entry(row.try_get("bill_id")?).or_default(), &row)?;
    }
    Ok(out)
}

fn amounts(totals: &Totals) -> Vec<String> {
    totals.iter().map(|m| m.to_string()).collect()
}

pub fn totals_view(totals: &BillTotals) -> TotalsView {
    TotalsView {
        orders: totals.orders,
        units: totals.units,
        order_total: amounts(&totals.order_total),
        paid: amounts(&totals.paid),
    }
}

pub async fn list(db: &Db, owner: Owner, filter: &ListFilter) -> Result<BillListPage, AppError> {
    let (where_sql, binds) = where_clause(owner, filter);
    let count: i64 = bind_all(
        sqlx::query(&format!("SELECT COUNT(*) AS n FROM bills b{where_sql}")),
        &binds,
    )
    .fetch_one(db.pool())
    .await?
    .try_get("n")?;
    let offset = (filter.page - 1) * PAGE_SIZE;
    let rows = bind_all(
        sqlx::query(&format!(
            "SELECT b.id, b.bill_no, b.period_start, b.period_end, b.status, p.name AS provider
             FROM bills b JOIN providers p ON p.id = b.provider_id{where_sql}
             ORDER BY b.period_end DESC, b.id DESC LIMIT {PAGE_SIZE} OFFSET {offset}"
        )),
        &binds,
    )
    .fetch_all(db.pool())
    .await?;
    // The summary cards cover every bill under the filters; the rows only this page.
    let all = sums(db, &where_sql, &binds).await?;
    let mut summary = BillTotals::default();
    for totals in all.values() {
        summary.merge(totals);
    }
    let rows = rows
        .iter()
        .map(|row| {
            let id: i64 = row.try_get("id")?;
            let totals = all.get(&id).cloned().unwrap_or_default();
            Ok(BillRow {
                bill_no: row.try_get("bill_no")?,
                provider: row.try_get("provider")?,
                period: Period {
                    start: row.try_get("period_start")?,
                    end: row.try_get("period_end")?,
                }
                .label(),
                orders: totals.orders,
                order_total: format_totals(&totals.order_total),
                paid: format_totals(&totals.paid),
                status: bill_status(row)?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(BillListPage {
        rows,
        summary: totals_view(&summary),
        page: filter.page,
        pages: ((count + PAGE_SIZE - 1) / PAGE_SIZE).max(1),
        count,
    })
}

/// The bill's head row, for the detail and the documents.
pub struct Head {
    pub id: i64,
    pub bill_no: String,
    pub status: BillStatus,
    pub version: i64,
    pub period: Period,
    pub provider_name: String,
    pub provider_address: String,
    pub admin_name: String,
    pub business_owner: String,
    /// The provider's tier now (等级).
    pub tier: String,
    pub payout_reference: String,
    pub payout_date: Option<String>,
}

pub async fn head(db: &Db, owner: Owner, no: &str) -> Result<Head, AppError> {
    let mut sql = String::from(
        "SELECT b.id, b.bill_no, b.status, b.version, b.period_start, b.period_end,
                b.payout_reference, b.payout_date, p.name AS provider_name,
                p.address AS provider_address, g.name AS generated_by_name,
                (SELECT u.name FROM memberships m JOIN users u ON u.id = m.user_id
                  WHERE m.provider_id = b.provider_id AND m.role = 'admin') AS admin_name,
                COALESCE((SELECT t.name FROM tiers t WHERE t.id = p.tier_id),
                         (SELECT t.name FROM tiers t ORDER BY t.rank LIMIT 1), '') AS tier_name
         FROM bills b JOIN providers p ON p.id = b.provider_id
         LEFT JOIN users g ON g.id = b.generated_by
         WHERE b.bill_no = $1",
    );
    if let Owner::Provider(_) = owner {
        sql.push_str(" AND b.provider_id = $2");
    }
    let query = match owner {
        Owner::Provider(provider_id) => sqlx::query(&sql).bind(no).bind(provider_id),
        Owner::Platform => sqlx::query(&sql).bind(no),
    };
    let row = query
        .fetch_optional(db.pool())
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Head {
        id: row.try_get("id")?,
        bill_no: row.try_get("bill_no")?,
        status: bill_status(&row)?,
        version: row.try_get("version")?,
        period: Period {
            start: row.try_get("period_start")?,
            end: row.try_get("period_end")?,
        },
        provider_name: row.try_get("provider_name")?,
        provider_address: row.try_get("provider_address")?,
        admin_name: row
            .try_get::<Option<String>, _>("admin_name")?
            .unwrap_or_default(),
        business_owner: row
            .try_get::<Option<String>, _>("generated_by_name")?
            .unwrap_or_default(),
        tier: row.try_get("tier_name")?,
        payout_reference: row.try_get("payout_reference")?,
        payout_date: row.try_get("payout_date")?,
    })
}

/// Which of a bill's lines the detail shows: a page, or the lines of one 订单编号.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineQuery {
    pub page: i64,
    pub order_no: Option<String>,
}

impl LineQuery {
    pub fn parse(page: &str, order_no: &str) -> Result<LineQuery, AppError> {
        let order_no = order_no.trim();
        Ok(LineQuery {
            page: crate::kit::paging::page_number(page)?,
            order_no: (!order_no.is_empty()).then(|| order_no.chars().take(100).collect()),
        })
    }
}

const LINE_COLUMNS: &str = "id, work_order_id, order_no, order_status, order_total_minor,
     order_currency, product, quantity, traded_at, paid_minor, paid_currency";

/// One page of the version's lines. Positions are 1..n in each version (every writer numbers
/// them so), so a page is a range of the index, however deep.
async fn line_page(
    db: &Db,
    bill_id: i64,
    version: i64,
    query: &LineQuery,
) -> Result<Vec<StoredLine>, sqlx::Error> {
    let by_order_no = format!(
        "SELECT {LINE_COLUMNS} FROM bill_lines
         WHERE bill_id = $1 AND version = $2 AND order_no = $3
         ORDER BY position, id LIMIT {LINES_PER_PAGE}"
    );
    let by_position = format!(
        "SELECT {LINE_COLUMNS} FROM bill_lines
         WHERE bill_id = $1 AND version = $2 AND position > $3
         ORDER BY position, id LIMIT {LINES_PER_PAGE}"
    );
    let rows = match &query.order_no {
        Some(order_no) => sqlx::query(&by_order_no)
            .bind(bill_id)
            .bind(version)
            .bind(order_no.as_str()),
        None => sqlx::query(&by_position)
            .bind(bill_id)
            .bind(version)
            .bind(crate::kit::paging::offset(query.page, LINES_PER_PAGE)),
    }
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(StoredLine::from_row).collect()
}

pub async fn detail(
    db: &Db,
    owner: Owner,
    no: &str,
    lines: &LineQuery,
    can_answer_role: bool,
) -> Result<BillDetail, AppError> {
    let head = head(db, owner, no).await?;
    let totals = version_totals(db.pool(), head.id, head.version).await?;
    // A page past the last shows the last (a bill that shrank since the link was made).
    let last_page = ((totals.orders + LINES_PER_PAGE - 1) / LINES_PER_PAGE).max(1);
    let line_query = &LineQuery {
        page: lines.page.min(last_page),
        order_no: lines.order_no.clone(),
    };
    let lines = line_page(db, head.id, head.version, line_query).await?;
    let lines_found = match line_query.order_no {
        Some(_) => lines.len() as i64,
        None => totals.orders,
    };
    let events = sqlx::query(
        "SELECT e.version, e.action, e.from_status, e.to_status, e.reason, e.disputed_lines,
                e.created_at, u.name AS actor_name, u.email AS actor_email
         FROM bill_events e LEFT JOIN users u ON u.id = e.actor_id
         WHERE e.bill_id = $1 ORDER BY e.created_at, e.id",
    )
    .bind(head.id)
    .fetch_all(db.pool())
    .await?;
    let mut history = Vec::new();
    let mut steps: Vec<StepView> = BillStatus::PROGRESS
        .iter()
        .map(|s| StepView {
            status: *s,
            at: String::new(),
            actor: String::new(),
        })
        .collect();
    let mut dispute = None;
    for row in &events {
        let name: Option<String> = row.try_get("actor_name")?;
        let email: Option<String> = row.try_get("actor_email")?;
        let actor = match (name, email) {
            (Some(n), _) if !n.is_empty() => n,
            (_, Some(e)) => e,
            _ => "—".into(),
        };
        let at = format_datetime(row.try_get("created_at")?);
        let to = BillStatus::from_db(&row.try_get::<String, _>("to_status")?);
        let action: String = row.try_get("action")?;
        let reason: String = row.try_get("reason")?;
        let disputed: String = row.try_get("disputed_lines")?;
        if let Some(step) = steps.iter_mut().find(|s| Some(s.status) == to) {
            if action != "regenerate" {
                step.at = at.clone();
                step.actor = actor.clone();
            }
        }
        if action == "reject" {
            dispute = Some(DisputeView {
                reason: reason.clone(),
                lines: disputed
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect(),
                at: at.clone(),
                actor: actor.clone(),
            });
        }
        history.push(BillEventView {
            at,
            actor,
            action: format!("bill.action.{action}"),
            version: row.try_get("version")?,
            reason,
            disputed_lines: disputed.replace(',', ", "),
        });
    }
    // A dispute stays on show until the revised bill is confirmed.
    if !matches!(head.status, BillStatus::Disputed | BillStatus::Confirming) {
        dispute = None;
    }
    let disputed_nos: Vec<String> = dispute
        .as_ref()
        .filter(|_| head.status == BillStatus::Disputed)
        .map(|d| d.lines.clone())
        .unwrap_or_default();
    let revisions = revisions(db, head.id, head.version).await?;
    let payout = sqlx::query(
        "SELECT currency, amount_minor FROM bill_payouts WHERE bill_id = $1 ORDER BY currency",
    )
    .bind(head.id)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(|r| {
        Ok(Money::from_minor(r.try_get("amount_minor")?, currency(r, "currency")?).to_string())
    })
    .collect::<Result<Vec<String>, sqlx::Error>>()?;
    let zone = crate::kit::time::Zone::viewer();
    Ok(BillDetail {
        bill_no: head.bill_no.clone(),
        status: head.status,
        version: head.version,
        printed_at: format_datetime_seconds(now()),
        time_zone: zone.name().to_owned(),
        time_zone_key: zone.label_key().to_owned(),
        provider: head.provider_name.clone(),
        provider_address: head.provider_address.clone(),
        admin_name: head.admin_name.clone(),
        business_owner: head.business_owner.clone(),
        tier: head.tier.clone(),
        period: head.period.label(),
        lines: lines.iter().map(|l| l.view(&disputed_nos)).collect(),
        line_page: match line_query.order_no {
            Some(_) => 1,
            None => line_query.page,
        },
        // A search shows its matches (at most a page) on one page.
        line_pages: match line_query.order_no {
            Some(_) => 1,
            None => last_page,
        },
        lines_found,
        line_filter: line_query.order_no.clone().unwrap_or_default(),
        totals: totals_view(&totals),
        payout_due: totals
            .paid
            .iter()
            .map(|m| (m.currency.code().to_owned(), m.amount.to_string()))
            .collect(),
        steps,
        history,
        revisions,
        dispute,
        payout: (head.status == BillStatus::Completed).then(|| PayoutView {
            reference: head.payout_reference.clone(),
            date: head.payout_date.clone().unwrap_or_default(),
            amounts: payout,
        }),
        can_answer: can_answer_role && head.status == BillStatus::Confirming,
    })
}

/// At most this many changes of one revision are shown; the rest are counted.
const CHANGES_SHOWN: i64 = 100;

/// Each version after the first, with how its lines differ from the one before (as stored
/// when the version was written).
async fn revisions(db: &Db, bill_id: i64, current: i64) -> Result<Vec<RevisionView>, sqlx::Error> {
    let versions = sqlx::query(
        "SELECT v.version, v.note, v.created_at, u.name AS actor_name,
                (SELECT COUNT(*) FROM bill_changes c
                  WHERE c.bill_id = v.bill_id AND c.version = v.version) AS changes
         FROM bill_versions v LEFT JOIN users u ON u.id = v.created_by
         WHERE v.bill_id = $1 AND v.version > 1 AND v.version <= $2 ORDER BY v.version DESC",
    )
    .bind(bill_id)
    .bind(current)
    .fetch_all(db.pool())
    .await?;
    let mut out = Vec::new();
    for row in versions {
        let version: i64 = row.try_get("version")?;
        let rows = sqlx::query(&format!(
            "SELECT kind, order_no, before_minor, before_currency, after_minor, after_currency
             FROM bill_changes WHERE bill_id = $1 AND version = $2
             ORDER BY position LIMIT {CHANGES_SHOWN}"
        ))
        .bind(bill_id)
        .bind(version)
        .fetch_all(db.pool())
        .await?;
        let amount = |row: &AnyRow, side: &str| -> Result<String, sqlx::Error> {
            let minor: Option<i64> = row.try_get(format!("{side}_minor").as_str())?;
            let code: Option<String> = row.try_get(format!("{side}_currency").as_str())?;
            Ok(match (minor, code) {
                (Some(minor), Some(code)) => {
                    let currency = Currency::from_code(&code)
                        .ok_or_else(|| sqlx::Error::Decode(format!("currency {code}").into()))?;
                    Money::from_minor(minor, currency).to_string()
                }
                _ => String::new(),
            })
        };
        let changes = rows
            .iter()
            .map(|change| {
                Ok(ChangeView {
                    kind: format!("bill.change.{}", change.try_get::<String, _>("kind")?),
                    order_no: change.try_get("order_no")?,
                    before: amount(change, "before")?,
                    after: amount(change, "after")?,
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        let note: String = row.try_get("note")?;
        out.push(RevisionView {
            version,
            note: match note.as_str() {
                "regenerated" => String::new(),
                _ => note,
            },
            at: format_datetime(row.try_get("created_at")?),
            actor: row
                .try_get::<Option<String>, _>("actor_name")?
                .unwrap_or_default(),
            changes_total: row.try_get("changes")?,
            changes,
        });
    }
    Ok(out)
}

/// 基础搜索: bills by number — any part of it among one provider's own (a few a month), the
/// whole number across providers (the unique index).
pub async fn search_hits(db: &Db, query: Query<'_>) -> Result<Vec<Hit>, sqlx::Error> {
    let (searcher, limit) = (query.searcher, query.limit);
    let (condition, first) = search::numbered(db, query, "b.bill_no", &[]);
    let sql = format!(
        "SELECT b.bill_no, b.period_start, b.period_end, b.status, p.name AS provider
         FROM bills b JOIN providers p ON p.id = b.provider_id
         {} ORDER BY b.period_end DESC, b.id DESC LIMIT {limit}",
        search::scoped(searcher, "b.provider_id", &condition)
    );
    let mut hits = Vec::new();
    for row in search::rows(db, &sql, searcher, first).await? {
        let no: String = row.try_get("bill_no")?;
        let period = format!(
            "{} – {}",
            row.try_get::<String, _>("period_start")?,
            row.try_get::<String, _>("period_end")?
        );
        let provider: String = row.try_get("provider")?;
        hits.push(Hit {
            href: Some(searcher.page(&format!("/bills/{no}"))),
            title: no,
            detail: searcher.detail(&[&period, &provider]),
            status_key: search::status_key::<BillStatus>(&row.try_get::<String, _>("status")?),
        });
    }
    Ok(hits)
}
