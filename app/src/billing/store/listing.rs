//! The bill lists (the provider's and the platform's, filtered and paged, with summary cards
//! over every bill under the filters), the filters' WHERE clause the export shares, and the
//! top bar's search hits.

use super::bill_status;
use super::lines::add_totals_row;
use crate::billing::model::{format_totals, BillStatus, BillTotals, Period};
use crate::billing::{BillListPage, BillRow, TotalsView};
use crate::kit::code::Code;
use crate::kit::db::{Db, Owner};
use crate::kit::error::AppError;
use crate::kit::money::Totals;
use crate::kit::pager::{page_count, Paging};
use crate::kit::search::{self, Hit, Query};
use crate::kit::time::day_start;
use sqlx::{Any, Row};
use std::collections::BTreeMap;

/// The list's filters, read from its query.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub status: Option<BillStatus>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub provider_id: Option<i64>,
}

impl ListFilter {
    pub fn parse(status: &str, from: &str, to: &str) -> Result<ListFilter, AppError> {
        let status = match status {
            "" => None,
            s => Some(BillStatus::from_db(s).ok_or(AppError::BadRequest)?),
        };
        let date = |d: &str| -> Result<Option<String>, AppError> {
            match d.trim() {
                "" => Ok(None),
                d if day_start(d).is_some() => Ok(Some(d.to_owned())),
                _ => Err(AppError::BadRequest),
            }
        };
        Ok(ListFilter {
            status,
            from: date(from)?,
            to: date(to)?,
            provider_id: None,
        })
    }
}

/// The WHERE clause both the page and the summary use; `$n` binds in order.
pub fn where_clause(owner: Owner, filter: &ListFilter) -> (String, Vec<BindValue>) {
    let mut sql = String::from(" WHERE 1 = 1");
    let mut binds = Vec::new();
    let mut push = |clause: &str, value: BindValue, binds: &mut Vec<BindValue>| {
        binds.push(value);
        sql.push_str(&clause.replace('?', &format!("${}", binds.len())));
    };
    match owner {
        Owner::Provider(id) => push(" AND b.provider_id = ?", BindValue::Int(id), &mut binds),
        Owner::Platform => {
            if let Some(id) = filter.provider_id {
                push(" AND b.provider_id = ?", BindValue::Int(id), &mut binds);
            }
        }
    }
    if let Some(status) = filter.status {
        push(
            " AND b.status = ?",
            BindValue::Text(status.as_db().into()),
            &mut binds,
        );
    }
    if let Some(from) = &filter.from {
        push(
            " AND b.period_end >= ?",
            BindValue::Text(from.clone()),
            &mut binds,
        );
    }
    if let Some(to) = &filter.to {
        push(
            " AND b.period_end <= ?",
            BindValue::Text(to.clone()),
            &mut binds,
        );
    }
    (sql, binds)
}

#[derive(Debug, Clone)]
pub enum BindValue {
    Int(i64),
    Text(String),
}

pub fn bind_all<'q>(
    mut query: sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>>,
    binds: &'q [BindValue],
) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>> {
    for bind in binds {
        query = match bind {
            BindValue::Int(v) => query.bind(*v),
            BindValue::Text(v) => query.bind(v.as_str()),
        };
    }
    query
}

/// Per-bill sums of the current version, from the stored totals: a few rows per bill.
async fn sums(
    db: &Db,
    where_sql: &str,
    binds: &[BindValue],
) -> Result<BTreeMap<i64, BillTotals>, sqlx::Error> {
    let sql = format!(
        "SELECT b.id AS bill_id, t.order_currency, t.paid_currency, t.lines, t.units,
                t.order_total_minor, t.paid_minor
         FROM bills b JOIN bill_totals t ON t.bill_id = b.id AND t.version = b.version
         {where_sql}"
    );
    let rows = bind_all(sqlx::query(&sql), binds)
        .fetch_all(db.pool())
        .await?;
    let mut out: BTreeMap<i64, BillTotals> = BTreeMap::new();
    for row in rows {
        add_totals_row(out.entry(row.try_get("bill_id")?).or_default(), &row)?;
    }
    Ok(out)
}

fn amounts(totals: &Totals) -> Vec<String> {
    totals.iter().map(|m| m.to_string()).collect()
}

pub fn totals_view(totals: &BillTotals) -> TotalsView {
    TotalsView {
        orders: totals.orders,
        units: totals.units,
        order_total: amounts(&totals.order_total),
        paid: amounts(&totals.paid),
    }
}

/// A page of the bills under `filter`; past the last page, no rows (the empty state) and the
/// same total.
pub async fn list(
    db: &Db,
    owner: Owner,
    filter: &ListFilter,
    paging: Paging,
) -> Result<BillListPage, AppError> {
    let (where_sql, binds) = where_clause(owner, filter);
    let count: i64 = bind_all(
        sqlx::query(&format!("SELECT COUNT(*) AS n FROM bills b{where_sql}")),
        &binds,
    )
    .fetch_one(db.pool())
    .await?
    .try_get("n")?;
    let (size, offset) = (paging.per_page, paging.offset());
    let rows = bind_all(
        sqlx::query(&format!(
            "SELECT b.id, b.bill_no, b.period_start, b.period_end, b.status, p.name AS provider
             FROM bills b JOIN providers p ON p.id = b.provider_id{where_sql}
             ORDER BY b.period_end DESC, b.id DESC LIMIT {size} OFFSET {offset}"
        )),
        &binds,
    )
    .fetch_all(db.pool())
    .await?;
    // The summary cards cover every bill under the filters; the rows only this page.
    let all = sums(db, &where_sql, &binds).await?;
    let mut summary = BillTotals::default();
    for totals in all.values() {
        summary.merge(totals);
    }
    let rows = rows
        .iter()
        .map(|row| {
            let id: i64 = row.try_get("id")?;
            let totals = all.get(&id).cloned().unwrap_or_default();
            Ok(BillRow {
                bill_no: row.try_get("bill_no")?,
                provider: row.try_get("provider")?,
                period: Period {
                    start: row.try_get("period_start")?,
                    end: row.try_get("period_end")?,
                }
                .label(),
                orders: totals.orders,
                order_total: format_totals(&totals.order_total),
                paid: format_totals(&totals.paid),
                status: bill_status(row)?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(BillListPage {
        rows,
        summary: totals_view(&summary),
        page: paging.page,
        pages: page_count(count, paging.per_page),
        per_page: paging.per_page,
        count,
    })
}

/// 基础搜索: bills by number — any part of it among one provider's own (a few a month), the
/// whole number across providers (the unique index).
pub async fn search_hits(db: &Db, query: Query<'_>) -> Result<Vec<Hit>, sqlx::Error> {
    let (searcher, limit) = (query.searcher, query.limit);
    let (condition, first) = search::numbered(db, query, "b.bill_no", &[]);
    let sql = format!(
        "SELECT b.bill_no, b.period_start, b.period_end, b.status, p.name AS provider
         FROM bills b JOIN providers p ON p.id = b.provider_id
         {} ORDER BY b.period_end DESC, b.id DESC LIMIT {limit}",
        search::scoped(searcher, "b.provider_id", &condition)
    );
    let mut hits = Vec::new();
    for row in search::rows(db, &sql, searcher, first).await? {
        let no: String = row.try_get("bill_no")?;
        let period = format!(
            "{} – {}",
            row.try_get::<String, _>("period_start")?,
            row.try_get::<String, _>("period_end")?
        );
        let provider: String = row.try_get("provider")?;
        hits.push(Hit {
            href: Some(searcher.page(&format!("/bills/{no}"))),
            title: no,
            detail: searcher.detail(&[&period, &provider]),
            status_key: search::status_key::<BillStatus>(&row.try_get::<String, _>("status")?),
        });
    }
    Ok(hits)
}
