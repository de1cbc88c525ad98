//! Who is signed in, and what their role lets them do. Plain Rust, shared by both sides.

use serde::{Deserialize, Serialize};

/// A member's role inside one provider (domain.md, "Who uses it").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    Admin,
    CoAdmin,
    User,
}

impl Role {
    pub fn as_db(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::CoAdmin => "co_admin",
            Role::User => "user",
        }
    }

    /// Admins and co-admins answer bills (确认账单, 驳回); users only read them.
    pub fn may_settle(self) -> bool {
        matches!(self, Role::Admin | Role::CoAdmin)
    }

    pub fn from_db(value: &str) -> Option<Role> {
        match value {
            "admin" => Some(Role::Admin),
            "co_admin" => Some(Role::CoAdmin),
            "user" => Some(Role::User),
            _ => None,
        }
    }

    /// Translation key of the manual's label (管理员, 协同管理员, 用户).
    pub fn label_key(self) -> &'static str {
        match self {
            Role::Admin => "role.admin",
            Role::CoAdmin => "role.co_admin",
            Role::User => "role.user",
        }
    }

    /// Inviting, editing, enabling and disabling members.
    pub fn may_manage_users(self) -> bool {
        matches!(self, Role::Admin | Role::CoAdmin)
    }

    /// Only the admin hands the admin role on (§5.1.4).
    pub fn may_transfer_admin(self) -> bool {
        self == Role::Admin
    }

    /// 确认账单 / 驳回: users may only read bills.
    pub fn may_decide_bills(self) -> bool {
        matches!(self, Role::Admin | Role::CoAdmin)
    }

    /// 立即申请 a higher tier.
    pub fn may_apply_for_tier(self) -> bool {
        matches!(self, Role::Admin | Role::CoAdmin)
    }

    /// Whether a member with this role may disable a member with role `target`.
    /// Nobody disables the admin; disabling oneself is refused separately.
    pub fn may_disable(self, target: Role) -> bool {
        self.may_manage_users() && target != Role::Admin
    }

    /// The roles this role may give when inviting or editing: never admin, which only
    /// changes hands by transfer.
    pub fn grantable_roles(self) -> &'static [Role] {
        if self.may_manage_users() {
            &[Role::CoAdmin, Role::User]
        } else {
            &[]
        }
    }
}

/// One provider the signed-in user belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MembershipView {
    pub provider_id: i64,
    pub provider_name: String,
    pub role: Role,
}

/// What the portal frame needs to know about the signed-in user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShellInfo {
    pub name: String,
    pub email: String,
    pub is_operator: bool,
    pub current: Option<MembershipView>,
    /// Every provider this user may switch to (active memberships).
    pub memberships: Vec<MembershipView>,
    /// The current provider requires a second factor this user has not set up yet.
    pub two_factor_required: bool,
}

impl ShellInfo {
    /// The user menu shows the name, or the email where no name was set.
    pub fn display_name(&self) -> &str {
        if self.name.is_empty() {
            &self.email
        } else {
            &self.name
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_storage() {
        for role in [Role::Admin, Role::CoAdmin, Role::User] {
            assert_eq!(Role::from_db(role.as_db()), Some(role));
        }
        assert_eq!(Role::from_db("owner"), None);
    }

    #[test]
    fn permissions_follow_the_roles_table() {
        assert!(Role::Admin.may_transfer_admin());
        assert!(!Role::CoAdmin.may_transfer_admin());
        assert!(!Role::User.may_transfer_admin());

        assert!(Role::CoAdmin.may_manage_users());
        assert!(!Role::User.may_manage_users());

        assert!(Role::CoAdmin.may_decide_bills());
        assert!(!Role::User.may_decide_bills());
        assert!(!Role::User.may_apply_for_tier());

        assert!(!Role::CoAdmin.may_disable(Role::Admin));
        assert!(Role::CoAdmin.may_disable(Role::User));
        assert!(Role::Admin.may_disable(Role::CoAdmin));
        assert!(!Role::User.may_disable(Role::User));

        assert!(!Role::Admin.grantable_roles().contains(&Role::Admin));
        assert!(Role::User.grantable_roles().is_empty());
    }
}
