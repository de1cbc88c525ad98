//! The item lists (the provider's 服务项 and the platform's review queue: filtered, searched,
//! sorted, paged), the 服务对象 suggestions, and the top bar's search hits.

use super::status_of;
use crate::kit::code::Code;
use crate::kit::db::{contains_pattern, Db, Owner};
use crate::kit::error::AppError;
use crate::kit::pager::page_count;
use crate::kit::search::{self, Hit, Query};
use crate::kit::time::{format_datetime, Zone};
use crate::services::model::ServiceStatus;
use crate::services::{ServiceListPage, ServiceRow};
use sqlx::Row;

/// The list's query, checked: unknown values fall back to the defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    pub from: Option<i64>,
    pub to: Option<i64>,
    pub q: String,
    pub status: Option<ServiceStatus>,
    /// `waiting`: what awaits the platform (its queue's default).
    pub waiting: bool,
    pub sort: &'static str,
    pub page: i64,
    /// Rows a page: one of kit::pager's sizes (the server function's choice).
    pub per_page: i64,
}

impl Filter {
    pub fn parse(
        from: &str,
        to: &str,
        q: &str,
        status: &str,
        sort: &str,
        page: &str,
        // Days are the viewer's, as the items' times are shown.
        zone: &Zone,
    ) -> Result<Filter, AppError> {
        let sort = match sort {
            "created_asc" => "s.created_at ASC, s.id ASC",
            "name" => "s.name ASC, s.id ASC",
            "status" => "s.status ASC, s.created_at DESC, s.id DESC",
            "submitted" => "s.submitted_at ASC, s.id ASC",
            _ => "s.created_at DESC, s.id DESC",
        };
        Ok(Filter {
            from: zone.day_start(from),
            // 截止日期 includes its last day.
            to: zone.day_end(to),
            q: q.trim().chars().take(100).collect(),
            status: ServiceStatus::from_db(status),
            waiting: status == "waiting",
            sort,
            page: crate::kit::paging::page_number(page)?,
            per_page: crate::kit::pager::SIZES[0],
        })
    }
}

pub async fn list(db: &Db, owner: Owner, filter: &Filter) -> Result<ServiceListPage, AppError> {
    let mut conditions: Vec<String> = Vec::new();
    let mut binds: Vec<String> = Vec::new();
    let mut ints: Vec<i64> = Vec::new();
    // Integers are bound first ($1…), then the texts.
    if let Owner::Provider(provider_id) = owner {
        ints.push(provider_id);
        conditions.push(format!("s.provider_id = ${}", ints.len()));
    }
    if let Some(from) = filter.from {
        ints.push(from);
        conditions.push(format!("s.created_at >= ${}", ints.len()));
    }
    if let Some(to) = filter.to {
        ints.push(to);
        conditions.push(format!("s.created_at < ${}", ints.len()));
    }
    let first_text = ints.len();
    if !filter.q.is_empty() {
        binds.push(contains_pattern(&filter.q.to_lowercase()));
        let n = first_text + binds.len();
        conditions.push(format!(
            "(LOWER(s.name) LIKE ${n} ESCAPE '\\' OR LOWER(s.product) LIKE ${n} ESCAPE '\\')"
        ));
    }
    if let Some(status) = filter.status {
        binds.push(status.as_db().to_owned());
        conditions.push(format!("s.status = ${}", first_text + binds.len()));
    } else if filter.waiting {
        conditions.push("s.status IN ('pending_review', 'delist_requested')".into());
    }
    let condition = if conditions.is_empty() {
        "1 = 1".to_owned()
    } else {
        conditions.join(" AND ")
    };
    let count_sql = format!("SELECT COUNT(*) AS n FROM service_items s WHERE {condition}");
    let mut count = sqlx::query(&count_sql);
    for value in &ints {
        count = count.bind(*value);
    }
    for value in &binds {
        count = count.bind(value);
    }
    let total: i64 = count.fetch_one(db.pool()).await?.try_get("n")?;
    let per_page = filter.per_page;
    let pages = page_count(total, per_page);
    let page = filter.page.min(pages);
    let list_sql = format!(
        "SELECT s.id, s.name, s.product, s.created_at, s.status, s.submitted_at, s.version,
                COALESCE(NULLIF(u.name, ''), u.email, '') AS creator, p.name AS provider
         FROM service_items s
         JOIN providers p ON p.id = s.provider_id
         LEFT JOIN users u ON u.id = s.created_by
         WHERE {condition} ORDER BY {} LIMIT {per_page} OFFSET {}",
        filter.sort,
        (page - 1) * per_page
    );
    let mut query = sqlx::query(&list_sql);
    for value in &ints {
        query = query.bind(*value);
    }
    for value in &binds {
        query = query.bind(value);
    }
    let rows = query
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(|row| {
            Ok(ServiceRow {
                id: row.try_get("id")?,
                name: row.try_get("name")?,
                product: row.try_get("product")?,
                creator: row.try_get("creator")?,
                created: format_datetime(row.try_get("created_at")?),
                status: status_of(&row.try_get::<String, _>("status")?)?,
                provider: row.try_get("provider")?,
                submitted: row
                    .try_get::<Option<i64>, _>("submitted_at")?
                    .map(format_datetime)
                    .unwrap_or_default(),
                version: row.try_get("version")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(ServiceListPage {
        rows,
        page,
        pages,
        per_page,
        count: total,
    })
}

/// 服务对象 suggestions: the products the provider's work orders are for.
pub async fn products(db: &Db, provider_id: i64) -> Result<Vec<String>, AppError> {
    let rows = sqlx::query(
        // The recent work orders only: the list stays quick at a million of them.
        "SELECT DISTINCT product FROM (
            SELECT product FROM (SELECT o.solution_name AS product FROM work_orders w
                                 JOIN orders o ON o.id = w.order_id
                                 WHERE w.provider_id = $1 ORDER BY w.created_at DESC LIMIT 500) recent
            UNION SELECT product FROM service_items WHERE provider_id = $1) x
         ORDER BY product LIMIT 200",
    )
    .bind(provider_id)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .iter()
        .filter_map(|r| r.try_get::<String, _>("product").ok())
        .filter(|p| !p.is_empty())
        .collect())
}

/// 基础搜索: the service items whose name or 服务对象 holds `keyword`, newest change first (one
/// provider's few, or the whole catalogue for an operator).
pub async fn search_hits(db: &Db, query: Query<'_>) -> Result<Vec<Hit>, sqlx::Error> {
    let (searcher, limit) = (query.searcher, query.limit);
    let sql = format!(
        "SELECT s.id, s.name, s.product, s.status, p.name AS provider
         FROM service_items s JOIN providers p ON p.id = s.provider_id
         {} ORDER BY s.updated_at DESC, s.id DESC LIMIT {limit}",
        search::scoped(
            searcher,
            "s.provider_id",
            &search::like(db, &["s.name", "s.product"])
        )
    );
    let mut hits = Vec::new();
    for row in search::rows(db, &sql, searcher, contains_pattern(query.keyword)).await? {
        let id: i64 = row.try_get("id")?;
        let product: String = row.try_get("product")?;
        let provider: String = row.try_get("provider")?;
        hits.push(Hit {
            title: row.try_get("name")?,
            detail: searcher.detail(&[&product, &provider]),
            status_key: search::status_key::<ServiceStatus>(&row.try_get::<String, _>("status")?),
            href: Some(searcher.page(&format!("/services/{id}"))),
        });
    }
    Ok(hits)
}
