//! A version's lines: read back, written with their stored sums (`bill_totals`), their
//! changes from the version before (`bill_changes`) and the version's row, once, by every
//! writer of lines.

use super::currency;
use crate::billing::model::{diff, BillLine, BillTotals, LineChange};
use crate::billing::BillLineView;
use crate::kit::code::Code;
use crate::kit::db::now;
use crate::kit::error::AppError;
use crate::kit::money::Money;
use crate::kit::time::format_datetime_seconds;
use crate::orders::model::WorkOrderStatus;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

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
            paid_amount: self.line.paid.plain(),
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

pub(super) fn add_totals_row(totals: &mut BillTotals, row: &AnyRow) -> Result<(), sqlx::Error> {
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

/// Writes `lines` as `version` of the bill, numbered 1..n, with their sums and (after the
/// first version) their changes.
pub(super) async fn insert_lines(
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

/// The version's row: who made it and why (`note`).
pub(super) async fn add_version(
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
