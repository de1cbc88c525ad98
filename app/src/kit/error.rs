//! The application's one error type: what a server function may fail with, as the browser
//! sees it. Internals (SQL text, I/O errors) are logged on the server and never serialized.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// One field's validation failure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub code: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("not signed in")]
    Unauthorized,
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    /// The request itself was malformed (arguments that do not decode).
    #[error("bad request")]
    BadRequest,
    /// Fields failed validation; each code is a translation key shown next to its field.
    #[error("invalid input: {0:?}")]
    Invalid(Vec<FieldError>),
    /// The record is not in a state that allows this (another user or a double click
    /// got there first); the code is a translation key.
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("internal error")]
    Internal,
    /// The database cannot be reached just now (restarting, failing over): try again soon.
    #[error("unavailable")]
    Unavailable,
    /// The disk (or quota) for stored files is full: nothing was kept; an operator must act.
    #[error("storage full")]
    StorageFull,
    /// The request never reached our code or its answer could not be read.
    #[error("request failed: {0}")]
    Transport(String),
}

impl AppError {
    pub fn invalid(errors: &[(&str, &str)]) -> Self {
        AppError::Invalid(
            errors
                .iter()
                .map(|(field, code)| FieldError {
                    field: (*field).to_owned(),
                    code: (*code).to_owned(),
                })
                .collect(),
        )
    }

    pub fn status(&self) -> http::StatusCode {
        use http::StatusCode as S;
        match self {
            AppError::Unauthorized => S::UNAUTHORIZED,
            AppError::Forbidden => S::FORBIDDEN,
            AppError::NotFound => S::NOT_FOUND,
            AppError::BadRequest => S::BAD_REQUEST,
            AppError::Invalid(_) => S::UNPROCESSABLE_ENTITY,
            AppError::Conflict(_) => S::CONFLICT,
            AppError::Internal => S::INTERNAL_SERVER_ERROR,
            AppError::Unavailable => S::SERVICE_UNAVAILABLE,
            AppError::StorageFull => S::INSUFFICIENT_STORAGE,
            AppError::Transport(_) => S::BAD_GATEWAY,
        }
    }

    /// Translation key of the message a user sees.
    pub fn message_key(&self) -> &str {
        match self {
            AppError::Unauthorized => "error.unauthorized",
            AppError::Forbidden => "error.forbidden",
            AppError::NotFound => "error.not_found",
            AppError::BadRequest => "error.bad_request",
            AppError::Invalid(_) => "form.invalid",
            AppError::Conflict(code) => code,
            AppError::Internal => "error.internal",
            AppError::Unavailable => "error.unavailable",
            AppError::StorageFull => "error.storage_full",
            AppError::Transport(_) => "error.transport",
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::MissingArg(_)
            | ServerFnErrorErr::Deserialization(_)
            | ServerFnErrorErr::UnsupportedRequestMethod(_) => AppError::BadRequest,
            other => AppError::Transport(other.to_string()),
        }
    }
}

/// An error as a plain route's answer: a visitor without a session signs in first; anything
/// else is its status (the body says nothing a probe could use).
#[cfg(feature = "ssr")]
impl axum::response::IntoResponse for AppError {
    fn into_response(self) -> axum::response::Response {
        match self {
            AppError::Unauthorized => axum::response::Redirect::to("/login").into_response(),
            AppError::Unavailable => (
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                [(axum::http::header::RETRY_AFTER, "5")],
            )
                .into_response(),
            other => other.status().into_response(),
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        match error {
            sqlx::Error::RowNotFound => AppError::NotFound,
            // No connection to be had: the database is away, not the request wrong.
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
                tracing::warn!(%error, "database unreachable");
                AppError::Unavailable
            }
            other => {
                tracing::error!(error = %other, "database error");
                AppError::Internal
            }
        }
    }
}
