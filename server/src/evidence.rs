//! Evidence files over plain HTTP: a multipart upload that works as a plain form, and
//! downloads for the provider (session) and the customer (acceptance link). Downloads are
//! always attachments with the type the content showed, never rendered by the browser.

use crate::AppState;
use app::kit::error::AppError;
use app::kit::files::StoredFile;
use app::kit::request::Member;
use app::orders::evidence::{self, MAX_BYTES};
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

/// The `file` field of a one-file upload form, spooled to disk as it arrives.
pub(crate) async fn one_file(
    multipart: Multipart,
    max_bytes: usize,
) -> Result<app::kit::files::Upload, AppError> {
    let form = crate::FormPost::read(multipart, &["file"], 1, max_bytes).await;
    if form.full {
        return Err(AppError::StorageFull);
    }
    if form.broken {
        return Err(AppError::invalid(&[("file", "ev.error.size")]));
    }
    form.uploads()
        .into_iter()
        .next()
        .ok_or_else(|| AppError::invalid(&[("file", "form.required")]))
}

pub async fn upload(
    State(state): State<AppState>,
    Member { scope, .. }: Member,
    Path((no, milestone_id)): Path<(String, i64)>,
    multipart: Multipart,
) -> Response {
    let back = format!("/orders/{no}");
    let result = async {
        let upload = one_file(multipart, MAX_BYTES).await?;
        evidence::add(
            &state.db,
            &state.storage,
            &scope,
            &no,
            milestone_id,
            &upload,
        )
        .await
    }
    .await;
    uploaded(result, &back, &format!("evidence-{milestone_id}"))
}

/// The answer to a one-file upload form: back to the page, or back with the file's error
/// shown next to form `form`.
pub(crate) fn uploaded(result: Result<(), AppError>, back: &str, form: &str) -> Response {
    match result {
        Ok(()) => Redirect::to(back).into_response(),
        Err(AppError::NotFound) => StatusCode::NOT_FOUND.into_response(),
        Err(AppError::Unauthorized) => Redirect::to("/login").into_response(),
        Err(AppError::StorageFull) => crate::storage_full(),
        Err(error) => {
            let code = match &error {
                AppError::Invalid(errors) => {
                    errors.first().map(|e| e.code.clone()).unwrap_or_default()
                }
                other => other.message_key().to_owned(),
            };
            Redirect::to(&format!(
                "{back}?form={form}&e.file={}",
                app::kit::forms::encode_query(&code)
            ))
            .into_response()
        }
    }
}

pub(crate) async fn send(state: &AppState, file: Result<StoredFile, AppError>) -> Response {
    let file = match file {
        Ok(file) => file,
        Err(error) => return error.into_response(),
    };
    app::kit::files::download(
        &state.storage,
        &file.storage_key,
        &file.name,
        &file.content_type,
    )
    .await
}

pub async fn download_for_provider(
    State(state): State<AppState>,
    Member { scope, .. }: Member,
    Path((no, file_id)): Path<(String, i64)>,
) -> Response {
    send(
        &state,
        evidence::for_provider(&state.db, &scope, &no, file_id).await,
    )
    .await
}

pub async fn download_for_customer(
    State(state): State<AppState>,
    Path((token, file_id)): Path<(String, i64)>,
) -> Response {
    let file = evidence::for_link(&state.db, &token, file_id).await;
    send(&state, file).await
}

/// The body limit of the upload route: the file plus the multipart framing.
pub const UPLOAD_LIMIT: usize = MAX_BYTES + 64 * 1024;
