//! Toasts: a short message that an action succeeded, shown for a few seconds at the corner of
//! the frame. Only with JavaScript: a plain form's page keeps its inline notice instead.

use crate::kit::i18n::use_locale;
use leptos::prelude::*;

/// How long a toast stays.
const SHOWN_FOR: std::time::Duration = std::time::Duration::from_secs(5);

#[derive(Clone, Copy)]
pub struct Toasts(RwSignal<Vec<(u64, String)>>);

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
    let id = toasts.with_untracked(|list| list.last().map_or(0, |(id, _)| id + 1));
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
