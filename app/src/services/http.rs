//! Service item attachments over plain HTTP: a multipart upload that works as a plain form,
//! and downloads for the provider and the platform's reviewers, always as attachments. And
//! `GET /api/v1/catalogue`, the published catalogue for the marketplace (platform API token).

use super::{store, MAX_FILE_BYTES};
use crate::kit::db::Db;
use crate::kit::files::Storage;
use crate::kit::request::{Member, RealmOwner};
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;

/// Items per page of the catalogue API: 50 unless asked, at most 200.
const CATALOGUE_PAGE: i64 = 50;
const CATALOGUE_PAGE_MAX: i64 = 200;

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

/// `GET /api/v1/catalogue?after=<id>&limit=<n>`: the listed items after item `after`, in id
/// order, and the path of the next page (`next`, null on the last). Revalidated by ETag.
pub async fn catalogue(
    State(db): State<Db>,
    _: crate::kit::request::Marketplace,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    use crate::kit::request::{api_error, json_with_etag};
    let number = |name: &str, default: i64, min: i64, max: i64| match query.get(name) {
        None => Ok(default),
        Some(text) => text
            .parse::<i64>()
            .ok()
            .filter(|n| (min..=max).contains(n))
            .ok_or_else(|| format!("{name} must be a whole number from {min} to {max}")),
    };
    let (after, limit) = match (
        number("after", 0, 0, i64::MAX),
        number("limit", CATALOGUE_PAGE, 1, CATALOGUE_PAGE_MAX),
    ) {
        (Ok(after), Ok(limit)) => (after, limit),
        (Err(message), _) | (_, Err(message)) => {
            return api_error(StatusCode::BAD_REQUEST, &message)
        }
    };
    // One more than asked says whether a next page exists.
    let mut items = match store::published::published(&db, after, limit + 1).await {
        Ok(items) => items,
        Err(error) => return error.into_response(),
    };
    let next = (items.len() as i64 > limit).then(|| {
        items.truncate(limit as usize);
        let last = items.last().map_or(after, |item| item.id);
        format!("/api/v1/catalogue?after={last}&limit={limit}")
    });
    #[derive(serde::Serialize)]
    struct Page<'a> {
        items: &'a [super::CatalogueItem],
        next: Option<String>,
    }
    match serde_json::to_vec(&Page {
        items: &items,
        next,
    }) {
        Ok(body) => json_with_etag(&headers, body),
        Err(_) => crate::kit::error::AppError::Internal.into_response(),
    }
}
