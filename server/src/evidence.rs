//! Evidence files over plain HTTP: a multipart upload that works as a plain form, and
//! downloads for the provider (session) and the customer (acceptance link). Downloads are
//! always attachments with the type the content showed, never rendered by the browser.

use crate::AppState;
use app::kit::multipart::{one_file, send, uploaded};
use app::kit::request::Member;
use app::orders::store::evidence::{self, MAX_BYTES};
use axum::extract::{Multipart, Path, State};
use axum::response::Response;

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

pub async fn download_for_provider(
    State(state): State<AppState>,
    Member { scope, .. }: Member,
    Path((no, file_id)): Path<(String, i64)>,
) -> Response {
    send(
        &state.storage,
        evidence::for_provider(&state.db, &scope, &no, file_id).await,
    )
    .await
}

pub async fn download_for_customer(
    State(state): State<AppState>,
    Path((token, file_id)): Path<(String, i64)>,
) -> Response {
    let file = evidence::for_link(&state.db, &token, file_id).await;
    send(&state.storage, file).await
}

/// The body limit of the upload route: the file plus the multipart framing.
pub const UPLOAD_LIMIT: usize = MAX_BYTES + 64 * 1024;
