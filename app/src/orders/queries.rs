//! Work order queries. Every one takes the caller's `ProviderScope` and filters by it, so a
//! work order of another provider is not found, whatever its number.

use super::model::{
    parse_date, MilestoneAction, MilestoneFields, MilestoneStatus, WorkOrderAction, WorkOrderStatus,
};
use super::{
    EventView, FileView, MilestoneCommand, MilestoneView, WorkOrderDetail, WorkOrderPage,
    WorkOrderRow, PAGE_SIZE,
};
use crate::kit::code::Code;
use crate::kit::db::Owner;
use crate::kit::db::{now, Backend, Db};
use crate::kit::error::AppError;
use crate::kit::money::{Currency, Money};
use crate::kit::request::ProviderScope;
use crate::kit::time::format_datetime;
use rust_decimal::Decimal;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    CreatedDesc,
    CreatedAsc,
    TotalDesc,
    TotalAsc,
}

impl Sort {
    fn parse(value: &str) -> Option<Sort> {
        match value {
            "" | "created_desc" => Some(Sort::CreatedDesc),
            "created_asc" => Some(Sort::CreatedAsc),
            "total_desc" => Some(Sort::TotalDesc),
            "total_asc" => Some(Sort::TotalAsc),
            _ => None,
        }
    }

    fn column(self) -> &'static str {
        match self {
            Sort::CreatedDesc | Sort::CreatedAsc => "wo.created_at",
            Sort::TotalDesc | Sort::TotalAsc => "wo.total_incl_minor",
        }
    }

    fn descending(self) -> bool {
        matches!(self, Sort::CreatedDesc | Sort::TotalDesc)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListFilter {
    pub status: Option<WorkOrderStatus>,
    /// Creation time range, Unix seconds, end exclusive.
    pub from: Option<i64>,
    pub to: Option<i64>,
    pub keyword: Option<String>,
    /// 购买公司: only work orders bought by this company (its name as the order gave it).
    pub buyer: Option<String>,
    /// Only work orders with a stage waiting for the customer's acceptance (后台首页's link).
    pub awaiting_stage: bool,
    pub sort: Sort,
    /// Keyset cursor: the sort value and id of the last row shown.
    pub after: Option<(i64, i64)>,
}

/// Midnight of a calendar day in China Standard Time, as Unix seconds.
fn day_start(date: &str) -> Option<i64> {
    let date = parse_date(date)?;
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let day = time::Date::parse(&date, &format).ok()?;
    Some(
        day.midnight()
            .assume_offset(time::macros::offset!(+8))
            .unix_timestamp(),
    )
}

impl ListFilter {
    /// Reads the list's query; anything malformed is the client's mistake.
    pub fn parse(
        status: &str,
        from: &str,
        to: &str,
        q: &str,
        sort: &str,
        after: &str,
    ) -> Result<ListFilter, AppError> {
        let bad = |field: &str| AppError::invalid(&[(field, "form.invalid_value")]);
        let status = match status {
            "" => None,
            s => Some(WorkOrderStatus::from_db(s).ok_or_else(|| bad("status"))?),
        };
        let day = |value: &str, field: &str| match value.trim() {
            "" => Ok(None),
            v => day_start(v).map(Some).ok_or_else(|| bad(field)),
        };
        let from = day(from, "from")?;
        let to = day(to, "to")?.map(|t| t + 86_400);
        let keyword = q.trim();
        if keyword.chars().count() > 100 {
            return Err(bad("q"));
        }
        let sort = Sort::parse(sort).ok_or_else(|| bad("sort"))?;
        let after = match after {
            "" => None,
            cursor => {
                let (value, id) = cursor.split_once('_').ok_or_else(|| bad("after"))?;
                Some((
                    value.parse().map_err(|_| bad("after"))?,
                    id.parse().map_err(|_| bad("after"))?,
                ))
            }
        };
        Ok(ListFilter {
            status,
            from,
            to,
            keyword: super::model::search_keyword(keyword),
            buyer: None,
            awaiting_stage: false,
            sort,
            after,
        })
    }
}

impl ListFilter {
    /// Adds the 购买公司 filter from the list's query (blank: any buyer).
    pub fn with_buyer(mut self, buyer: &str) -> Result<ListFilter, AppError> {
        let buyer = buyer.trim();
        if buyer.chars().count() > 200 {
            return Err(AppError::invalid(&[("buyer", "form.invalid_value")]));
        }
        self.buyer = (!buyer.is_empty()).then(|| buyer.to_owned());
        Ok(self)
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

/// Whose work orders a list reads: a provider's own (the provider's list, or the platform's
/// filtered by provider), those not dispatched yet, or every one (the platform's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Realm {
    Provider(i64),
    Undispatched,
    All,
}

impl Realm {
    /// The platform list's provider filter: blank for all, `none` for not dispatched yet.
    pub fn parse_platform(value: &str) -> Result<Realm, AppError> {
        match value.trim() {
            "" => Ok(Realm::All),
            "none" => Ok(Realm::Undispatched),
            // Providers' ids are positive; 0 would read as 未分发 in the counters.
            id => id
                .parse()
                .ok()
                .filter(|id: &i64| *id > 0)
                .map(Realm::Provider)
                .ok_or_else(|| AppError::invalid(&[("provider", "form.invalid_value")])),
        }
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
        sql.push(" AND wo.order_id IN (SELECT id FROM orders WHERE buyer_company = ")
            .bind(Bind::Text(buyer.clone()))
            .push(")");
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
                .bind(Bind::Text(like_pattern(keyword)))
                .push(" ESCAPE '\\'"),
            // pg_trgm answers LIKE from its GIN index (and rechecks every candidate).
            (Backend::Postgres, _) => sql
                .push("SELECT work_order_id FROM work_order_search WHERE body LIKE ")
                .bind(Bind::Text(like_pattern(keyword)))
                .push(" ESCAPE '\\'"),
        };
        sql.push(")");
    }
}

/// `keyword` as an FTS5 phrase: quoted, inner quotes doubled, so nothing in it is syntax.
fn fts_phrase(keyword: &str) -> String {
    format!("\"{}\"", keyword.replace('"', "\"\""))
}

/// `keyword` anywhere, as a LIKE pattern with `\` escaping its wildcards.
fn like_pattern(keyword: &str) -> String {
    let escaped = keyword
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// The amount in `column`, in the row's `currency`.
fn money_of(row: &AnyRow, column: &str) -> Result<Money, sqlx::Error> {
    let currency: String = row.try_get("currency")?;
    let currency = Currency::from_code(&currency)
        .ok_or_else(|| sqlx::Error::Decode(format!("unknown currency {currency}").into()))?;
    Ok(Money::from_minor(row.try_get(column)?, currency))
}

pub fn money(row: &AnyRow, column: &str) -> Result<String, sqlx::Error> {
    Ok(money_of(row, column)?.to_string())
}

pub fn status(row: &AnyRow) -> Result<WorkOrderStatus, sqlx::Error> {
    let value: String = row.try_get("status")?;
    WorkOrderStatus::from_db(&value)
        .ok_or_else(|| sqlx::Error::Decode(format!("unknown status {value}").into()))
}

/// A page of work orders under `filter` in its sort order, with the order's number and buyer
/// and the provider's name, and the cursor of the next page. The joins are LEFT (every work
/// order has its order) so that SQLite keeps work_orders, and its index order, outermost.
pub async fn page_rows(
    db: &Db,
    realm: Realm,
    filter: &ListFilter,
) -> Result<(Vec<AnyRow>, Option<String>), sqlx::Error> {
    let column = filter.sort.column();
    let mut sql = Sql::default();
    sql.push(&format!(
        "SELECT wo.id, wo.work_order_no, wo.service_item_name, wo.implementation, wo.currency,
                wo.unit_price_incl_minor, wo.quantity, wo.total_incl_minor, wo.created_at,
                wo.status, {column} AS sort_value, o.order_no, o.buyer_company,
                p.name AS provider
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
        .bind(Bind::Int(PAGE_SIZE + 1));
    let mut rows = sql.fetch_all(db).await?;
    let next = if rows.len() as i64 > PAGE_SIZE {
        rows.truncate(PAGE_SIZE as usize);
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
) -> Result<WorkOrderPage, sqlx::Error> {
    let realm = Realm::Provider(scope.provider_id);
    let (rows, next) = page_rows(db, realm, filter).await?;
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
    Ok(WorkOrderPage { rows, next, counts })
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
                    Cell::Text(format_datetime(row.try_get("created_at")?)),
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

fn actor_name(row: &AnyRow) -> Result<String, sqlx::Error> {
    let name: Option<String> = row.try_get("actor_name")?;
    let email: Option<String> = row.try_get("actor_email")?;
    let label: String = row.try_get("actor_label")?;
    Ok(match (name, email) {
        (Some(n), _) if !n.is_empty() => n,
        (_, Some(e)) => e,
        _ => label,
    })
}

pub fn period(start: &str, end: Option<&str>) -> String {
    match end {
        Some(end) => format!("{start} ~ {end}"),
        None => format!("{start} ~"),
    }
}

fn percent(rate: &str) -> String {
    Decimal::from_str(rate)
        .map(|r| format!("{}%", (r * Decimal::ONE_HUNDRED).normalize()))
        .unwrap_or_else(|_| rate.to_owned())
}

pub async fn detail(db: &Db, scope: &ProviderScope, no: &str) -> Result<WorkOrderDetail, AppError> {
    let row = sqlx::query(
        "SELECT wo.id, wo.work_order_no, wo.created_at, wo.service_item_name, wo.implementer,
                wo.currency, wo.unit_price_minor, wo.tax_rate, wo.unit_price_incl_minor,
                wo.quantity, wo.total_incl_minor, wo.status, wo.decline_reason,
                o.order_no, o.picture_url, o.solution_name, o.solution_quantity,
                o.contact_name, o.contact_email, o.buyer_company
         FROM work_orders wo JOIN orders o ON o.id = wo.order_id
         WHERE wo.provider_id = $1 AND wo.work_order_no = $2",
    )
    .bind(scope.provider_id)
    .bind(no)
    .fetch_optional(db.pool())
    .await?
    .ok_or(AppError::NotFound)?;
    let id: i64 = row.try_get("id")?;
    let milestones = milestones(db, id).await?;
    let history = sqlx::query(
        "SELECT e.action, e.milestone_no, e.from_status, e.to_status, e.reason, e.created_at,
                e.actor_label, u.name AS actor_name, u.email AS actor_email
         FROM work_order_events e LEFT JOIN users u ON u.id = e.actor_id
         WHERE e.work_order_id = $1 ORDER BY e.created_at DESC, e.id DESC",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(|e| {
        Ok(EventView {
            at: format_datetime(e.try_get("created_at")?),
            actor: actor_name(e)?,
            action: e.try_get("action")?,
            milestone_no: e.try_get("milestone_no")?,
            from_status: e.try_get("from_status")?,
            to_status: e.try_get("to_status")?,
            reason: e.try_get("reason")?,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let contact_name: String = row.try_get("contact_name")?;
    let contact_email: String = row.try_get("contact_email")?;
    Ok(WorkOrderDetail {
        work_order_no: row.try_get("work_order_no")?,
        order_no: row.try_get("order_no")?,
        created: format_datetime(row.try_get("created_at")?),
        picture_url: row.try_get("picture_url")?,
        solution_name: row.try_get("solution_name")?,
        solution_quantity: row.try_get("solution_quantity")?,
        contact: if contact_name.is_empty() {
            contact_email
        } else {
            format!("{contact_name} <{contact_email}>")
        },
        buyer_company: row.try_get("buyer_company")?,
        service_item_name: row.try_get("service_item_name")?,
        implementer: row.try_get("implementer")?,
        unit_price: money(&row, "unit_price_minor")?,
        tax_rate: percent(&row.try_get::<String, _>("tax_rate")?),
        unit_price_incl: money(&row, "unit_price_incl_minor")?,
        quantity: row.try_get("quantity")?,
        total_incl: money(&row, "total_incl_minor")?,
        status: status(&row)?,
        decline_reason: row.try_get("decline_reason")?,
        milestones,
        history,
    })
}

fn human_size(bytes: i64) -> String {
    match bytes {
        b if b >= 1024 * 1024 => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
        b if b >= 1024 => format!("{:.1} KB", b as f64 / 1024.0),
        b => format!("{b} B"),
    }
}

/// The evidence files of the given stages, with the stage each belongs to.
pub async fn files_of(db: &Db, milestone_ids: &[i64]) -> Result<Vec<(i64, FileView)>, sqlx::Error> {
    if milestone_ids.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders: Vec<String> = (1..=milestone_ids.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT id, milestone_id, name, size FROM milestone_files WHERE milestone_id IN ({}) ORDER BY id",
        placeholders.join(", ")
    );
    let mut query = sqlx::query(&sql);
    for id in milestone_ids {
        query = query.bind(*id);
    }
    query
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(|r| {
            Ok((
                r.try_get("milestone_id")?,
                FileView {
                    id: r.try_get("id")?,
                    name: r.try_get("name")?,
                    size: human_size(r.try_get("size")?),
                },
            ))
        })
        .collect()
}

async fn milestones(db: &Db, work_order_id: i64) -> Result<Vec<MilestoneView>, sqlx::Error> {
    let mut stages = milestone_rows(db, work_order_id).await?;
    let ids: Vec<i64> = stages.iter().map(|m| m.id).collect();
    for (milestone_id, file) in files_of(db, &ids).await? {
        if let Some(stage) = stages.iter_mut().find(|m| m.id == milestone_id) {
            stage.files.push(file);
        }
    }
    Ok(stages)
}

async fn milestone_rows(db: &Db, work_order_id: i64) -> Result<Vec<MilestoneView>, sqlx::Error> {
    sqlx::query(
        "SELECT id, position, period_start, period_end, standard, remarks, status, reject_reason,
                due_at
         FROM milestones WHERE work_order_id = $1 ORDER BY position",
    )
    .bind(work_order_id)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(|m| {
        let due: Option<i64> = m.try_get("due_at")?;
        let start: String = m.try_get("period_start")?;
        let end: Option<String> = m.try_get("period_end")?;
        let value: String = m.try_get("status")?;
        Ok(MilestoneView {
            id: m.try_get("id")?,
            position: m.try_get("position")?,
            period: period(&start, end.as_deref()),
            period_start: start,
            period_end: end.unwrap_or_default(),
            standard: m.try_get("standard")?,
            remarks: m.try_get("remarks")?,
            status: MilestoneStatus::from_db(&value)
                .ok_or_else(|| sqlx::Error::Decode(format!("unknown status {value}").into()))?,
            reject_reason: m.try_get("reject_reason")?,
            due: due.map(format_datetime).unwrap_or_default(),
            seconds_left: due.map(|d| d - now()),
            files: Vec::new(),
        })
    })
    .collect()
}

/// One line of a work order's history.
pub struct Event<'a> {
    pub work_order_id: i64,
    pub milestone_no: Option<i64>,
    pub actor_id: Option<i64>,
    pub actor_label: &'a str,
    pub action: &'a str,
    pub from_status: &'a str,
    pub to_status: &'a str,
    pub reason: &'a str,
}

pub async fn record(
    tx: &mut Transaction<'static, Any>,
    event: Event<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO work_order_events (work_order_id, milestone_no, actor_id, actor_label, action,
                                        from_status, to_status, reason, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(event.work_order_id)
    .bind(event.milestone_no)
    .bind(event.actor_id)
    .bind(event.actor_label)
    .bind(event.action)
    .bind(event.from_status)
    .bind(event.to_status)
    .bind(event.reason)
    .bind(now())
    .execute(&mut **tx)
    .await?;
    // The provider's 操作日志 shows work order moves beside sign-ins and bill actions.
    let detail = match (event.from_status, event.to_status, event.reason) {
        ("", "", reason) => reason.to_owned(),
        (from, to, "") => format!("{from} → {to}"),
        (from, to, reason) => format!("{from} → {to}: {reason}"),
    };
    sqlx::query(
        "INSERT INTO audit_log (provider_id, actor_id, action, target_type, target_id, detail, ip, created_at)
         SELECT provider_id, $1, $2, 'work_order', work_order_no, $3, '', $4 FROM work_orders WHERE id = $5",
    )
    .bind(event.actor_id)
    .bind(format!("wo_{}", event.action))
    .bind(detail.chars().take(500).collect::<String>())
    .bind(now())
    .bind(event.work_order_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The work order `no` of `owner`, locked for this write transaction (SQLite: the
/// transaction holds the write lock; PostgreSQL: the row lock of a no-op update). Another
/// provider's work order is not found.
pub(super) async fn lock_work_order(
    tx: &mut Transaction<'static, Any>,
    owner: Owner,
    no: &str,
) -> Result<(i64, WorkOrderStatus), AppError> {
    let row = match owner {
        Owner::Provider(provider_id) => sqlx::query(
            "UPDATE work_orders SET updated_at = updated_at
             WHERE provider_id = $1 AND work_order_no = $2 RETURNING id, status",
        )
        .bind(provider_id)
        .bind(no),
        Owner::Platform => sqlx::query(
            "UPDATE work_orders SET updated_at = updated_at
             WHERE work_order_no = $1 RETURNING id, status",
        )
        .bind(no),
    }
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(AppError::NotFound)?;
    Ok((row.try_get("id")?, status(&row)?))
}

/// Accept, decline or mark paid: one transaction, applied once. A repeat of a move that
/// already happened (a double click) succeeds without a second history line.
pub async fn transition(
    db: &Db,
    owner: Owner,
    actor_id: i64,
    no: &str,
    action: WorkOrderAction,
    reason: &str,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let (id, from) = lock_work_order(&mut tx, owner, no).await?;
    let already = match action {
        WorkOrderAction::MarkPaid => WorkOrderStatus::AwaitingAcceptance,
        WorkOrderAction::Accept => WorkOrderStatus::InProgress,
        WorkOrderAction::Decline => WorkOrderStatus::Rejected,
    };
    let to = match from.apply(action) {
        Ok(to) => to,
        Err(_) if from == already => return Ok(()),
        Err(_) => return Err(AppError::Conflict("wo.error.state".into())),
    };
    sqlx::query(
        "UPDATE work_orders SET status = $1, decline_reason = $2, updated_at = $3 WHERE id = $4",
    )
    .bind(to.as_db())
    .bind(reason)
    .bind(now())
    .bind(id)
    .execute(&mut *tx)
    .await?;
    if action == WorkOrderAction::MarkPaid {
        // What settlement bills count: the amount paid and when (交易时间).
        sqlx::query(
            "UPDATE work_orders SET paid_minor = total_incl_minor, paid_currency = currency,
                                    paid_at = $1 WHERE id = $2",
        )
        .bind(now())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    }
    let name = match action {
        WorkOrderAction::Accept => "accept",
        WorkOrderAction::Decline => "decline",
        WorkOrderAction::MarkPaid => "mark_paid",
    };
    record(
        &mut tx,
        Event {
            work_order_id: id,
            milestone_no: None,
            actor_id: Some(actor_id),
            actor_label: "",
            action: name,
            from_status: from.as_db(),
            to_status: to.as_db(),
            reason,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The work order, locked, if its milestones may change now.
pub(super) async fn editable_work_order(
    tx: &mut Transaction<'static, Any>,
    scope: &ProviderScope,
    no: &str,
) -> Result<i64, AppError> {
    let (id, status) = lock_work_order(tx, Owner::Provider(scope.provider_id), no).await?;
    if !status.milestones_editable() {
        return Err(AppError::Conflict("ms.error.not_editable".into()));
    }
    Ok(id)
}

/// A stage of the work order, with its position and status.
pub(super) async fn milestone_of(
    tx: &mut Transaction<'static, Any>,
    work_order_id: i64,
    milestone_id: i64,
) -> Result<(i64, MilestoneStatus), AppError> {
    let row =
        sqlx::query("SELECT position, status FROM milestones WHERE id = $1 AND work_order_id = $2")
            .bind(milestone_id)
            .bind(work_order_id)
            .fetch_optional(&mut **tx)
            .await?
            .ok_or(AppError::NotFound)?;
    let value: String = row.try_get("status")?;
    Ok((
        row.try_get("position")?,
        MilestoneStatus::from_db(&value).ok_or(AppError::Internal)?,
    ))
}

pub async fn save_milestone(
    db: &Db,
    scope: &ProviderScope,
    no: &str,
    milestone_id: i64,
    fields: &MilestoneFields,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let work_order_id = editable_work_order(&mut tx, scope, no).await?;
    let at = now();
    let position = if milestone_id > 0 {
        let (position, status) = milestone_of(&mut tx, work_order_id, milestone_id).await?;
        if !status.editable() {
            return Err(AppError::Conflict("ms.error.locked".into()));
        }
        sqlx::query(
            "UPDATE milestones SET period_start = $1, period_end = $2, standard = $3, remarks = $4,
                    updated_at = $5 WHERE id = $6",
        )
        .bind(&fields.period_start)
        .bind(fields.period_end.as_deref())
        .bind(&fields.standard)
        .bind(&fields.remarks)
        .bind(at)
        .bind(milestone_id)
        .execute(&mut *tx)
        .await?;
        position
    } else {
        let position: i64 = sqlx::query(
            "SELECT COALESCE(MAX(position), 0) + 1 AS next FROM milestones WHERE work_order_id = $1",
        )
        .bind(work_order_id)
        .fetch_one(&mut *tx)
        .await?
        .try_get("next")?;
        sqlx::query(
            "INSERT INTO milestones (work_order_id, position, period_start, period_end, standard,
                                     remarks, status, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, 'not_started', $7, $7)",
        )
        .bind(work_order_id)
        .bind(position)
        .bind(&fields.period_start)
        .bind(fields.period_end.as_deref())
        .bind(&fields.standard)
        .bind(&fields.remarks)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        position
    };
    record(
        &mut tx,
        Event {
            work_order_id,
            milestone_no: Some(position),
            actor_id: Some(scope.user_id),
            actor_label: "",
            action: if milestone_id > 0 {
                "milestone_edit"
            } else {
                "milestone_add"
            },
            from_status: "",
            to_status: "",
            reason: "",
        },
    )
    .await?;
    sync_work_order_status(&mut tx, work_order_id, Some(scope.user_id), "").await?;
    tx.commit().await?;
    Ok(())
}

pub async fn milestone_command(
    db: &Db,
    settings: &crate::kit::request::Settings,
    scope: &ProviderScope,
    no: &str,
    milestone_id: i64,
    command: MilestoneCommand,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let work_order_id = editable_work_order(&mut tx, scope, no).await?;
    let (position, status) = milestone_of(&mut tx, work_order_id, milestone_id).await?;
    let at = now();
    let (action, from, to) = match command {
        MilestoneCommand::Advance => {
            let next = status
                .provider_next()
                .ok_or_else(|| AppError::Conflict("ms.error.locked".into()))?;
            let to = status
                .apply(next)
                .map_err(|_| AppError::Conflict("ms.error.locked".into()))?;
            sqlx::query("UPDATE milestones SET status = $1, reject_reason = '', updated_at = $2 WHERE id = $3")
                .bind(to.as_db())
                .bind(at)
                .bind(milestone_id)
                .execute(&mut *tx)
                .await?;
            let name = if next == MilestoneAction::Start {
                "milestone_start"
            } else {
                issue(&mut tx, settings, milestone_id, false).await?;
                "milestone_submit"
            };
            (name, status.as_db(), to.as_db())
        }
        MilestoneCommand::Delete => {
            if !status.editable() {
                return Err(AppError::Conflict("ms.error.locked".into()));
            }
            sqlx::query("DELETE FROM milestones WHERE id = $1")
                .bind(milestone_id)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "UPDATE milestones SET position = position - 1 WHERE work_order_id = $1 AND position > $2",
            )
            .bind(work_order_id)
            .bind(position)
            .execute(&mut *tx)
            .await?;
            ("milestone_delete", "", "")
        }
        MilestoneCommand::Up | MilestoneCommand::Down => {
            let other = if command == MilestoneCommand::Up {
                position - 1
            } else {
                position + 1
            };
            let neighbour = sqlx::query(
                "SELECT id, status FROM milestones WHERE work_order_id = $1 AND position = $2",
            )
            .bind(work_order_id)
            .bind(other)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(neighbour) = neighbour else {
                return Err(AppError::Conflict("ms.error.cannot_move".into()));
            };
            let neighbour_status: String = neighbour.try_get("status")?;
            let movable = MilestoneStatus::from_db(&neighbour_status).is_some_and(|s| s.editable());
            if !status.editable() || !movable {
                return Err(AppError::Conflict("ms.error.locked".into()));
            }
            let neighbour_id: i64 = neighbour.try_get("id")?;
            for (id, to) in [(milestone_id, other), (neighbour_id, position)] {
                sqlx::query("UPDATE milestones SET position = $1, updated_at = $2 WHERE id = $3")
                    .bind(to)
                    .bind(at)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            ("milestone_move", "", "")
        }
    };
    record(
        &mut tx,
        Event {
            work_order_id,
            milestone_no: Some(position),
            actor_id: Some(scope.user_id),
            actor_label: "",
            action,
            from_status: from,
            to_status: to,
            reason: "",
        },
    )
    .await?;
    sync_work_order_status(&mut tx, work_order_id, Some(scope.user_id), "").await?;
    tx.commit().await?;
    Ok(())
}

/// Brings the work order's status in line with its accepted milestones (部分验收, 已完成),
/// recording the change.
pub async fn sync_work_order_status(
    tx: &mut Transaction<'static, Any>,
    work_order_id: i64,
    actor_id: Option<i64>,
    actor_label: &str,
) -> Result<(), AppError> {
    let row = sqlx::query(
        "SELECT wo.status,
                (SELECT COUNT(*) FROM milestones m WHERE m.work_order_id = wo.id) AS total,
                (SELECT COUNT(*) FROM milestones m
                  WHERE m.work_order_id = wo.id AND m.status = 'accepted') AS accepted
         FROM work_orders wo WHERE wo.id = $1",
    )
    .bind(work_order_id)
    .fetch_one(&mut **tx)
    .await?;
    let from = status(&row)?;
    let total: i64 = row.try_get("total")?;
    let accepted: i64 = row.try_get("accepted")?;
    let to = from.after_acceptance(accepted as usize, total as usize);
    if to != from {
        sqlx::query("UPDATE work_orders SET status = $1, updated_at = $2 WHERE id = $3")
            .bind(to.as_db())
            .bind(now())
            .bind(work_order_id)
            .execute(&mut **tx)
            .await?;
        record(
            tx,
            Event {
                work_order_id,
                milestone_no: None,
                actor_id,
                actor_label,
                action: "status",
                from_status: from.as_db(),
                to_status: to.as_db(),
                reason: "",
            },
        )
        .await?;
    }
    Ok(())
}

/// A delivery stage with its work order, order and provider: what acceptance links show and
/// mail.
pub const STAGE: &str = "SELECT m.id AS milestone_id, m.position, m.period_start, m.period_end,
        m.standard, m.remarks, m.status, m.due_at, w.id AS work_order_id, w.work_order_no,
        w.service_item_name, w.provider_id, o.order_no, o.solution_name, o.buyer_company,
        o.contact_email, p.name AS provider_name
    FROM milestones m
    JOIN work_orders w ON w.id = m.work_order_id
    JOIN orders o ON o.id = w.order_id
    JOIN providers p ON p.id = w.provider_id";

/// Opens a link for a stage just submitted (or a reminder of one) and mails it to the
/// buyer's contact, in the caller's transaction.
pub async fn issue(
    tx: &mut Transaction<'static, Any>,
    settings: &crate::kit::request::Settings,
    milestone_id: i64,
    reminder: bool,
) -> Result<(), AppError> {
    let at = now();
    if !reminder {
        sqlx::query(
            "UPDATE milestones SET due_at = $1, reminded_at = NULL, overdue_flagged_at = NULL
             WHERE id = $2",
        )
        .bind(at + settings.acceptance_days * 86_400)
        .bind(milestone_id)
        .execute(&mut **tx)
        .await?;
    }
    let stage = sqlx::query(&format!("{STAGE} WHERE m.id = $1"))
        .bind(milestone_id)
        .fetch_one(&mut **tx)
        .await?;
    let due: i64 = stage.try_get::<Option<i64>, _>("due_at")?.unwrap_or(at);
    let token = crate::kit::token::new_token();
    sqlx::query(
        "INSERT INTO acceptance_links (id, milestone_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(crate::kit::token::hash_token(&token))
    .bind(milestone_id)
    .bind(at)
    .bind(due)
    .execute(&mut **tx)
    .await?;
    let url = format!("{}/accept/{token}", settings.public_url);
    let mail = super::notify::acceptance_request(
        &super::notify::Stage {
            contact_email: stage.try_get("contact_email")?,
            provider: stage.try_get("provider_name")?,
            work_order_no: stage.try_get("work_order_no")?,
            position: stage.try_get("position")?,
            standard: stage.try_get("standard")?,
        },
        due,
        &url,
        reminder,
    );
    crate::kit::mail::enqueue(&mut **tx, &mail).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::Realm;

    #[test]
    fn the_platform_filter_reads_all_undispatched_or_a_provider_id() {
        assert_eq!(Realm::parse_platform("").unwrap(), Realm::All);
        assert_eq!(
            Realm::parse_platform(" none ").unwrap(),
            Realm::Undispatched
        );
        assert_eq!(Realm::parse_platform("7").unwrap(), Realm::Provider(7));
        for bad in ["0", "-3", "x", "1.5", "99999999999999999999"] {
            assert!(Realm::parse_platform(bad).is_err(), "{bad}");
        }
    }
}
