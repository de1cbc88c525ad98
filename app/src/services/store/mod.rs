//! Service item queries. Every provider read and write takes the session's provider: another
//! provider's item answers as if it did not exist. A write locks the item, checks that its
//! state allows the change, and saves the new version's snapshot in the same transaction.

use super::model::{percent_text, BillingMode, Plan, ReviewAction, ServiceStatus};
use super::{
    ChangeView, EventView, FileView, PlanView, ServiceDetail, ServiceListPage, ServiceRow, SkuView,
    Snapshot, VersionView, MAX_FILES, MAX_FILE_BYTES, PAGE_SIZE,
};
use crate::kit::audit::{self, Entry};
use crate::kit::code::Code;
use crate::kit::db::Owner;
use crate::kit::db::{contains_pattern, now, Db};
use crate::kit::error::AppError;
use crate::kit::files::{clean_name, sniff, Storage};
use crate::kit::mail::post;
use crate::kit::money::{Currency, Money};
use crate::kit::request::{ProviderScope, Settings};
use crate::kit::search::{self, Hit, Query};
use crate::kit::time::{format_datetime, Zone};
use rust_decimal::Decimal;
use sqlx::{Any, Row, Transaction};
use std::str::FromStr;

type Tx = Transaction<'static, Any>;

fn status_of(value: &str) -> Result<ServiceStatus, sqlx::Error> {
    ServiceStatus::from_db(value)
        .ok_or_else(|| sqlx::Error::Decode(format!("status {value}").into()))
}

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
    let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let page = filter.page.min(pages);
    let list_sql = format!(
        "SELECT s.id, s.name, s.product, s.created_at, s.status, s.submitted_at, s.version,
                COALESCE(NULLIF(u.name, ''), u.email, '') AS creator, p.name AS provider
         FROM service_items s
         JOIN providers p ON p.id = s.provider_id
         LEFT JOIN users u ON u.id = s.created_by
         WHERE {condition} ORDER BY {} LIMIT {PAGE_SIZE} OFFSET {}",
        filter.sort,
        (page - 1) * PAGE_SIZE
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

fn size_text(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KB", (bytes + 1023) / 1024)
    }
}

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
        price_input: format!("{:.2}", plan.price.amount),
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
async fn snapshot(executor: &mut sqlx::AnyConnection, id: i64) -> Result<Snapshot, sqlx::Error> {
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
    if matches!(owner, Owner::Provider(p) if p != provider_id) {
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
    content.description_html = super::sanitize::description(&content.description_html);
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
            changes: changes
                .lines()
                .map(|line| {
                    let (key, detail) = line.split_once('\t').unwrap_or((line, ""));
                    ChangeView {
                        key: key.to_owned(),
                        detail: detail.to_owned(),
                    }
                })
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
        Owner::Provider(p) => products(db, p).await?,
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

/// 基本信息 as saved.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BasicInput {
    pub name: String,
    pub product: String,
    pub owner_name: String,
    pub owner_contact: String,
    /// Already sanitized.
    pub description_html: String,
}

fn required(
    errors: &mut Vec<(&'static str, &'static str)>,
    field: &'static str,
    value: &str,
    max: usize,
) {
    if value.is_empty() {
        errors.push((field, "form.required"));
    } else if value.chars().count() > max {
        errors.push((field, "form.too_long_short"));
    }
}

impl BasicInput {
    pub fn check(&self) -> Vec<(&'static str, &'static str)> {
        let mut errors = Vec::new();
        required(&mut errors, "name", &self.name, 100);
        required(&mut errors, "product", &self.product, 100);
        required(&mut errors, "owner_name", &self.owner_name, 50);
        required(&mut errors, "owner_contact", &self.owner_contact, 100);
        if self.description_html.len() > super::sanitize::MAX_DESCRIPTION_BYTES {
            errors.push(("description", "svc.error.description_long"));
        }
        errors
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SkuInput {
    pub name: String,
    pub specification: String,
    pub region: String,
}

impl SkuInput {
    pub fn check(&self) -> Vec<(&'static str, &'static str)> {
        let mut errors = Vec::new();
        required(&mut errors, "name", &self.name, 100);
        if self.specification.chars().count() > 500 {
            errors.push(("specification", "form.too_long_short"));
        }
        if self.region.chars().count() > 100 {
            errors.push(("region", "form.too_long_short"));
        }
        errors
    }
}

/// Item `id` of the scope's provider, locked for this transaction, if its state allows
/// editing. Returns its version.
async fn lock_editable(tx: &mut Tx, scope: &ProviderScope, id: i64) -> Result<i64, AppError> {
    let row = sqlx::query(
        "UPDATE service_items SET updated_at = updated_at WHERE id = $1 AND provider_id = $2
         RETURNING status, version",
    )
    .bind(id)
    .bind(scope.provider_id)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(AppError::NotFound)?;
    let status = status_of(&row.try_get::<String, _>("status")?)?;
    if let Some(code) = status.edit_refusal() {
        return Err(AppError::Conflict(code.into()));
    }
    Ok(row.try_get("version")?)
}

/// Saves the changed item as a new version: bumps it and stores its snapshot and changes.
pub(crate) async fn new_version(
    tx: &mut Tx,
    id: i64,
    version: i64,
    actor: i64,
    changes: &[(&str, String)],
) -> Result<(), AppError> {
    let at = now();
    sqlx::query("UPDATE service_items SET version = $1, updated_at = $2 WHERE id = $3")
        .bind(version)
        .bind(at)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    let snapshot = snapshot(tx, id).await?;
    let json = serde_json::to_string(&snapshot).map_err(|_| AppError::Internal)?;
    let changes: Vec<String> = changes
        .iter()
        .map(|(key, detail)| {
            let detail: String = detail
                .chars()
                .filter(|c| !c.is_control())
                .take(200)
                .collect();
            format!("{key}\t{detail}")
        })
        .collect();
    sqlx::query(
        "INSERT INTO service_item_versions (service_item_id, version, snapshot, changes, actor_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(version)
    .bind(json)
    .bind(changes.join("\n"))
    .bind(actor)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(())
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
    let mut changes: Vec<(&str, String)> = Vec::new();
    for (key, new) in [
        ("name", &input.name),
        ("product", &input.product),
        ("owner_name", &input.owner_name),
        ("owner_contact", &input.owner_contact),
    ] {
        let before: String = old.try_get(key)?;
        if &before != new {
            changes.push((key, format!("{before} → {new}")));
        }
    }
    if old.try_get::<String, _>("description_html")? != input.description_html {
        changes.push(("description", String::new()));
    }
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
    new_version(&mut tx, id, version + 1, scope.user_id, &changes).await?;
    tx.commit().await?;
    Ok(())
}

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
    new_version(&mut tx, item_id, version + 1, scope.user_id, &[change]).await?;
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
        version + 1,
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
    new_version(&mut tx, item_id, version + 1, scope.user_id, &[change]).await?;
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
        version + 1,
        scope.user_id,
        &[("plan_removed", detail)],
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Attaches a file: PDF, image, ZIP or Office document judged by its content, at most
/// `MAX_FILE_BYTES`, at most `MAX_FILES` per item.
async fn file_count(tx: &mut Tx, item_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query("SELECT COUNT(*) AS n FROM service_files WHERE service_item_id = $1")
        .bind(item_id)
        .fetch_one(&mut **tx)
        .await?
        .try_get("n")
}

pub async fn add_file(
    db: &Db,
    storage: &Storage,
    scope: &ProviderScope,
    item_id: i64,
    upload: &crate::kit::files::Upload,
) -> Result<(), AppError> {
    if upload.is_empty() {
        return Err(AppError::invalid(&[("file", "form.required")]));
    }
    if upload.len() > MAX_FILE_BYTES {
        return Err(AppError::invalid(&[("file", "ev.error.size")]));
    }
    let content_type =
        sniff(upload.head()).ok_or_else(|| AppError::invalid(&[("file", "ev.error.type")]))?;
    // Checked before the bytes are stored (nothing is written for a refused file), and again
    // under the lock that records them.
    {
        let mut tx = db.begin().await?;
        lock_editable(&mut tx, scope, item_id).await?;
        if file_count(&mut tx, item_id).await? >= MAX_FILES {
            return Err(AppError::invalid(&[("file", "svc.error.too_many_files")]));
        }
        tx.rollback().await?;
    }
    let key = storage
        .put_upload(upload)
        .await
        .map_err(|error| crate::kit::files::storage_error(error, "a service item attachment"))?;
    let mut tx = db.begin().await?;
    let version = lock_editable(&mut tx, scope, item_id).await?;
    if file_count(&mut tx, item_id).await? >= MAX_FILES {
        // Raced past the first check: the stored copy goes again.
        drop(tx);
        let _ = storage.delete(&key).await;
        return Err(AppError::invalid(&[("file", "svc.error.too_many_files")]));
    }
    let name = clean_name(&upload.name);
    sqlx::query(
        "INSERT INTO service_files (service_item_id, name, content_type, size, storage_key, uploaded_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(item_id)
    .bind(&name)
    .bind(content_type)
    .bind(upload.len() as i64)
    .bind(&key)
    .bind(scope.user_id)
    .bind(now())
    .execute(&mut *tx)
    .await?;
    new_version(
        &mut tx,
        item_id,
        version + 1,
        scope.user_id,
        &[("file_added", name)],
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn delete_file(
    db: &Db,
    scope: &ProviderScope,
    item_id: i64,
    file_id: i64,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let version = lock_editable(&mut tx, scope, item_id).await?;
    let name: String = sqlx::query(
        "DELETE FROM service_files WHERE id = $1 AND service_item_id = $2 RETURNING name",
    )
    .bind(file_id)
    .bind(item_id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::NotFound)?
    .try_get("name")?;
    new_version(
        &mut tx,
        item_id,
        version + 1,
        scope.user_id,
        &[("file_removed", name)],
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// An attachment to hand out: the owner's, or (for the platform) any item's.
pub async fn file(
    db: &Db,
    owner: Owner,
    item_id: i64,
    file_id: i64,
) -> Result<crate::kit::files::StoredFile, AppError> {
    let row = sqlx::query(
        "SELECT f.name, f.content_type, f.storage_key, s.provider_id FROM service_files f
         JOIN service_items s ON s.id = f.service_item_id WHERE f.id = $1 AND s.id = $2",
    )
    .bind(file_id)
    .bind(item_id)
    .fetch_optional(db.pool())
    .await?
    .ok_or(AppError::NotFound)?;
    if matches!(owner, Owner::Provider(p) if p != row.try_get::<i64, _>("provider_id")?) {
        return Err(AppError::NotFound);
    }
    Ok(crate::kit::files::StoredFile {
        name: row.try_get("name")?,
        content_type: row.try_get("content_type")?,
        storage_key: row.try_get("storage_key")?,
    })
}

pub struct Actor<'a> {
    pub owner: Owner,
    pub user_id: i64,
    pub ip: &'a str,
}

/// A move of the review workflow. The platform names the version it decides on: if the
/// item moved on meanwhile, the decision is refused rather than applied to something unseen.
pub async fn apply(
    db: &Db,
    settings: &Settings,
    actor: Actor<'_>,
    id: i64,
    action: ReviewAction,
    reviewed_version: Option<i64>,
    reason: &str,
) -> Result<(), AppError> {
    if action.by_platform() != (actor.owner == Owner::Platform) {
        return Err(AppError::Forbidden);
    }
    if action.needs_reason() && reason.trim().is_empty() {
        return Err(AppError::invalid(&[("reason", "form.required")]));
    }
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
    if matches!(actor.owner, Owner::Provider(p) if p != provider_id) {
        return Err(AppError::NotFound);
    }
    let from = status_of(&row.try_get::<String, _>("status")?)?;
    let version: i64 = row.try_get("version")?;
    let review_version: Option<i64> = row.try_get("review_version")?;
    let name: String = row.try_get("name")?;
    let to = action
        .next(from)
        .ok_or_else(|| AppError::Conflict("svc.error.state".into()))?;
    if let Some(seen) = reviewed_version {
        if review_version != Some(seen) {
            return Err(AppError::Conflict("svc.error.version_moved".into()));
        }
    }
    if action == ReviewAction::Submit {
        check_complete(&mut tx, id).await?;
    }
    let at = now();
    let (review_version, decision_reason, submitted_at) = match action {
        ReviewAction::Submit => (Some(version), String::new(), Some(at)),
        ReviewAction::RequestDelisting => (review_version, String::new(), Some(at)),
        ReviewAction::Reject | ReviewAction::RefuseDelisting => {
            (review_version, reason.trim().to_owned(), None)
        }
        ReviewAction::Approve | ReviewAction::ApproveDelisting => {
            (review_version, String::new(), None)
        }
    };
    sqlx::query(
        "UPDATE service_items SET status = $1, review_version = $2, decision_reason = $3,
                submitted_at = COALESCE($4, submitted_at), updated_at = $5 WHERE id = $6",
    )
    .bind(to.as_db())
    .bind(review_version)
    .bind(&decision_reason)
    .bind(submitted_at)
    .bind(at)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    let event_version = review_version.unwrap_or(version);
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

/// 提交审核 needs a description and at least one SKU, each with a plan.
async fn check_complete(tx: &mut Tx, id: i64) -> Result<(), AppError> {
    let description: String =
        sqlx::query("SELECT description_html FROM service_items WHERE id = $1")
            .bind(id)
            .fetch_one(&mut **tx)
            .await?
            .try_get("description_html")?;
    if super::sanitize::is_blank(&description) {
        return Err(AppError::Conflict("svc.error.no_description".into()));
    }
    let row = sqlx::query(
        "SELECT COUNT(*) AS skus,
                COALESCE(SUM(CASE WHEN NOT EXISTS (SELECT 1 FROM service_plans p WHERE p.sku_id = k.id)
                             THEN 1 ELSE 0 END), 0) AS bare
         FROM service_skus k WHERE k.service_item_id = $1",
    )
    .bind(id)
    .fetch_one(&mut **tx)
    .await?;
    let skus: i64 = row.try_get("skus")?;
    let bare: i64 = row.try_get("bare")?;
    if skus == 0 || bare > 0 {
        return Err(AppError::Conflict("svc.error.no_plan".into()));
    }
    Ok(())
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
    if let Some(letter) = super::notify::decided(settings, id, name, action, reason) {
        post(tx, &to, &letter).await?;
    }
    Ok(())
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
