//! The SQL of adding a platform operator: the account created or promoted, its activation
//! link issued and mailed, audited.

use crate::kit::db::{now, Db};
use crate::kit::mail::post;
use sqlx::Row;

/// How long the link for a new operator's password works.
const LINK_SECS: i64 = 3 * 24 * 3600;

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
pub async fn add(db: &Db, public_url: &str, email: &str) -> Result<OperatorAdded, OperatorRefused> {
    let email = email.trim().to_lowercase();
    if !crate::accounts::registration::plausible_email(&email) {
        return Err(OperatorRefused::NotAnAddress(email));
    }
    let mut tx = db.begin().await?;
    let existing = sqlx::query(
        "SELECT id, password_hash, platform_role,
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
                row.try_get::<Option<String>, _>("platform_role")?.is_some(),
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
        sqlx::query("UPDATE users SET platform_role = 'operator' WHERE id = $1")
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
                actor_id: None,
                action: "operator_added",
                target_type: "user",
                target_id: &user_id.to_string(),
                detail: &email,
                ip: "",
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(added)
}
