//! 偏好设置 (user menu): the time zone times are shown in.

use super::api::{get_preferences, SetTimeZone};
use crate::kit::forms::{feedback, refetch_on_success, FieldMessage, FormMessage};
use crate::kit::i18n::use_locale;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn PreferencesPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let save = ServerAction::<SetTimeZone>::new();
    let data = crate::kit::request_cache::page_resource(|| (), |_| get_preferences());
    refetch_on_success(save, data);
    let fb = feedback("preferences", save.value());
    // Saved: the action's answer (JavaScript) or the page the plain form returned to.
    let saved = move || {
        matches!(save.value().get(), Some(Ok(())))
            || (save.value().with(Option::is_none)
                && query.with(|q| q.get_str("saved") == Some("1")))
    };
    view! {
        <crate::kit::title::PageTitle text=locale.t("menu.preferences") />
        <section class="page narrow">
            <h1>{locale.t("menu.preferences")}</h1>
            {move || saved().then(|| view! { <p class="notice ok" role="status" data-testid="preferences-saved">{locale.t("common.saved")}</p> })}
            <Suspense fallback=move || view! { <p class="loading">{locale.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(prefs) => view! {
                            <ActionForm action=save attr:class="form card">
                                <FormMessage feedback=fb />
                                <label class="field">
                                    <span>{locale.t("prefs.time_zone")}</span>
                                    <select name="time_zone" data-testid="time-zone">
                                        {prefs.zones.into_iter().map(|z| {
                                            let selected = z.name == prefs.time_zone;
                                            let label = format!("({}) {}", z.offset, locale.t_dyn(&z.label_key));
                                            view! { <option value=z.name selected=selected>{label}</option> }
                                        }).collect_view()}
                                    </select>
                                    <FieldMessage feedback=fb field="time_zone" />
                                </label>
                                <p class="muted" data-testid="time-zone-now">{locale.t("prefs.now")} ": " {prefs.now}</p>
                                <p class="muted">{locale.t("prefs.time_zone_hint")}</p>
                                <button type="submit" class="button primary" disabled=move || save.pending().get()>{locale.t("common.save")}</button>
                            </ActionForm>
                        }.into_any(),
                        Err(error) => view! { <crate::shell::ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
