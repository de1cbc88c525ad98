//! 基础搜索's results page, for a provider; the operator's (`platform_pages`) is the same
//! page over every provider.

use super::api::{platform_search, search};
use super::{Group, Results};
use crate::kit::code::Code;
use crate::kit::error::AppError;
use crate::kit::i18n::use_locale;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn SearchPage() -> impl IntoView {
    view! { <SearchView platform=false /> }
}

/// The search form, its keyword kept, and what it found grouped by kind: each group a list of
/// links, so the keyboard moves through the hits as through any page.
#[component]
pub(super) fn SearchView(platform: bool) -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let typed = move || query.read().get("q").unwrap_or_default();
    let data = crate::kit::request_cache::page_resource(
        move || (platform, typed()),
        |(platform, q)| async move {
            if platform {
                platform_search(q).await
            } else {
                search(q).await
            }
        },
    );
    let action = if platform {
        "/platform/search"
    } else {
        "/search"
    };
    view! {
        <crate::kit::title::PageTitle text=locale.t("search.title") />
        <section class="page">
            <h1>{locale.t("search.title")}</h1>
            <Suspense fallback=move || view! { <p class="loading">{locale.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    let result = data.await;
                    let refused = match &result {
                        Err(AppError::Invalid(errors)) => {
                            errors.iter().find(|e| e.field == "q").map(|e| e.code.clone())
                        }
                        _ => None,
                    };
                    let form = view! {
                        <form method="get" action=action class="filters" autocomplete="off" role="search" data-testid="search-form">
                            <label class="field grow">
                                <span>{locale.t("search.keyword")}</span>
                                <input type="search" name="q" value=typed() maxlength="100"
                                    placeholder=locale.t("search.hint")
                                    aria-invalid=refused.is_some().then_some("true")
                                    aria-describedby=refused.is_some().then_some("search-q-error") />
                                {refused.map(|code| view! {
                                    <span class="field-error" role="alert" id="search-q-error">{locale.t_dyn(&code)}</span>
                                })}
                            </label>
                            <button type="submit" class="button primary">{locale.t("common.search")}</button>
                        </form>
                    };
                    let body = match result {
                        Ok(results) => view! { <Found results /> }.into_any(),
                        Err(AppError::Invalid(_)) => ().into_any(),
                        Err(error) => view! { <crate::shell::ErrorPage error /> }.into_any(),
                    };
                    view! { {form} {body} }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn Found(results: Results) -> impl IntoView {
    let locale = use_locale();
    if results.keyword.is_empty() {
        return view! { <p class="lead" data-testid="search-empty-keyword">{locale.t("search.prompt")}</p> }
            .into_any();
    }
    if results.groups.is_empty() {
        return view! {
            <div class="empty-state" data-testid="search-nothing">
                <p class="empty-title">{locale.tf("search.nothing", &[("q", &results.keyword)])}</p>
                <p>{locale.t("search.nothing_hint")}</p>
            </div>
        }
        .into_any();
    }
    view! {
        <div class="search-results">
            {results.groups.into_iter().map(|group| view! { <GroupView group /> }).collect_view()}
        </div>
    }
    .into_any()
}

#[component]
fn GroupView(group: Group) -> impl IntoView {
    let locale = use_locale();
    let kind = group.kind.as_db();
    let heading = format!("search-{kind}");
    let labelled_by = heading.clone();
    view! {
        <section class="card search-group" aria-labelledby=labelled_by data-kind=kind>
            <h2 id=heading>{locale.t(group.kind.label_key())}</h2>
            <ul class="search-hits">
                {group.hits.into_iter().map(|hit| view! {
                    <li>
                        {match hit.href {
                            Some(href) => view! { <a href=href class="hit-title">{hit.title}</a> }.into_any(),
                            None => view! { <span class="hit-title">{hit.title}</span> }.into_any(),
                        }}
                        {hit.status_key.map(|key| view! { <span class="status">{locale.t_dyn(&key)}</span> })}
                        {(!hit.detail.is_empty()).then(|| view! { <span class="muted hit-detail">{hit.detail}</span> })}
                    </li>
                }).collect_view()}
            </ul>
            {match (group.more, group.more_href) {
                (true, Some(href)) => Some(view! { <p><a href=href>{locale.t("search.all")}</a></p> }.into_any()),
                (true, None) => Some(view! { <p class="muted">{locale.t("search.newest_only")}</p> }.into_any()),
                _ => None,
            }}
        </section>
    }
}
