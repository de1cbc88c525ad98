//! Service item queries, by aggregate: the item with its snapshot, page and 基本信息 (items),
//! its SKUs and plans (catalogue), its attachments (files), the review moves (review) and the
//! lists, suggestions and search (listing), the marketplace's catalogue (published). Every
//! provider read and write takes the session's provider: another provider's item answers as
//! if it did not exist. A write locks the item,
//! checks that its state allows the change, and saves the new version's snapshot in the same
//! transaction. Here: what the aggregates share (the lock, the new version).

pub mod catalogue;
pub mod files;
pub mod items;
pub mod listing;
pub mod published;
pub mod review;

// The area's callers (api, http, the demo) name these as `store::…`, as before the split.
pub use super::model::{BasicInput, SkuInput};
pub use catalogue::{delete_plan, delete_sku, save_plan, save_sku};
pub use files::{add_file, delete_file, file};
pub use items::{create, detail, save_basic};
pub use listing::{list, products, search_hits, Filter};
pub use review::{apply, Actor};

use crate::kit::code::Code;
use crate::kit::db::now;
use crate::kit::error::AppError;
use crate::kit::request::ProviderScope;
use crate::services::model::{change_lines, ServiceStatus};
use sqlx::{Any, Row, Transaction};

type Tx = Transaction<'static, Any>;

fn status_of(value: &str) -> Result<ServiceStatus, sqlx::Error> {
    ServiceStatus::from_db(value)
        .ok_or_else(|| sqlx::Error::Decode(format!("status {value}").into()))
}

/// Item `id` of the scope's provider, locked for this transaction, if its state allows
/// editing. Returns its version.
async fn lock_editable(tx: &mut Tx, scope: &ProviderScope, id: i64) -> Result<i64, AppError> {
    let row = sqlx::query(
        "UPDATE service_items SET updated_at = updated_at WHERE id = $1 AND provider_id = $2
         RETURNING status, version",
    )
    .bind(id)
    .bind(scope.provider_id)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(AppError::NotFound)?;
    let status = status_of(&row.try_get::<String, _>("status")?)?;
    if let Some(code) = status.edit_refusal() {
        return Err(AppError::Conflict(code.into()));
    }
    Ok(row.try_get("version")?)
}

/// Saves the changed item as a new version: bumps it and stores its snapshot and changes.
pub(crate) async fn new_version(
    tx: &mut Tx,
    id: i64,
    version: i64,
    actor: i64,
    changes: &[(&str, String)],
) -> Result<(), AppError> {
    let at = now();
    sqlx::query("UPDATE service_items SET version = $1, updated_at = $2 WHERE id = $3")
        .bind(version)
        .bind(at)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    let snapshot = items::snapshot(tx, id).await?;
    let json = serde_json::to_string(&snapshot).map_err(|_| AppError::Internal)?;
    sqlx::query(
        "INSERT INTO service_item_versions (service_item_id, version, snapshot, changes, actor_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(version)
    .bind(json)
    .bind(change_lines(changes))
    .bind(actor)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
