//! Bills in the database, by aggregate: a version's lines with their sums and changes
//! (lines), generation from paid work orders (generation), the state moves with revisions and
//! payouts, each one transaction applied once (moves), the list and the search (listing), a
//! bill's detail (detail) and the export's rows (export_rows). Every read and write takes an
//! `Owner`: a provider sees only its own bills, foreign ids are not found. Here: what the
//! aggregates share (decoding a row's currency and status, the history and audit entries).

pub mod detail;
pub mod export_rows;
pub mod generation;
pub mod lines;
pub mod listing;
pub mod moves;

// The area's callers (api, export, http, the demo and its generator) name these as
// `store::…`, as before the split.
pub use detail::{detail, head, provider_name, Head, LineQuery};
pub use export_rows::{spawn_export_rows, ExportRow};
pub use generation::generate;
pub use lines::{lines_of, store_totals, version_totals, StoredLine};
pub use listing::{bind_all, list, search_hits, totals_view, where_clause, BindValue, ListFilter};
pub use moves::{apply, Actor, Locked, MoveInput};

use crate::billing::model::BillStatus;
use crate::kit::audit::{self, Entry};
use crate::kit::code::Code;
use crate::kit::db::now;
use crate::kit::money::Currency;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

fn currency(row: &AnyRow, column: &str) -> Result<Currency, sqlx::Error> {
    let code: String = row.try_get(column)?;
    Currency::from_code(&code).ok_or_else(|| sqlx::Error::Decode(column.into()))
}

fn bill_status(row: &AnyRow) -> Result<BillStatus, sqlx::Error> {
    let text: String = row.try_get("status")?;
    BillStatus::from_db(&text).ok_or_else(|| sqlx::Error::Decode("status".into()))
}

/// One line of a bill's history (`bill_events`). Private here, as are the helpers beside it:
/// the store's own files see them, nothing outside the store writes a bill's history.
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
