//! The team's and the audit log's rules: a member's states, who may do what to whom, the
//! invitation limits, the checks of the invite and edit forms, and the audit log's filters
//! and paging. Plain Rust, unit-tested without a server.

use crate::kit::code::Code;
use crate::kit::request::Role;
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

/// The list's search text: trimmed, at most 100 characters.
pub fn search_text(q: &str) -> String {
    q.trim().chars().take(100).collect()
}

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

/// Why 禁用/启用 of `target_id` was refused: oneself, or the admin.
pub fn set_state_refusal(actor_id: i64, target_id: i64) -> &'static str {
    if target_id == actor_id {
        "users.error.self"
    } else {
        "users.error.admin"
    }
}

/// 禁用 (`enable` false) or 启用: the state a member moves from, to, and the audit action.
pub fn state_move(enable: bool) -> (&'static str, &'static str, &'static str) {
    if enable {
        ("disabled", "active", "member_enabled")
    } else {
        ("active", "disabled", "member_disabled")
    }
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

/// An invitation whose links have all expired (or that has none left).
pub fn invitation_expired(state: MemberState, link_expires: Option<i64>, now: i64) -> bool {
    state == MemberState::Invited && link_expires.is_none_or(|at| at <= now)
}

/// A person as mails and the log name them: their name, else their email.
pub fn display_name(name: &str, email: &str) -> String {
    if name.is_empty() {
        email.to_owned()
    } else {
        name.to_owned()
    }
}

/// 邀请用户 as typed, checked: the address (lower case) and a role `actor` may grant.
pub fn invitation(
    actor: Role,
    email: &str,
    role: &str,
) -> Result<(String, Role), Vec<(&'static str, &'static str)>> {
    let email = email.trim().to_lowercase();
    let mut errors = Vec::new();
    if email.is_empty() {
        errors.push(("email", "form.required"));
    } else if !crate::accounts::registration::plausible_email(&email) {
        errors.push(("email", "form.email_invalid"));
    }
    let role = Role::from_db(role).filter(|r| actor.grantable_roles().contains(r));
    match role {
        Some(role) if errors.is_empty() => Ok((email, role)),
        None => {
            errors.push(("role", "users.error.role"));
            Err(errors)
        }
        Some(_) => Err(errors),
    }
}

/// 编辑 as typed (name and phone trimmed), checked against what `actor` may do to a member
/// with role `current`: the member's role after the edit.
pub fn edited_role(
    actor: Role,
    name: &str,
    phone: &str,
    current: Role,
    role: Option<&str>,
) -> Result<Role, Vec<(&'static str, &'static str)>> {
    let mut errors = Vec::new();
    if name.chars().count() > 50 {
        errors.push(("name", "form.too_long_short"));
    }
    if phone.chars().count() > 40 {
        errors.push(("phone", "form.too_long_short"));
    }
    let new_role = match role.filter(|r| !r.is_empty()) {
        None => current,
        Some(value) => match Role::from_db(value) {
            Some(r) if r == current => r,
            Some(r) if may_set_role(actor, current, r) => r,
            _ => {
                errors.push(("role", "users.error.role"));
                current
            }
        },
    };
    if errors.is_empty() {
        Ok(new_role)
    } else {
        Err(errors)
    }
}

/// Until the person accepts, the provider knows an address and nothing more: an invited
/// member takes no name or phone.
pub fn may_name(state: MemberState, name: &str, phone: &str) -> bool {
    state != MemberState::Invited || (name.is_empty() && phone.is_empty())
}

/// 转移管理员 goes to another member who is active.
pub fn may_receive_admin(actor_id: i64, target_id: i64, target: MemberState) -> bool {
    target_id != actor_id && target == MemberState::Active
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

/// Entries on a page of the audit log.
pub const AUDIT_PAGE: i64 = 50;

/// The label of an audit action: work order moves use the history's own labels.
pub fn action_label(locale: crate::kit::i18n::Locale, action: &str) -> String {
    match action.strip_prefix("wo_") {
        Some(event) => locale.t_dyn(&format!("wo.event.{event}")),
        None => locale.t_dyn(&format!("audit.{action}")),
    }
}

/// Who did it, as the log shows them: `name <email>`, or the email alone.
pub fn actor_label(name: &str, email: &str) -> String {
    if name.is_empty() {
        email.to_owned()
    } else {
        format!("{name} <{email}>")
    }
}

/// What it was done to: `type id`, or the type alone.
pub fn target_label(target_type: &str, target_id: &str) -> String {
    if target_id.is_empty() {
        target_type.to_owned()
    } else {
        format!("{target_type} {target_id}")
    }
}

/// Which page of the log: the newest, or the one just older or newer than a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditPosition {
    Newest,
    Before(crate::kit::paging::Cursor),
    After(crate::kit::paging::Cursor),
}

impl AuditPosition {
    /// The page at `before` or else `after`, or the newest.
    pub fn of(
        before: Option<crate::kit::paging::Cursor>,
        after: Option<crate::kit::paging::Cursor>,
    ) -> AuditPosition {
        match (before, after) {
            (Some(cursor), _) => AuditPosition::Before(cursor),
            (None, Some(cursor)) => AuditPosition::After(cursor),
            (None, None) => AuditPosition::Newest,
        }
    }

    /// The cursors (newer, older) of the pages around one read from here, given its first
    /// and last rows' cursors and whether more rows lay beyond (in the reading direction).
    pub fn neighbours<C>(
        self,
        first: Option<C>,
        last: Option<C>,
        more: bool,
    ) -> (Option<C>, Option<C>) {
        match self {
            AuditPosition::Newest => (None, last.filter(|_| more)),
            AuditPosition::Before(_) => (first, last.filter(|_| more)),
            AuditPosition::After(_) => (first.filter(|_| more), last),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub provider_id: Option<i64>,
    pub actor: Option<i64>,
    pub action: Option<String>,
    pub from: Option<i64>,
    pub to: Option<i64>,
}

#[cfg(feature = "ssr")]
impl AuditFilter {
    pub fn parse(
        provider: &str,
        actor: &str,
        action: &str,
        from: &str,
        to: &str,
        zone: &crate::kit::time::Zone,
    ) -> Result<AuditFilter, crate::kit::error::AppError> {
        use crate::kit::time::Zone;
        // Days are the viewer's, as the entries' times are shown.
        let date = |field: &'static str,
                    value: &str,
                    edge: fn(&Zone, &str) -> Option<i64>|
         -> Result<Option<i64>, crate::kit::error::AppError> {
            if value.trim().is_empty() {
                Ok(None)
            } else {
                edge(zone, value.trim()).map(Some).ok_or_else(|| {
                    crate::kit::error::AppError::invalid(&[(field, "form.date_invalid")])
                })
            }
        };
        Ok(AuditFilter {
            provider_id: provider.parse().ok(),
            actor: actor.parse().ok(),
            action: Some(action.trim().to_owned()).filter(|a| !a.is_empty() && a.len() <= 60),
            from: date("from", from, Zone::day_start)?,
            to: date("to", to, Zone::day_end)?,
        })
    }
}

/// A short description of a browser from its User-Agent.
pub fn device(user_agent: &str) -> String {
    let browser = ["Edg/", "Firefox/", "Chrome/", "Safari/"]
        .iter()
        .find(|b| user_agent.contains(*b))
        .map(|b| match *b {
            "Edg/" => "Edge",
            "Firefox/" => "Firefox",
            "Chrome/" => "Chrome",
            _ => "Safari",
        });
    let system = [
        ("Windows", "Windows"),
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("Mac OS X", "macOS"),
        ("Linux", "Linux"),
    ]
    .iter()
    .find(|(needle, _)| user_agent.contains(needle))
    .map(|(_, name)| *name);
    match (browser, system) {
        (Some(b), Some(s)) => format!("{b} · {s}"),
        (Some(b), None) => b.to_owned(),
        (None, Some(s)) => s.to_owned(),
        (None, None) => user_agent.chars().take(40).collect(),
    }
}

#[cfg(test)]
mod tests {
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
        assert_eq!(set_state_refusal(2, 2), "users.error.self");
        assert_eq!(set_state_refusal(2, 1), "users.error.admin");
        assert_eq!(state_move(true), ("disabled", "active", "member_enabled"));
        assert_eq!(state_move(false), ("active", "disabled", "member_disabled"));
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
        assert!(invitation_expired(MemberState::Invited, None, now));
        assert!(invitation_expired(MemberState::Invited, Some(now), now));
        assert!(!invitation_expired(
            MemberState::Invited,
            Some(now + 1),
            now
        ));
        assert!(!invitation_expired(MemberState::Active, None, now));
    }

    #[test]
    fn an_invitation_wants_an_address_and_a_grantable_role() {
        assert_eq!(
            invitation(Role::Admin, " Li@Example.com ", "user"),
            Ok(("li@example.com".to_owned(), Role::User))
        );
        assert_eq!(
            invitation(Role::Admin, "", "admin"),
            Err(vec![
                ("email", "form.required"),
                ("role", "users.error.role")
            ])
        );
        assert_eq!(
            invitation(Role::CoAdmin, "nope", "user"),
            Err(vec![("email", "form.email_invalid")])
        );
    }

    #[test]
    fn an_edit_keeps_its_lengths_and_grants_only_what_the_actor_may() {
        assert_eq!(
            edited_role(Role::Admin, "Li", "", Role::User, None),
            Ok(Role::User)
        );
        assert_eq!(
            edited_role(Role::Admin, "Li", "", Role::User, Some("co_admin")),
            Ok(Role::CoAdmin)
        );
        assert_eq!(
            edited_role(Role::CoAdmin, "Li", "", Role::Admin, Some("admin")),
            Ok(Role::Admin),
            "the role as it is is no change"
        );
        assert_eq!(
            edited_role(
                Role::Admin,
                &"x".repeat(51),
                &"1".repeat(41),
                Role::User,
                Some("admin")
            ),
            Err(vec![
                ("name", "form.too_long_short"),
                ("phone", "form.too_long_short"),
                ("role", "users.error.role")
            ])
        );
        assert!(may_name(MemberState::Invited, "", ""));
        assert!(!may_name(MemberState::Invited, "Li", ""));
        assert!(may_name(MemberState::Active, "Li", "1"));
        assert!(may_receive_admin(1, 2, MemberState::Active));
        assert!(!may_receive_admin(1, 1, MemberState::Active));
        assert!(!may_receive_admin(1, 2, MemberState::Invited));
        assert_eq!(display_name("", "a@b.c"), "a@b.c");
        assert_eq!(search_text("  li  "), "li");
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

    #[test]
    fn devices_are_named_from_the_user_agent() {
        assert_eq!(
            device("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36 Edg/120.0"),
            "Edge · Windows"
        );
        assert_eq!(
            device("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36"),
            "Chrome · Linux"
        );
        assert_eq!(device("curl/8.0"), "curl/8.0");
    }

    #[test]
    fn audit_filters_check_dates() {
        let zone = crate::kit::time::Zone::business();
        assert!(AuditFilter::parse("", "", "", "2026-13-01", "", &zone).is_err());
        let f = AuditFilter::parse("", "7", "login", "2026-11-01", "2026-11-01", &zone).unwrap();
        assert_eq!(f.actor, Some(7));
        assert_eq!(f.action.as_deref(), Some("login"));
        assert_eq!(f.to.unwrap() - f.from.unwrap(), 24 * 3600);
    }

    #[test]
    fn audit_pages_know_their_neighbours() {
        use crate::kit::paging::Cursor;
        let c = Cursor { at: 1, id: 1 };
        assert_eq!(AuditPosition::of(None, None), AuditPosition::Newest);
        assert_eq!(
            AuditPosition::of(Some(c), Some(c)),
            AuditPosition::Before(c)
        );
        assert_eq!(AuditPosition::of(None, Some(c)), AuditPosition::After(c));
        assert_eq!(
            AuditPosition::Newest.neighbours(Some(1), Some(2), true),
            (None, Some(2))
        );
        assert_eq!(
            AuditPosition::Newest.neighbours(Some(1), Some(2), false),
            (None, None)
        );
        assert_eq!(
            AuditPosition::Before(c).neighbours(Some(1), Some(2), false),
            (Some(1), None)
        );
        assert_eq!(
            AuditPosition::After(c).neighbours(Some(1), Some(2), false),
            (None, Some(2))
        );
        assert_eq!(actor_label("", "a@b.c"), "a@b.c");
        assert_eq!(actor_label("Li", "a@b.c"), "Li <a@b.c>");
        assert_eq!(target_label("user", ""), "user");
        assert_eq!(target_label("user", "7"), "user 7");
    }
}
