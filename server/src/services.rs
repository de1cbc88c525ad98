//! Service item attachments over plain HTTP: a multipart upload that works as a plain form,
//! and downloads for the provider and the platform's reviewers, always as attachments.

use crate::AppState;
use app::kit::request::{Member, RealmOwner};
use app::services::queries;
use axum::extract::{Multipart, Path, State};
use axum::response::Response;

pub async fn upload(
    State(state): State<AppState>,
    Member { scope, .. }: Member,
    Path(item_id): Path<i64>,
    multipart: Multipart,
) -> Response {
    let back = format!("/services/{item_id}");
    let result = async {
        let upload =
            app::kit::multipart::one_file(multipart, app::services::MAX_FILE_BYTES).await?;
        queries::add_file(&state.db, &state.storage, &scope, item_id, &upload).await
    }
    .await;
    app::kit::multipart::uploaded(result, &back, "files")
}

/// An attachment of a service item: the provider's own (`/services/…`), or any for the
/// platform's reviewers (`PLATFORM`, `/platform/services/…`).
pub async fn download<const PLATFORM: bool>(
    State(state): State<AppState>,
    RealmOwner(owner): RealmOwner<PLATFORM>,
    Path((item_id, file_id)): Path<(i64, i64)>,
) -> Response {
    app::kit::multipart::send(
        &state.storage,
        queries::file(&state.db, owner, item_id, file_id).await,
    )
    .await
}
