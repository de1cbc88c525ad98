//! The platform's 代客户验收: a stage awaiting the customer accepted for them, with a reason
//! and an evidence file kept beside the history line (downloaded by the platform and by the
//! work order's provider). It takes the customer's own path (`acceptance::settle`, as does
//! the deadline watch's 自动验收 there), so the stage, its links, the work order's status,
//! its figures and bills follow exactly as on a customer's acceptance.

use super::acceptance::{settle, STAGE};
use super::lock_work_order;
use crate::kit::code::Code;
use crate::kit::db::{now, Db, Owner};
use crate::kit::error::AppError;
use crate::kit::files::{clean_name, sniff, Storage, StoredFile, Upload};
use crate::kit::request::{ProviderScope, Settings};
use crate::kit::time::format_deadline;
use crate::orders::model::{on_behalf_reason, period, MilestoneAction, MilestoneStatus};
use crate::orders::OnBehalfStage;
use sqlx::Row;

/// A stage as the platform's 代客户验收 page shows it; any provider's.
pub async fn stage(db: &Db, milestone_id: i64) -> Result<OnBehalfStage, AppError> {
    let row = sqlx::query(&format!("{STAGE} WHERE m.id = $1"))
        .bind(milestone_id)
        .fetch_optional(db.pool())
        .await?
        .ok_or(AppError::NotFound)?;
    let status: String = row.try_get("status")?;
    let status = MilestoneStatus::from_db(&status).ok_or(AppError::Internal)?;
    let start: String = row.try_get("period_start")?;
    let end: Option<String> = row.try_get("period_end")?;
    let due: Option<i64> = row.try_get("due_at")?;
    Ok(OnBehalfStage {
        milestone_id,
        work_order_no: row.try_get("work_order_no")?,
        provider_name: row.try_get("provider_name")?,
        buyer_company: row.try_get("buyer_company")?,
        service_item_name: row.try_get("service_item_name")?,
        position: row.try_get("position")?,
        period: period(&start, end.as_deref()),
        standard: row.try_get("standard")?,
        contact: row.try_get("contact_email")?,
        status,
        due: due.map(format_deadline).unwrap_or_default(),
        overdue: due.is_some_and(|due| due <= now()),
        awaiting: status.apply(MilestoneAction::AcceptOnBehalf).is_ok(),
    })
}

/// Checks the form's reason and evidence file together, each failing field with its key.
fn check(reason: &str, upload: Option<&Upload>) -> Result<(String, &'static str), AppError> {
    let mut errors = Vec::new();
    let reason = on_behalf_reason(reason).map_err(|code| errors.push(("reason", code)));
    let content_type = match upload {
        None => {
            errors.push(("file", "form.required"));
            None
        }
        Some(upload) if upload.is_empty() => {
            errors.push(("file", "form.required"));
            None
        }
        Some(upload) if upload.len() > super::evidence::MAX_BYTES => {
            errors.push(("file", "ev.error.size"));
            None
        }
        Some(upload) => {
            let sniffed = sniff(upload.head());
            if sniffed.is_none() {
                errors.push(("file", "ev.error.type"));
            }
            sniffed
        }
    };
    match (reason, content_type) {
        (Ok(reason), Some(content_type)) if errors.is_empty() => Ok((reason, content_type)),
        _ => Err(AppError::invalid(&errors)),
    }
}

/// 代客户验收 of stage `milestone_id` by operator `operator`: refused unless it awaits the
/// customer; otherwise accepted as the customer's acceptance is, recorded as the operator's
/// on the customer's behalf with `reason`, the evidence kept with the history line, the
/// customer's contact told too. Returns the work order's number.
pub async fn accept_on_behalf(
    db: &Db,
    storage: &Storage,
    settings: &Settings,
    operator: i64,
    milestone_id: i64,
    reason: &str,
    upload: Option<&Upload>,
) -> Result<String, AppError> {
    let (reason, content_type) = check(reason, upload)?;
    let upload = upload.ok_or(AppError::Internal)?;
    // Checked before the bytes are stored, and again in the transaction that records them.
    if !stage(db, milestone_id).await?.awaiting {
        return Err(AppError::Conflict("acc.error.not_awaiting".into()));
    }
    let key = storage
        .put_upload(upload)
        .await
        .map_err(|error| crate::kit::files::storage_error(error, "acceptance evidence"))?;
    let mut tx = db.begin().await?;
    let no: String = sqlx::query(
        "SELECT w.work_order_no FROM milestones m JOIN work_orders w ON w.id = m.work_order_id
         WHERE m.id = $1",
    )
    .bind(milestone_id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::NotFound)?
    .try_get("work_order_no")?;
    lock_work_order(&mut tx, Owner::Platform, &no).await?;
    let settled = settle(
        &mut tx,
        settings,
        milestone_id,
        MilestoneAction::AcceptOnBehalf,
        Some(operator),
        &reason,
    )
    .await
    .map_err(|error| match error {
        AppError::Conflict(_) => AppError::Conflict("acc.error.not_awaiting".into()),
        other => other,
    })?;
    sqlx::query(
        "INSERT INTO acceptance_evidence (milestone_id, event_id, name, content_type, size,
                                          storage_key, uploaded_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(milestone_id)
    .bind(settled.event_id)
    .bind(clean_name(&upload.name))
    .bind(content_type)
    .bind(upload.len() as i64)
    .bind(&key)
    .bind(operator)
    .bind(now())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(no)
}

/// An acceptance's evidence, for the work order's provider (`no` one of theirs).
pub async fn evidence_for_provider(
    db: &Db,
    scope: &ProviderScope,
    no: &str,
    file_id: i64,
) -> Result<StoredFile, AppError> {
    let row = sqlx::query(
        "SELECT f.name, f.content_type, f.storage_key FROM acceptance_evidence f
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

/// An acceptance's evidence, for the platform (any work order).
pub async fn evidence_for_platform(db: &Db, file_id: i64) -> Result<StoredFile, AppError> {
    let row = sqlx::query(
        "SELECT name, content_type, storage_key FROM acceptance_evidence WHERE id = $1",
    )
    .bind(file_id)
    .fetch_optional(db.pool())
    .await?;
    StoredFile::found(row)
}
