//! 立即申请 over plain HTTP (a multipart form with supporting files, no JavaScript needed)
//! and the downloads of those files for the applying provider and the platform.

use super::model::{ApplicationInput, MAX_FILES, MAX_FILE_BYTES};
use super::store;
use crate::kit::db::Db;
use crate::kit::error::AppError;
use crate::kit::files::Storage;
use crate::kit::multipart::FormPost;
use crate::kit::request::{Member, RealmOwner};
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;

pub async fn apply(
    State(db): State<Db>,
    State(storage): State<Storage>,
    Member { scope, .. }: Member,
    ip: Option<Extension<crate::kit::request::ClientIp>>,
    multipart: Multipart,
) -> Response {
    let form = match FormPost::with_files(multipart, MAX_FILES, MAX_FILE_BYTES).await {
        Ok(form) => form,
        Err(full) => return full,
    };
    let input = ApplicationInput {
        tier_id: form.field("tier_id"),
        reason: form.field("reason"),
        contact_name: form.field("contact_name"),
        contact_phone: form.field("contact_phone"),
        contact_email: form.field("contact_email"),
    };
    let ip = ip.map(|Extension(ip)| ip.0).unwrap_or_default();
    let result = match form.files_within("ev.error.size") {
        Ok(files) => store::apply(&db, &storage, &scope, &ip, &input, files).await,
        Err(refused) => Err(refused),
    };
    match result {
        Ok(()) => Redirect::to("/tiers?applied=1").into_response(),
        Err(AppError::Forbidden) => StatusCode::FORBIDDEN.into_response(),
        Err(error) => crate::kit::multipart::back_to_form(
            "/tiers",
            "tier-apply",
            &error,
            &[
                ("tier_id", &input.tier_id),
                ("reason", &input.reason),
                ("contact_name", &input.contact_name),
                ("contact_phone", &input.contact_phone),
                ("contact_email", &input.contact_email),
            ],
        ),
    }
}

/// A supporting file of a tier application, for the platform's reviewers.
pub async fn download_for_platform(
    State(db): State<Db>,
    State(storage): State<Storage>,
    RealmOwner(owner): RealmOwner<true>,
    Path((id, file_id)): Path<(i64, i64)>,
) -> Response {
    crate::kit::multipart::send(&storage, store::file(&db, owner, id, file_id).await).await
}
