//! The published catalogue for the marketplace (`GET /api/v1/catalogue`): the listed items
//! of running providers, each as the snapshot of its approved version says (an approved item
//! cannot be edited, so that is also what its page shows), in id order after a cursor.

use crate::kit::code::Code;
use crate::kit::db::Db;
use crate::kit::error::AppError;
use crate::kit::money::Money;
use crate::kit::time::rfc3339;
use crate::services::model::{BillingMode, ReviewAction, ServiceStatus};
use crate::services::{CatalogueItem, CataloguePlan, CatalogueSku, PlanView, Snapshot};
use sqlx::Row;

/// Where a listed item's approved version is found: the item listed, its provider running.
/// The statuses are written out (codes of `ServiceStatus::LISTED`, not request text): a
/// planner uses the partial index `service_items_listed` (0038) only for a condition it can
/// see implies the index's own, which a bound parameter does not.
static LISTED: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let listed: Vec<String> = ServiceStatus::LISTED
        .iter()
        .map(|s| format!("'{}'", s.as_db()))
        .collect();
    format!(
        "FROM service_items i
         JOIN providers p ON p.id = i.provider_id
         JOIN service_item_versions v ON v.service_item_id = i.id AND v.version = i.review_version
         WHERE i.status IN ({}) AND p.suspended_at IS NULL",
        listed.join(", ")
    )
});

static PUBLISHED: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "SELECT i.id, i.provider_id, p.name AS provider_name, i.review_version, v.snapshot,
                (SELECT MAX(e.created_at) FROM service_item_events e
                 WHERE e.service_item_id = i.id AND e.action = $1) AS approved_at
         {} AND i.id > $2
         ORDER BY i.id
         LIMIT $3",
        *LISTED
    )
});

static ONE_LISTED: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "SELECT i.review_version, v.snapshot {} AND i.id = $1",
        *LISTED
    )
});

fn snapshot_of(row: &sqlx::any::AnyRow) -> Result<Snapshot, AppError> {
    let snapshot: String = row.try_get("snapshot")?;
    serde_json::from_str(&snapshot).map_err(|error| {
        tracing::error!(%error, "a service item version's snapshot does not read");
        AppError::Internal
    })
}

/// Item `id`'s approved version and its snapshot, if the catalogue lists it: what a work
/// order sold from it is checked against.
pub async fn listed_version(db: &Db, id: i64) -> Result<Option<(i64, Snapshot)>, AppError> {
    let row = sqlx::query(ONE_LISTED.as_str())
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    row.map(|row| Ok((row.try_get("review_version")?, snapshot_of(&row)?)))
        .transpose()
}

/// Up to `limit` listed items with ids above `after`.
pub async fn published(db: &Db, after: i64, limit: i64) -> Result<Vec<CatalogueItem>, AppError> {
    let rows = sqlx::query(PUBLISHED.as_str())
        .bind(ReviewAction::Approve.as_db())
        .bind(after)
        .bind(limit)
        .fetch_all(db.pool())
        .await?;
    rows.iter()
        .map(|row| {
            let snapshot = snapshot_of(row)?;
            let approved_at: Option<i64> = row.try_get("approved_at")?;
            Ok(CatalogueItem {
                id: row.try_get("id")?,
                provider_id: row.try_get("provider_id")?,
                provider_name: row.try_get("provider_name")?,
                version: row.try_get("review_version")?,
                approved_at: approved_at.map(rfc3339),
                skus: snapshot
                    .skus
                    .into_iter()
                    .map(|sku| {
                        Ok(CatalogueSku {
                            plans: sku.plans.iter().map(plan).collect::<Result<_, _>>()?,
                            id: sku.id,
                            name: sku.name,
                            specification: sku.specification,
                            region: sku.region,
                        })
                    })
                    .collect::<Result<_, AppError>>()?,
                name: snapshot.name,
                product: snapshot.product,
                owner_name: snapshot.owner_name,
                owner_contact: snapshot.owner_contact,
                description_html: snapshot.description_html,
            })
        })
        .collect()
}

/// A snapshot's plan with its amounts computed again from what was typed, exactly, by the
/// plan's own arithmetic.
fn plan(view: &PlanView) -> Result<CataloguePlan, AppError> {
    let unreadable = || {
        tracing::error!(plan = view.id, "a snapshot's plan does not read");
        AppError::Internal
    };
    let plan = view.plan().ok_or_else(unreadable)?;
    let plain = |m: Money| m.plain();
    Ok(CataloguePlan {
        id: view.id,
        name: plan.name.clone(),
        billing_mode: BillingMode::as_db(plan.mode).to_owned(),
        price: plain(plan.price),
        currency: plan.price.currency.code().to_owned(),
        tax_rate: plan.tax_rate.to_string(),
        price_with_tax: plain(plan.price_with_tax()),
        installments: plan.installments,
        interval_months: plan.interval_months,
        schedule: plan.schedule().into_iter().map(plain).collect(),
    })
}

#[cfg(test)]
mod tests {
    /// The partial index (migration 0038) names the same statuses the query does.
    #[test]
    fn the_query_s_statuses_are_the_index_s() {
        let index = include_str!("../../../../migrations/sqlite/0038_listed_service_items.sql");
        assert!(index.contains("status IN ('approved', 'delist_requested')"));
        assert!(super::LISTED.contains("status IN ('approved', 'delist_requested')"));
    }
}
