//! The tier rules: application states, who may apply for which tier, the icons a benefit
//! may show, and the checks on an application, a tier, a benefit and a decision.

use crate::kit::code::Code;
use serde::{Deserialize, Serialize};

pub const MAX_FILES: usize = 5;
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
pub const UPLOAD_LIMIT: usize = MAX_FILES * MAX_FILE_BYTES + 64 * 1024;

/// The icons a benefit may show (the platform picks one).
pub const ICONS: &[(&str, &str)] = &[
    ("star", "★"),
    ("store", "▦"),
    ("money", "¥"),
    ("badge", "◆"),
    ("bolt", "⚡"),
    ("person", "☺"),
    ("megaphone", "✉"),
];

pub fn icon(name: &str) -> &'static str {
    ICONS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, glyph)| *glyph)
        .unwrap_or("★")
}

/// 待审核, 已通过, 已拒绝.
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ApplicationStatus {
    Pending,
    Approved,
    Rejected,
}

impl Code for ApplicationStatus {
    const LABELS: Option<&'static str> = Some("tier.app");
}

/// The platform queue's status filter: empty is 待审核, `all` is every status; `None` for an
/// unknown code.
pub fn status_filter(status: &str) -> Option<Option<ApplicationStatus>> {
    match status {
        "" => Some(Some(ApplicationStatus::Pending)),
        "all" => Some(None),
        other => ApplicationStatus::from_db(other).map(Some),
    }
}

/// Whether a provider at rank `current` may apply for the tier at rank `target`: only
/// upwards, and only with no application open.
pub fn may_apply(current: i64, target: i64, open: bool) -> Result<(), &'static str> {
    if open {
        Err("tier.error.open")
    } else if target <= current {
        Err("tier.error.not_higher")
    } else {
        Ok(())
    }
}

/// 立即申请 as typed.
#[derive(Debug, Clone, Default)]
pub struct ApplicationInput {
    pub tier_id: String,
    pub reason: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub contact_email: String,
}

/// The typed fields' errors (the tier and the files are checked against the store).
pub fn check(input: &ApplicationInput) -> Vec<(&'static str, &'static str)> {
    let mut errors = Vec::new();
    let mut required = |field: &'static str, value: &str, max: usize| {
        if value.trim().is_empty() {
            errors.push((field, "form.required"));
        } else if value.trim().chars().count() > max {
            errors.push((field, "form.too_long_short"));
        }
    };
    required("reason", &input.reason, 2000);
    required("contact_name", &input.contact_name, 50);
    required("contact_email", &input.contact_email, 200);
    if input.contact_phone.trim().chars().count() > 30 {
        errors.push(("contact_phone", "form.too_long_short"));
    }
    let email = input.contact_email.trim();
    if !email.is_empty() && (!email.contains('@') || email.contains(char::is_whitespace)) {
        errors.push(("contact_email", "form.email_invalid"));
    }
    errors
}

/// 通过 (`true`) or 驳回 (`false`); `None` for anything else.
pub fn decision(decision: &str) -> Option<bool> {
    match decision {
        "approve" => Some(true),
        "reject" => Some(false),
        _ => None,
    }
}

/// A decision's reason as typed: at most 1000 characters.
pub fn check_decision_reason(reason: &str) -> Result<(), (&'static str, &'static str)> {
    if reason.chars().count() > 1000 {
        Err(("reason", "form.too_long_short"))
    } else {
        Ok(())
    }
}

/// 驳回 needs a reason (trimmed); 通过 does not.
pub fn check_decision(approve: bool, reason: &str) -> Result<(), (&'static str, &'static str)> {
    if !approve && reason.trim().is_empty() {
        Err(("reason", "form.required"))
    } else {
        Ok(())
    }
}

/// A tier's name (required, at most 30) and requirement (at most 500), both trimmed.
pub fn check_tier(name: &str, requirement: &str) -> Vec<(&'static str, &'static str)> {
    let mut errors = Vec::new();
    if name.is_empty() {
        errors.push(("name", "form.required"));
    } else if name.chars().count() > 30 {
        errors.push(("name", "form.too_long_short"));
    }
    if requirement.chars().count() > 500 {
        errors.push(("requirement", "form.too_long_short"));
    }
    errors
}

/// A benefit's title (required, at most 50), description (at most 300), both trimmed, and
/// an icon of [`ICONS`].
pub fn check_benefit(
    title: &str,
    description: &str,
    icon: &str,
) -> Vec<(&'static str, &'static str)> {
    let mut errors = Vec::new();
    if title.is_empty() {
        errors.push(("title", "form.required"));
    } else if title.chars().count() > 50 {
        errors.push(("title", "form.too_long_short"));
    }
    if description.chars().count() > 300 {
        errors.push(("description", "form.too_long_short"));
    }
    if !ICONS.iter().any(|(n, _)| *n == icon) {
        errors.push(("icon", "form.invalid_value"));
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_higher_tiers_and_one_open_application() {
        assert_eq!(may_apply(1, 2, false), Ok(()));
        assert_eq!(may_apply(1, 4, false), Ok(()));
        assert_eq!(may_apply(2, 2, false), Err("tier.error.not_higher"));
        assert_eq!(may_apply(3, 1, false), Err("tier.error.not_higher"));
        assert_eq!(may_apply(1, 2, true), Err("tier.error.open"));
        for s in ApplicationStatus::all() {
            assert_eq!(ApplicationStatus::from_db(s.as_db()), Some(s));
        }
    }

    /// The stored codes must never change with a renamed variant.
    #[test]
    fn application_statuses_keep_their_codes_and_labels() {
        use crate::kit::code::{codes, missing_labels};
        assert_eq!(
            codes::<ApplicationStatus>(),
            ["pending", "approved", "rejected"]
        );
        assert_eq!(ApplicationStatus::Pending.label_key(), "tier.app.pending");
        let missing = missing_labels::<ApplicationStatus>();
        assert!(missing.is_empty(), "{missing:?}");
    }

    #[test]
    fn the_queue_filters_pending_by_default() {
        assert_eq!(status_filter(""), Some(Some(ApplicationStatus::Pending)));
        assert_eq!(status_filter("all"), Some(None));
        assert_eq!(
            status_filter("rejected"),
            Some(Some(ApplicationStatus::Rejected))
        );
        assert_eq!(status_filter("nope"), None);
    }

    #[test]
    fn an_application_needs_reason_contact_and_a_plausible_email() {
        let good = ApplicationInput {
            tier_id: "2".into(),
            reason: "growth".into(),
            contact_name: "Li".into(),
            contact_phone: String::new(),
            contact_email: "li@example.com".into(),
        };
        assert!(check(&good).is_empty());
        let empty = ApplicationInput::default();
        assert_eq!(
            check(&empty),
            [
                ("reason", "form.required"),
                ("contact_name", "form.required"),
                ("contact_email", "form.required"),
            ]
        );
        let bad = ApplicationInput {
            contact_email: "li at example".into(),
            contact_phone: "1".repeat(31),
            reason: "x".repeat(2001),
            ..good
        };
        assert_eq!(
            check(&bad),
            [
                ("reason", "form.too_long_short"),
                ("contact_phone", "form.too_long_short"),
                ("contact_email", "form.email_invalid"),
            ]
        );
    }

    #[test]
    fn decisions_and_their_reasons() {
        assert_eq!(decision("approve"), Some(true));
        assert_eq!(decision("reject"), Some(false));
        assert_eq!(decision("maybe"), None);
        assert!(check_decision_reason(&"x".repeat(1000)).is_ok());
        assert_eq!(
            check_decision_reason(&"x".repeat(1001)),
            Err(("reason", "form.too_long_short"))
        );
        assert!(check_decision(true, " ").is_ok());
        assert_eq!(check_decision(false, " "), Err(("reason", "form.required")));
        assert!(check_decision(false, "incomplete").is_ok());
    }

    #[test]
    fn tiers_and_benefits_are_checked() {
        assert!(check_tier("金牌", "").is_empty());
        assert_eq!(check_tier("", ""), [("name", "form.required")]);
        assert_eq!(
            check_tier(&"x".repeat(31), &"x".repeat(501)),
            [
                ("name", "form.too_long_short"),
                ("requirement", "form.too_long_short")
            ]
        );
        assert!(check_benefit("Badge", "", "badge").is_empty());
        assert_eq!(
            check_benefit("", &"x".repeat(301), "unknown"),
            [
                ("title", "form.required"),
                ("description", "form.too_long_short"),
                ("icon", "form.invalid_value"),
            ]
        );
        assert_eq!(icon("money"), "¥");
        assert_eq!(icon("unknown"), "★");
    }
}
