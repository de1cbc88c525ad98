//! Shared plumbing that knows no domain area: the database and its errors, the caller of a
//! request, forms and their way back, files, mail, audit, text, money, time and CSV. Areas
//! build on it; it never imports them (`architecture.rs` checks).

pub mod audit;
pub mod code;
#[cfg(feature = "ssr")]
pub mod cookie;
pub mod csv;
pub mod dates;
#[cfg(feature = "ssr")]
pub mod db;
pub mod error;
#[cfg(feature = "ssr")]
pub mod files;
pub mod focus;
pub mod forms;
pub mod i18n;
#[cfg(feature = "ssr")]
pub mod jobs;
#[cfg(feature = "ssr")]
pub mod mail;
pub mod mask;
pub mod money;
#[cfg(feature = "ssr")]
pub mod multipart;
pub mod pager;
pub mod paging;
pub mod params;
pub mod request;
pub mod request_cache;
pub mod search;
#[cfg(feature = "ssr")]
pub mod sheet;
#[cfg(test)]
pub mod source;
#[cfg(feature = "ssr")]
pub mod time;
pub mod title;
pub mod toast;
#[cfg(feature = "ssr")]
pub mod token;
