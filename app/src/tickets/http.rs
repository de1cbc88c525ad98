//! 在线创建工单 over plain HTTP (a multipart form with attachments, no JavaScript needed), the
//! tickets' attachments, and the external helpdesk's webhook.

use super::helpdesk::{signature_valid, Helpdesk};
use super::model::{TicketInput, MAX_FILES, MAX_FILE_BYTES};
use super::store;
use crate::kit::db::Db;
use crate::kit::error::AppError;
use crate::kit::files::Storage;
use crate::kit::multipart::FormPost;
use crate::kit::request::{Member, RealmOwner};
use axum::body::Bytes;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;

pub async fn create(
    State(db): State<Db>,
    State(storage): State<Storage>,
    State(helpdesk): State<Helpdesk>,
    Member { scope, .. }: Member,
    ip: Option<Extension<crate::kit::request::ClientIp>>,
    multipart: Multipart,
) -> Response {
    let form = match FormPost::with_files(multipart, MAX_FILES, MAX_FILE_BYTES).await {
        Ok(form) => form,
        Err(full) => return full,
    };
    let input = TicketInput {
        service_type: form.field("service_type"),
        support_category: form.field("support_category"),
        subject: form.field("subject"),
        details: form.field("details"),
        contact_name: form.field("contact_name"),
        contact_phone: form.field("contact_phone"),
        contact_email: form.field("contact_email"),
        company: form.field("company"),
    };
    let ip = ip.map(|Extension(ip)| ip.0).unwrap_or_default();
    let result = match form.files_within("ev.error.size") {
        Ok(files) => store::create(&db, &storage, &helpdesk, &scope, &ip, &input, files).await,
        Err(refused) => Err(refused),
    };
    match result {
        Ok(no) => Redirect::to(&format!("/tickets/{no}?created=1")).into_response(),
        Err(error) => crate::kit::multipart::back_to_form(
            "/tickets",
            "ticket-new",
            &error,
            &[
                ("service_type", &input.service_type),
                ("support_category", &input.support_category),
                ("subject", &input.subject),
                ("details", &input.details),
                ("contact_name", &input.contact_name),
                ("contact_phone", &input.contact_phone),
                ("contact_email", &input.contact_email),
                ("company", &input.company),
            ],
        ),
    }
}

/// A ticket's attachment: the provider's own (`/tickets/…`), or any for the platform
/// (`PLATFORM`, `/platform/tickets/…`).
pub async fn download<const PLATFORM: bool>(
    State(db): State<Db>,
    State(storage): State<Storage>,
    RealmOwner(owner): RealmOwner<PLATFORM>,
    Path((no, file_id)): Path<(String, i64)>,
) -> Response {
    crate::kit::multipart::send(&storage, store::file(&db, owner, &no, file_id).await).await
}

/// The external helpdesk says a ticket changed: a signed `{ticket_id}`; the ticket is then
/// read from the helpdesk itself.
pub async fn webhook(
    State(db): State<Db>,
    State(helpdesk): State<Helpdesk>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(secret) = helpdesk.webhook_secret() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let signature = headers
        .get("x-helpdesk-signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !signature_valid(secret, &body, signature) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    #[derive(serde::Deserialize)]
    struct Notice {
        ticket_id: serde_json::Value,
    }
    let Ok(notice) = serde_json::from_slice::<Notice>(&body) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let id = match notice.ticket_id {
        serde_json::Value::String(s) => s,
        serde_json::Value::Number(n) => n.to_string(),
        _ => return StatusCode::BAD_REQUEST.into_response(),
    };
    match store::refresh_external(&db, &helpdesk, &id).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(AppError::NotFound) => StatusCode::NOT_FOUND.into_response(),
        // Tell the helpdesk to try again later.
        Err(_) => StatusCode::SERVICE_UNAVAILABLE.into_response(),
    }
}
