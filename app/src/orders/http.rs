//! The orders area's plain routes: the 服务工单 list's export as CSV or XLSX (under the list's
//! own filters); evidence files over plain HTTP (a multipart upload that works as a plain
//! form, downloads for the provider and for the customer's acceptance link, always
//! attachments with the type the content showed); the platform's 代客户验收 (a multipart
//! form with its evidence) and that evidence's downloads; and `POST /api/v1/orders`, the
//! marketplace's order intake, a JSON API authenticated with the platform API token (the
//! `Marketplace` extractor) and idempotent by order number (a repeated order answers 200
//! with `"created": false`).

use super::model::{sold_as, validate_order, ListFilter, OrderIn};
use super::store;
use super::store::intake::Stored;
use super::store::listing::spawn_export_rows;
use crate::kit::db::Db;
use crate::kit::error::AppError;
use crate::kit::files::Storage;
use crate::kit::i18n::locale_of_headers;
use crate::kit::multipart::{back_to_form, one_file, send, uploaded, FormPost};
use crate::kit::request::{api_error as error, Marketplace, Member, Operator};
use axum::body::Bytes;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use serde_json::json;
use std::collections::HashMap;

/// The columns of the export, in order (the cells `spawn_export_rows` sends).
const COLUMNS: [&str; 11] = [
    "wo.column.no",
    "wo.export.order_no",
    "wo.filter.buyer",
    "wo.column.item",
    "wo.column.implementation",
    "wo.column.unit_price",
    "wo.column.quantity",
    "wo.column.total",
    "wo.export.currency",
    "wo.column.created",
    "wo.column.status",
];

/// The member's work orders under the list's filters (status, dates, keyword, 购买公司, sort;
/// every page): CSV, or XLSX (`XLSX`), in the browser's language.
pub async fn export<const XLSX: bool>(
    State(db): State<Db>,
    Member { scope, auth }: Member,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let get = |key: &str| query.get(key).map(String::as_str).unwrap_or("");
    let zone = auth.time_zone;
    let filter = ListFilter::parse(
        get("status"),
        get("from"),
        get("to"),
        get("q"),
        get("sort"),
        "",
        &zone,
    )
    .and_then(|filter| filter.with_buyer(get("buyer")));
    let mut filter = match filter {
        Ok(filter) => filter,
        Err(error) => return error.into_response(),
    };
    filter.awaiting_stage = get("stage") == "awaiting_acceptance";
    let locale = locale_of_headers(&headers);
    // The times are the viewer's, as on the page; the header names their zone.
    let header = COLUMNS
        .iter()
        .map(|key| match *key {
            "wo.column.created" => zone.titled(locale.t(key)),
            key => locale.t(key).to_owned(),
        })
        .collect();
    let stem = format!("work_orders_{}", zone.today());
    let rows = spawn_export_rows(db, scope, filter, locale, zone);
    crate::kit::sheet::download(&stem, locale.t("nav.work_orders"), header, rows, XLSX).await
}

pub async fn upload(
    State(db): State<Db>,
    State(storage): State<Storage>,
    Member { scope, .. }: Member,
    Path((no, milestone_id)): Path<(String, i64)>,
    multipart: Multipart,
) -> Response {
    let back = format!("/orders/{no}");
    let result = async {
        let upload = one_file(multipart, store::evidence::MAX_BYTES).await?;
        store::evidence::add(&db, &storage, &scope, &no, milestone_id, &upload).await
    }
    .await;
    uploaded(result, &back, &format!("evidence-{milestone_id}"))
}

pub async fn download_for_provider(
    State(db): State<Db>,
    State(storage): State<Storage>,
    Member { scope, .. }: Member,
    Path((no, file_id)): Path<(String, i64)>,
) -> Response {
    send(
        &storage,
        store::evidence::for_provider(&db, &scope, &no, file_id).await,
    )
    .await
}

pub async fn download_for_platform(
    State(db): State<Db>,
    State(storage): State<Storage>,
    _operator: Operator,
    Path(file_id): Path<i64>,
) -> Response {
    send(&storage, store::evidence::for_platform(&db, file_id).await).await
}

pub async fn download_for_customer(
    State(db): State<Db>,
    State(storage): State<Storage>,
    Path((token, file_id)): Path<(String, i64)>,
) -> Response {
    let file = store::evidence::for_link(&db, &token, file_id).await;
    send(&storage, file).await
}

/// 代客户验收 as a plain multipart form (a reason and the evidence file): back to the
/// platform's home once recorded; refused, back to the form with each field's error and the
/// reason as typed.
pub async fn accept_on_behalf(
    State(db): State<Db>,
    State(storage): State<Storage>,
    State(settings): State<crate::kit::request::Settings>,
    Operator(auth): Operator,
    Path(milestone_id): Path<i64>,
    multipart: Multipart,
) -> Response {
    let form = FormPost::read(multipart, &["file"], 1, store::evidence::MAX_BYTES).await;
    if form.full {
        return crate::kit::multipart::storage_full();
    }
    let reason = form.field("reason");
    let result = if form.broken {
        Err(AppError::invalid(&[("file", "ev.error.size")]))
    } else {
        let upload = form.files.first().map(|(_, upload)| upload);
        store::behalf::accept_on_behalf(
            &db,
            &storage,
            &settings,
            auth.user_id,
            milestone_id,
            &reason,
            upload,
        )
        .await
    };
    match result {
        Ok(no) => Redirect::to(&format!(
            "/platform/stages/{milestone_id}/accept?done={}",
            crate::kit::forms::encode_query(&no)
        ))
        .into_response(),
        Err(AppError::NotFound) => StatusCode::NOT_FOUND.into_response(),
        Err(error) => back_to_form(
            &format!("/platform/stages/{milestone_id}/accept"),
            "on-behalf",
            &error,
            &[("reason", reason.trim())],
        ),
    }
}

/// A 代客户验收's evidence: the work order's provider's (`/orders/…`), or any for the
/// platform (`PLATFORM`, `/platform/acceptance-files/…`).
pub async fn on_behalf_evidence_for_provider(
    State(db): State<Db>,
    State(storage): State<Storage>,
    Member { scope, .. }: Member,
    Path((no, file_id)): Path<(String, i64)>,
) -> Response {
    let file = store::behalf::evidence_for_provider(&db, &scope, &no, file_id).await;
    send(&storage, file).await
}

pub async fn on_behalf_evidence_for_platform(
    State(db): State<Db>,
    State(storage): State<Storage>,
    _operator: Operator,
    Path(file_id): Path<i64>,
) -> Response {
    send(
        &storage,
        store::behalf::evidence_for_platform(&db, file_id).await,
    )
    .await
}

/// The body limit of the upload route: the file plus the multipart framing.
pub const UPLOAD_LIMIT: usize = store::evidence::MAX_BYTES + 64 * 1024;

/// `POST /api/v1/orders`: the marketplace's order, stored with its work orders once.
pub async fn create_order(State(db): State<Db>, _: Marketplace, body: Bytes) -> Response {
    let order: OrderIn = match serde_json::from_slice(&body) {
        Ok(order) => order,
        Err(e) => {
            return error(
                StatusCode::BAD_REQUEST,
                &format!("the body is not an order: {e}"),
            )
        }
    };
    let refuse = |errors: Vec<(String, &str)>| {
        let errors: Vec<_> = errors
            .iter()
            .map(|(field, code)| json!({ "field": field, "code": code }))
            .collect();
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(json!({ "errors": errors })),
        )
            .into_response()
    };
    let mut work_orders = match validate_order(&order) {
        Ok(valid) => valid,
        Err(errors) => return refuse(errors),
    };
    // Work orders naming catalogue entries are sold as their plans say, or refused.
    let plans = match store::intake::sold_plans(&db, &work_orders).await {
        Ok(plans) => plans,
        Err(e) => return error(e.status(), "the catalogue could not be read"),
    };
    if let Err(errors) = sold_as(&mut work_orders, &plans) {
        // A repeated order answers as stored (200), even once its entries have left the
        // catalogue: the store finds its number taken and stores nothing.
        match store::intake::exists(&db, &order.order_no).await {
            Ok(true) => {}
            Ok(false) => return refuse(errors),
            Err(e) => return error(e.status(), "the order could not be read"),
        }
    }
    match store::intake::store(&db, &order, &work_orders, None).await {
        Ok(stored) => {
            let created = stored == Stored::Created;
            let status = if created {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            let numbers: Vec<&str> = order
                .work_orders
                .iter()
                .map(|w| w.work_order_no.as_str())
                .collect();
            (status, Json(json!({ "order_no": order.order_no, "created": created, "work_orders": numbers })))
                .into_response()
        }
        Err(AppError::Invalid(errors)) => {
            (StatusCode::CONFLICT, Json(json!({ "errors": errors }))).into_response()
        }
        Err(e) => error(e.status(), "the order could not be stored"),
    }
}
