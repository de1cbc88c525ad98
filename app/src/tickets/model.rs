//! The tickets' rules: their statuses and the moves between them, the form's checks, the
//! limits of a message and an attachment, and the 工单编号. Plain Rust, unit-tested.

use crate::kit::code::Code;
use serde::{Deserialize, Serialize};

/// The latest tickets 联系我们's dialog shows (the page pages them all).
pub const RECENT: usize = 10;
pub const MAX_FILES: usize = 3;
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
pub const UPLOAD_LIMIT: usize = MAX_FILES * MAX_FILE_BYTES + 64 * 1024;
/// The longest answer in a conversation, either side's.
pub const MAX_MESSAGE_CHARS: usize = 5000;

/// 服务类型 (key, label key).
pub const SERVICE_TYPES: &[(&str, &str)] = &[
    ("presales", "ticket.type.presales"),
    ("aftersales", "ticket.type.aftersales"),
    ("settlement", "ticket.type.settlement"),
    ("platform", "ticket.type.platform"),
];

/// 支持类别 (key, label key).
pub const CATEGORIES: &[(&str, &str)] = &[
    ("account", "ticket.category.account"),
    ("orders", "ticket.category.orders"),
    ("services", "ticket.category.services"),
    ("technical", "ticket.category.technical"),
    ("other", "ticket.category.other"),
];

pub fn label_of(options: &[(&str, &'static str)], key: &str) -> &'static str {
    options
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, label)| *label)
        .unwrap_or("common.none")
}

/// 工单状态.
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TicketStatus {
    /// Waiting for the helpdesk.
    Open,
    /// The helpdesk asked the provider something.
    Pending,
    Solved,
    Closed,
}

impl Code for TicketStatus {
    const LABELS: Option<&'static str> = Some("ticket.status");
}

impl TicketStatus {
    /// A closed ticket takes no more answers; a solved one reopens when the provider answers.
    pub fn after_provider_reply(self) -> Option<TicketStatus> {
        match self {
            TicketStatus::Closed => None,
            _ => Some(TicketStatus::Open),
        }
    }

    /// The status the operator's answer form offers first: answering usually waits for the
    /// provider.
    pub fn answer_default(self) -> TicketStatus {
        if self == TicketStatus::Open {
            TicketStatus::Pending
        } else {
            self
        }
    }
}

/// Only the built-in helpdesk's tickets are answered by the platform here; an external
/// helpdesk's are answered there.
pub fn answered_here(channel: &str) -> bool {
    channel == "builtin"
}

/// What is wrong with the provider's answer (trimmed): nothing, or too long.
pub fn reply_error(body: &str) -> Option<&'static str> {
    if body.is_empty() {
        Some("form.required")
    } else {
        answer_error(body)
    }
}

/// What is wrong with the operator's answer (trimmed; it may be empty: a status change only).
pub fn answer_error(body: &str) -> Option<&'static str> {
    (body.chars().count() > MAX_MESSAGE_CHARS).then_some("form.too_long_short")
}

/// Who wrote a message: the user's name, else their email.
pub fn author_of(name: &str, email: &str) -> String {
    if name.is_empty() {
        email.to_owned()
    } else {
        name.to_owned()
    }
}

/// The 工单编号 after `last` (this month's highest, if any) on `today` (`YYYY-MM-DD`): yymm and
/// a four-digit sequence (the manual's 1908023 style).
pub fn next_ticket_no(today: &str, last: Option<&str>) -> String {
    let prefix = month_prefix(today);
    let next = last.and_then(|n| n[4..].parse::<u32>().ok()).unwrap_or(0) + 1;
    format!("{prefix}{next:04}")
}

/// The yymm that starts every 工单编号 of the month of `today` (`YYYY-MM-DD`).
pub fn month_prefix(today: &str) -> String {
    today.replace('-', "")[2..6].to_owned()
}

/// What the helpdesk is told: the details, and the attachments' names if there are any.
pub fn helpdesk_description(details: &str, file_names: &[&str]) -> String {
    let mut description = details.trim().to_owned();
    if !file_names.is_empty() {
        description.push_str(&format!(
            "\n\n附件 / Attachments: {}",
            file_names.join(", ")
        ));
    }
    description
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    pub status: Option<TicketStatus>,
    pub unread: bool,
}

impl Filter {
    pub fn parse(status: &str, unread: bool) -> Filter {
        Filter {
            status: TicketStatus::from_db(status),
            unread,
        }
    }
}

/// 在线创建工单 as typed.
#[derive(Debug, Clone, Default)]
pub struct TicketInput {
    pub service_type: String,
    pub support_category: String,
    pub subject: String,
    pub details: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub contact_email: String,
    pub company: String,
}

impl TicketInput {
    pub fn check(&self) -> Vec<(&'static str, &'static str)> {
        let mut errors = Vec::new();
        if !SERVICE_TYPES.iter().any(|(k, _)| *k == self.service_type) {
            errors.push(("service_type", "form.required"));
        }
        if !CATEGORIES.iter().any(|(k, _)| *k == self.support_category) {
            errors.push(("support_category", "form.required"));
        }
        let mut text = |field: &'static str, value: &str, max: usize, required: bool| {
            let value = value.trim();
            if required && value.is_empty() {
                errors.push((field, "form.required"));
            } else if value.chars().count() > max {
                errors.push((field, "form.too_long_short"));
            }
        };
        text("subject", &self.subject, 200, true);
        text("details", &self.details, MAX_MESSAGE_CHARS, true);
        text("contact_name", &self.contact_name, 50, true);
        text("contact_phone", &self.contact_phone, 30, false);
        text("contact_email", &self.contact_email, 200, true);
        text("company", &self.company, 100, true);
        let email = self.contact_email.trim();
        if !email.is_empty() && (!email.contains('@') || email.contains(char::is_whitespace)) {
            errors.push(("contact_email", "form.email_invalid"));
        }
        errors
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_provider_answer_reopens_all_but_closed_tickets() {
        assert_eq!(
            TicketStatus::Solved.after_provider_reply(),
            Some(TicketStatus::Open)
        );
        assert_eq!(
            TicketStatus::Pending.after_provider_reply(),
            Some(TicketStatus::Open)
        );
        assert_eq!(TicketStatus::Closed.after_provider_reply(), None);
        for s in TicketStatus::all() {
            assert_eq!(TicketStatus::from_db(s.as_db()), Some(s));
        }
        assert_eq!(label_of(SERVICE_TYPES, "presales"), "ticket.type.presales");
        assert_eq!(label_of(SERVICE_TYPES, "<script>"), "common.none");
    }

    /// The stored codes (also the external helpdesk's) must never change with a renamed
    /// variant.
    #[test]
    fn ticket_statuses_keep_their_codes_and_labels() {
        use crate::kit::code::{codes, missing_labels};
        assert_eq!(
            codes::<TicketStatus>(),
            ["open", "pending", "solved", "closed"]
        );
        assert_eq!(TicketStatus::Solved.label_key(), "ticket.status.solved");
        let missing = missing_labels::<TicketStatus>();
        assert!(missing.is_empty(), "{missing:?}");
    }

    #[test]
    fn an_operator_answer_offers_pending_for_an_open_ticket() {
        assert_eq!(TicketStatus::Open.answer_default(), TicketStatus::Pending);
        assert_eq!(TicketStatus::Solved.answer_default(), TicketStatus::Solved);
        assert_eq!(TicketStatus::Closed.answer_default(), TicketStatus::Closed);
        assert!(answered_here("builtin"));
        assert!(!answered_here("zendesk"));
    }

    #[test]
    fn answers_are_checked_for_presence_and_length() {
        let long = "字".repeat(MAX_MESSAGE_CHARS + 1);
        let full = "字".repeat(MAX_MESSAGE_CHARS);
        assert_eq!(reply_error(""), Some("form.required"));
        assert_eq!(reply_error(&long), Some("form.too_long_short"));
        assert_eq!(reply_error(&full), None);
        assert_eq!(answer_error(""), None);
        assert_eq!(answer_error(&long), Some("form.too_long_short"));
        assert_eq!(author_of("", "a@b.c"), "a@b.c");
        assert_eq!(author_of("Li", "a@b.c"), "Li");
    }

    #[test]
    fn ticket_numbers_count_up_within_the_month() {
        assert_eq!(month_prefix("2026-12-03"), "2612");
        assert_eq!(next_ticket_no("2026-12-03", None), "26120001");
        assert_eq!(next_ticket_no("2026-12-03", Some("26120041")), "26120042");
    }

    #[test]
    fn the_form_wants_its_required_fields_and_a_plausible_email() {
        let mut input = TicketInput {
            service_type: "presales".into(),
            support_category: "orders".into(),
            subject: "Hello".into(),
            details: "Details".into(),
            contact_name: "Li".into(),
            contact_phone: String::new(),
            contact_email: "li@example.com".into(),
            company: "ACME".into(),
        };
        assert!(input.check().is_empty());
        input.service_type = "other".into();
        input.contact_email = "no at sign".into();
        input.subject = "  ".into();
        assert_eq!(
            input.check(),
            [
                ("service_type", "form.required"),
                ("subject", "form.required"),
                ("contact_email", "form.email_invalid"),
            ]
        );
        assert_eq!(helpdesk_description(" d ", &[]), "d");
        assert_eq!(
            helpdesk_description("d", &["a.pdf", "b.png"]),
            "d\n\n附件 / Attachments: a.pdf, b.png"
        );
    }
}
