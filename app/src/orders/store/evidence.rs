//! Evidence files of delivery stages: uploaded by the provider while the stage is open,
//! downloaded by the provider and by the customer through the acceptance link.

use super::{editable_work_order, milestone_of, record, Event};
use crate::kit::code::Code;
use crate::kit::db::{now, Db};
use crate::kit::error::AppError;
use crate::kit::files::StoredFile;
use crate::kit::files::{clean_name, sniff, Storage};
use crate::kit::request::ProviderScope;
use crate::kit::token::hash_token;
use crate::orders::model::human_size;
use crate::orders::FileView;
use sqlx::Row;

/// The evidence files of the given stages, with the stage each belongs to.
pub async fn files_of(db: &Db, milestone_ids: &[i64]) -> Result<Vec<(i64, FileView)>, sqlx::Error> {
    if milestone_ids.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders: Vec<String> = (1..=milestone_ids.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT id, milestone_id, name, size FROM milestone_files WHERE milestone_id IN ({}) ORDER BY id",
        placeholders.join(", ")
    );
    let mut query = sqlx::query(&sql);
    for id in milestone_ids {
        query = query.bind(*id);
    }
    query
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(|r| {
            Ok((
                r.try_get("milestone_id")?,
                FileView {
                    id: r.try_get("id")?,
                    name: r.try_get("name")?,
                    size: human_size(r.try_get("size")?),
                },
            ))
        })
        .collect()
}

/// The largest evidence file taken.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;

pub async fn add(
    db: &Db,
    storage: &Storage,
    scope: &ProviderScope,
    no: &str,
    milestone_id: i64,
    upload: &crate::kit::files::Upload,
) -> Result<(), AppError> {
    if upload.is_empty() {
        return Err(AppError::invalid(&[("file", "form.required")]));
    }
    if upload.len() > MAX_BYTES {
        return Err(AppError::invalid(&[("file", "ev.error.size")]));
    }
    let content_type =
        sniff(upload.head()).ok_or_else(|| AppError::invalid(&[("file", "ev.error.type")]))?;
    // Checked before the bytes are stored, and again in the transaction that records them.
    check_open(db, scope, no, milestone_id).await?;
    let key = storage
        .put_upload(upload)
        .await
        .map_err(|error| crate::kit::files::storage_error(error, "an evidence file"))?;
    let mut tx = db.begin().await?;
    let work_order_id = editable_work_order(&mut tx, scope, no).await?;
    let (position, status) = milestone_of(&mut tx, work_order_id, milestone_id).await?;
    if !status.editable() {
        return Err(AppError::Conflict("ms.error.locked".into()));
    }
    let name = clean_name(&upload.name);
    sqlx::query(
        "INSERT INTO milestone_files (milestone_id, name, content_type, size, storage_key, uploaded_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(milestone_id)
    .bind(&name)
    .bind(content_type)
    .bind(upload.len() as i64)
    .bind(&key)
    .bind(scope.user_id)
    .bind(now())
    .execute(&mut *tx)
    .await?;
    record(
        &mut tx,
        Event {
            work_order_id,
            milestone_no: Some(position),
            actor_id: Some(scope.user_id),
            actor_label: "",
            action: "evidence_add",
            from_status: "",
            to_status: "",
            reason: &name,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

async fn check_open(
    db: &Db,
    scope: &ProviderScope,
    no: &str,
    milestone_id: i64,
) -> Result<(), AppError> {
    let row = sqlx::query(
        "SELECT w.status AS wo_status, m.status FROM milestones m JOIN work_orders w ON w.id = m.work_order_id
         WHERE w.provider_id = $1 AND w.work_order_no = $2 AND m.id = $3",
    )
    .bind(scope.provider_id)
    .bind(no)
    .bind(milestone_id)
    .fetch_optional(db.pool())
    .await?
    .ok_or(AppError::NotFound)?;
    let stage: String = row.try_get("status")?;
    let open = crate::orders::model::MilestoneStatus::from_db(&stage).is_some_and(|s| s.editable());
    let wo: String = row.try_get("wo_status")?;
    let under_way = crate::orders::model::WorkOrderStatus::from_db(&wo)
        .is_some_and(|s| s.milestones_editable());
    if open && under_way {
        Ok(())
    } else {
        Err(AppError::Conflict("ms.error.locked".into()))
    }
}

/// A file of one of the provider's work orders.
pub async fn for_provider(
    db: &Db,
    scope: &ProviderScope,
    no: &str,
    file_id: i64,
) -> Result<StoredFile, AppError> {
    let row = sqlx::query(
        "SELECT f.name, f.content_type, f.storage_key FROM milestone_files f
         JOIN milestones m ON m.id = f.milestone_id JOIN work_orders w ON w.id = m.work_order_id
         WHERE f.id = $1 AND w.provider_id = $2 AND w.work_order_no = $3",
    )
    .bind(file_id)
    .bind(scope.provider_id)
    .bind(no)
    .fetch_optional(db.pool())
    .await?;
    StoredFile::found(row)
}

/// A file of any work order's stage, for the platform.
pub async fn for_platform(db: &Db, file_id: i64) -> Result<StoredFile, AppError> {
    let row =
        sqlx::query("SELECT name, content_type, storage_key FROM milestone_files WHERE id = $1")
            .bind(file_id)
            .fetch_optional(db.pool())
            .await?;
    StoredFile::found(row)
}

/// A file of the stage an acceptance link was sent for.
pub async fn for_link(db: &Db, token: &str, file_id: i64) -> Result<StoredFile, AppError> {
    // The link is the customer's credential: once answered or expired it opens nothing.
    let row = sqlx::query(
        "SELECT f.name, f.content_type, f.storage_key FROM milestone_files f
         JOIN acceptance_links l ON l.milestone_id = f.milestone_id
         WHERE f.id = $1 AND l.id = $2 AND l.answered_at IS NULL AND l.expires_at > $3",
    )
    .bind(file_id)
    .bind(hash_token(token))
    .bind(crate::kit::db::now())
    .fetch_optional(db.pool())
    .await?;
    StoredFile::found(row)
}
