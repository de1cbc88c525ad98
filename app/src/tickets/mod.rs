//! 联系我们 (§8): consultation tickets. 在线创建工单 files one (a plain multipart form, so an
//! attachment needs no JavaScript); 历史工单 lists the provider's tickets with their status and
//! conversation. The helpdesk behind them is a connector: built in, or an external one.

pub mod api;
#[cfg(feature = "ssr")]
pub mod helpdesk;
#[cfg(feature = "ssr")]
pub mod http;
pub mod model;
#[cfg(feature = "ssr")]
pub mod notify;
mod pages;
mod platform_pages;
#[cfg(feature = "ssr")]
pub mod store;

pub use model::{
    label_of, TicketStatus, CATEGORIES, MAX_FILES, MAX_FILE_BYTES, RECENT, SERVICE_TYPES,
    UPLOAD_LIMIT,
};
pub use pages::{ContactDialog, TicketPage, TicketsPage};
pub use platform_pages::{PlatformTicketPage, PlatformTicketsPage};
#[cfg(feature = "ssr")]
pub use store::search_hits;

use serde::{Deserialize, Serialize};

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
    pub per_page: i64,
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
