//! Service item attachments over plain HTTP: a multipart upload that works as a plain form,
//! and downloads for the provider and the platform's reviewers, always as attachments.

use crate::AppState;
use app::accounts::session::AuthContext;
use app::error::AppError;
use app::services::queries::{self, Owner};
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;

pub async fn upload(
    State(state): State<AppState>,
    auth: Option<Extension<AuthContext>>,
    Path(item_id): Path<i64>,
    multipart: Multipart,
) -> Response {
    let back = format!("/services/{item_id}");
    let result = async {
        let scope = crate::evidence::scope(auth)?;
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
                app::accounts::encode_query(&code)
            ))
            .into_response()
        }
    }
}

async fn send(
    state: &AppState,
    owner: Result<Owner, AppError>,
    item_id: i64,
    file_id: i64,
) -> Response {
    let file = match owner {
        Ok(owner) => queries::file(&state.db, owner, item_id, file_id).await,
        Err(error) => Err(error),
    };
    crate::evidence::send(state, file).await
}

pub async fn download_for_provider(
    State(state): State<AppState>,
    auth: Option<Extension<AuthContext>>,
    Path((item_id, file_id)): Path<(i64, i64)>,
) -> Response {
    let owner = crate::evidence::scope(auth).map(|s| Owner::Provider(s.provider_id));
    send(&state, owner, item_id, file_id).await
}

pub async fn download_for_platform(
    State(state): State<AppState>,
    auth: Option<Extension<AuthContext>>,
    Path((item_id, file_id)): Path<(i64, i64)>,
) -> Response {
    let owner = match auth {
        None => Err(AppError::Unauthorized),
        Some(auth) if auth.0.is_operator => Ok(Owner::Platform),
        Some(_) => Err(AppError::Forbidden),
    };
    send(&state, owner, item_id, file_id).await
}
