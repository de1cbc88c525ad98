//! The team's server functions (list, member, invite, resend, revoke, 禁用/启用, edit,
//! 转移管理员), the audit log's page and the user's sessions: each parse → scope → store →
//! finish.

use super::{MemberPage, SessionRow};
use crate::kit::error::AppError;
use leptos::server;
use std::collections::HashMap;

#[server(endpoint = "members")]
pub async fn list_members(
    q: String,
    role: String,
    state: String,
    sort: String,
    page: String,
    per: String,
) -> Result<MemberPage, AppError> {
    let result = async {
        let (_, scope) = crate::kit::request::provider_scope()?;
        let mut filter = super::store::Filter::parse(&q, &role, &state, &sort, &page, &per)?;
        filter.per_page = crate::kit::pager::remembered_size(Some(&per)).await;
        super::store::list(&crate::kit::request::db()?, &scope, &filter).await
    }
    .await;
    crate::kit::forms::finish("", result)
}

#[server(endpoint = "member")]
pub async fn get_member(user_id: i64) -> Result<MemberPage, AppError> {
    let result = async {
        let (_, scope) = crate::kit::request::provider_scope()?;
        let row = super::store::member(&crate::kit::request::db()?, &scope, user_id).await?;
        Ok(MemberPage {
            rows: vec![row],
            total: 1,
            page: 1,
            per_page: 1,
            my_role: scope.role,
            me: scope.user_id,
        })
    }
    .await;
    crate::kit::forms::finish("", result)
}

/// 邀请用户 (§5.1.3): 邮箱 and 角色; sends the invitation mail.
#[server(endpoint = "invite_member")]
pub async fn invite_member(email: String, role: String) -> Result<(), AppError> {
    let typed = [("email", email.as_str()), ("role", role.as_str())];
    let result = async {
        let (auth, scope) = crate::kit::request::provider_scope()?;
        let result = super::store::invite(
            &crate::kit::request::db()?,
            &crate::kit::request::settings()?,
            &auth,
            &scope,
            &email,
            &role,
        )
        .await;
        crate::kit::forms::keep_typed("invite", &typed, result)
    }
    .await;
    crate::kit::forms::finish("invite", result)
}

/// A new invitation mail (a fresh link) for a member who has not activated yet.
#[server(endpoint = "resend_invitation")]
pub async fn resend_invitation(user_id: i64) -> Result<(), AppError> {
    let result = async {
        let (auth, scope) = crate::kit::request::provider_scope()?;
        super::store::resend(
            &crate::kit::request::db()?,
            &crate::kit::request::settings()?,
            &auth,
            &scope,
            user_id,
        )
        .await
    }
    .await;
    crate::kit::forms::finish("member", result)
}

/// Withdraws an invitation that was not activated: the membership and its links go.
#[server(endpoint = "revoke_invitation")]
pub async fn revoke_invitation(user_id: i64) -> Result<(), AppError> {
    let result = async {
        let (_, scope) = crate::kit::request::provider_scope()?;
        super::store::revoke(&crate::kit::request::db()?, &scope, user_id).await?;
        leptos_axum::redirect("/users");
        Ok(())
    }
    .await;
    crate::kit::forms::finish("member", result)
}

/// 禁用 or 启用 the selected members (`enable` = "1" to enable).
#[server(endpoint = "set_members_state")]
pub async fn set_members_state(
    enable: String,
    selected: Option<HashMap<String, String>>,
) -> Result<usize, AppError> {
    let result = async {
        let (_, scope) = crate::kit::request::provider_scope()?;
        let ids = super::model::selected_ids(&selected);
        if ids.is_empty() {
            return Err(crate::kit::forms::invalid(
                "bulk",
                &[("selected", "users.error.none_selected")],
                &[],
            ));
        }
        super::store::set_state(&crate::kit::request::db()?, &scope, &ids, enable == "1").await
    }
    .await;
    crate::kit::forms::finish("bulk", result)
}

/// 编辑: name, phone and role.
#[server(endpoint = "edit_member")]
pub async fn edit_member(
    user_id: i64,
    name: String,
    phone: String,
    role: Option<String>,
) -> Result<(), AppError> {
    let typed = [("name", name.as_str()), ("phone", phone.as_str())];
    let result = async {
        let (_, scope) = crate::kit::request::provider_scope()?;
        let result = super::store::edit(
            &crate::kit::request::db()?,
            &scope,
            user_id,
            &name,
            &phone,
            role.as_deref(),
        )
        .await;
        crate::kit::forms::keep_typed("edit", &typed, result)
    }
    .await;
    crate::kit::forms::finish("edit", result)
}

/// 转移管理员 (§5.1.4): the admin names an active member and confirms with their password.
#[server(endpoint = "transfer_admin")]
pub async fn transfer_admin(user_id: i64, password: String) -> Result<(), AppError> {
    let result = async {
        let (auth, scope) = crate::kit::request::provider_scope()?;
        let result = super::store::transfer(
            &crate::kit::request::db()?,
            &auth,
            &scope,
            user_id,
            password,
        )
        .await;
        crate::kit::forms::keep_typed("transfer", &[], result)
    }
    .await;
    crate::kit::forms::finish("transfer", result)
}

/// The caller's audit realm: their provider's log for admins and co-admins, every
/// provider's (`None`) for the platform.
#[cfg(feature = "ssr")]
fn realm(platform: bool) -> Result<Option<i64>, AppError> {
    if platform {
        crate::kit::request::operator()?;
        Ok(None)
    } else {
        let (_, scope) = crate::kit::request::provider_scope()?;
        if !scope.role.may_manage_users() {
            return Err(AppError::Forbidden);
        }
        Ok(Some(scope.provider_id))
    }
}

pub use log_page::*;

// One parameter per field of the log's GET query, more than clippy's limit; the module
// carries the allowance for both halves of the server macro.
#[allow(clippy::too_many_arguments)]
mod log_page {
    use super::*;
    use crate::users::AuditPage;

    /// The log's page: the filters, then its place (`before` or `after` a cursor, or neither for
    /// the newest). The arguments are the query's fields, one each.
    #[server(endpoint = "audit_entries")]
    pub async fn audit_entries(
        platform: bool,
        provider: String,
        actor: String,
        action: String,
        from: String,
        to: String,
        before: String,
        after: String,
    ) -> Result<AuditPage, AppError> {
        let result = async {
            use crate::kit::paging::Cursor;
            use crate::users::model::{AuditFilter, AuditPosition, AUDIT_PAGE};
            use crate::users::store::activity;
            let db = crate::kit::request::db()?;
            let realm = realm(platform)?;
            let mut filter = AuditFilter::parse(
                &provider,
                &actor,
                &action,
                &from,
                &to,
                &crate::kit::time::Zone::viewer(),
            )?;
            if realm.is_some() {
                filter.provider_id = None;
            }
            let position = AuditPosition::of(
                Cursor::parse(&before, "before")?,
                Cursor::parse(&after, "after")?,
            );
            let scope_id = realm.or(filter.provider_id);
            let (rows, newer, older) =
                activity::entries(&db, scope_id, &filter, AUDIT_PAGE, position).await?;
            let (people, actions) = activity::choices(&db, scope_id).await?;
            let providers = if realm.is_none() {
                crate::platform::provider_choices(&db).await?
            } else {
                Vec::new()
            };
            Ok(AuditPage {
                rows,
                newer,
                older,
                people,
                actions,
                providers,
            })
        }
        .await;
        crate::kit::forms::finish("", result)
    }
}

#[server(endpoint = "my_sessions")]
pub async fn my_sessions() -> Result<Vec<SessionRow>, AppError> {
    let result = async {
        let db = crate::kit::request::db()?;
        let auth = crate::kit::request::auth()?;
        super::store::activity::sessions(&db, auth.user_id, &auth.session_id).await
    }
    .await;
    crate::kit::forms::finish("", result)
}

/// Signs the user out everywhere but here.
#[server(endpoint = "end_other_sessions")]
pub async fn end_other_sessions() -> Result<(), AppError> {
    let result = async {
        let db = crate::kit::request::db()?;
        let auth = crate::kit::request::auth()?;
        crate::accounts::sessions::end_sessions(&db, auth.user_id, Some(&auth.session_id)).await?;
        crate::kit::audit::user_event(
            db.pool(),
            auth.provider.map(|p| p.provider_id),
            auth.user_id,
            "sessions_ended",
            "",
            &crate::kit::request::client_ip(),
        )
        .await?;
        Ok(())
    }
    .await;
    crate::kit::forms::finish("sessions", result)
}
