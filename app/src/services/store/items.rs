//! A service item as a whole: what it says now (its snapshot of fields, SKUs with plans and
//! attachments), its page with versions and review history, its creation and its 基本信息.

use super::{lock_editable, new_version, status_of};
use crate::kit::audit::{self, Entry};
use crate::kit::code::Code;
use crate::kit::db::{now, Db, Owner};
use crate::kit::error::AppError;
use crate::kit::money::{Currency, Money};
use crate::kit::request::ProviderScope;
use crate::kit::time::format_datetime;
use crate::services::model::{
    next_version, percent_text, read_change_lines, size_text, BasicInput, BillingMode, Plan,
    ServiceStatus,
};
use crate::services::{
    ChangeView, EventView, FileView, PlanView, ServiceDetail, SkuView, Snapshot, VersionView,
};
use rust_decimal::Decimal;
use sqlx::Row;
use std::str::FromStr;

fn plan_view(row: &sqlx::any::AnyRow) -> Result<PlanView, sqlx::Error> {
    let mode: String = row.try_get("billing_mode")?;
    let mode = BillingMode::from_db(&mode)
        .ok_or_else(|| sqlx::Error::Decode(format!("billing mode {mode}").into()))?;
    let code: String = row.try_get("currency")?;
    let currency = Currency::from_code(&code)
        .ok_or_else(|| sqlx::Error::Decode(format!("currency {code}").into()))?;
    let rate: String = row.try_get("tax_rate")?;
    let tax_rate =
        Decimal::from_str(&rate).map_err(|_| sqlx::Error::Decode(format!("tax {rate}").into()))?;
    let plan = Plan {
        name: row.try_get("name")?,
        mode,
        price: Money::from_minor(row.try_get("price_minor")?, currency),
        tax_rate,
        installments: row.try_get("installments")?,
        interval_months: row.try_get("interval_months")?,
    };
    Ok(PlanView {
        id: row.try_get("id")?,
        price_input: plan.price.plain(),
        currency: code,
        tax_percent: percent_text(plan.tax_rate),
        price: plan.price.to_string(),
        price_with_tax: plan.price_with_tax().to_string(),
        schedule: plan.schedule().iter().map(|m| m.to_string()).collect(),
        installments: plan.installments,
        interval_months: plan.interval_months,
        mode,
        name: plan.name,
    })
}

/// What item `id` says now: its fields, SKUs with plans, and attachments.
pub(super) async fn snapshot(
    executor: &mut sqlx::AnyConnection,
    id: i64,
) -> Result<Snapshot, sqlx::Error> {
    let item = sqlx::query(
        "SELECT name, product, owner_name, owner_contact, description_html FROM service_items WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&mut *executor)
    .await?;
    let sku_rows = sqlx::query(
        "SELECT id, name, specification, region FROM service_skus WHERE service_item_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(&mut *executor)
    .await?;
    let plan_rows = sqlx::query(
        "SELECT p.id, p.sku_id, p.name, p.billing_mode, p.price_minor, p.currency, p.tax_rate,
                p.installments, p.interval_months
         FROM service_plans p JOIN service_skus k ON k.id = p.sku_id
         WHERE k.service_item_id = $1 ORDER BY p.id",
    )
    .bind(id)
    .fetch_all(&mut *executor)
    .await?;
    let mut skus = Vec::new();
    for row in &sku_rows {
        let sku_id: i64 = row.try_get("id")?;
        let mut plans = Vec::new();
        for plan in &plan_rows {
            if plan.try_get::<i64, _>("sku_id")? == sku_id {
                plans.push(plan_view(plan)?);
            }
        }
        skus.push(SkuView {
            id: sku_id,
            name: row.try_get("name")?,
            specification: row.try_get("specification")?,
            region: row.try_get("region")?,
            plans,
        });
    }
    let files = sqlx::query(
        "SELECT id, name, size FROM service_files WHERE service_item_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(&mut *executor)
    .await?
    .iter()
    .map(|r| {
        Ok(FileView {
            id: r.try_get("id")?,
            name: r.try_get("name")?,
            size: size_text(r.try_get("size")?),
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(Snapshot {
        name: item.try_get("name")?,
        product: item.try_get("product")?,
        owner_name: item.try_get("owner_name")?,
        owner_contact: item.try_get("owner_contact")?,
        description_html: item.try_get("description_html")?,
        skus,
        files,
    })
}

/// The item's page: the working copy for its provider; for the platform, the version under
/// review (or last decided), exactly as it was sent.
pub async fn detail(db: &Db, owner: Owner, id: i64) -> Result<ServiceDetail, AppError> {
    let mut conn = db.pool().acquire().await?;
    let row = sqlx::query(
        "SELECT s.id, s.provider_id, s.status, s.version, s.review_version, s.decision_reason,
                s.created_at, COALESCE(NULLIF(u.name, ''), u.email, '') AS creator, p.name AS provider
         FROM service_items s JOIN providers p ON p.id = s.provider_id
         LEFT JOIN users u ON u.id = s.created_by WHERE s.id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(AppError::NotFound)?;
    let provider_id: i64 = row.try_get("provider_id")?;
    if !owner.sees(provider_id) {
        return Err(AppError::NotFound);
    }
    let review_version: Option<i64> = row.try_get("review_version")?;
    let mut content = match (owner, review_version) {
        (Owner::Platform, Some(version)) => {
            let json: String = sqlx::query(
                "SELECT snapshot FROM service_item_versions WHERE service_item_id = $1 AND version = $2",
            )
            .bind(id)
            .bind(version)
            .fetch_one(&mut *conn)
            .await?
            .try_get("snapshot")?;
            serde_json::from_str(&json).map_err(|error| {
                tracing::error!(%error, id, version, "unreadable service item snapshot");
                AppError::Internal
            })?
        }
        _ => snapshot(&mut conn, id).await?,
    };
    // Sanitized when saved; again on the way out, whatever put it in the database.
    content.description_html = crate::services::sanitize::description(&content.description_html);
    let versions = sqlx::query(
        "SELECT v.version, v.changes, v.created_at, COALESCE(NULLIF(u.name, ''), u.email, '') AS actor
         FROM service_item_versions v LEFT JOIN users u ON u.id = v.actor_id
         WHERE v.service_item_id = $1 ORDER BY v.version DESC LIMIT 100",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        let changes: String = r.try_get("changes")?;
        Ok(VersionView {
            version: r.try_get("version")?,
            at: format_datetime(r.try_get("created_at")?),
            actor: r.try_get::<Option<String>, _>("actor")?.unwrap_or_default(),
            changes: read_change_lines(&changes)
                .into_iter()
                .map(|(key, detail)| ChangeView { key, detail })
                .collect(),
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let events = sqlx::query(
        "SELECT e.action, e.to_status, e.version, e.reason, e.created_at,
                COALESCE(NULLIF(u.name, ''), u.email, '') AS actor
         FROM service_item_events e LEFT JOIN users u ON u.id = e.actor_id
         WHERE e.service_item_id = $1 ORDER BY e.id DESC",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        Ok(EventView {
            at: format_datetime(r.try_get("created_at")?),
            actor: r.try_get::<Option<String>, _>("actor")?.unwrap_or_default(),
            action: r.try_get("action")?,
            to: ServiceStatus::from_db(&r.try_get::<String, _>("to_status")?),
            version: r.try_get("version")?,
            reason: r.try_get("reason")?,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    drop(conn);
    let products = match owner {
        Owner::Provider(p) => super::listing::products(db, p).await?,
        Owner::Platform => Vec::new(),
    };
    Ok(ServiceDetail {
        id,
        provider: row.try_get("provider")?,
        status: status_of(&row.try_get::<String, _>("status")?)?,
        version: row.try_get("version")?,
        review_version,
        decision_reason: row.try_get("decision_reason")?,
        creator: row.try_get("creator")?,
        created: format_datetime(row.try_get("created_at")?),
        content,
        versions,
        events,
        products,
    })
}

pub async fn create(db: &Db, scope: &ProviderScope, input: &BasicInput) -> Result<i64, AppError> {
    let mut tx = db.begin().await?;
    let at = now();
    let id: i64 = sqlx::query(
        "INSERT INTO service_items (provider_id, name, product, owner_name, owner_contact, description_html,
                                    status, version, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'draft', 0, $7, $8, $8) RETURNING id",
    )
    .bind(scope.provider_id)
    .bind(&input.name)
    .bind(&input.product)
    .bind(&input.owner_name)
    .bind(&input.owner_contact)
    .bind(&input.description_html)
    .bind(scope.user_id)
    .bind(at)
    .fetch_one(&mut *tx)
    .await?
    .try_get("id")?;
    new_version(
        &mut tx,
        id,
        1,
        scope.user_id,
        &[("created", input.name.clone())],
    )
    .await?;
    audit::record(
        &mut *tx,
        Entry {
            provider_id: Some(scope.provider_id),
            actor_id: Some(scope.user_id),
            action: "svc_create",
            target_type: "service_item",
            target_id: &id.to_string(),
            detail: &input.name,
            ip: &crate::kit::request::client_ip(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// 保存 of 基本信息: a new version when something changed, naming what.
pub async fn save_basic(
    db: &Db,
    scope: &ProviderScope,
    id: i64,
    input: &BasicInput,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let version = lock_editable(&mut tx, scope, id).await?;
    let old = sqlx::query(
        "SELECT name, product, owner_name, owner_contact, description_html FROM service_items WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&mut *tx)
    .await?;
    let before = BasicInput {
        name: old.try_get("name")?,
        product: old.try_get("product")?,
        owner_name: old.try_get("owner_name")?,
        owner_contact: old.try_get("owner_contact")?,
        description_html: old.try_get("description_html")?,
    };
    let changes = input.changes_from(&before);
    if changes.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "UPDATE service_items SET name = $1, product = $2, owner_name = $3, owner_contact = $4,
                description_html = $5 WHERE id = $6",
    )
    .bind(&input.name)
    .bind(&input.product)
    .bind(&input.owner_name)
    .bind(&input.owner_contact)
    .bind(&input.description_html)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    new_version(&mut tx, id, next_version(version), scope.user_id, &changes).await?;
    tx.commit().await?;
    Ok(())
}
