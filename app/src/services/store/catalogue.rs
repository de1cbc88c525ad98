//! An item's offer: its SKUs and each SKU's plans, added, changed and removed, each change
//! a new version naming what it touched.

use super::{lock_editable, new_version};
use crate::kit::code::Code;
use crate::kit::db::{now, Db};
use crate::kit::error::AppError;
use crate::kit::request::ProviderScope;
use crate::services::model::{next_version, Plan, SkuInput};
use sqlx::Row;

pub async fn save_sku(
    db: &Db,
    scope: &ProviderScope,
    item_id: i64,
    sku_id: Option<i64>,
    input: &SkuInput,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let version = lock_editable(&mut tx, scope, item_id).await?;
    let change = match sku_id {
        None => {
            sqlx::query(
                "INSERT INTO service_skus (service_item_id, name, specification, region, created_at)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(item_id)
            .bind(&input.name)
            .bind(&input.specification)
            .bind(&input.region)
            .bind(now())
            .execute(&mut *tx)
            .await?;
            ("sku_added", input.name.clone())
        }
        Some(sku_id) => {
            let done = sqlx::query(
                "UPDATE service_skus SET name = $1, specification = $2, region = $3
                 WHERE id = $4 AND service_item_id = $5",
            )
            .bind(&input.name)
            .bind(&input.specification)
            .bind(&input.region)
            .bind(sku_id)
            .bind(item_id)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                return Err(AppError::NotFound);
            }
            ("sku_changed", input.name.clone())
        }
    };
    new_version(
        &mut tx,
        item_id,
        next_version(version),
        scope.user_id,
        &[change],
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn delete_sku(
    db: &Db,
    scope: &ProviderScope,
    item_id: i64,
    sku_id: i64,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let version = lock_editable(&mut tx, scope, item_id).await?;
    let name: String = sqlx::query(
        "DELETE FROM service_skus WHERE id = $1 AND service_item_id = $2 RETURNING name",
    )
    .bind(sku_id)
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
        &[("sku_removed", name)],
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn save_plan(
    db: &Db,
    scope: &ProviderScope,
    item_id: i64,
    sku_id: i64,
    plan_id: Option<i64>,
    plan: &Plan,
) -> Result<(), AppError> {
    let price_minor = plan
        .price
        .to_minor()
        .map_err(|_| AppError::invalid(&[("price", "svc.error.price")]))?;
    let mut tx = db.begin().await?;
    let version = lock_editable(&mut tx, scope, item_id).await?;
    let sku: Option<String> =
        sqlx::query("SELECT name FROM service_skus WHERE id = $1 AND service_item_id = $2")
            .bind(sku_id)
            .bind(item_id)
            .fetch_optional(&mut *tx)
            .await?
            .map(|r| r.try_get("name"))
            .transpose()?;
    let sku = sku.ok_or(AppError::NotFound)?;
    let detail = format!("{sku} · {} · {}", plan.name, plan.price_with_tax());
    let change = match plan_id {
        None => {
            sqlx::query(
                "INSERT INTO service_plans (sku_id, name, billing_mode, price_minor, currency, tax_rate,
                                            installments, interval_months, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(sku_id)
            .bind(&plan.name)
            .bind(plan.mode.as_db())
            .bind(price_minor)
            .bind(plan.price.currency.code())
            .bind(plan.tax_rate.to_string())
            .bind(plan.installments)
            .bind(plan.interval_months)
            .bind(now())
            .execute(&mut *tx)
            .await?;
            ("plan_added", detail)
        }
        Some(plan_id) => {
            let done = sqlx::query(
                "UPDATE service_plans SET name = $1, billing_mode = $2, price_minor = $3, currency = $4,
                        tax_rate = $5, installments = $6, interval_months = $7
                 WHERE id = $8 AND sku_id = $9",
            )
            .bind(&plan.name)
            .bind(plan.mode.as_db())
            .bind(price_minor)
            .bind(plan.price.currency.code())
            .bind(plan.tax_rate.to_string())
            .bind(plan.installments)
            .bind(plan.interval_months)
            .bind(plan_id)
            .bind(sku_id)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                return Err(AppError::NotFound);
            }
            ("plan_changed", detail)
        }
    };
    new_version(
        &mut tx,
        item_id,
        next_version(version),
        scope.user_id,
        &[change],
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn delete_plan(
    db: &Db,
    scope: &ProviderScope,
    item_id: i64,
    plan_id: i64,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let version = lock_editable(&mut tx, scope, item_id).await?;
    let row = sqlx::query(
        "SELECT p.name, k.name AS sku FROM service_plans p JOIN service_skus k ON k.id = p.sku_id
         WHERE p.id = $1 AND k.service_item_id = $2",
    )
    .bind(plan_id)
    .bind(item_id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::NotFound)?;
    let detail = format!(
        "{} · {}",
        row.try_get::<String, _>("sku")?,
        row.try_get::<String, _>("name")?
    );
    sqlx::query("DELETE FROM service_plans WHERE id = $1")
        .bind(plan_id)
        .execute(&mut *tx)
        .await?;
    new_version(
        &mut tx,
        item_id,
        next_version(version),
        scope.user_id,
        &[("plan_removed", detail)],
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
