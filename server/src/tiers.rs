//! 立即申请 over plain HTTP (a multipart form with supporting files, no JavaScript needed)
//! and the downloads of those files for the applying provider and the platform.

use crate::AppState;
use app::accounts::session::AuthContext;
use app::error::AppError;
use app::tiers::queries::{self, ApplicationInput, Owner, Upload};
use app::tiers::MAX_FILES;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;

pub async fn apply(
    State(state): State<AppState>,
    auth: Option<Extension<AuthContext>>,
    ip: Option<Extension<app::scope::ClientIp>>,
    mut multipart: Multipart,
) -> Response {
    let scope = match crate::evidence::scope(auth) {
        Ok(scope) => scope,
        Err(AppError::Unauthorized) => return Redirect::to("/login").into_response(),
        Err(error) => return error.status().into_response(),
    };
    let mut input = ApplicationInput::default();
    let mut files = Vec::new();
    let mut too_large = false;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(_) => {
                too_large = true;
                break;
            }
        };
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "files" if files.len() <= MAX_FILES => {
                let file_name = field.file_name().unwrap_or("file").to_owned();
                match field.bytes().await {
                    Ok(bytes) => files.push(Upload {
                        name: file_name,
                        bytes: bytes.to_vec(),
                    }),
                    Err(_) => too_large = true,
                }
            }
            "tier_id" | "reason" | "contact_name" | "contact_phone" | "contact_email" => {
                let text = field.text().await.unwrap_or_default();
                match name.as_str() {
                    "tier_id" => input.tier_id = text,
                    "reason" => input.reason = text,
                    "contact_name" => input.contact_name = text,
                    "contact_phone" => input.contact_phone = text,
                    _ => input.contact_email = text,
                }
            }
            _ => {}
        }
    }
    let ip = ip.map(|Extension(ip)| ip.0).unwrap_or_default();
    let result = if too_large {
        Err(AppError::invalid(&[("files", "ev.error.size")]))
    } else {
        queries::apply(&state.db, &state.storage, &scope, &ip, &input, files).await
    };
    match result {
        Ok(()) => Redirect::to("/tiers?applied=1").into_response(),
        Err(AppError::Forbidden) => StatusCode::FORBIDDEN.into_response(),
        Err(error) => {
            let mut url = String::from("/tiers?form=tier-apply");
            match &error {
                AppError::Invalid(errors) => {
                    for e in errors {
                        url.push_str(&format!(
                            "&e.{}={}",
                            e.field,
                            app::accounts::encode_query(&e.code)
                        ));
                    }
                }
                other => url.push_str(&format!(
                    "&e._={}",
                    app::accounts::encode_query(other.message_key())
                )),
            }
            for (field, value) in [
                ("tier_id", &input.tier_id),
                ("reason", &input.reason),
                ("contact_name", &input.contact_name),
                ("contact_phone", &input.contact_phone),
                ("contact_email", &input.contact_email),
            ] {
                let value: String = value.chars().take(1000).collect();
                url.push_str(&format!(
                    "&v.{field}={}",
                    app::accounts::encode_query(&value)
                ));
            }
            Redirect::to(&url).into_response()
        }
    }
}

async fn send(state: &AppState, owner: Result<Owner, AppError>, id: i64, file_id: i64) -> Response {
    let file = match owner {
        Ok(owner) => queries::file(&state.db, owner, id, file_id).await,
        Err(error) => Err(error),
    };
    let file = match file {
        Ok(file) => file,
        Err(error) => return error.status().into_response(),
    };
    let Ok(bytes) = state.storage.get(&file.storage_key).await else {
        tracing::error!(key = %file.storage_key, "a tier application file is missing from storage");
        return StatusCode::NOT_FOUND.into_response();
    };
    crate::attachment(bytes.into_response(), &file.name, &file.content_type)
}

pub async fn download_for_platform(
    State(state): State<AppState>,
    auth: Option<Extension<AuthContext>>,
    Path((id, file_id)): Path<(i64, i64)>,
) -> Response {
    let owner = match auth {
        Some(auth) if auth.0.is_operator => Ok(Owner::Platform),
        Some(_) => Err(AppError::Forbidden),
        None => Err(AppError::Unauthorized),
    };
    send(&state, owner, id, file_id).await
}
