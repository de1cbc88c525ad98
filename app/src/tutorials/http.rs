//! Tutorial videos: the platform's upload (plain multipart) and the serving of videos with
//! HTTP range requests, so a player can seek without loading the whole file.

use super::store::{self, TutorialInput};
use crate::kit::db::Db;
use crate::kit::error::AppError;
use crate::kit::files::Storage;
use crate::kit::request::{AuthContext, Operator};
use axum::extract::{Multipart, Path, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;

pub async fn upload(
    State(db): State<Db>,
    State(storage): State<Storage>,
    Operator(auth): Operator,
    multipart: Multipart,
) -> Response {
    let operator = auth.user_id;
    let form = crate::kit::multipart::FormPost::read(
        multipart,
        &["video", "poster"],
        2,
        super::MAX_VIDEO_BYTES,
    )
    .await;
    if form.full {
        return crate::kit::multipart::storage_full();
    }
    let too_large = form.broken;
    let mut input = TutorialInput {
        topic: form.field("topic"),
        title: form.field("title"),
        description: form.field("description"),
        external_url: form.field("external_url"),
        duration: form.field("duration"),
        ..TutorialInput::default()
    };
    for (field, file) in form.files {
        if field == "video" && input.video.is_none() {
            input.video = Some(file);
        } else if field == "poster" && input.poster.is_none() {
            input.poster = Some(file);
        }
    }
    let typed = [
        ("topic", input.topic.clone()),
        ("title", input.title.clone()),
        ("description", input.description.clone()),
        ("external_url", input.external_url.clone()),
        ("duration", input.duration.clone()),
    ];
    let result = if too_large {
        Err(AppError::invalid(&[("video", "tutorial.error.video_size")]))
    } else {
        store::add(&db, &storage, operator, input).await
    };
    match result {
        Ok(()) => Redirect::to("/platform/tutorials").into_response(),
        Err(error) => {
            let typed: Vec<(&str, &str)> = typed.iter().map(|(k, v)| (*k, v.as_str())).collect();
            crate::kit::multipart::back_to_form("/platform/tutorials", "tutorial", &error, &typed)
        }
    }
}

/// A tutorial's video or poster for any signed-in user, with range requests and its type
/// as its content showed; played inline, never sniffed.
async fn serve(
    db: Db,
    storage: Storage,
    signed_in: bool,
    id: i64,
    poster: bool,
    request: Request,
) -> Response {
    if !signed_in {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let (key, content_type) = match store::media(&db, id, poster).await {
        Ok(media) => media,
        Err(error) => return error.status().into_response(),
    };
    let mut response = crate::kit::files::serve(&storage, &key, request.headers()).await;
    if response.status().is_success() {
        if let Ok(value) = HeaderValue::from_str(&content_type) {
            response.headers_mut().insert(header::CONTENT_TYPE, value);
        }
        response.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, max-age=3600"),
        );
    }
    response
}

pub async fn video(
    State(db): State<Db>,
    State(storage): State<Storage>,
    auth: Option<Extension<AuthContext>>,
    Path(id): Path<i64>,
    request: Request,
) -> Response {
    serve(db, storage, auth.is_some(), id, false, request).await
}

pub async fn poster(
    State(db): State<Db>,
    State(storage): State<Storage>,
    auth: Option<Extension<AuthContext>>,
    Path(id): Path<i64>,
    request: Request,
) -> Response {
    serve(db, storage, auth.is_some(), id, true, request).await
}
