//! 操作日志 as CSV: the same selection as the page, one query streamed as its rows are read
//! (no page of it is counted or skipped). The provider's admins and co-admins get their provider's log, the platform all.

use super::model::{action_label, AuditFilter};
use super::store::activity;
use crate::kit::csv::csv_record;
use crate::kit::db::Db;
use crate::kit::i18n::locale_of_headers;
use crate::kit::request::{AuthContext, ViewerZone};
use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use std::collections::HashMap;
use tokio_stream::wrappers::ReceiverStream;

/// The most rows one export carries; narrow the dates for more.
const MAX_ROWS: i64 = 200_000;
/// Bytes gathered before a write to the response.
const CHUNK: usize = 64 * 1024;

pub async fn csv<const PLATFORM: bool>(
    State(db): State<Db>,
    auth: Option<Extension<AuthContext>>,
    ViewerZone(zone): ViewerZone,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let realm = match auth {
        None => return Redirect::to("/login").into_response(),
        Some(Extension(auth)) if PLATFORM => {
            if !auth.is_operator {
                return StatusCode::FORBIDDEN.into_response();
            }
            None
        }
        Some(Extension(auth)) => match auth.provider {
            Some(p) if p.role.may_manage_users() => Some(p.provider_id),
            _ => return StatusCode::FORBIDDEN.into_response(),
        },
    };
    let get = |k: &str| query.get(k).map(String::as_str).unwrap_or("");
    let mut filter = match AuditFilter::parse(
        get("provider"),
        get("actor"),
        get("action"),
        get("from"),
        get("to"),
        &zone,
    ) {
        Ok(filter) => filter,
        Err(error) => return error.status().into_response(),
    };
    let scope = match realm {
        Some(id) => Some(id),
        None => filter.provider_id.take(),
    };
    let locale = locale_of_headers(&headers);
    let head: Vec<String> = [
        "audit.at",
        "bill.provider",
        "audit.actor",
        "audit.action",
        "audit.target",
        "audit.detail",
    ]
    .into_iter()
    .map(|k| match k {
        // The times are the viewer's, as on the page; the header names their zone.
        "audit.at" => zone.titled(locale.t(k)),
        k => locale.t(k).to_owned(),
    })
    .chain(["IP".to_owned()])
    .collect();
    let mut first = String::from("\u{feff}");
    csv_record(&mut first, &head);
    let (sender, receiver) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    tokio::spawn(async move {
        if sender.send(Ok(Bytes::from(first))).await.is_err() {
            return;
        }
        let mut rows = activity::spawn_selection(db, scope, filter, MAX_ROWS, zone);
        let mut chunk = String::with_capacity(CHUNK + 1024);
        while let Some(row) = rows.recv().await {
            let r = match row {
                Ok(r) => r,
                Err(error) => {
                    tracing::error!(%error, "audit export");
                    let _ = sender.send(Err(std::io::Error::other("database"))).await;
                    return;
                }
            };
            let action = action_label(locale, &r.action);
            csv_record(
                &mut chunk,
                &[
                    &r.at,
                    &r.provider,
                    &r.actor,
                    &action,
                    &r.target,
                    &r.detail,
                    &r.ip,
                ],
            );
            if chunk.len() >= CHUNK {
                let full = std::mem::replace(&mut chunk, String::with_capacity(CHUNK + 1024));
                if sender.send(Ok(Bytes::from(full))).await.is_err() {
                    return;
                }
            }
        }
        if !chunk.is_empty() {
            let _ = sender.send(Ok(Bytes::from(chunk))).await;
        }
    });
    let mut response = Body::from_stream(ReceiverStream::new(receiver)).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"audit-log.csv\""),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    response
}
