//! 用户管理 (§5): the provider's team. List and search, invitations (§5.1.3), 禁用/启用,
//! editing, 转移管理员 (§5.1.4); and the audit log and session pages beside it.
//! Every action checks the caller's role on the server (domain.md's roles table).

pub mod activity;
pub mod pages;

use crate::kit::code::Code;
use crate::kit::error::AppError;
use crate::kit::request::Role;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A member's state in this provider, as the list shows it.
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MemberState {
    Invited,
    Active,
    Disabled,
}

impl Code for MemberState {
    const LABELS: Option<&'static str> = Some("users.state");
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberRow {
    pub user_id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub phone: String,
    /// 负责人: who invited them (the manual shows the admin's address).
    pub inviter: String,
    pub state: MemberState,
    /// 激活 ✔/✘: the account has a password (activated at least once).
    pub activated: bool,
    /// An invitation whose links have all expired.
    pub invitation_expired: bool,
    pub created: String,
    pub last_login: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberPage {
    pub rows: Vec<MemberRow>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    /// The caller's role and id, so that the page offers only what the server allows.
    pub my_role: Role,
    pub me: i64,
}

/// Page sizes offered by the list.
pub const PAGE_SIZES: [i64; 3] = [15, 30, 50];

/// Who may do what to whom: plain rules, tested without a server.
pub mod rules {
    use super::*;

    /// Whether `actor` (role) may change the name, phone or role of a member with `target` role.
    pub fn may_edit(actor: Role, actor_id: i64, target: Role, target_id: i64) -> bool {
        match actor {
            Role::Admin => true,
            Role::CoAdmin => target != Role::Admin || actor_id == target_id,
            Role::User => false,
        }
    }

    /// The role a member may be given by `actor`: never admin (that changes hands by
    /// transfer), never the admin's own role, and only by someone who manages users.
    pub fn may_set_role(actor: Role, target: Role, new_role: Role) -> bool {
        actor.grantable_roles().contains(&new_role) && target != Role::Admin
    }

    /// 禁用/启用: not oneself, never the admin.
    pub fn may_set_state(actor: Role, actor_id: i64, target: Role, target_id: i64) -> bool {
        actor_id != target_id && actor.may_disable(target)
    }

    /// Invitation mails sent in a day, at most (the first one included).
    pub const INVITATIONS_A_DAY: usize = 5;

    /// Whether another invitation mail may go, given when the links of the last 24 hours
    /// were issued: one a minute, five a day.
    pub fn may_resend(sent_at: &[i64], now: i64) -> bool {
        let today: Vec<i64> = sent_at
            .iter()
            .copied()
            .filter(|at| now - at < 24 * 3600)
            .collect();
        today.len() < INVITATIONS_A_DAY && today.iter().all(|at| now - at >= 60)
    }
}

/// The selected rows of a bulk form: checkbox keys `u<user id>`.
pub fn selected_ids(selected: &Option<HashMap<String, String>>) -> Vec<i64> {
    let mut ids: Vec<i64> = selected
        .iter()
        .flatten()
        .filter_map(|(key, _)| key.strip_prefix('u').and_then(|id| id.parse().ok()))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

#[cfg(feature = "ssr")]
pub mod queries;

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
        let filter = queries::Filter::parse(&q, &role, &state, &sort, &page, &per)?;
        queries::list(&crate::kit::request::db()?, &scope, &filter).await
    }
    .await;
    crate::kit::forms::finish("", result)
}

#[server(endpoint = "member")]
pub async fn get_member(user_id: i64) -> Result<MemberPage, AppError> {
    let result = async {
        let (_, scope) = crate::kit::request::provider_scope()?;
        let row = queries::member(&crate::kit::request::db()?, &scope, user_id).await?;
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
        let result = queries::invite(
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
        queries::resend(
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
        queries::revoke(&crate::kit::request::db()?, &scope, user_id).await?;
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
        let ids = selected_ids(&selected);
        if ids.is_empty() {
            return Err(crate::kit::forms::invalid(
                "bulk",
                &[("selected", "users.error.none_selected")],
                &[],
            ));
        }
        queries::set_state(&crate::kit::request::db()?, &scope, &ids, enable == "1").await
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
        let result = queries::edit(
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
        let result = queries::transfer(
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

#[cfg(test)]
mod tests {
    use super::rules::*;
    use super::*;
    use crate::kit::code::{codes, missing_labels};

    /// The stored codes must never change with a renamed variant.
    #[test]
    fn member_states_keep_their_codes_and_labels() {
        assert_eq!(codes::<MemberState>(), ["invited", "active", "disabled"]);
        assert_eq!(MemberState::from_db("enabled"), None);
        assert_eq!(MemberState::Disabled.label_key(), "users.state.disabled");
        let missing = missing_labels::<MemberState>();
        assert!(missing.is_empty(), "{missing:?}");
    }

    #[test]
    fn nobody_but_the_admin_edits_the_admin_and_nobody_grants_admin() {
        assert!(may_edit(Role::Admin, 1, Role::CoAdmin, 2));
        assert!(may_edit(Role::CoAdmin, 2, Role::User, 3));
        assert!(!may_edit(Role::CoAdmin, 2, Role::Admin, 1));
        assert!(!may_edit(Role::User, 3, Role::User, 4));
        assert!(!may_set_role(Role::Admin, Role::User, Role::Admin));
        assert!(
            !may_set_role(Role::Admin, Role::Admin, Role::CoAdmin),
            "the admin's role changes by transfer only"
        );
        assert!(may_set_role(Role::CoAdmin, Role::User, Role::CoAdmin));
        assert!(!may_set_role(Role::User, Role::User, Role::CoAdmin));
    }

    #[test]
    fn nobody_disables_themselves_or_the_admin() {
        assert!(may_set_state(Role::Admin, 1, Role::User, 2));
        assert!(may_set_state(Role::CoAdmin, 2, Role::CoAdmin, 3));
        assert!(!may_set_state(Role::CoAdmin, 2, Role::CoAdmin, 2));
        assert!(!may_set_state(Role::Admin, 1, Role::Admin, 1));
        assert!(!may_set_state(Role::CoAdmin, 2, Role::Admin, 1));
        assert!(!may_set_state(Role::User, 3, Role::User, 4));
    }

    #[test]
    fn invitations_go_once_a_minute_and_five_a_day() {
        let now = 100_000;
        assert!(may_resend(&[], now));
        assert!(!may_resend(&[now - 30], now));
        assert!(may_resend(&[now - 61], now));
        assert!(
            may_resend(&[now - 90_000; 9], now),
            "yesterday's do not count"
        );
        assert!(may_resend(
            &[now - 100, now - 200, now - 300, now - 400],
            now
        ));
        assert!(!may_resend(
            &[now - 100, now - 200, now - 300, now - 400, now - 500],
            now
        ));
    }

    #[test]
    fn bulk_keys_name_users() {
        let mut form = HashMap::new();
        form.insert("u12".to_owned(), "on".to_owned());
        form.insert("u3".to_owned(), "on".to_owned());
        form.insert("x9".to_owned(), "on".to_owned());
        form.insert("uabc".to_owned(), "on".to_owned());
        assert_eq!(selected_ids(&Some(form)), vec![3, 12]);
        assert!(selected_ids(&None).is_empty());
    }
}
