//! The team's queries, each scoped to the session's provider. A member of another provider
//! answers as if it did not exist. The audit log's and the sessions' are in `activity`.

pub mod activity;

use super::model::{self, MemberState};
use super::{MemberPage, MemberRow};
use crate::kit::code::Code;
use crate::kit::db::{contains_pattern, now, Db};
use crate::kit::error::AppError;
use crate::kit::request::AuthContext;
use crate::kit::request::Role;
use crate::kit::request::{ProviderScope, Settings};
use crate::kit::search::{self, Hit, Query, Searcher};
use crate::kit::time::format_datetime;
use sqlx::Row;

/// The list's query, checked: unknown values fall back to the defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    pub q: String,
    pub role: Option<Role>,
    pub state: Option<MemberState>,
    pub sort: &'static str,
    pub page: i64,
    pub per_page: i64,
}

impl Filter {
    pub fn parse(
        q: &str,
        role: &str,
        state: &str,
        sort: &str,
        page: &str,
        per: &str,
    ) -> Result<Filter, AppError> {
        let sort = match sort {
            "email" => "u.email ASC",
            "name" => "name ASC, u.email ASC",
            "last_login" => "last_login_at DESC, u.email ASC",
            "created_asc" => "m.created_at ASC, u.email ASC",
            _ => "m.created_at DESC, u.email ASC",
        };
        Ok(Filter {
            q: model::search_text(q),
            role: Role::from_db(role),
            state: MemberState::from_db(state),
            sort,
            page: crate::kit::paging::page_number(page)?,
            // The size asked for; the server function falls back on the user's remembered one.
            per_page: crate::kit::pager::size_of(per).unwrap_or(crate::kit::pager::SIZES[0]),
        })
    }
}

/// A member's name as the provider shows it: what the provider set on the membership, else
/// what the person gave their account. Nothing of the account before they accept.
const NAME: &str =
    "CASE WHEN m.status = 'invited' THEN '' ELSE COALESCE(NULLIF(m.name, ''), u.name) END";

const SELECT: &str = "SELECT u.id, u.email,
        CASE WHEN m.status = 'invited' THEN '' ELSE COALESCE(NULLIF(m.name, ''), u.name) END AS name,
        CASE WHEN m.status = 'invited' THEN '' ELSE COALESCE(NULLIF(m.phone, ''), u.phone) END AS phone,
        (m.status <> 'invited' AND u.password_hash IS NOT NULL) AS activated,
        CASE WHEN m.status = 'invited' THEN NULL ELSE u.last_login_at END AS last_login_at, m.role, m.status, m.created_at, COALESCE(i.email, '') AS inviter,
        (SELECT MAX(t.expires_at) FROM account_tokens t
          WHERE t.user_id = m.user_id AND t.provider_id = m.provider_id AND t.purpose = 'activate' AND t.used_at IS NULL) AS link_expires
     FROM memberships m
     JOIN users u ON u.id = m.user_id
     LEFT JOIN users i ON i.id = m.invited_by";

fn row_to_member(row: &sqlx::any::AnyRow) -> Result<MemberRow, sqlx::Error> {
    let role: String = row.try_get("role")?;
    let status: String = row.try_get("status")?;
    let state = MemberState::from_db(&status)
        .ok_or_else(|| sqlx::Error::Decode(format!("member status {status}").into()))?;
    let link_expires: Option<i64> = row.try_get("link_expires")?;
    Ok(MemberRow {
        user_id: row.try_get("id")?,
        email: row.try_get("email")?,
        name: row.try_get("name")?,
        role: Role::from_db(&role)
            .ok_or_else(|| sqlx::Error::Decode(format!("role {role}").into()))?,
        phone: row.try_get("phone")?,
        inviter: row.try_get("inviter")?,
        state,
        activated: crate::kit::db::flag(row, "activated")?,
        invitation_expired: model::invitation_expired(state, link_expires, now()),
        created: format_datetime(row.try_get("created_at")?),
        last_login: row
            .try_get::<Option<i64>, _>("last_login_at")?
            .map(format_datetime)
            .unwrap_or_default(),
    })
}

pub async fn list(db: &Db, scope: &ProviderScope, filter: &Filter) -> Result<MemberPage, AppError> {
    let mut conditions = vec!["m.provider_id = $1".to_owned()];
    let mut binds: Vec<String> = Vec::new();
    if !filter.q.is_empty() {
        binds.push(contains_pattern(&filter.q.to_lowercase()));
        let n = binds.len() + 1;
        conditions.push(format!(
            "(LOWER(u.email) LIKE ${n} ESCAPE '\\' OR LOWER({NAME}) LIKE ${n} ESCAPE '\\')"
        ));
    }
    if let Some(role) = filter.role {
        binds.push(role.as_db().to_owned());
        conditions.push(format!("m.role = ${}", binds.len() + 1));
    }
    if let Some(state) = filter.state {
        binds.push(state.as_db().to_owned());
        conditions.push(format!("m.status = ${}", binds.len() + 1));
    }
    let condition = conditions.join(" AND ");
    let count_sql = format!(
        "SELECT COUNT(*) AS n FROM memberships m JOIN users u ON u.id = m.user_id WHERE {condition}"
    );
    let mut count = sqlx::query(&count_sql).bind(scope.provider_id);
    for value in &binds {
        count = count.bind(value);
    }
    let total: i64 = count.fetch_one(db.pool()).await?.try_get("n")?;
    let list_sql = format!(
        "{SELECT} WHERE {condition} ORDER BY {} LIMIT {} OFFSET {}",
        filter.sort,
        filter.per_page,
        (filter.page - 1) * filter.per_page
    );
    let mut list = sqlx::query(&list_sql).bind(scope.provider_id);
    for value in &binds {
        list = list.bind(value);
    }
    let rows = list
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(row_to_member)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(MemberPage {
        rows,
        total,
        page: filter.page,
        per_page: filter.per_page,
        my_role: scope.role,
        me: scope.user_id,
    })
}

pub async fn member(db: &Db, scope: &ProviderScope, user_id: i64) -> Result<MemberRow, AppError> {
    let row = sqlx::query(&format!(
        "{SELECT} WHERE m.provider_id = $1 AND m.user_id = $2"
    ))
    .bind(scope.provider_id)
    .bind(user_id)
    .fetch_optional(db.pool())
    .await?
    .ok_or(AppError::NotFound)?;
    Ok(row_to_member(&row)?)
}

/// Records what the caller did to member `user_id`, in the change's transaction.
async fn audit_member(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    scope: &ProviderScope,
    action: &str,
    user_id: i64,
    detail: &str,
) -> Result<(), sqlx::Error> {
    crate::kit::audit::record(
        &mut **tx,
        crate::kit::audit::Entry {
            provider_id: Some(scope.provider_id),
            actor_id: Some(scope.user_id),
            action,
            target_type: "user",
            target_id: &user_id.to_string(),
            detail,
            ip: &crate::kit::request::client_ip(),
        },
    )
    .await
}

async fn provider_name(db: &Db, provider_id: i64) -> Result<String, sqlx::Error> {
    sqlx::query("SELECT name FROM providers WHERE id = $1")
        .bind(provider_id)
        .fetch_one(db.pool())
        .await?
        .try_get("name")
}

pub async fn invite(
    db: &Db,
    settings: &Settings,
    auth: &AuthContext,
    scope: &ProviderScope,
    email: &str,
    role: &str,
) -> Result<(), AppError> {
    if !scope.role.may_manage_users() {
        return Err(AppError::Forbidden);
    }
    let (email, role) =
        model::invitation(scope.role, email, role).map_err(|errors| AppError::invalid(&errors))?;
    let mut tx = db.begin().await?;
    let existing = sqlx::query("SELECT id, platform_role FROM users WHERE email = $1")
        .bind(&email)
        .fetch_optional(&mut *tx)
        .await?;
    let at = now();
    let user_id: i64 = match existing {
        Some(row) => {
            // The platform's operators act for the marketplace, never inside a provider.
            if row.try_get::<Option<String>, _>("platform_role")?.is_some() {
                return Err(AppError::invalid(&[("email", "users.error.operator")]));
            }
            let id: i64 = row.try_get("id")?;
            let member = sqlx::query(
                "SELECT status FROM memberships WHERE user_id = $1 AND provider_id = $2",
            )
            .bind(id)
            .bind(scope.provider_id)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(member) = member {
                let code = if member.try_get::<String, _>("status")? == "invited" {
                    "users.error.already_invited"
                } else {
                    "users.error.already_member"
                };
                return Err(AppError::invalid(&[("email", code)]));
            }
            if !model::may_resend(
                &invitations_sent(&mut tx, id, scope.provider_id).await?,
                now(),
            ) {
                return Err(AppError::invalid(&[("email", "users.error.resend_limit")]));
            }
            id
        }
        None => sqlx::query("INSERT INTO users (email, created_at) VALUES ($1, $2) RETURNING id")
            .bind(&email)
            .bind(at)
            .fetch_one(&mut *tx)
            .await?
            .try_get("id")?,
    };
    sqlx::query(
        "INSERT INTO memberships (user_id, provider_id, role, status, invited_by, created_at)
         VALUES ($1, $2, $3, 'invited', $4, $5)",
    )
    .bind(user_id)
    .bind(scope.provider_id)
    .bind(role.as_db())
    .bind(scope.user_id)
    .bind(at)
    .execute(&mut *tx)
    .await?;
    send_invitation(&mut tx, db, settings, auth, scope, user_id, &email).await?;
    audit_member(&mut tx, scope, "member_invited", user_id, &email).await?;
    tx.commit().await?;
    Ok(())
}

/// A fresh activation link for `user_id`'s membership, mailed with the §5.1.3 wording.
async fn send_invitation(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    db: &Db,
    settings: &Settings,
    auth: &AuthContext,
    scope: &ProviderScope,
    user_id: i64,
    email: &str,
) -> Result<(), sqlx::Error> {
    let provider = provider_name(db, scope.provider_id).await?;
    crate::accounts::activation::invite(
        tx,
        &settings.public_url,
        user_id,
        scope.provider_id,
        email,
        &provider,
        Some(&model::display_name(&auth.name, &auth.email)),
    )
    .await
}

/// When the invitation links of `user_id` to `provider_id` were issued in the last day
/// (revoked and used ones too: revoking and inviting again is no way around the limit).
async fn invitations_sent(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    user_id: i64,
    provider_id: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query(
        "SELECT created_at FROM account_tokens
         WHERE user_id = $1 AND provider_id = $2 AND purpose = 'activate' AND created_at > $3",
    )
    .bind(user_id)
    .bind(provider_id)
    .bind(now() - 24 * 3600)
    .fetch_all(&mut **tx)
    .await?
    .iter()
    .map(|row| row.try_get("created_at"))
    .collect()
}

/// The member, if this caller may manage them; `NotFound` outside the provider.
async fn managed(db: &Db, scope: &ProviderScope, user_id: i64) -> Result<MemberRow, AppError> {
    let member = member(db, scope, user_id).await?;
    if !scope.role.may_manage_users() {
        return Err(AppError::Forbidden);
    }
    Ok(member)
}

/// Ends the open activation links of a member's invitation.
async fn expire_links(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    user_id: i64,
    provider_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE account_tokens SET used_at = $1
         WHERE user_id = $2 AND provider_id = $3 AND purpose = 'activate' AND used_at IS NULL",
    )
    .bind(now())
    .bind(user_id)
    .bind(provider_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn resend(
    db: &Db,
    settings: &Settings,
    auth: &AuthContext,
    scope: &ProviderScope,
    user_id: i64,
) -> Result<(), AppError> {
    let member = managed(db, scope, user_id).await?;
    if member.state != MemberState::Invited {
        return Err(AppError::Conflict("users.error.not_invited".into()));
    }
    let mut tx = db.begin().await?;
    // Invitations carry the provider's and inviter's names to any address: at most one a
    // minute and five a day per invitation, so the portal is nobody's mail cannon.
    if !model::may_resend(
        &invitations_sent(&mut tx, user_id, scope.provider_id).await?,
        now(),
    ) {
        return Err(AppError::Conflict("users.error.resend_limit".into()));
    }
    // The old links stop working: only the newest mail counts.
    expire_links(&mut tx, user_id, scope.provider_id).await?;
    send_invitation(&mut tx, db, settings, auth, scope, user_id, &member.email).await?;
    audit_member(&mut tx, scope, "invitation_resent", user_id, &member.email).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn revoke(db: &Db, scope: &ProviderScope, user_id: i64) -> Result<(), AppError> {
    let member = managed(db, scope, user_id).await?;
    let mut tx = db.begin().await?;
    let removed = sqlx::query(
        "DELETE FROM memberships WHERE user_id = $1 AND provider_id = $2 AND status = 'invited'",
    )
    .bind(user_id)
    .bind(scope.provider_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if removed != 1 {
        return Err(AppError::Conflict("users.error.not_invited".into()));
    }
    expire_links(&mut tx, user_id, scope.provider_id).await?;
    audit_member(&mut tx, scope, "invitation_revoked", user_id, &member.email).await?;
    tx.commit().await?;
    Ok(())
}

/// 禁用/启用 each selected member the caller may; returns how many changed. A disabled
/// member's sessions end at once.
pub async fn set_state(
    db: &Db,
    scope: &ProviderScope,
    ids: &[i64],
    enable: bool,
) -> Result<usize, AppError> {
    if !scope.role.may_manage_users() {
        return Err(AppError::Forbidden);
    }
    let (from, to, action) = model::state_move(enable);
    let mut tx = db.begin().await?;
    let mut changed = 0;
    for &user_id in ids {
        let row =
            sqlx::query("SELECT role FROM memberships WHERE user_id = $1 AND provider_id = $2")
                .bind(user_id)
                .bind(scope.provider_id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(AppError::NotFound)?;
        let role: String = row.try_get("role")?;
        let role = Role::from_db(&role).ok_or(AppError::Internal)?;
        if !model::may_set_state(scope.role, scope.user_id, role, user_id) {
            return Err(AppError::Conflict(
                model::set_state_refusal(scope.user_id, user_id).into(),
            ));
        }
        let updated = sqlx::query(
            "UPDATE memberships SET status = $1 WHERE user_id = $2 AND provider_id = $3 AND status = $4",
        )
        .bind(to)
        .bind(user_id)
        .bind(scope.provider_id)
        .bind(from)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if updated == 1 {
            changed += 1;
            if !enable {
                sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND provider_id = $2")
                    .bind(user_id)
                    .bind(scope.provider_id)
                    .execute(&mut *tx)
                    .await?;
            }
            audit_member(&mut tx, scope, action, user_id, "").await?;
        }
    }
    tx.commit().await?;
    Ok(changed)
}

pub async fn edit(
    db: &Db,
    scope: &ProviderScope,
    user_id: i64,
    name: &str,
    phone: &str,
    role: Option<&str>,
) -> Result<(), AppError> {
    let member = member(db, scope, user_id).await?;
    if !model::may_edit(scope.role, scope.user_id, member.role, user_id) {
        return Err(AppError::Forbidden);
    }
    let name = name.trim();
    let phone = phone.trim();
    let new_role = model::edited_role(scope.role, name, phone, member.role, role)
        .map_err(|errors| AppError::invalid(&errors))?;
    if !model::may_name(member.state, name, phone) {
        // Until the person accepts, the provider knows an address and nothing more.
        return Err(AppError::Conflict("users.error.not_joined".into()));
    }
    let mut tx = db.begin().await?;
    // Name and phone as this provider knows the member: on the membership. The account
    // (seen by other providers and the platform) is the person's own.
    sqlx::query(
        "UPDATE memberships SET name = $1, phone = $2 WHERE user_id = $3 AND provider_id = $4",
    )
    .bind(name)
    .bind(phone)
    .bind(user_id)
    .bind(scope.provider_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE memberships SET role = $1 WHERE user_id = $2 AND provider_id = $3 AND role <> 'admin'")
        .bind(new_role.as_db())
        .bind(user_id)
        .bind(scope.provider_id)
        .execute(&mut *tx)
        .await?;
    let detail = if new_role != member.role {
        format!("{} → {}", member.role.as_db(), new_role.as_db())
    } else {
        String::new()
    };
    audit_member(&mut tx, scope, "member_edited", user_id, &detail).await?;
    tx.commit().await?;
    Ok(())
}

/// Hands the admin role to an active member in one transaction: exactly one admin before
/// and after (the unique index backs this), the old admin becomes 协同管理员.
pub async fn transfer(
    db: &Db,
    auth: &AuthContext,
    scope: &ProviderScope,
    user_id: i64,
    password: String,
) -> Result<(), AppError> {
    if !scope.role.may_transfer_admin() {
        return Err(AppError::Forbidden);
    }
    let target = member(db, scope, user_id).await?;
    if !model::may_receive_admin(scope.user_id, user_id, target.state) {
        return Err(AppError::invalid(&[(
            "user_id",
            "users.error.transfer_target",
        )]));
    }
    let stored: Option<String> = sqlx::query("SELECT password_hash FROM users WHERE id = $1")
        .bind(scope.user_id)
        .fetch_one(db.pool())
        .await?
        .try_get("password_hash")?;
    if !crate::accounts::security::password::verify(password, stored).await {
        return Err(AppError::invalid(&[("password", "password.wrong_current")]));
    }
    let mut tx = db.begin().await?;
    let stepped_down = sqlx::query(
        "UPDATE memberships SET role = 'co_admin' WHERE provider_id = $1 AND user_id = $2 AND role = 'admin'",
    )
    .bind(scope.provider_id)
    .bind(scope.user_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if stepped_down != 1 {
        return Err(AppError::Conflict("users.error.transfer_raced".into()));
    }
    let promoted = sqlx::query(
        "UPDATE memberships SET role = 'admin' WHERE provider_id = $1 AND user_id = $2 AND status = 'active'",
    )
    .bind(scope.provider_id)
    .bind(user_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if promoted != 1 {
        return Err(AppError::Conflict("users.error.transfer_raced".into()));
    }
    let provider = provider_name(db, scope.provider_id).await?;
    let old_admin = model::display_name(&auth.name, &auth.email);
    let new_admin = model::display_name(&target.name, &target.email);
    let [to_new, to_old] = super::notify::admin_transferred(&provider, &old_admin, &new_admin);
    crate::kit::mail::post(&mut tx, &target.email, &to_new).await?;
    crate::kit::mail::post(&mut tx, &auth.email, &to_old).await?;
    audit_member(&mut tx, scope, "admin_transferred", user_id, &target.email).await?;
    tx.commit().await?;
    Ok(())
}

/// 基础搜索: members by name or email, one provider's, or every provider's staff for an
/// operator (who has no page of a provider's member to open).
pub async fn search_hits(db: &Db, query: Query<'_>) -> Result<Vec<Hit>, sqlx::Error> {
    let (searcher, limit) = (query.searcher, query.limit);
    let sql = format!(
        "SELECT u.id, u.email, {NAME} AS name, m.status, p.name AS provider
         FROM memberships m JOIN users u ON u.id = m.user_id JOIN providers p ON p.id = m.provider_id
         {} ORDER BY m.created_at DESC, u.id DESC LIMIT {limit}",
        search::scoped(searcher, "m.provider_id", &search::like(db, &["u.email", NAME]))
    );
    let mut hits = Vec::new();
    for row in search::rows(db, &sql, searcher, contains_pattern(query.keyword)).await? {
        let id: i64 = row.try_get("id")?;
        let email: String = row.try_get("email")?;
        let name: String = row.try_get("name")?;
        let provider: String = row.try_get("provider")?;
        let (title, email_line) = if name.is_empty() {
            (email, String::new())
        } else {
            (name, email)
        };
        hits.push(Hit {
            title,
            detail: searcher.detail(&[&email_line, &provider]),
            status_key: search::status_key::<MemberState>(&row.try_get::<String, _>("status")?),
            href: match searcher {
                Searcher::Provider(_) => Some(format!("/users/{id}")),
                Searcher::Operator => None,
            },
        });
    }
    Ok(hits)
}
