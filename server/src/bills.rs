//! Bill exports and the bill document over plain HTTP (§6.1.4–6.1.5): CSV streamed as it is
//! read, XLSX streamed from a temporary file, the PDF drawn on request. The provider gets
//! its own bills (a foreign number is 404); the platform any.

use crate::{attachment, AppState};
use app::accounts::session::AuthContext;
use app::billing::export::{self, Target};
use app::billing::queries::{ListFilter, Owner};
use app::error::AppError;
use app::i18n::{locale_of_headers, Locale};
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use std::collections::HashMap;
use std::sync::OnceLock;
use tokio_stream::wrappers::ReceiverStream;
use tokio_stream::StreamExt;

type Auth = Option<Extension<AuthContext>>;

fn provider(auth: Auth) -> Result<Owner, AppError> {
    let auth = auth.ok_or(AppError::Unauthorized)?.0;
    let current = auth.provider.ok_or(AppError::Forbidden)?;
    Ok(Owner::Provider(current.provider_id))
}

fn platform(auth: Auth) -> Result<Owner, AppError> {
    let auth = auth.ok_or(AppError::Unauthorized)?.0;
    if auth.is_operator {
        Ok(Owner::Platform)
    } else {
        Err(AppError::Forbidden)
    }
}

fn refuse(error: AppError) -> Response {
    match error {
        AppError::Unauthorized => Redirect::to("/login").into_response(),
        other => other.status().into_response(),
    }
}

fn list_target(owner: Owner, query: &HashMap<String, String>) -> Result<Target, AppError> {
    let get = |k: &str| query.get(k).map(String::as_str).unwrap_or("");
    let mut filter = ListFilter::parse(get("status"), get("from"), get("to"), "")?;
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

/// A CSV or XLSX export of `target` as `owner` sees it.
async fn export(
    state: AppState,
    owner: Result<Owner, AppError>,
    target: impl FnOnce(Owner) -> Result<Target, AppError>,
    format: Format,
    locale: Locale,
) -> Response {
    let prepared = async {
        let owner = owner?;
        let target = target(owner)?;
        let stem = export::file_stem(&state.db, owner, &target).await?;
        Ok::<_, AppError>((owner, target, stem))
    }
    .await;
    let (owner, target, stem) = match prepared {
        Ok(prepared) => prepared,
        Err(error) => return refuse(error),
    };
    match format {
        Format::Csv => {
            let chunks = export::spawn_csv(state.db.clone(), owner, target, locale);
            // A failure after the first bytes can only cut the download short, visibly.
            let body = Body::from_stream(ReceiverStream::new(chunks).map(|chunk| {
                chunk.map(Bytes::from).map_err(|error| {
                    tracing::error!(?error, "a CSV export failed midway");
                    std::io::Error::other("export failed")
                })
            }));
            attachment(
                Response::new(body),
                &format!("{stem}.csv"),
                "text/csv; charset=utf-8",
            )
        }
        Format::Xlsx => {
            let file = match export::xlsx(state.db.clone(), owner, target, locale).await {
                Ok(file) => tokio::fs::File::from_std(file),
                Err(error) => return refuse(error),
            };
            let body = Body::from_stream(tokio_util::io::ReaderStream::new(file));
            attachment(
                Response::new(body),
                &format!("{stem}.xlsx"),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        }
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
    state: AppState,
    owner: Result<Owner, AppError>,
    no: String,
    locale: Locale,
) -> Response {
    let result = async {
        let owner = owner?;
        let doc = export::document(&state.db, owner, &no).await?;
        let font = font(&state.bill_font).await?;
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
        Err(error) => refuse(error),
    }
}

/// The caller as the route's realm wants it: `PLATFORM` routes live under /platform.
fn owner<const PLATFORM: bool>(auth: Auth) -> Result<Owner, AppError> {
    if PLATFORM {
        platform(auth)
    } else {
        provider(auth)
    }
}

type ListQuery = Query<HashMap<String, String>>;

pub async fn list_csv<const PLATFORM: bool>(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Query(q): ListQuery,
) -> Response {
    let target = |o| list_target(o, &q);
    let locale = locale_of_headers(&headers);
    export(state, owner::<PLATFORM>(auth), target, Format::Csv, locale).await
}

pub async fn list_xlsx<const PLATFORM: bool>(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Query(q): ListQuery,
) -> Response {
    let target = |o| list_target(o, &q);
    let locale = locale_of_headers(&headers);
    export(state, owner::<PLATFORM>(auth), target, Format::Xlsx, locale).await
}

pub async fn bill_csv<const PLATFORM: bool>(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(no): Path<String>,
) -> Response {
    let target = |_| Ok(Target::Bill(no));
    let locale = locale_of_headers(&headers);
    export(state, owner::<PLATFORM>(auth), target, Format::Csv, locale).await
}

pub async fn bill_xlsx<const PLATFORM: bool>(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(no): Path<String>,
) -> Response {
    let target = |_| Ok(Target::Bill(no));
    let locale = locale_of_headers(&headers);
    export(state, owner::<PLATFORM>(auth), target, Format::Xlsx, locale).await
}

pub async fn bill_pdf<const PLATFORM: bool>(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(no): Path<String>,
) -> Response {
    pdf(
        state,
        owner::<PLATFORM>(auth),
        no,
        locale_of_headers(&headers),
    )
    .await
}
