//! The 服务工单 list's plain routes: its export as CSV or XLSX, under the list's own filters.

use super::model::ListFilter;
use super::store::listing::spawn_export_rows;
use crate::kit::db::Db;
use crate::kit::i18n::locale_of_headers;
use crate::kit::request::Member;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
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
    Member { scope, .. }: Member,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let get = |key: &str| query.get(key).map(String::as_str).unwrap_or("");
    let filter = ListFilter::parse(
        get("status"),
        get("from"),
        get("to"),
        get("q"),
        get("sort"),
        "",
    )
    .and_then(|filter| filter.with_buyer(get("buyer")));
    let mut filter = match filter {
        Ok(filter) => filter,
        Err(error) => return error.into_response(),
    };
    filter.awaiting_stage = get("stage") == "awaiting_acceptance";
    let locale = locale_of_headers(&headers);
    let header = COLUMNS.iter().map(|key| locale.t(key).to_owned()).collect();
    let stem = format!("work_orders_{}", crate::kit::time::today());
    let rows = spawn_export_rows(db, scope, filter, locale);
    crate::kit::sheet::download(&stem, locale.t("nav.work_orders"), header, rows, XLSX).await
}
