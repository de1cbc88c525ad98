//! 注册 step 1 over plain HTTP (a multipart form with the qualification files, no
//! JavaScript needed) and the platform's download of those files.

use super::model::{check_company, check_files, MAX_FILES, MAX_FILE_BYTES};
use super::store::{self, Upload};
use crate::kit::db::Db;
use crate::kit::error::AppError;
use crate::kit::files::{sniff, Storage};
use crate::kit::multipart::FormPost;
use crate::kit::request::AuthContext;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;

pub async fn upload(
    State(db): State<Db>,
    State(storage): State<Storage>,
    multipart: Multipart,
) -> Response {
    let form = match FormPost::with_files(multipart, MAX_FILES, MAX_FILE_BYTES).await {
        Ok(form) => form,
        Err(full) => return full,
    };
    let company_name = form.field("company_name");
    let responsible_person = form.field("responsible_person");
    let result = match form.files_within("registration.error.file_size") {
        Ok(files) => start(&db, &storage, &company_name, &responsible_person, files).await,
        Err(refused) => Err(refused),
    };
    match result {
        Ok(token) => Redirect::to(&format!("/register/{token}")).into_response(),
        Err(error) => crate::kit::multipart::back_to_form(
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

/// Step 1: checks the company and its files, stores them, and returns the token of the
/// link that continues with step 2.
async fn start(
    db: &Db,
    storage: &Storage,
    company_name: &str,
    responsible_person: &str,
    files: Vec<Upload>,
) -> Result<String, AppError> {
    let mut errors = check_company(company_name, responsible_person);
    let files: Vec<Upload> = files.into_iter().filter(|f| !f.is_empty()).collect();
    let judged: Vec<(usize, Option<&'static str>)> =
        files.iter().map(|f| (f.len(), sniff(f.head()))).collect();
    let types = check_files(&judged).unwrap_or_else(|code| {
        errors.push(("files", code));
        Vec::new()
    });
    if errors.is_empty() && store::name_taken(db, company_name.trim()).await? {
        errors.push(("company_name", "registration.error.name_taken"));
    }
    if !errors.is_empty() {
        return Err(AppError::invalid(&errors));
    }
    store::create(
        db,
        storage,
        company_name.trim(),
        responsible_person.trim(),
        &files,
        &types,
    )
    .await
}

/// A qualification file, for platform operators only; always an attachment.
pub async fn download(
    State(db): State<Db>,
    State(storage): State<Storage>,
    auth: Option<Extension<AuthContext>>,
    Path((id, file_id)): Path<(i64, i64)>,
) -> Response {
    if !auth.is_some_and(|a| a.is_operator) {
        return StatusCode::NOT_FOUND.into_response();
    }
    crate::kit::multipart::send(&storage, store::file(&db, id, file_id).await).await
}
