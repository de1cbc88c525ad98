//! 后台首页's SQL: the attention counts, the monthly figures and the provider's name.

use super::model::{month_label, months_before};
use super::{Attention, MonthFigures};
use crate::kit::db::Db;
use crate::kit::money::{Currency, Money};
use crate::kit::request::ProviderScope;
use sqlx::Row;

/// What needs attention: a translation key, the count's query (an index on (provider,
/// status), or the few rows in a waiting state, so the page stays quick at a million work
/// orders) and the filtered list.
const ITEMS: [(&str, &str, &str); 9] = [
    // The work-order counters the triggers keep (migration 0016).
    (
        "home.attention.to_accept",
        "SELECT COALESCE(MAX(n), 0) AS n FROM work_order_counts
         WHERE provider_id = $1 AND bucket = 'awaiting_acceptance'",
        "/orders?status=awaiting_acceptance",
    ),
    (
        "home.attention.stages",
        "SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) AS n FROM work_order_counts
         WHERE provider_id = $1 AND bucket LIKE 'stage:%'",
        "/orders?stage=awaiting_acceptance",
    ),
    // Stages awaiting acceptance that the deadline watch flagged overdue, their counter
    // (migration 0036); the linked list shows them among the stages awaiting acceptance.
    (
        "home.attention.overdue",
        "SELECT COALESCE(MAX(n), 0) AS n FROM work_order_counts
         WHERE provider_id = $1 AND bucket = 'overdue:stages'",
        "/orders?stage=awaiting_acceptance",
    ),
    (
        "home.attention.bills_confirming",
        "SELECT COUNT(*) AS n FROM bills WHERE provider_id = $1 AND status = 'confirming'",
        "/bills?status=confirming",
    ),
    (
        "home.attention.bills_disputed",
        "SELECT COUNT(*) AS n FROM bills WHERE provider_id = $1 AND status = 'disputed'",
        "/bills?status=disputed",
    ),
    (
        "home.attention.services_pending",
        "SELECT COUNT(*) AS n FROM service_items WHERE provider_id = $1 AND status = 'pending_review'",
        "/services?status=pending_review",
    ),
    (
        "home.attention.services_rejected",
        "SELECT COUNT(*) AS n FROM service_items WHERE provider_id = $1 AND status = 'rejected'",
        "/services?status=rejected",
    ),
    (
        "home.attention.services_delisting",
        "SELECT COUNT(*) AS n FROM service_items WHERE provider_id = $1 AND status = 'delist_requested'",
        "/services?status=delist_requested",
    ),
    (
        "home.attention.tickets",
        "SELECT COUNT(*) AS n FROM tickets WHERE provider_id = $1 AND unread > 0 AND status <> 'closed'",
        "/tickets?tab=history&unread=1",
    ),
];

/// Every count in one statement (one round trip instead of eight).
pub async fn attention(db: &Db, scope: &ProviderScope) -> Result<Vec<Attention>, sqlx::Error> {
    static SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        let counts: Vec<String> = ITEMS
            .iter()
            .enumerate()
            .map(|(i, (_, sql, _))| format!("({sql}) AS n{i}"))
            .collect();
        format!("SELECT {}", counts.join(", "))
    });
    let row = sqlx::query(SQL.as_str())
        .bind(scope.provider_id)
        .fetch_one(db.pool())
        .await?;
    ITEMS
        .iter()
        .enumerate()
        .map(|(i, (key, _, href))| {
            Ok(Attention {
                key: (*key).to_owned(),
                count: row.try_get(format!("n{i}").as_str())?,
                href: (*href).to_owned(),
            })
        })
        .collect()
}

/// Orders sold in each of the `count` months up to `last` (paid: neither 待付款 nor
/// declined) and their totals, oldest first, a month with none included; one range of the
/// monthly figures the work orders' triggers keep (migration 0016).
pub async fn months(
    db: &Db,
    scope: &ProviderScope,
    last: (i32, u8),
    count: i32,
) -> Result<Vec<MonthFigures>, sqlx::Error> {
    let label = month_label;
    let mut months: Vec<MonthFigures> = (0..count)
        .rev()
        .map(|back| MonthFigures {
            month: label(months_before(last, back)),
            orders: 0,
            sales: Vec::new(),
        })
        .collect();
    let rows = sqlx::query(
        "SELECT month, currency, orders AS n, total_minor AS total FROM work_order_months
         WHERE provider_id = $1 AND month >= $2 AND month <= $3 AND orders > 0
         ORDER BY month, currency",
    )
    .bind(scope.provider_id)
    .bind(label(months_before(last, count - 1)))
    .bind(label(last))
    .fetch_all(db.pool())
    .await?;
    for row in rows {
        let month: String = row.try_get("month")?;
        let Some(figures) = months.iter_mut().find(|m| m.month == month) else {
            continue;
        };
        figures.orders += row.try_get::<i64, _>("n")?;
        let code: String = row.try_get("currency")?;
        let currency = Currency::from_code(&code)
            .ok_or_else(|| sqlx::Error::Decode(format!("currency {code}").into()))?;
        figures
            .sales
            .push(Money::from_minor(row.try_get("total")?, currency).to_string());
    }
    Ok(months)
}

/// The provider's name and its active members.
pub async fn provider_summary(db: &Db, provider_id: i64) -> Result<(String, i64), sqlx::Error> {
    let row = sqlx::query(
        "SELECT p.name,
                (SELECT COUNT(*) FROM memberships m
                  WHERE m.provider_id = p.id AND m.status = 'active') AS members
         FROM providers p WHERE p.id = $1",
    )
    .bind(provider_id)
    .fetch_one(db.pool())
    .await?;
    Ok((row.try_get("name")?, row.try_get("members")?))
}
