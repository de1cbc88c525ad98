//! Typed path parameters: a route's `:id` as a number, `:no` or `:token` as text. A malformed
//! one reads as 0 or empty, which finds nothing, so the page shows its not-found state.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// The path parameter `name` as a record id, tracked.
pub fn path_id(name: &'static str) -> impl Fn() -> i64 + Copy + Send + Sync + 'static {
    let params = use_params_map();
    move || {
        params
            .read()
            .get(name)
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    }
}

/// The path parameter `name` as text, tracked.
pub fn path_text(name: &'static str) -> impl Fn() -> String + Copy + Send + Sync + 'static {
    let params = use_params_map();
    move || params.read().get(name).unwrap_or_default()
}
