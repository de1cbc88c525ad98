//! Bill exports and the bill document over plain HTTP (§6.1.4–6.1.5): CSV streamed as it is
//! read, XLSX streamed from a temporary file, the PDF drawn on request. The provider gets
//! its own bills (a foreign number is 404); the platform any.

use super::export::{self, Target};
use super::store::ListFilter;
use crate::kit::db::{Db, Owner};
use crate::kit::error::AppError;
use crate::kit::files::attachment;
use crate::kit::i18n::{locale_of_headers, Locale};
use crate::kit::request::{RealmOwner, ViewerZone};
use crate::kit::time::Zone;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

/// Where the bill document's font (BILL_FONT) is: server state, handed to `bill_pdf`.
#[derive(Clone)]
pub struct BillFont(pub Arc<std::path::Path>);

fn list_target(owner: Owner, query: &HashMap<String, String>) -> Result<Target, AppError> {
    let get = |k: &str| query.get(k).map(String::as_str).unwrap_or("");
    let mut filter = ListFilter::parse(get("status"), get("from"), get("to"))?;
    if owner == Owner::Platform && !get("provider").is_empty() {
        filter.provider_id = Some(get("provider").parse().map_err(|_| AppError::BadRequest)?);
    }
    Ok(Target::List(filter))
}

#[derive(Clone, Copy)]
enum Format {
    Csv,
    Xlsx,
}

impl Format {
    fn of(xlsx: bool) -> Format {
        if xlsx {
            Format::Xlsx
        } else {
            Format::Csv
        }
    }
}

/// A CSV or XLSX export of `target` as `owner` sees it.
async fn export(
    db: Db,
    owner: Owner,
    target: impl FnOnce(Owner) -> Result<Target, AppError>,
    format: Format,
    locale: Locale,
    zone: Zone,
) -> Response {
    let prepared = async {
        let target = target(owner)?;
        let stem = export::file_stem(&db, owner, &target).await?;
        Ok::<_, AppError>((owner, target, stem))
    }
    .await;
    let (owner, target, stem) = match prepared {
        Ok(prepared) => prepared,
        Err(error) => return error.into_response(),
    };
    match format {
        Format::Csv => crate::kit::sheet::csv_download(
            &stem,
            export::spawn_csv(db.clone(), owner, target, locale, zone),
        ),
        Format::Xlsx => match export::xlsx(db.clone(), owner, target, locale, zone).await {
            Ok(file) => crate::kit::sheet::xlsx_download(&stem, file),
            Err(error) => error.into_response(),
        },
    }
}

/// The font, read once: a CJK font is several megabytes.
async fn font(path: &std::path::Path) -> Result<&'static [u8], AppError> {
    static FONT: OnceLock<Vec<u8>> = OnceLock::new();
    if let Some(bytes) = FONT.get() {
        return Ok(bytes);
    }
    let bytes = tokio::fs::read(path).await.map_err(|error| {
        tracing::error!(path = %path.display(), %error, "the bill font (BILL_FONT) cannot be read");
        AppError::Internal
    })?;
    Ok(FONT.get_or_init(|| bytes))
}

async fn pdf(
    db: Db,
    font_path: BillFont,
    owner: Owner,
    no: String,
    locale: Locale,
    zone: Zone,
) -> Response {
    let result = async {
        let doc = export::document(&db, owner, &no, &zone).await?;
        let font = font(&font_path.0).await?;
        tokio::task::spawn_blocking(move || {
            export::pdf(&doc, locale, font).map(|bytes| (doc.file_stem, bytes))
        })
        .await
        .map_err(|_| AppError::Internal)?
    }
    .await;
    match result {
        Ok((stem, bytes)) => attachment(
            Response::new(Body::from(bytes)),
            &format!("{stem}.pdf"),
            "application/pdf",
        ),
        Err(AppError::Internal) => (
            StatusCode::SERVICE_UNAVAILABLE,
            "the bill document cannot be drawn now",
        )
            .into_response(),
        Err(error) => error.into_response(),
    }
}

type ListQuery = Query<HashMap<String, String>>;

/// The bill list as the filters in the query select it: CSV, or XLSX (`XLSX`).
pub async fn list_export<const PLATFORM: bool, const XLSX: bool>(
    State(db): State<Db>,
    RealmOwner(owner): RealmOwner<PLATFORM>,
    ViewerZone(zone): ViewerZone,
    headers: HeaderMap,
    Query(q): ListQuery,
) -> Response {
    let target = |o| list_target(o, &q);
    let locale = locale_of_headers(&headers);
    export(db, owner, target, Format::of(XLSX), locale, zone).await
}

/// One bill with its lines: CSV, or XLSX (`XLSX`).
pub async fn bill_export<const PLATFORM: bool, const XLSX: bool>(
    State(db): State<Db>,
    RealmOwner(owner): RealmOwner<PLATFORM>,
    ViewerZone(zone): ViewerZone,
    headers: HeaderMap,
    Path(no): Path<String>,
) -> Response {
    let target = |_| Ok(Target::Bill(no));
    let locale = locale_of_headers(&headers);
    export(db, owner, target, Format::of(XLSX), locale, zone).await
}

pub async fn bill_pdf<const PLATFORM: bool>(
    State(db): State<Db>,
    State(font): State<BillFont>,
    RealmOwner(owner): RealmOwner<PLATFORM>,
    ViewerZone(zone): ViewerZone,
    headers: HeaderMap,
    Path(no): Path<String>,
) -> Response {
    pdf(db, font, owner, no, locale_of_headers(&headers), zone).await
}
