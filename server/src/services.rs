//! Service item attachments over plain HTTP: a multipart upload that works as a plain form,
//! and downloads for the provider and the platform's reviewers, always as attachments.

use crate::AppState;
use app::kit::error::AppError;
use app::kit::request::{Member, RealmOwner};
use app::services::queries;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

pub async fn upload(
    State(state): State<AppState>,
    Member { scope, .. }: Member,
    Path(item_id): Path<i64>,
    multipart: Multipart,
) -> Response {
    let back = format!("/services/{item_id}");
    let result = async {
        let upload = crate::evidence::one_file(multipart, app::services::MAX_FILE_BYTES).await?;
        queries::add_file(&state.db, &state.storage, &scope, item_id, &upload).await
    }
    .await;
    match result {
        Ok(()) => Redirect::to(&back).into_response(),
        Err(AppError::NotFound) => StatusCode::NOT_FOUND.into_response(),
        Err(AppError::Unauthorized) => Redirect::to("/login").into_response(),
        Err(error) => {
            let code = match &error {
                AppError::Invalid(errors) => {
                    errors.first().map(|e| e.code.clone()).unwrap_or_default()
                }
                other => other.message_key().to_owned(),
            };
            Redirect::to(&format!(
                "{back}?form=files&e.file={}",
                app::kit::forms::encode_query(&code)
            ))
            .into_response()
        }
    }
}

/// An attachment of a service item: the provider's own (`/services/…`), or any for the
/// platform's reviewers (`PLATFORM`, `/platform/services/…`).
pub async fn download<const PLATFORM: bool>(
    State(state): State<AppState>,
    RealmOwner(owner): RealmOwner<PLATFORM>,
    Path((item_id, file_id)): Path<(i64, i64)>,
) -> Response {
    crate::evidence::send(
        &state,
        queries::file(&state.db, owner, item_id, file_id).await,
    )
    .await
}
