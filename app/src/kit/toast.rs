//! Toasts: a short message that an action succeeded, shown for a few seconds at the corner of
//! the frame. Only with JavaScript: a plain form's page keeps its inline notice instead.

use crate::kit::i18n::use_locale;
use leptos::prelude::*;

/// How long a toast stays.
const SHOWN_FOR: std::time::Duration = std::time::Duration::from_secs(5);

#[derive(Clone, Copy)]
pub struct Toasts(RwSignal<Vec<(u64, String)>>);

/// Toast ids only grow, so a timer never removes a later toast that took a freed id.
static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Gives the frame its toasts; `ToastRegion` shows them.
pub fn provide() {
    provide_context(Toasts(RwSignal::new(Vec::new())));
}

/// Tells that form `form` was done: its own message (`toast.<form>`) if the locales have one,
/// the general one otherwise. Outside a frame (sign-in pages) nothing shows.
pub fn form_done(form: &str) {
    let Some(Toasts(toasts)) = use_context::<Toasts>() else {
        return;
    };
    let locale = use_locale();
    let key = format!("toast.{form}");
    let text = if !form.is_empty() && locale.defines(&key) {
        locale.t_dyn(&key)
    } else {
        locale.t("toast.done").to_owned()
    };
    // One success told once: an action shared by several forms of a page (a form per row)
    // answers all of them at the same moment.
    if toasts.with_untracked(|list| list.last().is_some_and(|(_, last)| *last == text)) {
        return;
    }
    let id = NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    toasts.update(|list| list.push((id, text)));
    set_timeout(
        move || toasts.update(|list| list.retain(|(other, _)| *other != id)),
        SHOWN_FOR,
    );
}

/// The live region the toasts appear in; empty when the page is rendered.
#[component]
pub fn ToastRegion() -> impl IntoView {
    let locale = use_locale();
    let toasts = use_context::<Toasts>().map(|Toasts(t)| t);
    view! {
        <div class="toasts" role="status" aria-live="polite" data-testid="toasts">
            {move || toasts.map(|toasts| toasts.get().into_iter().map(|(id, text)| view! {
                <p class="toast">
                    <span>{text}</span>
                    <button type="button" class="toast-close" title=locale.t("common.close")
                        on:click=move |_| toasts.update(|list| list.retain(|(other, _)| *other != id))>
                        <span aria-hidden="true">"×"</span>
                        <span class="sr-only">{locale.t("common.close")}</span>
                    </button>
                </p>
            }).collect_view())}
        </div>
    }
}
