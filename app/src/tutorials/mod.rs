//! 使用教程 (§9): the platform's video tutorials by topic (served with range requests, so
//! seeking works) and this product's operating manual.

pub mod api;
#[cfg(feature = "ssr")]
pub mod http;
pub mod manual;
pub mod model;
mod pages;
mod platform_pages;
#[cfg(feature = "ssr")]
pub mod store;

pub use api::*;
pub use model::{
    duration_text, parse_duration, MAX_POSTER_BYTES, MAX_VIDEO_BYTES, TOPICS, UPLOAD_LIMIT,
};
pub use pages::TutorialsPage;
pub use platform_pages::PlatformTutorialsPage;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TutorialView {
    pub id: i64,
    pub topic: String,
    pub title: String,
    pub description: String,
    /// video/mp4 or video/webm when uploaded; empty for a link.
    pub video_type: String,
    pub external_url: String,
    pub has_poster: bool,
    /// 3:25
    pub duration: String,
}

/// A page of the platform's table of tutorials and where it sits in the whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TutorialList {
    pub rows: Vec<TutorialView>,
    /// How many tutorials there are, on every page.
    pub count: i64,
    pub page: i64,
    pub pages: i64,
    pub per_page: i64,
}
