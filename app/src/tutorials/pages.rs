//! 使用教程 pages: the videos by topic and the operating manual for providers.

use super::manual::ManualView;
use super::*;
use crate::kit::i18n::use_locale;
use crate::shell::ErrorPage;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

#[component]
fn Video(t: TutorialView) -> impl IntoView {
    let locale = use_locale();
    let key = t.title.clone();
    view! {
        <figure class="card tutorial" data-tutorial=key>
            {if t.video_type.is_empty() {
                view! {
                    <a class="button" href=t.external_url.clone() rel="external noopener noreferrer" target="_blank">{locale.t("tutorial.watch_external")}</a>
                }.into_any()
            } else {
                view! {
                    <video controls preload="metadata" data-testid="tutorial-video"
                        poster=t.has_poster.then(|| format!("/tutorials/{}/poster", t.id))>
                        <source src=format!("/tutorials/{}/video", t.id) type=t.video_type.clone() />
                        {locale.t("tutorial.no_video_support")}
                    </video>
                }.into_any()
            }}
            <figcaption>
                <strong>{t.title.clone()}</strong>
                {(t.duration != "0:00").then(|| view! { " " <span class="muted small">{t.duration.clone()}</span> })}
                <p class="small muted">{t.description.clone()}</p>
            </figcaption>
        </figure>
    }
}

#[component]
pub fn TutorialsPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let tab = move || query.read().get("tab").unwrap_or_default();
    let data = crate::kit::request_cache::page_resource(|| (), |_| list_tutorials());
    view! {
        <crate::kit::title::PageTitle text=locale.t("nav.tutorials") />
        <section class="page">
            <h1>{locale.t("nav.tutorials")}</h1>
            <nav class="tabs" aria-label=locale.t("nav.tutorials")>
                <A href="/tutorials" attr:class=move || if tab() != "manual" { "tab active" } else { "tab" }>{locale.t("tutorial.videos")}</A>
                <A href="/tutorials?tab=manual" attr:class=move || if tab() == "manual" { "tab active" } else { "tab" }>{locale.t("tutorial.manual")}</A>
            </nav>
            {move || if tab() == "manual" {
                view! { <ManualView /> }.into_any()
            } else {
                view! {
                    <Suspense fallback=move || view! { <p class="loading">{locale.t("common.loading")}</p> }>
                        {move || Suspend::new(async move {
                            match data.await {
                                Ok(list) => TOPICS.iter().map(|(topic, label)| {
                                    let videos: Vec<TutorialView> = list.iter().filter(|t| t.topic == *topic).cloned().collect();
                                    view! {
                                        <h2>{locale.t(label)}</h2>
                                        {if videos.is_empty() {
                                            view! { <p class="muted">{locale.t("tutorial.none_yet")}</p> }.into_any()
                                        } else {
                                            view! { <div class="tutorial-grid">{videos.into_iter().map(|t| view! { <Video t /> }).collect_view()}</div> }.into_any()
                                        }}
                                    }
                                }).collect_view().into_any(),
                                Err(error) => view! { <ErrorPage error /> }.into_any(),
                            }
                        })}
                    </Suspense>
                }.into_any()
            }}
        </section>
    }
}
