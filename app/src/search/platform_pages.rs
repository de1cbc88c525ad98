//! 基础搜索 for an operator: the provider's page, over every provider.

use super::pages::SearchView;
use leptos::prelude::*;

#[component]
pub fn PlatformSearchPage() -> impl IntoView {
    view! { <SearchView platform=true /> }
}
