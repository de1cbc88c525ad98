//! The tutorials' SQL: the list, a new tutorial with its stored files, removal and the
//! media of one.

use super::model::{duration_text, parse_duration, MAX_POSTER_BYTES, MAX_VIDEO_BYTES, TOPICS};
use super::TutorialView;
use crate::kit::db::{now, Db};
use crate::kit::error::AppError;
use crate::kit::files::{sniff, sniff_video, Storage};
use sqlx::Row;

const COLUMNS: &str = "id, topic, title, description, video_type, external_url,
    poster_key IS NOT NULL AS has_poster, duration_seconds";

fn tutorial(r: &sqlx::any::AnyRow) -> Result<TutorialView, sqlx::Error> {
    Ok(TutorialView {
        id: r.try_get("id")?,
        topic: r.try_get("topic")?,
        title: r.try_get("title")?,
        description: r.try_get("description")?,
        video_type: r.try_get("video_type")?,
        external_url: r.try_get("external_url")?,
        has_poster: crate::kit::db::flag(r, "has_poster")?,
        duration: duration_text(r.try_get("duration_seconds")?),
    })
}

/// Every tutorial, oldest first: the providers' 使用教程 shows them all, by topic.
pub async fn list(db: &Db) -> Result<Vec<TutorialView>, AppError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM tutorials ORDER BY created_at, id"
    ))
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(tutorial)
        .collect::<Result<Vec<_>, sqlx::Error>>()
        .map_err(AppError::from)
}

/// A page of the platform's table of tutorials, newest first, and how many there are.
pub async fn page(
    db: &Db,
    paging: crate::kit::pager::Paging,
) -> Result<(Vec<TutorialView>, i64), AppError> {
    let total = sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM tutorials")
        .fetch_one(db.pool())
        .await?;
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM tutorials ORDER BY created_at DESC, id DESC LIMIT {} OFFSET {}",
        paging.per_page,
        paging.offset()
    ))
    .fetch_all(db.pool())
    .await?;
    let rows = rows
        .iter()
        .map(tutorial)
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok((rows, total))
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
            if !url.starts_with("https://") || url.len() > 500 || url.contains(char::is_whitespace)
            {
                errors.push(("external_url", "tutorial.error.url"));
            }
            None
        }
    };
    let poster = input.poster.filter(|p| !p.is_empty());
    let poster_type = match &poster {
        Some(upload) => match sniff(upload.head()) {
            Some(t @ ("image/png" | "image/jpeg")) if upload.len() <= MAX_POSTER_BYTES => Some(t),
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

pub async fn delete(db: &Db, id: i64) -> Result<(), AppError> {
    let done = sqlx::query("DELETE FROM tutorials WHERE id = $1")
        .bind(id)
        .execute(db.pool())
        .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}
