//! 注册 (§2.1): a company applies in three steps (company with qualification files, admin
//! binding, done) and the platform reviews: approval creates the provider and its admin
//! membership and sends the invitation; rejection sends the reason.

pub mod api;
#[cfg(feature = "ssr")]
pub mod http;
pub mod model;
#[cfg(feature = "ssr")]
pub mod notify;
mod pages;
mod platform_pages;
#[cfg(feature = "ssr")]
pub mod store;

pub use api::*;
pub use model::{
    check_company, plausible_email, RegistrationStatus, MAX_FILES, MAX_FILE_BYTES, UPLOAD_LIMIT,
};
pub use pages::{RegisterAdminPage, RegisterDonePage, RegisterPage};
pub use platform_pages::{PlatformRegistrationPage, PlatformRegistrationsPage};

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationFile {
    pub id: i64,
    pub name: String,
    pub size: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registration {
    pub id: i64,
    pub company_name: String,
    pub responsible_person: String,
    pub admin_name: String,
    pub admin_email: String,
    pub admin_phone: String,
    pub admin_address: String,
    pub status: RegistrationStatus,
    pub reason: String,
    pub submitted: String,
    pub decided: String,
    pub decided_by: String,
    pub files: Vec<RegistrationFile>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationRow {
    pub id: i64,
    pub company_name: String,
    pub responsible_person: String,
    pub admin_email: String,
    pub submitted: String,
    pub status: RegistrationStatus,
}

/// A page of the platform's queue of one status, and where it is among the pages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationQueue {
    pub rows: Vec<RegistrationRow>,
    pub page: i64,
    pub pages: i64,
    pub per_page: i64,
    pub count: i64,
}
