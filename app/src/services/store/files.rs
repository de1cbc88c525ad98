//! An item's attachments: added (PDF, image, ZIP or Office document judged by its content,
//! bounded in size and number), removed, and handed out to their owner or the platform.

use super::{lock_editable, new_version, Tx};
use crate::kit::db::{now, Db, Owner};
use crate::kit::error::AppError;
use crate::kit::files::{clean_name, sniff, Storage};
use crate::kit::request::ProviderScope;
use crate::services::model::{check_file_room, check_upload_size, next_version};
use crate::services::{MAX_FILES, MAX_FILE_BYTES};
use sqlx::Row;

/// How many files the item has now.
async fn file_count(tx: &mut Tx, item_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query("SELECT COUNT(*) AS n FROM service_files WHERE service_item_id = $1")
        .bind(item_id)
        .fetch_one(&mut **tx)
        .await?
        .try_get("n")
}

/// Attaches a file: PDF, image, ZIP or Office document judged by its content, at most
/// `MAX_FILE_BYTES`, at most `MAX_FILES` per item.
pub async fn add_file(
    db: &Db,
    storage: &Storage,
    scope: &ProviderScope,
    item_id: i64,
    upload: &crate::kit::files::Upload,
) -> Result<(), AppError> {
    check_upload_size(upload.len(), MAX_FILE_BYTES)?;
    let content_type =
        sniff(upload.head()).ok_or_else(|| AppError::invalid(&[("file", "ev.error.type")]))?;
    // Checked before the bytes are stored (nothing is written for a refused file), and again
    // under the lock that records them.
    {
        let mut tx = db.begin().await?;
        lock_editable(&mut tx, scope, item_id).await?;
        check_file_room(file_count(&mut tx, item_id).await?, MAX_FILES)?;
        tx.rollback().await?;
    }
    let key = storage
        .put_upload(upload)
        .await
        .map_err(|error| crate::kit::files::storage_error(error, "a service item attachment"))?;
    let mut tx = db.begin().await?;
    let version = lock_editable(&mut tx, scope, item_id).await?;
    if let Err(refused) = check_file_room(file_count(&mut tx, item_id).await?, MAX_FILES) {
        // Raced past the first check: the stored copy goes again.
        drop(tx);
        let _ = storage.delete(&key).await;
        return Err(refused);
    }
    let name = clean_name(&upload.name);
    sqlx::query(
        "INSERT INTO service_files (service_item_id, name, content_type, size, storage_key, uploaded_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(item_id)
    .bind(&name)
    .bind(content_type)
    .bind(upload.len() as i64)
    .bind(&key)
    .bind(scope.user_id)
    .bind(now())
    .execute(&mut *tx)
    .await?;
    new_version(
        &mut tx,
        item_id,
        next_version(version),
        scope.user_id,
        &[("file_added", name)],
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn delete_file(
    db: &Db,
    scope: &ProviderScope,
    item_id: i64,
    file_id: i64,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let version = lock_editable(&mut tx, scope, item_id).await?;
    let name: String = sqlx::query(
        "DELETE FROM service_files WHERE id = $1 AND service_item_id = $2 RETURNING name",
    )
    .bind(file_id)
    .bind(item_id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::NotFound)?
    .try_get("name")?;
    new_version(
        &mut tx,
        item_id,
        next_version(version),
        scope.user_id,
        &[("file_removed", name)],
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// An attachment to hand out: the owner's, or (for the platform) any item's.
pub async fn file(
    db: &Db,
    owner: Owner,
    item_id: i64,
    file_id: i64,
) -> Result<crate::kit::files::StoredFile, AppError> {
    let row = sqlx::query(
        "SELECT f.name, f.content_type, f.storage_key, s.provider_id FROM service_files f
         JOIN service_items s ON s.id = f.service_item_id WHERE f.id = $1 AND s.id = $2",
    )
    .bind(file_id)
    .bind(item_id)
    .fetch_optional(db.pool())
    .await?
    .ok_or(AppError::NotFound)?;
    if !owner.sees(row.try_get("provider_id")?) {
        return Err(AppError::NotFound);
    }
    Ok(crate::kit::files::StoredFile::from_row(&row)?)
}
