//! Registration's SQL: the application by its link or id, its files, the platform's queue,
//! and the moves of the review (submit, approve, reject), each in one transaction with its
//! audit entry and mail.

use super::model::{AdminInput, RegistrationStatus};
use super::{Registration, RegistrationFile, RegistrationQueue, RegistrationRow};
use crate::kit::code::Code;
use crate::kit::db::{now, Db};
use crate::kit::error::AppError;
pub use crate::kit::files::Upload;
use crate::kit::files::{Storage, StoredFile};
use crate::kit::mail::post;
use crate::kit::pager::{page_count, Paging};
use crate::kit::token::{hash_token, new_token};
use sqlx::Row;

/// Step 1's application, checked: stores its files and the draft, and returns the token of
/// the link that continues with step 2. `types` are the files' kinds, in their order.
pub async fn create(
    db: &Db,
    storage: &Storage,
    company_name: &str,
    responsible_person: &str,
    files: &[Upload],
    types: &[&'static str],
) -> Result<String, AppError> {
    // All or nothing: a file that cannot be stored takes back those stored before it.
    let stored = storage
        .keep(files)
        .await
        .map_err(|error| crate::kit::files::storage_error(error, "a qualification file"))?;
    let token = new_token();
    let at = now();
    let mut tx = db.begin().await?;
    let id: i64 = sqlx::query(
        "INSERT INTO registrations (draft_token, company_name, responsible_person, status, created_at)
         VALUES ($1, $2, $3, 'draft', $4) RETURNING id",
    )
    .bind(hash_token(&token))
    .bind(company_name)
    .bind(responsible_person)
    .bind(at)
    .fetch_one(&mut *tx)
    .await?
    .try_get("id")?;
    // The type as registration judged it (its own list of accepted kinds).
    for (kept, kind) in stored.iter().zip(types) {
        sqlx::query(
            "INSERT INTO registration_files (registration_id, file_name, content_type, size, storage_key, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(&kept.name)
        .bind(*kind)
        .bind(kept.size)
        .bind(&kept.key)
        .bind(at)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(token)
}

/// A company name already registered, or waiting for review under another application.
pub async fn name_taken(db: &Db, name: &str) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "SELECT 1 FROM providers WHERE LOWER(name) = LOWER($1)
         UNION ALL
         SELECT 1 FROM registrations WHERE LOWER(company_name) = LOWER($1) AND status = 'pending'",
    )
    .bind(name)
    .fetch_optional(db.pool())
    .await?
    .is_some())
}

const SELECT: &str =
    "SELECT r.id, r.company_name, r.responsible_person, r.admin_name, r.admin_email,
        r.admin_phone, r.admin_address, r.status, r.reason, r.submitted_at, r.decided_at,
        COALESCE(u.name, '') AS decided_by_name
     FROM registrations r LEFT JOIN users u ON u.id = r.decided_by";

/// How an application is looked up: by its link (the applicant) or id (the platform).
pub enum Key<'a> {
    Token(&'a str),
    Id(i64),
}

pub async fn load(db: &Db, key: Key<'_>) -> Result<Registration, AppError> {
    let row = match key {
        Key::Token(token) => {
            sqlx::query(&format!("{SELECT} WHERE r.draft_token = $1"))
                .bind(hash_token(token))
                .fetch_optional(db.pool())
                .await?
        }
        Key::Id(id) => {
            sqlx::query(&format!("{SELECT} WHERE r.id = $1"))
                .bind(id)
                .fetch_optional(db.pool())
                .await?
        }
    }
    .ok_or(AppError::NotFound)?;
    let mut registration = from_row(&row)?;
    registration.files = sqlx::query(
        "SELECT id, file_name, size FROM registration_files WHERE registration_id = $1 ORDER BY id",
    )
    .bind(registration.id)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(|row| {
        Ok(RegistrationFile {
            id: row.try_get("id")?,
            name: row.try_get("file_name")?,
            size: row.try_get("size")?,
        })
    })
    .collect::<Result<_, sqlx::Error>>()?;
    Ok(registration)
}

fn from_row(row: &sqlx::any::AnyRow) -> Result<Registration, sqlx::Error> {
    use crate::kit::time::format_datetime;
    let status: String = row.try_get("status")?;
    let when = |column: &str| -> Result<String, sqlx::Error> {
        Ok(row
            .try_get::<Option<i64>, _>(column)?
            .map(format_datetime)
            .unwrap_or_default())
    };
    Ok(Registration {
        id: row.try_get("id")?,
        company_name: row.try_get("company_name")?,
        responsible_person: row.try_get("responsible_person")?,
        admin_name: row.try_get("admin_name")?,
        admin_email: row.try_get("admin_email")?,
        admin_phone: row.try_get("admin_phone")?,
        admin_address: row.try_get("admin_address")?,
        status: RegistrationStatus::from_db(&status)
            .ok_or_else(|| sqlx::Error::Decode(format!("registration status {status}").into()))?,
        reason: row.try_get("reason")?,
        submitted: when("submitted_at")?,
        decided: when("decided_at")?,
        decided_by: row.try_get("decided_by_name")?,
        files: Vec::new(),
    })
}

/// A page of the platform's queue of one status (pending oldest first, decided newest
/// first); past the last page, no rows and the same total.
pub async fn queue(
    db: &Db,
    status: RegistrationStatus,
    paging: Paging,
) -> Result<RegistrationQueue, AppError> {
    let count: i64 = sqlx::query("SELECT COUNT(*) AS n FROM registrations r WHERE r.status = $1")
        .bind(status.as_db())
        .fetch_one(db.pool())
        .await?
        .try_get("n")?;
    let order = if status.oldest_first() { "ASC" } else { "DESC" };
    let (size, offset) = (paging.per_page, paging.offset());
    let rows = sqlx::query(&format!(
        "{SELECT} WHERE r.status = $1 ORDER BY r.submitted_at {order}, r.id LIMIT {size} OFFSET {offset}"
    ))
    .bind(status.as_db())
    .fetch_all(db.pool())
    .await?;
    let rows = rows
        .iter()
        .map(|row| {
            let r = from_row(row)?;
            Ok(RegistrationRow {
                id: r.id,
                company_name: r.company_name,
                responsible_person: r.responsible_person,
                admin_email: r.admin_email,
                submitted: r.submitted,
                status: r.status,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(RegistrationQueue {
        rows,
        page: paging.page,
        pages: page_count(count, paging.per_page),
        per_page: paging.per_page,
        count,
    })
}

/// A qualification file, for the platform.
pub async fn file(db: &Db, registration_id: i64, file_id: i64) -> Result<StoredFile, AppError> {
    StoredFile::found(
        sqlx::query(
            "SELECT file_name AS name, content_type, storage_key FROM registration_files
             WHERE id = $1 AND registration_id = $2",
        )
        .bind(file_id)
        .bind(registration_id)
        .fetch_optional(db.pool())
        .await?,
    )
}

/// Step 2: the draft a link names gets its admin and goes to the platform's queue; every
/// operator is mailed.
pub async fn submit(
    db: &Db,
    public_url: &str,
    token: &str,
    admin: &AdminInput,
    ip: &str,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let row =
        sqlx::query("SELECT id, company_name, status FROM registrations WHERE draft_token = $1")
            .bind(hash_token(token))
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(AppError::NotFound)?;
    let id: i64 = row.try_get("id")?;
    let company: String = row.try_get("company_name")?;
    let updated = sqlx::query(
        "UPDATE registrations SET admin_name = $1, admin_email = $2, admin_phone = $3, admin_address = $4,
                status = 'pending', submitted_at = $5
         WHERE id = $6 AND status = 'draft'",
    )
    .bind(&admin.name)
    .bind(&admin.email)
    .bind(&admin.phone)
    .bind(&admin.address)
    .bind(now())
    .bind(id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if updated != 1 {
        return Err(AppError::Conflict("registration.error.submitted".into()));
    }
    crate::kit::audit::record(
        &mut *tx,
        crate::kit::audit::Entry {
            provider_id: None,
            actor_id: None,
            action: "registration_submitted",
            target_type: "registration",
            target_id: &id.to_string(),
            detail: &company,
            ip,
        },
    )
    .await?;
    for to in crate::kit::mail::operator_addresses(&mut tx).await? {
        post(
            &mut tx,
            &to,
            &super::notify::submitted(public_url, id, &company),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// 通过: the provider, its admin (a new user, or the existing one of that address) as an
/// invited membership, and the invitation mail; all in one transaction.
pub async fn approve(
    db: &Db,
    public_url: &str,
    id: i64,
    operator_id: i64,
    ip: &str,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let claimed = sqlx::query(
        "UPDATE registrations SET status = 'approved', decided_at = $1, decided_by = $2
         WHERE id = $3 AND status = 'pending'",
    )
    .bind(now())
    .bind(operator_id)
    .bind(id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if claimed != 1 {
        return Err(AppError::Conflict("registration.error.decided".into()));
    }
    let r = sqlx::query(
        "SELECT company_name, responsible_person, admin_name, admin_email, admin_phone, admin_address
         FROM registrations WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&mut *tx)
    .await?;
    let company: String = r.try_get("company_name")?;
    let email: String = r.try_get("admin_email")?;
    let taken = sqlx::query("SELECT 1 FROM providers WHERE LOWER(name) = LOWER($1)")
        .bind(&company)
        .fetch_optional(&mut *tx)
        .await?
        .is_some();
    if taken {
        return Err(AppError::Conflict("registration.error.name_taken".into()));
    }
    let at = now();
    let provider_id: i64 = sqlx::query(
        "INSERT INTO providers (name, address, responsible_person, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(&company)
    .bind(r.try_get::<String, _>("admin_address")?)
    .bind(r.try_get::<String, _>("responsible_person")?)
    .bind(at)
    .fetch_one(&mut *tx)
    .await?
    .try_get("id")?;
    let existing = sqlx::query("SELECT id FROM users WHERE email = $1")
        .bind(&email)
        .fetch_optional(&mut *tx)
        .await?;
    let user_id: i64 = match existing {
        Some(row) => row.try_get("id")?,
        None => sqlx::query(
            "INSERT INTO users (email, name, phone, address, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(&email)
        .bind(r.try_get::<String, _>("admin_name")?)
        .bind(r.try_get::<String, _>("admin_phone")?)
        .bind(r.try_get::<String, _>("admin_address")?)
        .bind(at)
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?,
    };
    sqlx::query(
        "INSERT INTO memberships (user_id, provider_id, role, status, invited_by, created_at)
         VALUES ($1, $2, 'admin', 'invited', $3, $4)",
    )
    .bind(user_id)
    .bind(provider_id)
    .bind(operator_id)
    .bind(at)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE registrations SET provider_id = $1 WHERE id = $2")
        .bind(provider_id)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    crate::accounts::activation::invite(
        &mut tx,
        public_url,
        user_id,
        provider_id,
        &email,
        &company,
        None,
    )
    .await?;
    crate::kit::audit::record(
        &mut *tx,
        crate::kit::audit::Entry {
            provider_id: Some(provider_id),
            actor_id: Some(operator_id),
            action: "registration_approved",
            target_type: "registration",
            target_id: &id.to_string(),
            detail: &company,
            ip,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// 驳回 with a (checked) reason, mailed to the applicant's admin address.
pub async fn reject(
    db: &Db,
    id: i64,
    operator_id: i64,
    reason: &str,
    ip: &str,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let claimed = sqlx::query(
        "UPDATE registrations SET status = 'rejected', reason = $1, decided_at = $2, decided_by = $3
         WHERE id = $4 AND status = 'pending'",
    )
    .bind(reason)
    .bind(now())
    .bind(operator_id)
    .bind(id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if claimed != 1 {
        return Err(AppError::Conflict("registration.error.decided".into()));
    }
    let r = sqlx::query("SELECT company_name, admin_email FROM registrations WHERE id = $1")
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    let company: String = r.try_get("company_name")?;
    let to: String = r.try_get("admin_email")?;
    post(&mut tx, &to, &super::notify::rejected(&company, reason)).await?;
    crate::kit::audit::record(
        &mut *tx,
        crate::kit::audit::Entry {
            provider_id: None,
            actor_id: Some(operator_id),
            action: "registration_rejected",
            target_type: "registration",
            target_id: &id.to_string(),
            detail: reason,
            ip,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
