//! 使用教程 (§9): the platform's video tutorials by topic (served with range requests, so
//! seeking works) and this product's operating manual.

pub mod manual;
mod pages;

pub use pages::{PlatformTutorialsPage, TutorialsPage};

use crate::kit::error::AppError;
use serde::{Deserialize, Serialize};

pub const MAX_VIDEO_BYTES: usize = 200 * 1024 * 1024;
pub const MAX_POSTER_BYTES: usize = 2 * 1024 * 1024;
pub const UPLOAD_LIMIT: usize = MAX_VIDEO_BYTES + MAX_POSTER_BYTES + 64 * 1024;

/// The manual's four topics (§9.1): 服务上下架, 注册激活, 订单管理, MSP 分账.
pub const TOPICS: &[(&str, &str)] = &[
    ("services", "tutorial.topic.services"),
    ("onboarding", "tutorial.topic.onboarding"),
    ("orders", "tutorial.topic.orders"),
    ("settlement", "tutorial.topic.settlement"),
];

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

/// `mm:ss` or `h:mm:ss` of a number of seconds.
pub fn duration_text(seconds: i64) -> String {
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

/// Seconds of `mm:ss`, `h:mm:ss` or plain seconds, as typed.
pub fn parse_duration(text: &str) -> Option<i64> {
    let text = text.trim();
    if text.is_empty() {
        return Some(0);
    }
    let parts: Vec<i64> = text
        .split(':')
        .map(|p| p.parse::<i64>().ok().filter(|n| *n >= 0))
        .collect::<Option<Vec<_>>>()?;
    let seconds = match parts.as_slice() {
        [s] => *s,
        [m, s] if *s < 60 => m * 60 + s,
        [h, m, s] if *m < 60 && *s < 60 => h * 3600 + m * 60 + s,
        _ => return None,
    };
    (seconds <= 24 * 3600).then_some(seconds)
}

#[leptos::server(endpoint = "tutorials")]
pub async fn list_tutorials() -> Result<Vec<TutorialView>, AppError> {
    let result = async {
        use crate::kit::request::{auth, db};
        auth()?;
        ssr::list(&db()?).await
    }
    .await;
    crate::kit::forms::finish("", result)
}

#[leptos::server(endpoint = "delete_tutorial")]
pub async fn delete_tutorial(id: i64) -> Result<(), AppError> {
    let result = async {
        use crate::kit::request::{db, operator};
        operator()?;
        let done = sqlx::query("DELETE FROM tutorials WHERE id = $1")
            .bind(id)
            .execute(db()?.pool())
            .await?;
        if done.rows_affected() == 0 {
            return Err(AppError::NotFound);
        }
        Ok(())
    }
    .await;
    crate::kit::forms::finish("", result)
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;
    use crate::kit::db::{now, Db};
    use crate::kit::files::{sniff, sniff_video, Storage};
    use sqlx::Row;

    pub async fn list(db: &Db) -> Result<Vec<TutorialView>, AppError> {
        let rows = sqlx::query(
            "SELECT id, topic, title, description, video_type, external_url, poster_key IS NOT NULL AS has_poster,
                    duration_seconds FROM tutorials ORDER BY created_at, id",
        )
        .fetch_all(db.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(TutorialView {
                    id: r.try_get("id")?,
                    topic: r.try_get("topic")?,
                    title: r.try_get("title")?,
                    description: r.try_get("description")?,
                    video_type: r.try_get("video_type")?,
                    external_url: r.try_get("external_url")?,
                    has_poster: r
                        .try_get::<bool, _>("has_poster")
                        .or_else(|_| r.try_get::<i64, _>("has_poster").map(|v| v != 0))?,
                    duration: duration_text(r.try_get("duration_seconds")?),
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()
            .map_err(AppError::from)
    }

    /// The platform's upload form as posted.
    #[derive(Debug, Default)]
    pub struct TutorialInput {
        pub topic: String,
        pub title: String,
        pub description: String,
        pub external_url: String,
        pub duration: String,
        pub video: Option<crate::kit::files::Upload>,
        pub poster: Option<crate::kit::files::Upload>,
    }

    pub async fn add(
        db: &Db,
        storage: &Storage,
        operator_id: i64,
        input: TutorialInput,
    ) -> Result<(), AppError> {
        let mut errors = Vec::new();
        if !TOPICS.iter().any(|(k, _)| *k == input.topic) {
            errors.push(("topic", "form.required"));
        }
        let title = input.title.trim();
        if title.is_empty() {
            errors.push(("title", "form.required"));
        } else if title.chars().count() > 100 {
            errors.push(("title", "form.too_long_short"));
        }
        if input.description.trim().chars().count() > 1000 {
            errors.push(("description", "form.too_long_short"));
        }
        let duration = parse_duration(&input.duration);
        if duration.is_none() {
            errors.push(("duration", "tutorial.error.duration"));
        }
        let video = input.video.filter(|upload| !upload.is_empty());
        let url = input.external_url.trim();
        let video_type = match (&video, url.is_empty()) {
            (Some(upload), _) => match sniff_video(upload.head()) {
                Some(t) if upload.len() <= MAX_VIDEO_BYTES => Some(t),
                Some(_) => {
                    errors.push(("video", "tutorial.error.video_size"));
                    None
                }
                None => {
                    errors.push(("video", "tutorial.error.video_type"));
                    None
                }
            },
            (None, true) => {
                errors.push(("video", "tutorial.error.video_or_url"));
                None
            }
            (None, false) => {
                if !url.starts_with("https://")
                    || url.len() > 500
                    || url.contains(char::is_whitespace)
                {
                    errors.push(("external_url", "tutorial.error.url"));
                }
                None
            }
        };
        let poster = input.poster.filter(|p| !p.is_empty());
        let poster_type = match &poster {
            Some(upload) => match sniff(upload.head()) {
                Some(t @ ("image/png" | "image/jpeg")) if upload.len() <= MAX_POSTER_BYTES => {
                    Some(t)
                }
                _ => {
                    errors.push(("poster", "tutorial.error.poster"));
                    None
                }
            },
            None => None,
        };
        if !errors.is_empty() {
            return Err(AppError::invalid(&errors));
        }
        let put = |upload: crate::kit::files::Upload| async move {
            storage
                .put_upload(&upload)
                .await
                .map_err(|error| crate::kit::files::storage_error(error, "a tutorial"))
        };
        let video_size = video.as_ref().map(|v| v.len() as i64).unwrap_or(0);
        let video_key = match video {
            Some(upload) => Some(put(upload).await?),
            None => None,
        };
        let poster_key = match poster {
            Some(upload) => Some(put(upload).await?),
            None => None,
        };
        sqlx::query(
            "INSERT INTO tutorials (topic, title, description, video_key, video_type, video_size, external_url,
                                    poster_key, poster_type, duration_seconds, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(&input.topic)
        .bind(title)
        .bind(input.description.trim())
        .bind(&video_key)
        .bind(video_type.unwrap_or_default())
        .bind(video_size)
        .bind(if video_key.is_some() { "" } else { url })
        .bind(&poster_key)
        .bind(poster_type.unwrap_or_default())
        .bind(duration.unwrap_or_default())
        .bind(operator_id)
        .bind(now())
        .execute(db.pool())
        .await?;
        Ok(())
    }

    /// An uploaded video's or poster's storage key and type.
    pub async fn media(db: &Db, id: i64, poster: bool) -> Result<(String, String), AppError> {
        let sql = if poster {
            "SELECT poster_key AS k, poster_type AS t FROM tutorials WHERE id = $1"
        } else {
            "SELECT video_key AS k, video_type AS t FROM tutorials WHERE id = $1"
        };
        let row = sqlx::query(sql)
            .bind(id)
            .fetch_optional(db.pool())
            .await?
            .ok_or(AppError::NotFound)?;
        let key: Option<String> = row.try_get("k")?;
        Ok((key.ok_or(AppError::NotFound)?, row.try_get("t")?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_and_print() {
        assert_eq!(parse_duration("3:25"), Some(205));
        assert_eq!(parse_duration("1:02:03"), Some(3723));
        assert_eq!(parse_duration("90"), Some(90));
        assert_eq!(parse_duration(""), Some(0));
        assert_eq!(parse_duration("3:75"), None);
        assert_eq!(parse_duration("-1"), None);
        assert_eq!(parse_duration("a:b"), None);
        assert_eq!(duration_text(205), "3:25");
        assert_eq!(duration_text(3723), "1:02:03");
    }
}
