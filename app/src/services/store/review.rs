//! The review workflow's moves on an item (提交审核, 通过, 驳回, 下架 and the platform's answer
//! to it): the item locked, the move checked by the model, written with its history and
//! audit entry, and the provider told of the platform's decision, in one transaction.

use super::{status_of, Tx};
use crate::kit::audit::{self, Entry};
use crate::kit::code::Code;
use crate::kit::db::{now, Db, Owner};
use crate::kit::error::AppError;
use crate::kit::mail::post;
use crate::kit::request::Settings;
use crate::services::model::{check_complete, ReviewAction, ReviewState};
use sqlx::Row;

/// Who makes a move: the side (the item must be its provider's, or the platform), the user,
/// their address for the audit log.
pub struct Actor<'a> {
    pub owner: Owner,
    pub user_id: i64,
    pub ip: &'a str,
}

/// A move of the review workflow. The platform names the version it decides on: if the item
/// moved on meanwhile, the decision is refused rather than applied to something unseen
/// (`ReviewAction::outcome`).
pub async fn apply(
    db: &Db,
    settings: &Settings,
    actor: Actor<'_>,
    id: i64,
    action: ReviewAction,
    reviewed_version: Option<i64>,
    reason: &str,
) -> Result<(), AppError> {
    action.permit(actor.owner == Owner::Platform, reason)?;
    let mut tx = db.begin().await?;
    let row = sqlx::query(
        "UPDATE service_items SET updated_at = updated_at WHERE id = $1
         RETURNING provider_id, status, version, review_version, name",
    )
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::NotFound)?;
    let provider_id: i64 = row.try_get("provider_id")?;
    if !actor.owner.sees(provider_id) {
        return Err(AppError::NotFound);
    }
    let from = status_of(&row.try_get::<String, _>("status")?)?;
    let name: String = row.try_get("name")?;
    let state = ReviewState {
        status: from,
        version: row.try_get("version")?,
        review_version: row.try_get("review_version")?,
    };
    let outcome = action.outcome(state, reviewed_version, reason)?;
    if action == ReviewAction::Submit {
        check_submission(&mut tx, id).await?;
    }
    let at = now();
    let to = outcome.to;
    let submitted_at = outcome.submitted.then_some(at);
    sqlx::query(
        "UPDATE service_items SET status = $1, review_version = $2, decision_reason = $3,
                submitted_at = COALESCE($4, submitted_at), updated_at = $5 WHERE id = $6",
    )
    .bind(to.as_db())
    .bind(outcome.review_version)
    .bind(&outcome.decision_reason)
    .bind(submitted_at)
    .bind(at)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    let event_version = outcome.event_version;
    sqlx::query(
        "INSERT INTO service_item_events (service_item_id, actor_id, action, from_status, to_status, version, reason, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id)
    .bind(actor.user_id)
    .bind(action.as_db())
    .bind(from.as_db())
    .bind(to.as_db())
    .bind(event_version)
    .bind(reason.trim())
    .bind(at)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut *tx,
        Entry {
            provider_id: Some(provider_id),
            actor_id: Some(actor.user_id),
            action: &format!("svc_{}", action.as_db()),
            target_type: "service_item",
            target_id: &id.to_string(),
            detail: &format!("{name} v{event_version}"),
            ip: actor.ip,
        },
    )
    .await?;
    if action.by_platform() {
        notify_provider(&mut tx, settings, id, &name, action, reason.trim()).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// 提交审核 needs a description and at least one SKU, each with a plan: the counts read here,
/// the rule in `model::check_complete`.
async fn check_submission(tx: &mut Tx, id: i64) -> Result<(), AppError> {
    let description: String =
        sqlx::query("SELECT description_html FROM service_items WHERE id = $1")
            .bind(id)
            .fetch_one(&mut **tx)
            .await?
            .try_get("description_html")?;
    let row = sqlx::query(
        "SELECT COUNT(*) AS skus,
                COALESCE(SUM(CASE WHEN NOT EXISTS (SELECT 1 FROM service_plans p WHERE p.sku_id = k.id)
                             THEN 1 ELSE 0 END), 0) AS bare
         FROM service_skus k WHERE k.service_item_id = $1",
    )
    .bind(id)
    .fetch_one(&mut **tx)
    .await?;
    check_complete(
        crate::services::sanitize::is_blank(&description),
        row.try_get("skus")?,
        row.try_get("bare")?,
    )
}

/// Tells whoever last sent the item to the platform (or its creator) what was decided.
async fn notify_provider(
    tx: &mut Tx,
    settings: &Settings,
    id: i64,
    name: &str,
    action: ReviewAction,
    reason: &str,
) -> Result<(), AppError> {
    let recipient: Option<String> = sqlx::query(
        "SELECT u.email FROM users u WHERE u.id = COALESCE(
            (SELECT e.actor_id FROM service_item_events e
              WHERE e.service_item_id = $1 AND e.action IN ('submit', 'request_delisting')
              ORDER BY e.id DESC LIMIT 1),
            (SELECT created_by FROM service_items WHERE id = $1))",
    )
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?
    .map(|r| r.try_get("email"))
    .transpose()?;
    let Some(to) = recipient else {
        return Ok(());
    };
    if let Some(letter) = crate::services::notify::decided(settings, id, name, action, reason) {
        post(tx, &to, &letter).await?;
    }
    Ok(())
}
