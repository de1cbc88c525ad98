//! `POST /api/v1/orders`: the marketplace's order intake, a plain JSON API authenticated with
//! the platform API token. Idempotent by order number: a repeated order answers 200 with
//! `"created": false` and changes nothing.

use crate::AppState;
use app::kit::error::AppError;
use app::orders::model::{validate_order, OrderIn};
use app::orders::store::intake::{self, Stored};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;
use sha2::{Digest, Sha256};

fn error(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "error": message }))).into_response()
}

/// Compares digests, so the time taken says nothing about how much of the token matched.
fn token_matches(given: &str, expected: &str) -> bool {
    Sha256::digest(given.as_bytes()) == Sha256::digest(expected.as_bytes())
}

pub async fn create_order(
    State(state): State<AppState>,
    client: axum::Extension<app::kit::request::ClientIp>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(expected) = state.api_token.as_deref() else {
        return error(
            StatusCode::SERVICE_UNAVAILABLE,
            "the intake API is disabled (PLATFORM_API_TOKEN is not set)",
        );
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    if !token_matches(given, expected) {
        // Guessing tokens is throttled per client address; the marketplace's own calls
        // (right token) never are.
        if let Err(wait) = state
            .throttle
            .check(crate::throttle::Class::BadToken, &client.0 .0)
        {
            return crate::throttle::too_many(wait);
        }
        let mut response = error(
            StatusCode::UNAUTHORIZED,
            "a valid platform API token is required",
        );
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            header::HeaderValue::from_static("Bearer"),
        );
        return response;
    }
    let order: OrderIn = match serde_json::from_slice(&body) {
        Ok(order) => order,
        Err(e) => {
            return error(
                StatusCode::BAD_REQUEST,
                &format!("the body is not an order: {e}"),
            )
        }
    };
    let work_orders = match validate_order(&order) {
        Ok(valid) => valid,
        Err(errors) => {
            let errors: Vec<_> = errors
                .iter()
                .map(|(field, code)| json!({ "field": field, "code": code }))
                .collect();
            return (
                StatusCode::UNPROCESSABLE_ENTITY,
                Json(json!({ "errors": errors })),
            )
                .into_response();
        }
    };
    match intake::store(&state.db, &order, &work_orders, None).await {
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

#[cfg(test)]
mod tests {
    #[test]
    fn tokens_compare_whole() {
        assert!(super::token_matches("s3cret", "s3cret"));
        assert!(!super::token_matches("s3cre", "s3cret"));
        assert!(!super::token_matches("", "s3cret"));
    }
}
