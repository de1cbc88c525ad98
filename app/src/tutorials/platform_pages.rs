//! 使用教程 for the platform: the upload form (plain multipart) and the list with removal.

use super::*;
use crate::kit::error::AppError;
use crate::kit::forms::{feedback, refetch_on_success, FieldMessage, FormMessage};
use crate::kit::i18n::use_locale;
use crate::shell::ErrorPage;
use leptos::prelude::*;

#[component]
pub fn PlatformTutorialsPage() -> impl IntoView {
    let locale = use_locale();
    let query = leptos_router::hooks::use_query_map();
    let param = move |key: &str| query.read().get(key).unwrap_or_default();
    let data = crate::kit::request_cache::page_resource(
        move || (param("page"), param("per")),
        |(page, per)| platform_tutorials(page, (!per.is_empty()).then_some(per)),
    );
    let remove = ServerAction::<DeleteTutorial>::new();
    refetch_on_success(remove, data);
    let fb = feedback("tutorial", Signal::derive(|| None::<Result<(), AppError>>));
    let typed = move |field: &str| fb.with_untracked(|f| f.value(field));
    let chosen = typed("topic");
    view! {
        <crate::kit::title::PageTitle text=locale.t("nav.platform.tutorials") />
        <section class="page">
            <h1>{locale.t("nav.platform.tutorials")}</h1>
            <form class="form card wide-form" method="post" action="/platform/tutorials" enctype="multipart/form-data" data-testid="tutorial-form">
                <h2>{locale.t("tutorial.add")}</h2>
                <FormMessage feedback=fb />
                <div class="field-row">
                    <label class="field">
                        <span>{locale.t("tutorial.topic")} " *"</span>
                        <select name="topic" required>
                            {TOPICS.iter().map(|(k, l)| view! { <option value=*k selected=chosen == *k>{locale.t(l)}</option> }).collect_view()}
                        </select>
                        <FieldMessage feedback=fb field="topic" />
                    </label>
                    <label class="field">
                        <span>{locale.t("tutorial.title")} " *"</span>
                        <input type="text" name="title" maxlength="100" required value=typed("title") />
                        <FieldMessage feedback=fb field="title" />
                    </label>
                    <label class="field">
                        <span>{locale.t("tutorial.duration")}</span>
                        <input type="text" name="duration" placeholder="3:25" value=typed("duration") />
                        <FieldMessage feedback=fb field="duration" />
                    </label>
                </div>
                <label class="field">
                    <span>{locale.t("tutorial.description")}</span>
                    <textarea name="description" rows="2" maxlength="1000" inner_html=crate::kit::forms::text_html(&typed("description"))></textarea>
                    <FieldMessage feedback=fb field="description" />
                </label>
                <div class="field-row">
                    <label class="field">
                        <span>{locale.t("tutorial.video")}</span>
                        <input type="file" name="video" accept="video/mp4,video/webm,.mp4,.webm" />
                        <span class="muted small">{locale.t("tutorial.video_hint")}</span>
                        <FieldMessage feedback=fb field="video" />
                    </label>
                    <label class="field">
                        <span>{locale.t("tutorial.external_url")}</span>
                        <input type="url" name="external_url" placeholder="https://" value=typed("external_url") />
                        <FieldMessage feedback=fb field="external_url" />
                    </label>
                    <label class="field">
                        <span>{locale.t("tutorial.poster")}</span>
                        <input type="file" name="poster" accept="image/png,image/jpeg" />
                        <FieldMessage feedback=fb field="poster" />
                    </label>
                </div>
                <crate::kit::forms::UploadProgress />
                <button type="submit" class="button primary">{locale.t("tutorial.publish")}</button>
            </form>
            <Suspense fallback=move || view! { <p class="loading">{locale.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(list) if list.rows.is_empty() => view! {
                            <div class="empty-state"><p>{locale.t("tutorial.none_yet")}</p></div>
                            // Past the last page: the way back.
                            {(list.count > 0).then(|| tutorial_pager(&list, param("per")))}
                        }.into_any(),
                        Ok(list) => view! {
                            <table class="table" data-testid="tutorials">
                                <caption class="sr-only">{locale.t("nav.platform.tutorials")}</caption>
                                <thead><tr><th>{locale.t("tutorial.topic")}</th><th>{locale.t("tutorial.title")}</th><th>{locale.t("tutorial.duration")}</th><th>{locale.t("tutorial.source")}</th><th>{locale.t("common.actions")}</th></tr></thead>
                                <tbody>
                                    {list.rows.iter().cloned().map(|t| view! {
                                        <tr>
                                            <td>{locale.t(TOPICS.iter().find(|(k, _)| *k == t.topic).map(|(_, l)| *l).unwrap_or("common.none"))}</td>
                                            <td>{t.title.clone()}</td><td>{t.duration.clone()}</td>
                                            <td>{if t.video_type.is_empty() { t.external_url.clone() } else { t.video_type.clone() }}</td>
                                            <td>
                                                <details class="inline-details">
                                                    <summary class="button small danger">{locale.t("common.delete")}</summary>
                                                    <ActionForm action=remove attr:class="card confirm">
                                                        <input type="hidden" name="id" value=t.id.to_string() />
                                                        <button type="submit" class="button small danger">{locale.t("common.delete_confirm")}</button>
                                                    </ActionForm>
                                                </details>
                                            </td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                            {tutorial_pager(&list, param("per"))}
                        }.into_any(),
                        Err(error) => view! { <ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// The tutorials' pager, keeping the size.
fn tutorial_pager(list: &TutorialList, per: String) -> impl IntoView {
    view! {
        <crate::kit::pager::Pager path="/platform/tutorials" params=vec![("per", per)] page=list.page
            pages=list.pages per_page=list.per_page sizes=&crate::kit::pager::SIZES total=list.count />
    }
}
