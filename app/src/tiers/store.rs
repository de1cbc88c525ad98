//! Tier queries. A provider reads the tiers and its own applications; the platform decides
//! applications and manages tiers. The one-open-application rule is a unique index too.

use super::model::{
    check, check_decision, may_apply, ApplicationInput, ApplicationStatus, MAX_FILES,
    MAX_FILE_BYTES,
};
use super::{ApplicationView, BenefitView, FileView, TierView, TiersData};
use crate::kit::audit::{self, Entry};
use crate::kit::code::Code;
use crate::kit::db::Owner;
use crate::kit::db::{now, Db, OnUnique};
use crate::kit::error::AppError;
pub use crate::kit::files::Upload;
use crate::kit::files::{check_attachments, record_kept, FileTable, Storage, StoredFile};
use crate::kit::mail::post;
use crate::kit::pager::{page_count, Paging};
use crate::kit::request::AuthContext;
use crate::kit::request::{ProviderScope, Settings};
use crate::kit::time::format_datetime;
use sqlx::Row;

/// Where a tier application's attachments are recorded.
const FILES: FileTable = FileTable {
    table: "tier_application_files",
    belongs_to: "application_id",
};

pub async fn tiers(db: &Db) -> Result<Vec<TierView>, sqlx::Error> {
    let tiers = sqlx::query("SELECT id, name, rank, requirement FROM tiers ORDER BY rank")
        .fetch_all(db.pool())
        .await?;
    let benefits =
        sqlx::query("SELECT id, tier_id, title, description, icon FROM tier_benefits ORDER BY id")
            .fetch_all(db.pool())
            .await?;
    tiers
        .iter()
        .map(|t| {
            let id: i64 = t.try_get("id")?;
            let mut list = Vec::new();
            for b in &benefits {
                if b.try_get::<i64, _>("tier_id")? == id {
                    list.push(BenefitView {
                        id: b.try_get("id")?,
                        title: b.try_get("title")?,
                        description: b.try_get("description")?,
                        icon: b.try_get("icon")?,
                    });
                }
            }
            Ok(TierView {
                id,
                name: t.try_get("name")?,
                rank: t.try_get("rank")?,
                requirement: t.try_get("requirement")?,
                benefits: list,
            })
        })
        .collect()
}

/// The provider's tier rank; a provider without one holds the lowest.
pub async fn current_rank(db: &Db, provider_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "SELECT COALESCE((SELECT t.rank FROM providers p JOIN tiers t ON t.id = p.tier_id WHERE p.id = $1),
                         (SELECT MIN(rank) FROM tiers), 0) AS rank",
    )
    .bind(provider_id)
    .fetch_one(db.pool())
    .await?
    .try_get("rank")
}

/// The name of a provider's tier, as its bills show it.
pub async fn tier_name(db: &Db, provider_id: i64) -> Result<String, sqlx::Error> {
    sqlx::query(
        "SELECT COALESCE((SELECT t.name FROM providers p JOIN tiers t ON t.id = p.tier_id WHERE p.id = $1),
                         (SELECT name FROM tiers ORDER BY rank LIMIT 1), '') AS name",
    )
    .bind(provider_id)
    .fetch_one(db.pool())
    .await?
    .try_get("name")
}

const APPLICATION: &str = "SELECT a.id, a.provider_id, p.name AS provider, t.name AS tier,
        COALESCE(f.name, '') AS from_tier, a.reason, a.contact_name, a.contact_phone, a.contact_email,
        a.status, a.decision_reason, COALESCE(NULLIF(u.name, ''), u.email, '') AS applicant,
        a.created_at, a.decided_at
     FROM tier_applications a
     JOIN providers p ON p.id = a.provider_id
     JOIN tiers t ON t.id = a.tier_id
     LEFT JOIN tiers f ON f.id = a.from_tier_id
     LEFT JOIN users u ON u.id = a.applicant_id";

async fn application_view(db: &Db, row: &sqlx::any::AnyRow) -> Result<ApplicationView, AppError> {
    let id: i64 = row.try_get("id")?;
    let status: String = row.try_get("status")?;
    let files = sqlx::query(
        "SELECT id, name FROM tier_application_files WHERE application_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(|f| {
        Ok(FileView {
            id: f.try_get("id")?,
            name: f.try_get("name")?,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(ApplicationView {
        id,
        provider: row.try_get("provider")?,
        tier: row.try_get("tier")?,
        from_tier: row.try_get("from_tier")?,
        reason: row.try_get("reason")?,
        contact_name: row.try_get("contact_name")?,
        contact_phone: row.try_get("contact_phone")?,
        contact_email: row.try_get("contact_email")?,
        status: ApplicationStatus::from_db(&status).ok_or(AppError::Internal)?,
        decision_reason: row.try_get("decision_reason")?,
        applicant: row
            .try_get::<Option<String>, _>("applicant")?
            .unwrap_or_default(),
        created: format_datetime(row.try_get("created_at")?),
        decided: row
            .try_get::<Option<i64>, _>("decided_at")?
            .map(format_datetime)
            .unwrap_or_default(),
        files,
    })
}

/// The provider's 等级权益 page with a page of its applications (past the last page, none
/// and the same total).
pub async fn provider_page(
    db: &Db,
    scope: &ProviderScope,
    auth: &AuthContext,
    paging: Paging,
) -> Result<TiersData, AppError> {
    // The total, and whether one is open whichever page shows it: one pass over its rows.
    let counted = sqlx::query(
        "SELECT COUNT(*) AS n,
                COALESCE(SUM(CASE WHEN status = 'pending' THEN 1 ELSE 0 END), 0) AS open
         FROM tier_applications WHERE provider_id = $1",
    )
    .bind(scope.provider_id)
    .fetch_one(db.pool())
    .await?;
    let count: i64 = counted.try_get("n")?;
    let open: i64 = counted.try_get("open")?;
    let (size, offset) = (paging.per_page, paging.offset());
    let rows = sqlx::query(&format!(
        "{APPLICATION} WHERE a.provider_id = $1 ORDER BY a.created_at DESC, a.id DESC
         LIMIT {size} OFFSET {offset}"
    ))
    .bind(scope.provider_id)
    .fetch_all(db.pool())
    .await?;
    let mut applications = Vec::new();
    for row in &rows {
        applications.push(application_view(db, row).await?);
    }
    let phone: String = sqlx::query("SELECT phone FROM users WHERE id = $1")
        .bind(scope.user_id)
        .fetch_one(db.pool())
        .await?
        .try_get("phone")?;
    Ok(TiersData {
        tiers: tiers(db).await?,
        current_rank: current_rank(db, scope.provider_id).await?,
        may_apply: scope.role.may_apply_for_tier(),
        open_application: open > 0,
        applications,
        page: paging.page,
        pages: page_count(count, paging.per_page),
        per_page: paging.per_page,
        count,
        contact: (auth.name.clone(), phone, auth.email.clone()),
    })
}

/// Files an application: checked fields and files, one open at a time, higher tiers only.
pub async fn apply(
    db: &Db,
    storage: &Storage,
    scope: &ProviderScope,
    ip: &str,
    input: &ApplicationInput,
    files: Vec<Upload>,
) -> Result<(), AppError> {
    if !scope.role.may_apply_for_tier() {
        return Err(AppError::Forbidden);
    }
    let mut errors = check(input);
    let target = match input.tier_id.trim().parse::<i64>() {
        Ok(id) => sqlx::query("SELECT rank FROM tiers WHERE id = $1")
            .bind(id)
            .fetch_optional(db.pool())
            .await?
            .map(|r| r.try_get::<i64, _>("rank").map(|rank| (id, rank)))
            .transpose()?,
        Err(_) => None,
    };
    if target.is_none() {
        errors.push(("tier_id", "form.required"));
    }
    let files: Vec<Upload> = files.into_iter().filter(|f| !f.is_empty()).collect();
    if let Some(code) = check_attachments(
        &files,
        MAX_FILES,
        MAX_FILE_BYTES,
        "tier.error.too_many_files",
    ) {
        errors.push(("files", code));
    }
    if !errors.is_empty() {
        return Err(AppError::invalid(&errors));
    }
    let (tier_id, target_rank) = target.expect("checked above");
    let current = current_rank(db, scope.provider_id).await?;
    let open: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM tier_applications WHERE provider_id = $1 AND status = 'pending'",
    )
    .bind(scope.provider_id)
    .fetch_one(db.pool())
    .await?
    .try_get("n")?;
    may_apply(current, target_rank, open > 0).map_err(|code| match code {
        "tier.error.not_higher" => AppError::invalid(&[("tier_id", code)]),
        other => AppError::Conflict(other.into()),
    })?;
    let stored = storage
        .keep(&files)
        .await
        .map_err(|error| crate::kit::files::storage_error(error, "a tier application file"))?;
    let mut tx = db.begin().await?;
    let at = now();
    let inserted = sqlx::query(
        "INSERT INTO tier_applications (provider_id, tier_id, from_tier_id, reason, contact_name, contact_phone,
                                        contact_email, status, applicant_id, created_at)
         VALUES ($1, $2, (SELECT tier_id FROM providers WHERE id = $1), $3, $4, $5, $6, 'pending', $7, $8)
         RETURNING id",
    )
    .bind(scope.provider_id)
    .bind(tier_id)
    .bind(input.reason.trim())
    .bind(input.contact_name.trim())
    .bind(input.contact_phone.trim())
    .bind(input.contact_email.trim())
    .bind(scope.user_id)
    .bind(at)
    .fetch_one(&mut *tx)
    .await;
    // The unique index: another application was filed at the same moment.
    let id: i64 = inserted
        .unique_is_conflict("tier.error.open")?
        .try_get("id")?;
    record_kept(&mut tx, FILES, id, &stored, at).await?;
    audit::record(
        &mut *tx,
        Entry {
            provider_id: Some(scope.provider_id),
            actor_id: Some(scope.user_id),
            action: "tier_apply",
            target_type: "tier_application",
            target_id: &id.to_string(),
            detail: input.reason.trim(),
            ip,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A page of the platform's queue: by status, oldest first (or all, newest first); past the
/// last page, no rows and the same total.
pub async fn queue(
    db: &Db,
    status: Option<ApplicationStatus>,
    paging: Paging,
) -> Result<(Vec<ApplicationView>, i64), AppError> {
    let (size, offset) = (paging.per_page, paging.offset());
    let (where_sql, order) = match status {
        Some(_) => (" WHERE a.status = $1", "a.created_at, a.id"),
        None => ("", "a.created_at DESC, a.id DESC"),
    };
    let count_sql = format!("SELECT COUNT(*) AS n FROM tier_applications a{where_sql}");
    let rows_sql =
        format!("{APPLICATION}{where_sql} ORDER BY {order} LIMIT {size} OFFSET {offset}");
    let (mut count_query, mut rows_query) = (sqlx::query(&count_sql), sqlx::query(&rows_sql));
    if let Some(status) = status {
        count_query = count_query.bind(status.as_db());
        rows_query = rows_query.bind(status.as_db());
    }
    let count: i64 = count_query.fetch_one(db.pool()).await?.try_get("n")?;
    let rows = rows_query.fetch_all(db.pool()).await?;
    let mut list = Vec::new();
    for row in &rows {
        list.push(application_view(db, row).await?);
    }
    Ok((list, count))
}

pub async fn application(db: &Db, id: i64) -> Result<ApplicationView, AppError> {
    let row = sqlx::query(&format!("{APPLICATION} WHERE a.id = $1"))
        .bind(id)
        .fetch_optional(db.pool())
        .await?
        .ok_or(AppError::NotFound)?;
    application_view(db, &row).await
}

/// 通过 (the provider's tier changes) or 驳回 with a reason; decided once. The applicant is mailed.
pub async fn decide(
    db: &Db,
    settings: &Settings,
    operator_id: i64,
    ip: &str,
    id: i64,
    approve: bool,
    reason: &str,
) -> Result<(), AppError> {
    let reason = reason.trim();
    check_decision(approve, reason).map_err(|error| AppError::invalid(&[error]))?;
    let mut tx = db.begin().await?;
    let at = now();
    let status = if approve { "approved" } else { "rejected" };
    let row = sqlx::query(
        "UPDATE tier_applications SET status = $1, decision_reason = $2, decided_by = $3, decided_at = $4
         WHERE id = $5 AND status = 'pending' RETURNING provider_id, tier_id, contact_email",
    )
    .bind(status)
    .bind(reason)
    .bind(operator_id)
    .bind(at)
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else {
        let exists = sqlx::query("SELECT id FROM tier_applications WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
            .is_some();
        return Err(if exists {
            AppError::Conflict("tier.error.decided".into())
        } else {
            AppError::NotFound
        });
    };
    let provider_id: i64 = row.try_get("provider_id")?;
    let tier_id: i64 = row.try_get("tier_id")?;
    let to: String = row.try_get("contact_email")?;
    if approve {
        sqlx::query("UPDATE providers SET tier_id = $1 WHERE id = $2")
            .bind(tier_id)
            .bind(provider_id)
            .execute(&mut *tx)
            .await?;
    }
    let tier: String = sqlx::query("SELECT name FROM tiers WHERE id = $1")
        .bind(tier_id)
        .fetch_one(&mut *tx)
        .await?
        .try_get("name")?;
    audit::record(
        &mut *tx,
        Entry {
            provider_id: Some(provider_id),
            actor_id: Some(operator_id),
            action: if approve {
                "tier_approve"
            } else {
                "tier_reject"
            },
            target_type: "tier_application",
            target_id: &id.to_string(),
            detail: &format!("{tier} {reason}"),
            ip,
        },
    )
    .await?;
    post(
        &mut tx,
        &to,
        &super::notify::decided(settings, &tier, approve, reason),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A supporting file: the applying provider's own, or (platform) any.
pub async fn file(
    db: &Db,
    owner: Owner,
    application_id: i64,
    file_id: i64,
) -> Result<StoredFile, AppError> {
    let row = sqlx::query(
        "SELECT f.name, f.content_type, f.storage_key, a.provider_id FROM tier_application_files f
         JOIN tier_applications a ON a.id = f.application_id WHERE f.id = $1 AND a.id = $2",
    )
    .bind(file_id)
    .bind(application_id)
    .fetch_optional(db.pool())
    .await?
    .ok_or(AppError::NotFound)?;
    if !owner.sees(row.try_get("provider_id")?) {
        return Err(AppError::NotFound);
    }
    Ok(StoredFile::from_row(&row)?)
}

/// Adds a tier at the top (no `id`) or renames one / changes its requirement.
pub async fn save_tier(
    db: &Db,
    id: Option<i64>,
    name: &str,
    requirement: &str,
) -> Result<(), AppError> {
    let result = match id {
        None => {
            sqlx::query(
                "INSERT INTO tiers (name, rank, requirement, created_at)
                 VALUES ($1, (SELECT COALESCE(MAX(rank), 0) + 1 FROM tiers), $2, $3)",
            )
            .bind(name)
            .bind(requirement)
            .bind(now())
            .execute(db.pool())
            .await
        }
        Some(id) => {
            sqlx::query("UPDATE tiers SET name = $1, requirement = $2 WHERE id = $3")
                .bind(name)
                .bind(requirement)
                .bind(id)
                .execute(db.pool())
                .await
        }
    };
    match result.unique_is_field("name", "tier.error.name_taken")? {
        done if done.rows_affected() == 0 => Err(AppError::NotFound),
        _ => Ok(()),
    }
}

pub async fn add_benefit(
    db: &Db,
    tier_id: i64,
    title: &str,
    description: &str,
    icon: &str,
) -> Result<(), AppError> {
    let exists = sqlx::query("SELECT id FROM tiers WHERE id = $1")
        .bind(tier_id)
        .fetch_optional(db.pool())
        .await?
        .is_some();
    if !exists {
        return Err(AppError::NotFound);
    }
    sqlx::query(
        "INSERT INTO tier_benefits (tier_id, title, description, icon, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(tier_id)
    .bind(title)
    .bind(description)
    .bind(icon)
    .bind(now())
    .execute(db.pool())
    .await?;
    Ok(())
}

pub async fn delete_benefit(db: &Db, id: i64) -> Result<(), AppError> {
    let done = sqlx::query("DELETE FROM tier_benefits WHERE id = $1")
        .bind(id)
        .execute(db.pool())
        .await?;
    if done.rows_affected() == 0 {
        Err(AppError::NotFound)
    } else {
        Ok(())
    }
}
