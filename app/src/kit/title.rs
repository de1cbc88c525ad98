//! The document title every page sets.

use leptos::prelude::*;

use crate::kit::i18n::use_locale;

/// The document title: the page's own name, then the portal's. Each page sets the whole text
/// over `App`'s plain portal name, rather than `App` holding a `<Title formatter>` with no
/// text: with that, leptos_meta blanked the title (the tab's, the one screen readers announce)
/// whenever no page title was mounted — while the next page's data loaded.
#[component]
pub fn PageTitle(#[prop(into)] text: String) -> impl IntoView {
    let app = use_locale().t("app.name");
    view! { <leptos_meta::Title text=format!("{text} · {app}") /> }
}
