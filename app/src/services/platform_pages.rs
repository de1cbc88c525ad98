//! The platform's review of service items: the queue (what waits for a decision first), the
//! item under review exactly as buyers will see it, and the decision with its reason.

use super::model::ServiceStatus;
use super::pages::{status_badge, History, Preview};
use super::*;
use crate::kit::code::Code;
use crate::kit::error::AppError;
use crate::kit::forms::{feedback, refetch_on_success, FieldMessage, FormMessage};
use crate::kit::i18n::use_locale;
use crate::shell::{dash, href, ErrorPage};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

/// The review queue: by default what waits for the platform, oldest submission first.

#[component]
pub fn PlatformServiceQueuePage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let param = move |key: &str| query.read().get(key).unwrap_or_default();
    let data = crate::kit::request_cache::page_resource(
        move || (param("q"), param("status"), param("page"), param("per")),
        |(q, status, page, per)| list_service_reviews(q, status, page, Some(per)),
    );
    let status = move || {
        let s = param("status");
        if s.is_empty() {
            "waiting".to_owned()
        } else {
            s
        }
    };
    let kept = move || {
        vec![
            ("q", param("q")),
            ("status", param("status")),
            ("per", param("per")),
        ]
    };
    view! {
        <crate::kit::title::PageTitle text=locale.t("nav.platform.services") />
        <section class="page">
            <h1>{locale.t("nav.platform.services")}</h1>
            <nav class="status-tabs" aria-label=locale.t("svc.status")>
                {std::iter::once(("waiting", "svc.queue.waiting"))
                    .chain(std::iter::once(("all", "common.all")))
                    .chain(ServiceStatus::all().map(|s| (s.as_db(), s.label_key())))
                    .map(|(value, key)| {
                        let target = href("/platform/services", &[("status", value.to_owned()), ("q", param("q"))]);
                        view! { <a href=target class:active=move || status() == value>{locale.t(key)}</a> }
                    }).collect_view()}
            </nav>
            // Rendered again as the query changes (status tabs, sort headers, back), so the fields
            // show the filters of the list below them, not those of the page first loaded.
            {move || view! {
                <form method="get" action="/platform/services" class="filters" autocomplete="off" role="search">
                    <input type="hidden" name="status" value=param("status") />
                    <label class="field grow">
                        <span>{locale.t("svc.name")}</span>
                        <input type="search" name="q" value=param("q") maxlength="100" placeholder=locale.t("svc.search_hint") />
                    </label>
                    <button type="submit" class="button primary">{locale.t("common.search")}</button>
                </form>
            }}
            <Suspense fallback=move || view! { <p class="loading">{locale.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(list) => view! {
                            {if list.rows.is_empty() {
                                view! { <div class="empty-state"><p>{locale.t("svc.queue.empty")}</p></div> }.into_any()
                            } else {
                                view! {
                                    <div class="table-wrap">
                                        <table class="table" data-testid="review-queue">
                                            <caption class="sr-only">{locale.t("nav.platform.services")}</caption>
                                            <thead><tr>
                                                <th>{locale.t("bill.provider")}</th><th>{locale.t("svc.name")}</th><th>{locale.t("svc.product")}</th>
                                                <th>{locale.t("svc.version")}</th><th>{locale.t("svc.submitted")}</th>
                                                <th>{locale.t("svc.status")}</th><th>{locale.t("common.actions")}</th>
                                            </tr></thead>
                                            <tbody>
                                                {list.rows.into_iter().map(|r| { let key = r.name.clone(); view! {
                                                    <tr data-name=key>
                                                        <td>{r.provider}</td><td>{r.name}</td><td>{r.product}</td>
                                                        <td>"v" {r.version}</td><td class="nowrap">{dash(r.submitted)}</td>
                                                        <td>{status_badge(locale, r.status)}</td>
                                                        <td><A href=format!("/platform/services/{}", r.id)>{locale.t("svc.review")}</A></td>
                                                    </tr>
                                                }}).collect_view()}
                                            </tbody>
                                        </table>
                                    </div>
                                }.into_any()
                            }}
                            <crate::kit::pager::Pager path="/platform/services" params=kept() page=list.page pages=list.pages
                                per_page=list.per_page sizes=&crate::kit::pager::SIZES total=list.count />
                        }.into_any(),
                        Err(error) => view! { <ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
pub fn PlatformServiceReviewPage() -> impl IntoView {
    let locale = use_locale();
    let id = crate::kit::params::path_id("id");
    let detail = crate::kit::request_cache::page_resource(id, get_service_review);
    view! {
        <section class="page">
            <p class="breadcrumb"><A href="/platform/services">{locale.t("nav.platform.services")}</A> " / " {move || id().to_string()}</p>
            <Suspense fallback=move || view! { <p class="loading">{locale.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match detail.await {
                        Ok(d) => view! { <Review d detail /> }.into_any(),
                        Err(error) => view! { <ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn Review(d: ServiceDetail, detail: Resource<Result<ServiceDetail, AppError>>) -> impl IntoView {
    let locale = use_locale();
    let decide = ServerAction::<DecideServiceItem>::new();
    refetch_on_success(decide, detail);
    let fb = feedback("decide", decide.value());
    let id = d.id;
    let version = d.review_version.unwrap_or(d.version);
    let (yes, no, yes_label, no_label) = match d.status {
        ServiceStatus::PendingReview => {
            (Some("approve"), Some("reject"), "svc.approve", "svc.reject")
        }
        ServiceStatus::DelistRequested => (
            Some("approve_delisting"),
            Some("refuse_delisting"),
            "svc.approve_delisting",
            "svc.refuse_delisting",
        ),
        _ => (None, None, "", ""),
    };
    let note = d
        .events
        .iter()
        .find(|e| e.action == "request_delisting")
        .filter(|_| d.status == ServiceStatus::DelistRequested)
        .map(|e| e.reason.clone())
        .filter(|r| !r.is_empty());
    view! {
        <crate::kit::title::PageTitle text=format!("{} · {}", locale.t("svc.review"), d.content.name) />
        <div class="detail-head">
            <h1>{d.content.name.clone()}</h1>
            <span data-testid="service-status">{status_badge(locale, d.status)}</span>
            <span class="muted">{d.provider.clone()} " · v" {version}</span>
        </div>
        {note.map(|note| view! { <p class="notice" data-testid="delisting-note">{locale.t("svc.delist_note")} ": " {note}</p> })}
        {(!d.decision_reason.is_empty()).then(|| view! { <p class="notice warn">{d.decision_reason.clone()}</p> })}
        {yes.map(|yes| view! {
            <ActionForm action=decide attr:class="form card" attr:data-testid="decide">
                <h2>{locale.t("svc.decision")}</h2>
                <FormMessage feedback=fb />
                <input type="hidden" name="item_id" value=id.to_string() />
                <input type="hidden" name="version" value=version.to_string() />
                <label class="field">
                    <span>{locale.t("svc.reason")}</span>
                    <textarea name="reason" rows="3" maxlength="1000" placeholder=locale.t("svc.reason_hint") inner_html=move || crate::kit::forms::text_html(&fb.with(|f| f.value("reason")))></textarea>
                    <FieldMessage feedback=fb field="reason" />
                </label>
                <div class="toolbar">
                    <button type="submit" name="decision" value=yes class="button primary">{locale.t(yes_label)}</button>
                    <button type="submit" name="decision" value=no.unwrap_or_default() class="button danger">{locale.t(no_label)}</button>
                </div>
            </ActionForm>
        })}
        <h2>{locale.t("svc.buyer_preview")}</h2>
        <Preview content=d.content.clone() provider=d.provider.clone() files_base=format!("/platform/services/{id}/files") />
        <History versions=d.versions.clone() events=d.events.clone() />
    }
}
