//! Intake: an order and its work orders stored in one transaction, an order number taken once;
//! the catalogue entries its work orders name, as their items' approved versions say.

use super::{record, Event};
use crate::kit::db::{now, Db};
use crate::kit::error::AppError;
use crate::orders::model::{OrderIn, SoldPlan, ValidWorkOrder};
use sqlx::Row;

/// For each work order: `None` if it names no catalogue entry, else what the catalogue says
/// of the plan it names (`None` inside: no such plan of that SKU of a listed item of a running
/// provider). Read from the item's approved version, as `GET /api/v1/catalogue` shows it.
pub async fn sold_plans(
    db: &Db,
    work_orders: &[ValidWorkOrder],
) -> Result<Vec<Option<Option<SoldPlan>>>, AppError> {
    let mut plans = Vec::with_capacity(work_orders.len());
    for wo in work_orders {
        let Some(wanted) = wo.sold_from else {
            plans.push(None);
            continue;
        };
        let plan = crate::services::listed_version(db, wanted.item_id)
            .await?
            .and_then(|(version, snapshot)| {
                let plan = snapshot
                    .skus
                    .iter()
                    .filter(|sku| sku.id == wanted.sku_id)
                    .flat_map(|sku| &sku.plans)
                    .find(|plan| plan.id == wanted.plan_id)?
                    .plan()?;
                Some(SoldPlan {
                    item_name: snapshot.name,
                    version,
                    price: plan.price,
                    tax_rate: plan.tax_rate,
                })
            });
        plans.push(Some(plan));
    }
    Ok(plans)
}

/// Whether an order of number `order_no` is stored already.
pub async fn exists(db: &Db, order_no: &str) -> Result<bool, AppError> {
    Ok(
        sqlx::query("SELECT 1 AS one FROM orders WHERE order_no = $1")
            .bind(order_no)
            .fetch_optional(db.pool())
            .await?
            .is_some(),
    )
}

/// Whether the order was new or had been taken before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    Created,
    Existing,
}

/// Stores an order and its work orders in one transaction (`actor_id`: the operator who
/// typed it, none for the API).
pub async fn store(
    db: &Db,
    order: &OrderIn,
    work_orders: &[ValidWorkOrder],
    actor_id: Option<i64>,
) -> Result<Stored, AppError> {
    let mut tx = db.begin().await?;
    let at = now();
    let inserted = sqlx::query(
        "INSERT INTO orders (order_no, buyer_company, contact_name, contact_email, solution_name,
                             solution_quantity, picture_url, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (order_no) DO NOTHING RETURNING id",
    )
    .bind(&order.order_no)
    .bind(order.buyer_company.trim())
    .bind(order.contact_name.trim())
    .bind(order.contact_email.trim().to_lowercase())
    .bind(order.solution_name.trim())
    .bind(order.solution_quantity)
    .bind(&order.picture_url)
    .bind(at)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(inserted) = inserted else {
        return Ok(Stored::Existing);
    };
    let order_id: i64 = inserted.try_get("id")?;
    let status = if order.paid {
        "awaiting_acceptance"
    } else {
        "awaiting_payment"
    };
    for wo in work_orders {
        let taken = sqlx::query("SELECT 1 AS one FROM work_orders WHERE work_order_no = $1")
            .bind(&wo.work_order_no)
            .fetch_optional(&mut *tx)
            .await?;
        if taken.is_some() {
            return Err(AppError::invalid(&[("work_orders", "intake.error.taken")]));
        }
        let sold = wo.sold_from.filter(|_| wo.sold_version.is_some());
        let id: i64 = sqlx::query(
            "INSERT INTO work_orders (order_id, work_order_no, service_item_name, implementation,
                                     currency, unit_price_minor, tax_rate, unit_price_incl_minor,
                                     quantity, total_incl_minor, status, created_at, updated_at,
                                     paid_minor, paid_currency, paid_at,
                                     service_item_id, service_version, sku_id, plan_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13, $14, $15,
                     $16, $17, $18, $19)
             RETURNING id",
        )
        .bind(order_id)
        .bind(&wo.work_order_no)
        .bind(&wo.service_item_name)
        .bind(&wo.implementation)
        .bind(wo.currency.code())
        .bind(wo.unit_price_minor)
        .bind(&wo.tax_rate)
        .bind(wo.unit_price_incl_minor)
        .bind(wo.quantity)
        .bind(wo.total_incl_minor)
        .bind(status)
        .bind(at)
        .bind(order.paid.then_some(wo.total_incl_minor))
        .bind(order.paid.then_some(wo.currency.code()))
        .bind(order.paid.then_some(at))
        // Only a reference `sold_as` checked (it set the version) is kept.
        .bind(sold.map(|r| r.item_id))
        .bind(sold.and(wo.sold_version))
        .bind(sold.map(|r| r.sku_id))
        .bind(sold.map(|r| r.plan_id))
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        record(
            &mut tx,
            Event {
                work_order_id: id,
                milestone_no: None,
                actor_id,
                actor_label: if actor_id.is_some() {
                    ""
                } else {
                    "marketplace"
                },
                action: "intake",
                from_status: "",
                to_status: status,
                reason: "",
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Stored::Created)
}
