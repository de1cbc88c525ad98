//! The work order lists: the provider's and the platform's pages (filtered, searched, sorted,
//! paged by number — an OFFSET along the sort's index — or by keyset after a cursor), their
//! per-status counts (the pager's total), and the export's rows.

use super::{money, money_of, status};
use crate::kit::code::Code;
use crate::kit::db::{contains_pattern, Backend, Db};
use crate::kit::error::AppError;
use crate::kit::forms::encode_query;
use crate::kit::pager::Paging;
use crate::kit::request::ProviderScope;
use crate::kit::search::{Hit, Query, Searcher};
use crate::kit::time::format_datetime;
use crate::orders::model::{ListFilter, Realm, Sort, WorkOrderStatus};
use crate::orders::{PlatformRow, WorkOrderPage, WorkOrderRow, PAGE_SIZE};
use sqlx::any::AnyRow;
use sqlx::{Any, Row};

impl Sort {
    fn column(self) -> &'static str {
        match self {
            Sort::CreatedDesc | Sort::CreatedAsc => "wo.created_at",
            Sort::TotalDesc | Sort::TotalAsc => "wo.total_incl_minor",
        }
    }
}

/// Builds SQL with `$n` placeholders and their values, in order.
#[derive(Default)]
struct Sql {
    text: String,
    binds: Vec<Bind>,
}

enum Bind {
    Int(i64),
    Text(String),
}

impl Sql {
    fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    fn bind(&mut self, value: Bind) -> &mut Self {
        self.binds.push(value);
        let n = self.binds.len();
        self.text.push_str(&format!("${n}"));
        self
    }

    fn query(&self) -> sqlx::query::Query<'_, Any, sqlx::any::AnyArguments<'_>> {
        let mut query = sqlx::query(&self.text);
        for bind in &self.binds {
            query = match bind {
                Bind::Int(v) => query.bind(*v),
                Bind::Text(v) => query.bind(v.clone()),
            };
        }
        query
    }

    async fn fetch_all(&self, db: &Db) -> Result<Vec<AnyRow>, sqlx::Error> {
        self.query().fetch_all(db.pool()).await
    }
}

/// The WHERE clause shared by the list and its per-status counts.
fn filters(sql: &mut Sql, backend: Backend, realm: Realm, filter: &ListFilter) {
    // With a keyword, SQLite is to start from the index's matches (looked up by rowid) rather
    // than walk all of the provider's rows testing each: `+` keeps it off the provider index.
    // PostgreSQL weighs the two by its statistics.
    let by_matches = backend == Backend::Sqlite && filter.keyword.is_some();
    let column = if by_matches {
        "+wo.provider_id"
    } else {
        "wo.provider_id"
    };
    match realm {
        Realm::Provider(id) => {
            sql.push(&format!(" WHERE {column} = ")).bind(Bind::Int(id));
        }
        Realm::Undispatched => {
            sql.push(&format!(" WHERE {column} IS NULL"));
        }
        Realm::All => {
            sql.push(" WHERE 1 = 1");
        }
    }
    if let Some(from) = filter.from {
        sql.push(" AND wo.created_at >= ").bind(Bind::Int(from));
    }
    if let Some(to) = filter.to {
        sql.push(" AND wo.created_at < ").bind(Bind::Int(to));
    }
    if let Some(buyer) = &filter.buyer {
        // A part of the name, A–Z case-blind, `%` and `_` literal: the orders are read through
        // once (an order has its handful of work orders), their ids looked up by index.
        sql.push(&format!(
            " AND wo.order_id IN (SELECT id FROM orders WHERE {} LIKE ",
            backend.fold_ascii("buyer_company")
        ))
        .bind(Bind::Text(contains_pattern(&buyer.to_ascii_lowercase())))
        .push(" ESCAPE '\\')");
    }
    if filter.awaiting_stage {
        // Kept by the milestones' triggers; the partial index holds just these rows.
        sql.push(" AND wo.stages_awaiting > 0");
    }
    if let Some(keyword) = &filter.keyword {
        // The trigram index (migration 0017) holds each work order's searched fields.
        sql.push(" AND wo.id IN (");
        match (backend, keyword.chars().count() >= 3) {
            // A phrase of the keyword's trigrams, in order: exactly its occurrences.
            (Backend::Sqlite, true) => sql
                .push("SELECT rowid FROM work_order_search WHERE work_order_search MATCH ")
                .bind(Bind::Text(fts_phrase(keyword))),
            // Too short for a trigram: the index's rows are read through.
            (Backend::Sqlite, false) => sql
                .push("SELECT rowid FROM work_order_search WHERE body LIKE ")
                .bind(Bind::Text(contains_pattern(keyword)))
                .push(" ESCAPE '\\'"),
            // pg_trgm answers LIKE from its GIN index (and rechecks every candidate).
            (Backend::Postgres, _) => sql
                .push("SELECT work_order_id FROM work_order_search WHERE body LIKE ")
                .bind(Bind::Text(contains_pattern(keyword)))
                .push(" ESCAPE '\\'"),
        };
        sql.push(")");
    }
}

/// `keyword` as an FTS5 phrase: quoted, inner quotes doubled, so nothing in it is syntax.
fn fts_phrase(keyword: &str) -> String {
    format!("\"{}\"", keyword.replace('"', "\"\""))
}

/// A page of work orders under `filter` in its sort order, with the order's number and buyer
/// and the provider's name, and the cursor of the next page. The joins are LEFT (every work
/// order has its order) so that SQLite keeps work_orders, and its index order, outermost.
/// After a cursor the page starts there (keyset); else it is `paging`'s page, skipped to
/// along the same index order.
pub async fn page_rows(
    db: &Db,
    realm: Realm,
    filter: &ListFilter,
    paging: Paging,
) -> Result<(Vec<AnyRow>, Option<String>), sqlx::Error> {
    let size = paging.per_page;
    let column = filter.sort.column();
    let mut sql = Sql::default();
    sql.push(&format!(
        "SELECT wo.id, wo.work_order_no, wo.service_item_name, wo.implementation, wo.currency,
                wo.unit_price_incl_minor, wo.quantity, wo.total_incl_minor, wo.created_at,
                wo.status, wo.provider_id, wo.decline_reason, wo.cancel_reason,
                {column} AS sort_value,
                o.order_no, o.buyer_company, p.name AS provider
         FROM work_orders wo LEFT JOIN orders o ON o.id = wo.order_id
         LEFT JOIN providers p ON p.id = wo.provider_id"
    ));
    filters(&mut sql, db.backend(), realm, filter);
    if let Some(status) = filter.status {
        sql.push(" AND wo.status = ")
            .bind(Bind::Text(status.as_db().to_owned()));
    }
    let (cmp, dir) = if filter.sort.descending() {
        ("<", "DESC")
    } else {
        (">", "ASC")
    };
    if let Some((value, id)) = filter.after {
        // A row-value comparison, which both databases answer from the index.
        sql.push(&format!(" AND ({column}, wo.id) {cmp} ("))
            .bind(Bind::Int(value))
            .push(", ")
            .bind(Bind::Int(id))
            .push(")");
    }
    // With a keyword SQLite is to start from the index's matches: `+` keeps the order's index
    // (every work order, in time) from looking cheaper than sorting the matches.
    let order = if db.backend() == Backend::Sqlite && filter.keyword.is_some() {
        format!("+{column}")
    } else {
        column.to_owned()
    };
    sql.push(&format!(" ORDER BY {order} {dir}, wo.id {dir} LIMIT "))
        .bind(Bind::Int(size + 1));
    if filter.after.is_none() && paging.page > 1 {
        sql.push(" OFFSET ").bind(Bind::Int(paging.offset()));
    }
    let mut rows = sql.fetch_all(db).await?;
    let next = if rows.len() as i64 > size {
        rows.truncate(size as usize);
        let last = rows.last().expect("a full page");
        Some(format!(
            "{}_{}",
            last.try_get::<i64, _>("sort_value")?,
            last.try_get::<i64, _>("id")?
        ))
    } else {
        None
    };
    Ok((rows, next))
}

pub async fn list(
    db: &Db,
    scope: &ProviderScope,
    filter: &ListFilter,
    paging: Paging,
) -> Result<WorkOrderPage, sqlx::Error> {
    let realm = Realm::Provider(scope.provider_id);
    let (rows, next) = page_rows(db, realm, filter, paging).await?;
    let rows = rows
        .iter()
        .map(|row| {
            Ok(WorkOrderRow {
                work_order_no: row.try_get("work_order_no")?,
                service_item_name: row.try_get("service_item_name")?,
                implementation: row.try_get("implementation")?,
                unit_price_incl: money(row, "unit_price_incl_minor")?,
                quantity: row.try_get("quantity")?,
                total_incl: money(row, "total_incl_minor")?,
                created: format_datetime(row.try_get("created_at")?),
                status: status(row)?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;

    let counts = status_counts(db, realm, filter).await?;
    let total = total_of(&counts, filter);
    Ok(WorkOrderPage {
        rows,
        next,
        counts,
        total,
        page: paging.page,
        per_page: paging.per_page,
    })
}

/// The pager's total: the chosen status's count, or every status's (no query of its own).
pub fn total_of(counts: &[(WorkOrderStatus, i64)], filter: &ListFilter) -> i64 {
    counts
        .iter()
        .filter(|(s, _)| filter.status.is_none_or(|chosen| chosen == *s))
        .map(|(_, n)| n)
        .sum()
}

/// The work orders per status under `filter` (its status aside). With no filter, or only
/// 阶段待验收, they are the counters the triggers keep (a provider's dozen rows); with a date,
/// keyword or buyer filter, the filter's rows are counted.
pub async fn status_counts(
    db: &Db,
    realm: Realm,
    filter: &ListFilter,
) -> Result<Vec<(WorkOrderStatus, i64)>, sqlx::Error> {
    let kept = filter.from.is_none()
        && filter.to.is_none()
        && filter.keyword.is_none()
        && filter.buyer.is_none();
    // (status, count) pairs; the counters also hold 'stage:'-prefixed buckets.
    let counted: Vec<(String, i64)> = if kept {
        let prefix = if filter.awaiting_stage { "stage:" } else { "" };
        // Not dispatched yet is provider 0 in the counters; every provider's are summed.
        let rows = match realm {
            Realm::Provider(id) => {
                sqlx::query("SELECT bucket, n FROM work_order_counts WHERE provider_id = $1")
                    .bind(id)
            }
            Realm::Undispatched => {
                sqlx::query("SELECT bucket, n FROM work_order_counts WHERE provider_id = 0")
            }
            Realm::All => sqlx::query(
                "SELECT bucket, CAST(SUM(n) AS BIGINT) AS n FROM work_order_counts GROUP BY bucket",
            ),
        }
        .fetch_all(db.pool())
        .await?;
        let mut counted = Vec::new();
        for row in rows {
            let bucket: String = row.try_get("bucket")?;
            if let Some(status) = bucket.strip_prefix(prefix).filter(|s| !s.contains(':')) {
                counted.push((status.to_owned(), row.try_get("n")?));
            }
        }
        counted
    } else {
        let mut sql = Sql::default();
        sql.push("SELECT wo.status, COUNT(*) AS n FROM work_orders wo");
        filters(&mut sql, db.backend(), realm, filter);
        sql.push(" GROUP BY wo.status");
        let mut counted = Vec::new();
        for row in sql.fetch_all(db).await? {
            counted.push((row.try_get("status")?, row.try_get("n")?));
        }
        counted
    };
    Ok(WorkOrderStatus::all()
        .map(|s| {
            let n = counted
                .iter()
                .find(|(status, _)| status == s.as_db())
                .map_or(0, |(_, n)| *n);
            (s, n)
        })
        .collect())
}

/// The work orders under `filter` (every page of them, in its sort order) as export rows,
/// streamed from the database into a bounded channel: the reader's pace sets the query's.
pub fn spawn_export_rows(
    db: Db,
    scope: ProviderScope,
    filter: ListFilter,
    locale: crate::kit::i18n::Locale,
    zone: crate::kit::time::Zone,
) -> crate::kit::sheet::Rows {
    use crate::kit::sheet::Cell;
    use futures_util::StreamExt;
    let (sender, rows) = crate::kit::sheet::channel();
    tokio::spawn(async move {
        let column = filter.sort.column();
        let dir = if filter.sort.descending() {
            "DESC"
        } else {
            "ASC"
        };
        let mut sql = Sql::default();
        sql.push(
            "SELECT wo.work_order_no, o.order_no, o.buyer_company, wo.service_item_name,
                    wo.implementation, wo.currency, wo.unit_price_incl_minor, wo.quantity,
                    wo.total_incl_minor, wo.created_at, wo.status
             FROM work_orders wo JOIN orders o ON o.id = wo.order_id",
        );
        filters(
            &mut sql,
            db.backend(),
            Realm::Provider(scope.provider_id),
            &filter,
        );
        if let Some(status) = filter.status {
            sql.push(" AND wo.status = ")
                .bind(Bind::Text(status.as_db().to_owned()));
        }
        sql.push(&format!(" ORDER BY {column} {dir}, wo.id {dir}"));
        let mut fetched = sql.query().fetch(db.pool());
        while let Some(row) = fetched.next().await {
            let cells = row.and_then(|row| {
                let amount = |column: &str| {
                    Ok::<_, sqlx::Error>(Cell::Amount(money_of(&row, column)?.amount))
                };
                Ok(vec![
                    Cell::Text(row.try_get("work_order_no")?),
                    Cell::Text(row.try_get("order_no")?),
                    Cell::Text(row.try_get("buyer_company")?),
                    Cell::Text(row.try_get("service_item_name")?),
                    Cell::Text(row.try_get("implementation")?),
                    amount("unit_price_incl_minor")?,
                    Cell::Whole(row.try_get("quantity")?),
                    amount("total_incl_minor")?,
                    Cell::Text(row.try_get("currency")?),
                    Cell::Text(zone.datetime(row.try_get("created_at")?)),
                    Cell::Text(locale.t(status(&row)?.label_key()).to_owned()),
                ])
            });
            let failed = cells.is_err();
            if sender.send(cells.map_err(AppError::from)).await.is_err() || failed {
                break;
            }
        }
    });
    rows
}

/// A page of the platform's list: its rows, with the next page's cursor.
pub async fn platform_rows(
    db: &Db,
    realm: Realm,
    filter: &ListFilter,
    paging: Paging,
) -> Result<(Vec<PlatformRow>, Option<String>), sqlx::Error> {
    let (rows, next) = page_rows(db, realm, filter, paging).await?;
    // The page's declines at once (a page's few work orders, by the declines' index).
    let mut declines: Vec<(i64, i64)> = Vec::new();
    let declined: Vec<i64> = rows
        .iter()
        .filter(|r| status(r).is_ok_and(|s| s == WorkOrderStatus::Rejected))
        .map(|r| r.try_get("id"))
        .collect::<Result<_, _>>()?;
    if !declined.is_empty() {
        let marks: Vec<String> = (1..=declined.len()).map(|n| format!("${n}")).collect();
        let sql = format!(
            "SELECT work_order_id, provider_id FROM work_order_declines
             WHERE work_order_id IN ({}) ORDER BY id",
            marks.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for id in &declined {
            query = query.bind(*id);
        }
        for row in query.fetch_all(db.pool()).await? {
            declines.push((row.try_get("work_order_id")?, row.try_get("provider_id")?));
        }
    }
    let rows = rows
        .iter()
        .map(|r| {
            let id: i64 = r.try_get("id")?;
            let mut declined_by: Vec<i64> = declines
                .iter()
                .filter(|(work_order, _)| *work_order == id)
                .map(|(_, provider)| *provider)
                .collect();
            // Declined now: by the provider it is still with.
            if status(r)? == WorkOrderStatus::Rejected {
                declined_by.extend(r.try_get::<Option<i64>, _>("provider_id")?);
            }
            declined_by.sort_unstable();
            declined_by.dedup();
            Ok(PlatformRow {
                decline_reason: r.try_get("decline_reason")?,
                cancel_reason: r.try_get("cancel_reason")?,
                declined_by,
                work_order_no: r.try_get("work_order_no")?,
                order_no: r.try_get("order_no")?,
                buyer_company: r.try_get("buyer_company")?,
                service_item_name: r.try_get("service_item_name")?,
                total_incl: money(r, "total_incl_minor")?,
                status: status(r)?,
                provider: r.try_get("provider")?,
                created: format_datetime(r.try_get("created_at")?),
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok((rows, next))
}

/// 基础搜索: the work orders holding the keyword (the list's own search, one page of it,
/// newest first, whatever the query's limit), each with its order's number and buyer.
pub async fn search_hits(
    db: &Db,
    query: Query<'_>,
) -> Result<Vec<(Hit, String, String)>, sqlx::Error> {
    let Query {
        searcher, keyword, ..
    } = query;
    let realm = match searcher {
        Searcher::Provider(id) => Realm::Provider(id),
        Searcher::Operator => Realm::All,
    };
    let filter = ListFilter {
        status: None,
        from: None,
        to: None,
        keyword: Some(keyword.to_owned()),
        buyer: None,
        awaiting_stage: false,
        sort: Sort::CreatedDesc,
        after: None,
    };
    let paging = Paging {
        page: 1,
        per_page: PAGE_SIZE,
    };
    let (rows, _) = page_rows(db, realm, &filter, paging).await?;
    let mut found = Vec::new();
    for row in &rows {
        let no: String = row.try_get("work_order_no")?;
        let order_no: String = row.try_get("order_no")?;
        let buyer: String = row.try_get("buyer_company")?;
        let item: String = row.try_get("service_item_name")?;
        let provider: Option<String> = row.try_get("provider")?;
        let href = match searcher {
            Searcher::Provider(_) => format!("/orders/{no}"),
            // The platform has no work order page of its own: its list, narrowed to this one.
            Searcher::Operator => format!("/platform/orders?q={}", encode_query(&no)),
        };
        let hit = Hit {
            title: no,
            detail: searcher.detail(&[&item, &buyer, provider.as_deref().unwrap_or_default()]),
            status_key: Some(status(row)?.label_key().to_owned()),
            href: Some(href),
        };
        found.push((hit, order_no, buyer));
    }
    Ok(found)
}
