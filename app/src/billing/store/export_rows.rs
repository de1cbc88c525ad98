//! The export's rows: every line of the bills under a filter (or of one bill), streamed
//! through a bounded channel.

use super::lines::StoredLine;
use super::listing::{bind_all, where_clause, BindValue, ListFilter};
use crate::billing::model::{BillStatus, Period};
use crate::kit::code::Code;
use crate::kit::db::{Db, Owner};
use crate::kit::error::AppError;
use sqlx::Row;

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
