//! Service item attachments over plain HTTP: a multipart upload that works as a plain form,
//! and downloads for the provider and the platform's reviewers, always as attachments.

use super::{store, MAX_FILE_BYTES};
use crate::kit::db::Db;
use crate::kit::files::Storage;
use crate::kit::request::{Member, RealmOwner};
use axum::extract::{Multipart, Path, State};
use axum::response::Response;

pub async fn upload(
    State(db): State<Db>,
    State(storage): State<Storage>,
    Member { scope, .. }: Member,
    Path(item_id): Path<i64>,
    multipart: Multipart,
) -> Response {
    let back = format!("/services/{item_id}");
    let result = async {
        let upload = crate::kit::multipart::one_file(multipart, MAX_FILE_BYTES).await?;
        store::add_file(&db, &storage, &scope, item_id, &upload).await
    }
    .await;
    crate::kit::multipart::uploaded(result, &back, "files")
}

/// An attachment of a service item: the provider's own (`/services/…`), or any for the
/// platform's reviewers (`PLATFORM`, `/platform/services/…`).
pub async fn download<const PLATFORM: bool>(
    State(db): State<Db>,
    State(storage): State<Storage>,
    RealmOwner(owner): RealmOwner<PLATFORM>,
    Path((item_id, file_id)): Path<(i64, i64)>,
) -> Response {
    crate::kit::multipart::send(&storage, store::file(&db, owner, item_id, file_id).await).await
}
