//! The platform's 操作日志: every provider's audit log, with the provider as a filter.

use super::pages::AuditLogPage;
use leptos::prelude::*;

#[component]
pub fn PlatformAuditLogPage() -> impl IntoView {
    view! { <AuditLogPage platform=true /> }
}
