//! 注册 step 1 over plain HTTP (a multipart form with the qualification files, no
//! JavaScript needed) and the platform's download of those files.

use crate::AppState;
use app::accounts::registration::ssr::start;
use app::accounts::registration::MAX_FILES;
use app::kit::error::AppError;
use app::kit::request::AuthContext;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;

pub async fn upload(State(state): State<AppState>, multipart: Multipart) -> Response {
    let form = app::kit::multipart::FormPost::read(
        multipart,
        &["files"],
        MAX_FILES + 1,
        app::accounts::registration::MAX_FILE_BYTES,
    )
    .await;
    if form.full {
        return app::kit::multipart::storage_full();
    }
    let too_large = form.broken;
    let company_name = form.field("company_name");
    let responsible_person = form.field("responsible_person");
    let files = form.uploads();
    let result = if too_large {
        Err(AppError::invalid(&[(
            "files",
            "registration.error.file_size",
        )]))
    } else {
        start(
            &state.db,
            &state.storage,
            &company_name,
            &responsible_person,
            files,
        )
        .await
    };
    match result {
        Ok(token) => Redirect::to(&format!("/register/{token}")).into_response(),
        Err(error) => app::kit::multipart::back_to_form(
            "/register",
            "company",
            &error,
            &[
                ("company_name", &company_name),
                ("responsible_person", &responsible_person),
            ],
        ),
    }
}

/// A qualification file, for platform operators only; always an attachment.
pub async fn download(
    State(state): State<AppState>,
    auth: Option<Extension<AuthContext>>,
    Path((id, file_id)): Path<(i64, i64)>,
) -> Response {
    if !auth.is_some_and(|a| a.is_operator) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let (name, content_type, key) =
        match app::accounts::registration::ssr::file(&state.db, id, file_id).await {
            Ok(file) => file,
            Err(error) => return error.status().into_response(),
        };
    app::kit::files::download(&state.storage, &key, &name, &content_type).await
}
