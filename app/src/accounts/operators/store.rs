//! The SQL of adding a platform operator: the account created or promoted, its activation
//! link issued and mailed, audited.

use super::model::{may_disable, OperatorState};
use crate::kit::db::{now, Db};
use crate::kit::error::AppError;
use crate::kit::mail::post;
use sqlx::Row;

/// How long the link for a new operator's password works.
const LINK_SECS: i64 = 3 * 24 * 3600;

/// One row of 运营人员.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OperatorRow {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub state: OperatorState,
    pub last_login_at: Option<i64>,
}

/// What `add` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OperatorAdded {
    /// A new account or one without a password yet: it is activated with this link (mailed too).
    Link(String),
    /// An account with a password, now an operator: it signs in as before.
    Promoted,
    /// Already an operator with a password: nothing changed.
    Already,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum OperatorRefused {
    #[error("{0} is not an email address")]
    NotAnAddress(String),
    /// Operators are never members of a provider (a provider must not manage a platform account).
    #[error("{0} is a member of a provider; a provider's member cannot be an operator")]
    ProviderMember(String),
    #[error("database: {0}")]
    Database(String),
}

impl From<sqlx::Error> for OperatorRefused {
    fn from(error: sqlx::Error) -> Self {
        OperatorRefused::Database(error.to_string())
    }
}

/// Makes `email` an operator: creates the account, or promotes an existing one that belongs to
/// no provider. An account without a password gets a one-time activation link, mailed and
/// returned for the caller to hand over.
pub async fn add(
    db: &Db,
    public_url: &str,
    email: &str,
    actor: Option<i64>,
    ip: &str,
) -> Result<OperatorAdded, OperatorRefused> {
    let email = email.trim().to_lowercase();
    if !crate::accounts::registration::plausible_email(&email) {
        return Err(OperatorRefused::NotAnAddress(email));
    }
    let mut tx = db.begin().await?;
    let existing = sqlx::query(
        "SELECT id, password_hash, platform_role, operator_disabled_at,
                (SELECT COUNT(*) FROM memberships m WHERE m.user_id = users.id) AS memberships
         FROM users WHERE email = $1",
    )
    .bind(&email)
    .fetch_optional(&mut *tx)
    .await?;
    let (user_id, has_password, was_operator) = match existing {
        Some(row) => {
            if row.try_get::<i64, _>("memberships")? > 0 {
                return Err(OperatorRefused::ProviderMember(email));
            }
            (
                row.try_get::<i64, _>("id")?,
                row.try_get::<Option<String>, _>("password_hash")?.is_some(),
                row.try_get::<Option<String>, _>("platform_role")?
                    .as_deref()
                    == Some("operator")
                    && row
                        .try_get::<Option<i64>, _>("operator_disabled_at")?
                        .is_none(),
            )
        }
        None => {
            let id: i64 = sqlx::query(
                "INSERT INTO users (email, platform_role, created_at) VALUES ($1, 'operator', $2)
                 RETURNING id",
            )
            .bind(&email)
            .bind(now())
            .fetch_one(&mut *tx)
            .await?
            .try_get("id")?;
            (id, false, true)
        }
    };
    if !was_operator {
        // A new operator, or one given back the access 停用 took away.
        sqlx::query(
            "UPDATE users SET platform_role = 'operator', operator_disabled_at = NULL WHERE id = $1",
        )
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
    }
    let added = if has_password {
        if was_operator {
            OperatorAdded::Already
        } else {
            OperatorAdded::Promoted
        }
    } else {
        let token = crate::accounts::activation::store::issue_token(
            &mut tx, "activate", user_id, None, LINK_SECS,
        )
        .await?;
        let url = format!("{public_url}/activate/{token}");
        post(&mut tx, &email, &super::notify::activation(&url)).await?;
        OperatorAdded::Link(url)
    };
    if added != OperatorAdded::Already {
        crate::kit::audit::record(
            &mut *tx,
            crate::kit::audit::Entry {
                provider_id: None,
                actor_id: actor,
                action: "operator_added",
                target_type: "user",
                target_id: &user_id.to_string(),
                detail: &email,
                ip,
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(added)
}

/// A page of the operators whose address or name holds `q` (A–Z case-blind; every operator
/// when blank), active and invited first, then by address; and how many there are.
pub async fn list(
    db: &Db,
    q: &str,
    paging: crate::kit::pager::Paging,
) -> Result<(Vec<OperatorRow>, i64), sqlx::Error> {
    let q = q.trim().to_ascii_lowercase();
    let matching = if q.is_empty() {
        "1 = 1".to_owned()
    } else {
        crate::kit::search::like(db, &["email", "name"])
    };
    let pattern = crate::kit::db::contains_pattern(&q);
    let count_sql =
        format!("SELECT COUNT(*) FROM users WHERE platform_role = 'operator' AND ({matching})");
    let mut count = sqlx::query_scalar::<_, i64>(&count_sql);
    if !q.is_empty() {
        count = count.bind(&pattern);
    }
    let total = count.fetch_one(db.pool()).await?;
    let list_sql = format!(
        "SELECT id, email, name, operator_disabled_at IS NOT NULL AS disabled,
                password_hash IS NOT NULL AS has_password, last_login_at
         FROM users WHERE platform_role = 'operator' AND ({matching})
         ORDER BY CASE WHEN operator_disabled_at IS NULL THEN 0 ELSE 1 END, email, id
         LIMIT {} OFFSET {}",
        paging.per_page,
        paging.offset()
    );
    let mut query = sqlx::query(&list_sql);
    if !q.is_empty() {
        query = query.bind(&pattern);
    }
    let rows = query.fetch_all(db.pool()).await?;
    let rows = rows
        .iter()
        .map(|row| {
            Ok(OperatorRow {
                id: row.try_get("id")?,
                email: row.try_get("email")?,
                name: row.try_get("name")?,
                state: OperatorState::of(
                    crate::kit::db::flag(row, "disabled")?,
                    crate::kit::db::flag(row, "has_password")?,
                ),
                last_login_at: row.try_get("last_login_at")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok((rows, total))
}

/// Takes operator `id`'s access away (the account and its history stay) and ends their
/// sessions, unless they are the last active operator. The active operators' rows are locked
/// first, so two operators disabling each other cannot leave the platform with none.
pub async fn disable(db: &Db, actor: i64, id: i64, ip: &str) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    // A no-op update: PostgreSQL's row locks; SQLite's transaction holds the write lock.
    let operators = sqlx::query(
        "UPDATE users SET platform_role = platform_role WHERE platform_role = 'operator'
         RETURNING id, email, operator_disabled_at IS NOT NULL AS disabled,
                   password_hash IS NOT NULL AS has_password",
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut active = 0;
    let mut target = None;
    for row in &operators {
        let state = OperatorState::of(
            crate::kit::db::flag(row, "disabled")?,
            crate::kit::db::flag(row, "has_password")?,
        );
        if state == OperatorState::Active {
            active += 1;
        }
        if row.try_get::<i64, _>("id")? == id {
            target = Some((state, row.try_get::<String, _>("email")?));
        }
    }
    let (state, email) = target.ok_or(AppError::NotFound)?;
    may_disable(state, active).map_err(|code| AppError::Conflict(code.into()))?;
    sqlx::query("UPDATE users SET operator_disabled_at = $1 WHERE id = $2")
        .bind(now())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    // Signed out in the same transaction (not through sessions' delete_for_user, which runs
    // on its own): no request of theirs passes the session check once the change is seen.
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    crate::kit::audit::record(
        &mut *tx,
        crate::kit::audit::Entry {
            provider_id: None,
            actor_id: Some(actor),
            action: "operator_disabled",
            target_type: "user",
            target_id: &id.to_string(),
            detail: &email,
            ip,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The address of operator `id` (active, invited or disabled).
pub async fn email_of(db: &Db, id: i64) -> Result<String, AppError> {
    sqlx::query("SELECT email FROM users WHERE id = $1 AND platform_role = 'operator'")
        .bind(id)
        .fetch_optional(db.pool())
        .await?
        .map(|row| row.try_get("email"))
        .transpose()?
        .ok_or(AppError::NotFound)
}
