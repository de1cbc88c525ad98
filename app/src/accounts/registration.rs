//! 注册 (§2.1): a company applies in three steps (company with qualification files, admin
//! binding, done) and the platform reviews: approval creates the provider and its admin
//! membership and sends the invitation; rejection sends the reason.

use crate::kit::code::Code;
use crate::kit::error::AppError;
use crate::kit::forms::{feedback, FieldMessage, FormMessage};
use crate::kit::i18n::use_locale;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use serde::{Deserialize, Serialize};

/// Qualification files: at most this many, each at most `MAX_FILE_BYTES`.
pub const MAX_FILES: usize = 5;
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
/// The whole step-1 request (files and fields).
pub const UPLOAD_LIMIT: usize = MAX_FILES * MAX_FILE_BYTES + 64 * 1024;

#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RegistrationStatus {
    Draft,
    Pending,
    Approved,
    Rejected,
}

impl Code for RegistrationStatus {
    const LABELS: Option<&'static str> = Some("registration.status");
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationFile {
    pub id: i64,
    pub name: String,
    pub size: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registration {
    pub id: i64,
    pub company_name: String,
    pub responsible_person: String,
    pub admin_name: String,
    pub admin_email: String,
    pub admin_phone: String,
    pub admin_address: String,
    pub status: RegistrationStatus,
    pub reason: String,
    pub submitted: String,
    pub decided: String,
    pub decided_by: String,
    pub files: Vec<RegistrationFile>,
}

/// Trimmed text fields of step 1, checked; errors are (field, code).
pub fn check_company(
    company_name: &str,
    responsible_person: &str,
) -> Vec<(&'static str, &'static str)> {
    let mut errors = Vec::new();
    for (field, value, max) in [
        ("company_name", company_name, 100),
        ("responsible_person", responsible_person, 50),
    ] {
        if value.trim().is_empty() {
            errors.push((field, "form.required"));
        } else if value.trim().chars().count() > max {
            errors.push((field, "form.too_long_short"));
        }
    }
    errors
}

/// A plausible email address: one @, something on both sides, a dot in the domain, no
/// spaces or control characters (lettre parses it again before any mail is sent).
pub fn plausible_email(value: &str) -> bool {
    let Some((local, domain)) = value.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && value.len() <= 254
        && !value.chars().any(|c| {
            c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';' | '"')
        })
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;
    use crate::kit::db::{now, Db};
    use crate::kit::files::{sniff, Storage};
    use crate::kit::token::{hash_token, new_token};
    use sqlx::Row;

    pub use crate::kit::files::Upload;

    /// Step 1: checks the company and its files, stores them, and returns the token of the
    /// link that continues with step 2.
    pub async fn start(
        db: &Db,
        storage: &Storage,
        company_name: &str,
        responsible_person: &str,
        files: Vec<Upload>,
    ) -> Result<String, AppError> {
        let mut errors = check_company(company_name, responsible_person);
        let files: Vec<Upload> = files.into_iter().filter(|f| !f.is_empty()).collect();
        let mut types = Vec::new();
        if files.is_empty() {
            errors.push(("files", "registration.error.files_required"));
        } else if files.len() > MAX_FILES {
            errors.push(("files", "registration.error.too_many_files"));
        } else if files.iter().any(|f| f.len() > MAX_FILE_BYTES) {
            errors.push(("files", "registration.error.file_size"));
        } else {
            for file in &files {
                match sniff(file.head()) {
                    Some(kind @ ("application/pdf" | "image/png" | "image/jpeg")) => {
                        types.push(kind)
                    }
                    _ => {
                        errors.push(("files", "registration.error.file_type"));
                        break;
                    }
                }
            }
        }
        if errors.is_empty() && name_taken(db, company_name.trim()).await? {
            errors.push(("company_name", "registration.error.name_taken"));
        }
        if !errors.is_empty() {
            return Err(AppError::invalid(&errors));
        }
        // All or nothing: a file that cannot be stored takes back those stored before it.
        let stored = storage
            .keep(&files)
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
        .bind(company_name.trim())
        .bind(responsible_person.trim())
        .bind(at)
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        // The type as registration judged it (its own list of accepted kinds).
        for (kept, kind) in stored.iter().zip(&types) {
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

    pub const SELECT: &str =
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

    pub fn from_row(row: &sqlx::any::AnyRow) -> Result<Registration, sqlx::Error> {
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
            status: RegistrationStatus::from_db(&status).ok_or_else(|| {
                sqlx::Error::Decode(format!("registration status {status}").into())
            })?,
            reason: row.try_get("reason")?,
            submitted: when("submitted_at")?,
            decided: when("decided_at")?,
            decided_by: row.try_get("decided_by_name")?,
            files: Vec::new(),
        })
    }

    /// A qualification file for the platform: (name, content type, storage key).
    pub async fn file(
        db: &Db,
        registration_id: i64,
        file_id: i64,
    ) -> Result<(String, String, String), AppError> {
        let row = sqlx::query(
            "SELECT file_name, content_type, storage_key FROM registration_files WHERE id = $1 AND registration_id = $2",
        )
        .bind(file_id)
        .bind(registration_id)
        .fetch_optional(db.pool())
        .await?
        .ok_or(AppError::NotFound)?;
        Ok((
            row.try_get("file_name")?,
            row.try_get("content_type")?,
            row.try_get("storage_key")?,
        ))
    }
}

/// Step 2's data: the application a link continues.
#[server(endpoint = "registration_draft")]
pub async fn registration_draft(token: String) -> Result<Registration, AppError> {
    let result = async {
        let db = crate::kit::request::db()?;
        let mut registration = ssr::load(&db, ssr::Key::Token(&token)).await?;
        // The applicant sees the decision, not who made it.
        registration.decided_by.clear();
        Ok(registration)
    }
    .await;
    crate::kit::forms::finish("", result)
}

/// Step 2 (绑定管理员): the admin's name, email, phone and address; sends the application to
/// the platform's queue.
#[server(endpoint = "submit_registration")]
pub async fn submit_registration(
    token: String,
    admin_name: String,
    admin_email: String,
    admin_phone: String,
    admin_address: String,
) -> Result<(), AppError> {
    use crate::kit::db::now;
    use sqlx::Row;

    let typed = [
        ("admin_name", admin_name.as_str()),
        ("admin_email", admin_email.as_str()),
        ("admin_phone", admin_phone.as_str()),
        ("admin_address", admin_address.as_str()),
    ];
    let result = async {
        let db = crate::kit::request::db()?;
        let settings = crate::kit::request::settings()?;
        let email = admin_email.trim().to_lowercase();
        let mut errors: Vec<(&str, &str)> = Vec::new();
        for (field, value, max) in [
            ("admin_name", admin_name.trim(), 50),
            ("admin_phone", admin_phone.trim(), 40),
            ("admin_address", admin_address.trim(), 200),
        ] {
            if value.is_empty() {
                errors.push((field, "form.required"));
            } else if value.chars().count() > max {
                errors.push((field, "form.too_long_short"));
            }
        }
        if email.is_empty() {
            errors.push(("admin_email", "form.required"));
        } else if !plausible_email(&email) {
            errors.push(("admin_email", "form.email_invalid"));
        }
        if !errors.is_empty() {
            return Err(crate::kit::forms::invalid("admin", &errors, &typed));
        }
        let id_hash = crate::kit::token::hash_token(&token);
        let mut tx = db.begin().await?;
        let row = sqlx::query("SELECT id, company_name, status FROM registrations WHERE draft_token = $1")
            .bind(&id_hash)
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
        .bind(admin_name.trim())
        .bind(&email)
        .bind(admin_phone.trim())
        .bind(admin_address.trim())
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
                ip: &crate::kit::request::client_ip(),
            },
        )
        .await?;
        let operators = sqlx::query("SELECT email FROM users WHERE platform_role = 'operator'")
            .fetch_all(&mut *tx)
            .await?;
        let url = format!("{}/platform/registrations/{id}", settings.public_url);
        for operator in operators {
            let mail = crate::kit::mail::render(
                &operator.try_get::<String, _>("email")?,
                &format!("新的注册申请：{company} · New registration"),
                &[
                    format!("{company} 提交了服务提供商注册申请，请审核资质文件后通过或驳回。"),
                    format!("{company} applied to become a provider; please review its qualification files."),
                ],
                Some(("审核 / Review", &url)),
            );
            crate::kit::mail::enqueue(&mut *tx, &mail).await?;
        }
        tx.commit().await?;
        leptos_axum::redirect(&format!("/register/{token}/done"));
        Ok(())
    }
    .await;
    crate::kit::forms::finish("admin", result)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationRow {
    pub id: i64,
    pub company_name: String,
    pub responsible_person: String,
    pub admin_email: String,
    pub submitted: String,
    pub status: RegistrationStatus,
}

/// The platform's queue, by status (default: 待审核), oldest first for pending.
#[server(endpoint = "platform_registrations")]
pub async fn platform_registrations(
    status: Option<String>,
) -> Result<Vec<RegistrationRow>, AppError> {
    let result = async {
        let db = crate::kit::request::db()?;
        crate::kit::request::operator()?;
        let status = status
            .as_deref()
            .and_then(RegistrationStatus::from_db)
            .filter(|s| *s != RegistrationStatus::Draft)
            .unwrap_or(RegistrationStatus::Pending);
        let order = if status == RegistrationStatus::Pending {
            "ASC"
        } else {
            "DESC"
        };
        let rows = sqlx::query(&format!(
            "{} WHERE r.status = $1 ORDER BY r.submitted_at {order}, r.id LIMIT 500",
            ssr::SELECT
        ))
        .bind(status.as_db())
        .fetch_all(db.pool())
        .await?;
        rows.iter()
            .map(|row| {
                let r = ssr::from_row(row)?;
                Ok(RegistrationRow {
                    id: r.id,
                    company_name: r.company_name,
                    responsible_person: r.responsible_person,
                    admin_email: r.admin_email,
                    submitted: r.submitted,
                    status: r.status,
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()
            .map_err(AppError::from)
    }
    .await;
    crate::kit::forms::finish("", result)
}

#[server(endpoint = "platform_registration")]
pub async fn platform_registration(id: i64) -> Result<Registration, AppError> {
    let result = async {
        let db = crate::kit::request::db()?;
        crate::kit::request::operator()?;
        let registration = ssr::load(&db, ssr::Key::Id(id)).await?;
        if registration.status == RegistrationStatus::Draft {
            return Err(AppError::NotFound);
        }
        Ok(registration)
    }
    .await;
    crate::kit::forms::finish("", result)
}

/// 通过: the provider, its admin (a new user, or the existing one of that address) as an
/// invited membership, and the invitation mail; all in one transaction.
#[server(endpoint = "approve_registration")]
pub async fn approve_registration(id: i64) -> Result<(), AppError> {
    use crate::kit::db::now;
    use sqlx::Row;
    let result = async {
        let db = crate::kit::request::db()?;
        let settings = crate::kit::request::settings()?;
        let operator = crate::kit::request::operator()?;
        let mut tx = db.begin().await?;
        let claimed = sqlx::query(
            "UPDATE registrations SET status = 'approved', decided_at = $1, decided_by = $2
             WHERE id = $3 AND status = 'pending'",
        )
        .bind(now())
        .bind(operator.user_id)
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
        .bind(operator.user_id)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE registrations SET provider_id = $1 WHERE id = $2")
            .bind(provider_id)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let token = super::activation::ssr::issue_token(
            &mut tx,
            "activate",
            user_id,
            Some(provider_id),
            super::activation::ACTIVATION_SECS,
        )
        .await?;
        super::activation::ssr::enqueue_invitation(
            &mut tx,
            &settings.public_url,
            &email,
            &company,
            "服务提供商中心 Provider Center",
            &token,
        )
        .await?;
        crate::kit::audit::record(
            &mut *tx,
            crate::kit::audit::Entry {
                provider_id: Some(provider_id),
                actor_id: Some(operator.user_id),
                action: "registration_approved",
                target_type: "registration",
                target_id: &id.to_string(),
                detail: &company,
                ip: &crate::kit::request::client_ip(),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
    .await;
    crate::kit::forms::finish("decide", result)
}

/// 驳回 with a reason, mailed to the applicant's admin address.
#[server(endpoint = "reject_registration")]
pub async fn reject_registration(id: i64, reason: String) -> Result<(), AppError> {
    use crate::kit::db::now;
    use sqlx::Row;
    let result = async {
        let db = crate::kit::request::db()?;
        let operator = crate::kit::request::operator()?;
        let reason = reason.trim().to_owned();
        if reason.is_empty() || reason.chars().count() > 500 {
            let code = if reason.is_empty() { "form.required" } else { "form.too_long_short" };
            return Err(crate::kit::forms::invalid("reject", &[("reason", code)], &[("reason", &reason)]));
        }
        let mut tx = db.begin().await?;
        let claimed = sqlx::query(
            "UPDATE registrations SET status = 'rejected', reason = $1, decided_at = $2, decided_by = $3
             WHERE id = $4 AND status = 'pending'",
        )
        .bind(&reason)
        .bind(now())
        .bind(operator.user_id)
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
        let mail = crate::kit::mail::render(
            &r.try_get::<String, _>("admin_email")?,
            &format!("注册申请未通过：{company} · Registration not approved"),
            &[
                format!("您好！您为 {company} 提交的服务提供商注册申请未通过平台审核。"),
                format!("原因：{reason}"),
                "您可以根据原因准备材料后重新注册。".into(),
                format!("The registration of {company} as a provider was not approved. Reason: {reason}. You may register again with updated documents."),
            ],
            None,
        );
        crate::kit::mail::enqueue(&mut *tx, &mail).await?;
        crate::kit::audit::record(
            &mut *tx,
            crate::kit::audit::Entry {
                provider_id: None,
                actor_id: Some(operator.user_id),
                action: "registration_rejected",
                target_type: "registration",
                target_id: &id.to_string(),
                detail: &reason,
                ip: &crate::kit::request::client_ip(),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
    .await;
    crate::kit::forms::finish("reject", result)
}

/// The three steps of §2.1, as a progress line.
#[component]
fn Steps(current: u8) -> impl IntoView {
    let locale = use_locale();
    view! {
        <ol class="wizard-steps">
            {[(1, "registration.step.company"), (2, "registration.step.admin"), (3, "registration.step.done")]
                .into_iter()
                .map(|(n, key)| view! {
                    <li class:active=move || n == current class:done=move || n < current>
                        <span class="step-no">{n}</span>{locale.t(key)}
                    </li>
                })
                .collect_view()}
        </ol>
    }
}

/// Step 1: company and qualification files. A multipart form posted to the server's upload
/// route (files need no JavaScript); refused input comes back in the query.
#[component]
pub fn RegisterPage() -> impl IntoView {
    use super::activation::PublicCard;
    let locale = use_locale();
    let query = use_query_map();
    let get = move |key: &str| query.read_untracked().get(key).unwrap_or_default();
    let error = move |field: &str| {
        let code = get(&format!("e.{field}"));
        (!code.is_empty())
            .then(|| view! { <span class="field-error" role="alert">{locale.t_dyn(&code)}</span> })
    };
    let general = get("e._");
    view! {
        <PublicCard title="registration.title">
            <Steps current=1 />
            <form method="post" action="/register" enctype="multipart/form-data" class="form" novalidate>
                {(!general.is_empty()).then(|| view! { <p class="form-error" role="alert">{locale.t_dyn(&general)}</p> })}
                {(!get("e.company_name").is_empty() || !get("e.files").is_empty() || !get("e.responsible_person").is_empty())
                    .then(|| view! { <p class="form-error" role="alert">{locale.t("form.invalid")}</p> })}
                <label class="field">
                    <span>{locale.t("registration.company_name")}</span>
                    <input type="text" name="company_name" value=get("v.company_name") maxlength="100" required />
                    {error("company_name")}
                </label>
                <label class="field">
                    <span>{locale.t("registration.responsible_person")}</span>
                    <input type="text" name="responsible_person" value=get("v.responsible_person") maxlength="50" required />
                    {error("responsible_person")}
                </label>
                <label class="field">
                    <span>{locale.t("registration.files")}</span>
                    <input type="file" name="files" multiple accept=".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png" />
                    <small class="muted">{locale.t("registration.files_hint")}</small>
                    {error("files")}
                </label>
                <button type="submit" class="button primary wide">{locale.t("registration.next")}</button>
            </form>
            <p class="login-links"><a href="/login">{locale.t("registration.have_account")}</a></p>
        </PublicCard>
    }
}

/// Step 2: 绑定管理员.
#[component]
pub fn RegisterAdminPage() -> impl IntoView {
    use super::activation::PublicCard;
    let locale = use_locale();
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let draft = crate::kit::request_cache::page_resource(token, registration_draft);
    let action = ServerAction::<SubmitRegistration>::new();
    let fb = feedback("admin", action.value());
    view! {
        <PublicCard title="registration.title">
            <Steps current=2 />
            <Suspense fallback=move || view! { <p class="loading">{locale.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match draft.await {
                        Ok(draft) if draft.status == RegistrationStatus::Draft => {
                            let field = move |name: &'static str, label: &'static str, kind: &'static str, autocomplete: &'static str| view! {
                                <label class="field">
                                    <span>{locale.t(label)}</span>
                                    <input type=kind name=name autocomplete=autocomplete value=move || fb.with(|f| f.value(name)) required />
                                    <FieldMessage feedback=fb field=name />
                                </label>
                            };
                            view! {
                                <p class="muted">{locale.tf("registration.admin_for", &[("company", &draft.company_name)])}</p>
                                <ActionForm action attr:class="form">
                                    <FormMessage feedback=fb />
                                    <input type="hidden" name="token" value=token() />
                                    {field("admin_name", "registration.admin_name", "text", "name")}
                                    {field("admin_email", "login.email", "email", "email")}
                                    {field("admin_phone", "activate.phone", "tel", "tel")}
                                    {field("admin_address", "registration.admin_address", "text", "street-address")}
                                    <button type="submit" class="button primary wide" disabled=move || action.pending().get()>{locale.t("registration.submit")}</button>
                                </ActionForm>
                            }.into_any()
                        }
                        Ok(_) => view! { <leptos_router::components::Redirect path=format!("/register/{}/done", token()) /> }.into_any(),
                        Err(error) => view! { <crate::shell::ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
        </PublicCard>
    }
}

/// Step 3: 等待平台审核, and later the decision (the link can be kept to look it up).
#[component]
pub fn RegisterDonePage() -> impl IntoView {
    use super::activation::PublicCard;
    let locale = use_locale();
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let draft = crate::kit::request_cache::page_resource(token, registration_draft);
    view! {
        <PublicCard title="registration.title">
            <Steps current=3 />
            <Suspense fallback=move || view! { <p class="loading">{locale.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match draft.await {
                        Ok(r) => view! {
                            <div class="done-state" data-testid="registration-state">
                                <p class="big">{locale.t(match r.status {
                                    RegistrationStatus::Approved => "registration.done.approved",
                                    RegistrationStatus::Rejected => "registration.done.rejected",
                                    _ => "registration.done.pending",
                                })}</p>
                                <p class="muted">{r.company_name}</p>
                                {(r.status == RegistrationStatus::Rejected).then(|| view! {
                                    <p class="form-error">{locale.t("registration.reason")}": "{r.reason}</p>
                                })}
                                <p class="muted">{locale.t("registration.done.hint")}</p>
                            </div>
                        }.into_any(),
                        Err(error) => view! { <crate::shell::ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
        </PublicCard>
    }
}

/// The platform's registration queue.
#[component]
pub fn PlatformRegistrationsPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let status = move || query.with(|q| q.get("status"));
    let rows = Resource::new(status, platform_registrations);
    let tab = move |value: &'static str, key: &'static str| {
        let active = move || status().as_deref().unwrap_or("pending") == value;
        view! { <a href=format!("/platform/registrations?status={value}") class:active=active>{locale.t(key)}</a> }
    };
    view! {
        <leptos_meta::Title text=locale.t("nav.platform.registrations") />
        <section class="page">
            <h1>{locale.t("nav.platform.registrations")}</h1>
            <nav class="status-tabs">
                {tab("pending", "registration.status.pending")}
                {tab("approved", "registration.status.approved")}
                {tab("rejected", "registration.status.rejected")}
            </nav>
            <Suspense fallback=move || view! { <p class="loading">{locale.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match rows.await {
                        Ok(rows) if rows.is_empty() => view! { <div class="empty-state"><p>{locale.t("registration.empty")}</p></div> }.into_any(),
                        Ok(rows) => view! {
                            <div class="table-wrap">
                                <table class="table" data-testid="registrations">
                                    <thead><tr>
                                        <th>{locale.t("registration.company_name")}</th>
                                        <th>{locale.t("registration.responsible_person")}</th>
                                        <th>{locale.t("registration.admin_email")}</th>
                                        <th>{locale.t("registration.submitted")}</th>
                                        <th>{locale.t("wo.column.status")}</th>
                                        <th>{locale.t("common.actions")}</th>
                                    </tr></thead>
                                    <tbody>
                                        {rows.into_iter().map(|r| view! {
                                            <tr>
                                                <td>{r.company_name}</td>
                                                <td>{r.responsible_person}</td>
                                                <td>{r.admin_email}</td>
                                                <td>{r.submitted}</td>
                                                <td><span class=format!("status status-{}", r.status.as_db())>{locale.t(r.status.label_key())}</span></td>
                                                <td><a href=format!("/platform/registrations/{}", r.id)>{locale.t("common.view_detail")}</a></td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }.into_any(),
                        Err(error) => view! { <crate::shell::ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// One application: its data and files, and the decision.
#[component]
pub fn PlatformRegistrationPage() -> impl IntoView {
    let locale = use_locale();
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let approve = ServerAction::<ApproveRegistration>::new();
    let reject = ServerAction::<RejectRegistration>::new();
    let registration = Resource::new(id, platform_registration);
    crate::kit::forms::refetch_on_success(approve, registration);
    crate::kit::forms::refetch_on_success(reject, registration);
    let approve_fb = feedback("decide", approve.value());
    let reject_fb = feedback("reject", reject.value());
    view! {
        <leptos_meta::Title text=locale.t("nav.platform.registrations") />
        <section class="page">
            <p><a href="/platform/registrations">"← "{locale.t("nav.platform.registrations")}</a></p>
            <Suspense fallback=move || view! { <p class="loading">{locale.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match registration.await {
                        Ok(r) => {
                            let pending = r.status == RegistrationStatus::Pending;
                            let id = r.id;
                            view! {
                                <h1>{r.company_name.clone()}" "<span class=format!("status status-{}", r.status.as_db()) data-testid="registration-status">{locale.t(r.status.label_key())}</span></h1>
                                <dl class="facts card">
                                    <dt>{locale.t("registration.company_name")}</dt><dd>{r.company_name}</dd>
                                    <dt>{locale.t("registration.responsible_person")}</dt><dd>{r.responsible_person}</dd>
                                    <dt>{locale.t("registration.admin_name")}</dt><dd>{r.admin_name}</dd>
                                    <dt>{locale.t("registration.admin_email")}</dt><dd>{r.admin_email}</dd>
                                    <dt>{locale.t("activate.phone")}</dt><dd>{r.admin_phone}</dd>
                                    <dt>{locale.t("registration.admin_address")}</dt><dd>{r.admin_address}</dd>
                                    <dt>{locale.t("registration.submitted")}</dt><dd>{r.submitted}</dd>
                                    {(!pending).then(|| view! {
                                        <dt>{locale.t("registration.decided")}</dt><dd>{format!("{} · {}", r.decided, r.decided_by)}</dd>
                                    })}
                                    {(!r.reason.is_empty()).then(|| view! {
                                        <dt>{locale.t("registration.reason")}</dt><dd>{r.reason.clone()}</dd>
                                    })}
                                </dl>
                                <h2>{locale.t("registration.files")}</h2>
                                <ul class="file-list" data-testid="registration-files">
                                    {r.files.into_iter().map(|f| view! {
                                        <li>
                                            <a rel="external" href=format!("/platform/registrations/{id}/files/{}", f.id)>{f.name}</a>
                                            <span class="muted">{format!(" {} KB", (f.size + 1023) / 1024)}</span>
                                        </li>
                                    }).collect_view()}
                                </ul>
                                {pending.then(|| view! {
                                    <div class="decision card">
                                        <ActionForm action=approve attr:class="form inline">
                                            <FormMessage feedback=approve_fb />
                                            <input type="hidden" name="id" value=id.to_string() />
                                            <button type="submit" class="button primary" disabled=move || approve.pending().get()>{locale.t("registration.approve")}</button>
                                        </ActionForm>
                                        <ActionForm action=reject attr:class="form">
                                            <FormMessage feedback=reject_fb />
                                            <input type="hidden" name="id" value=id.to_string() />
                                            <label class="field">
                                                <span>{locale.t("registration.reason")}</span>
                                                <textarea name="reason" maxlength="500" prop:value=move || reject_fb.with(|f| f.value("reason"))></textarea>
                                                <FieldMessage feedback=reject_fb field="reason" />
                                            </label>
                                            <button type="submit" class="button danger" disabled=move || reject.pending().get()>{locale.t("registration.reject")}</button>
                                        </ActionForm>
                                    </div>
                                })}
                            }.into_any()
                        }
                        Err(error) => view! { <crate::shell::ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::code::{codes, missing_labels};

    /// The stored codes must never change with a renamed variant.
    #[test]
    fn registration_statuses_keep_their_codes_and_labels() {
        assert_eq!(
            codes::<RegistrationStatus>(),
            ["draft", "pending", "approved", "rejected"]
        );
        assert_eq!(RegistrationStatus::from_db("submitted"), None);
        assert_eq!(
            RegistrationStatus::Pending.label_key(),
            "registration.status.pending"
        );
        let missing = missing_labels::<RegistrationStatus>();
        assert!(missing.is_empty(), "{missing:?}");
    }
}
