//! 联系我们 (§8): consultation tickets. 在线创建工单 files one (a plain multipart form, so an
//! attachment needs no JavaScript); 历史工单 lists the provider's tickets with their status and
//! conversation. The helpdesk behind them is a connector: built in, or an external one.

#[cfg(feature = "ssr")]
pub mod helpdesk;
mod pages;
mod platform;
#[cfg(feature = "ssr")]
pub mod queries;

pub use pages::{ContactDialog, TicketPage, TicketsPage};
pub use platform::{PlatformTicketPage, PlatformTicketsPage};

use crate::kit::code::Code;
use crate::kit::error::AppError;
use serde::{Deserialize, Serialize};

pub const PAGE_SIZE: i64 = 10;
pub const MAX_FILES: usize = 3;
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
pub const UPLOAD_LIMIT: usize = MAX_FILES * MAX_FILE_BYTES + 64 * 1024;

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
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketRow {
    pub no: String,
    pub created: String,
    pub subject: String,
    pub status: TicketStatus,
    pub channel: String,
    pub updated: String,
    pub unread: bool,
    pub provider: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketList {
    pub rows: Vec<TicketRow>,
    pub page: i64,
    pub pages: i64,
    pub count: i64,
    /// The external helpdesk could not be asked: statuses may be behind.
    pub stale: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageView {
    pub author: String,
    pub from_platform: bool,
    pub body: String,
    pub at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketDetail {
    pub no: String,
    pub provider: String,
    pub service_type: String,
    pub support_category: String,
    pub subject: String,
    pub details: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub contact_email: String,
    pub company: String,
    pub status: TicketStatus,
    pub channel: String,
    pub created: String,
    pub updated: String,
    pub messages: Vec<MessageView>,
    pub files: Vec<(i64, String)>,
    /// The external helpdesk could not be reached: what is shown may be behind.
    pub stale: bool,
}

/// What the form is prefilled with (§8: 姓名, 电话号码, 邮箱, 公司名称 from the session).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactDefaults {
    pub name: String,
    pub phone: String,
    pub email: String,
    pub company: String,
}

#[leptos::server(endpoint = "ticket_defaults")]
pub async fn ticket_defaults() -> Result<ContactDefaults, AppError> {
    let result = async {
        use crate::kit::request::{db, provider_scope};
        let (_, scope) = provider_scope()?;
        queries::defaults(&db()?, &scope).await
    }
    .await;
    crate::kit::forms::finish("", result)
}

/// 历史工单: the provider's tickets, by status; `unread` keeps those with new replies.
#[leptos::server(endpoint = "tickets")]
pub async fn list_tickets(
    status: String,
    unread: Option<String>,
    page: String,
) -> Result<TicketList, AppError> {
    let result = async {
        use crate::kit::request::{db, provider_scope};
        let (_, scope) = provider_scope()?;
        let filter = queries::Filter::parse(&status, unread.as_deref() == Some("1"), &page)?;
        let helpdesk =
            leptos::prelude::use_context::<helpdesk::Helpdesk>().ok_or(AppError::Internal)?;
        queries::list(
            &db()?,
            &helpdesk,
            crate::kit::db::Owner::Provider(scope.provider_id),
            &filter,
        )
        .await
    }
    .await;
    crate::kit::forms::finish("", result)
}

/// One ticket with its conversation, brought up to date from an external helpdesk; reading
/// it marks its replies read.
#[leptos::server(endpoint = "ticket")]
pub async fn get_ticket(no: String) -> Result<TicketDetail, AppError> {
    let result = async {
        use crate::kit::request::{db, provider_scope};
        let (_, scope) = provider_scope()?;
        let helpdesk =
            leptos::prelude::use_context::<helpdesk::Helpdesk>().ok_or(AppError::Internal)?;
        queries::detail(
            &db()?,
            &helpdesk,
            crate::kit::db::Owner::Provider(scope.provider_id),
            &no,
        )
        .await
    }
    .await;
    crate::kit::forms::finish("", result)
}

/// The provider's answer in the conversation.
#[leptos::server(endpoint = "reply_ticket")]
pub async fn reply_ticket(no: String, body: String) -> Result<(), AppError> {
    let form = "ticket-reply";
    let result = async {
        use crate::kit::request::{db, provider_scope};
        let (auth, scope) = provider_scope()?;
        let body = body.trim().to_owned();
        if body.is_empty() || body.chars().count() > 5000 {
            let code = if body.is_empty() {
                "form.required"
            } else {
                "form.too_long_short"
            };
            return Err(crate::kit::forms::invalid(
                form,
                &[("body", code)],
                &[("body", &body)],
            ));
        }
        let helpdesk =
            leptos::prelude::use_context::<helpdesk::Helpdesk>().ok_or(AppError::Internal)?;
        let author = if auth.name.is_empty() {
            auth.email.clone()
        } else {
            auth.name.clone()
        };
        crate::kit::forms::keep_typed(
            form,
            &[("body", &body)],
            queries::reply(&db()?, &helpdesk, &scope, &author, &no, &body).await,
        )
    }
    .await;
    crate::kit::forms::finish(form, result)
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
}
