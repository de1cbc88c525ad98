//! 等级权益 (§7): every tier's benefits, the current tier's lit and the next's greyed, with
//! what reaching it takes; 立即申请 as a plain multipart form (supporting files need no
//! JavaScript) and the history of applications.

use super::api::get_tiers;
use super::*;
use crate::kit::code::Code;
use crate::kit::error::AppError;
use crate::kit::forms::{feedback, FieldMessage, FormMessage};
use crate::kit::i18n::use_locale;
use crate::shell::{dash, ErrorPage};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn TiersPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let param = move |key: &str| query.read().get(key);
    let data = crate::kit::request_cache::page_resource(
        move || (param("page"), param("per")),
        |(page, per)| get_tiers(page, per),
    );
    view! {
        <crate::kit::title::PageTitle text=locale.t("nav.tiers") />
        <section class="page">
            <h1>{locale.t("nav.tiers")}</h1>
            <Suspense fallback=move || view! { <p class="loading">{locale.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(data) => view! { <Tiers data /> }.into_any(),
                        Err(error) => view! { <ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn Tiers(data: TiersData) -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let applied = query.with_untracked(|q| q.get("applied").is_some());
    // The pager's links keep the size chosen.
    let kept = vec![(
        "per",
        query.with_untracked(|q| q.get("per")).unwrap_or_default(),
    )];
    let current = data
        .tiers
        .iter()
        .find(|t| t.rank == data.current_rank)
        .map(|t| t.name.clone())
        .unwrap_or_default();
    let next = data
        .tiers
        .iter()
        .find(|t| t.rank > data.current_rank)
        .cloned();
    let next_rank = next.as_ref().map(|t| t.rank);
    let higher: Vec<TierView> = data
        .tiers
        .iter()
        .filter(|t| t.rank > data.current_rank)
        .cloned()
        .collect();
    let can_apply = data.may_apply && !data.open_application && !higher.is_empty();
    view! {
        <div class="detail-head">
            <p class="lead">{locale.t("tier.current")} ": " <strong data-testid="current-tier">{current}</strong></p>
            <span class="spacer"></span>
            {can_apply.then(|| view! { <ApplyForm higher=higher.clone() contact=data.contact.clone() /> })}
            {data.open_application.then(|| view! { <span class="notice" data-testid="open-application">{locale.t("tier.open")}</span> })}
        </div>
        {applied.then(|| view! { <p class="notice ok" role="status">{locale.t("tier.applied")}</p> })}
        {next.map(|n| view! {
            <p class="muted" data-testid="next-requirement">{locale.tf("tier.next_requirement", &[("tier", &n.name)])} " " {n.requirement}</p>
        })}
        <div class="tier-grid">
            {data.tiers.into_iter().map(|t| {
                let state = if t.rank <= data.current_rank {
                    "lit"
                } else if Some(t.rank) == next_rank {
                    "next"
                } else {
                    "later"
                };
                let is_current = t.rank == data.current_rank;
                let key = t.name.clone();
                view! {
                    <section class=format!("card tier {state}") data-tier=key data-state=state>
                        <h2>{t.name.clone()}
                            {is_current.then(|| view! { " " <span class="status svc-approved">{locale.t("tier.current_badge")}</span> })}
                            {(state == "next").then(|| view! { " " <span class="status">{locale.t("tier.next_badge")}</span> })}
                        </h2>
                        <p class="muted small">{dash(t.requirement.clone())}</p>
                        <ul class="benefits">
                            {t.benefits.into_iter().map(|b| view! {
                                <li class="benefit">
                                    <span class="benefit-icon" aria-hidden="true">{icon(&b.icon)}</span>
                                    <span><strong>{b.title}</strong><br /><span class="small muted">{b.description}</span></span>
                                </li>
                            }).collect_view()}
                        </ul>
                    </section>
                }
            }).collect_view()}
        </div>
        <h2>{locale.t("tier.history")}</h2>
        {if data.applications.is_empty() {
            view! { <div class="empty-state"><p>{locale.t("tier.no_applications")}</p></div> }.into_any()
        } else {
            view! { <ApplicationTable applications=data.applications platform=false /> }.into_any()
        }}
        {(data.count > 0).then(|| view! {
            <crate::kit::pager::Pager path="/tiers" params=kept page=data.page pages=data.pages
                per_page=data.per_page sizes=&crate::kit::pager::SIZES total=data.count />
        })}
    }
}

/// The applications as a table, with their files; `platform` links each to its review.
#[component]
pub(super) fn ApplicationTable(
    applications: Vec<ApplicationView>,
    platform: bool,
) -> impl IntoView {
    let locale = use_locale();
    view! {
        <div class="table-wrap">
            <table class="table" data-testid="tier-applications">
                <caption class="sr-only">{locale.t("tier.history")}</caption>
                <thead><tr>
                    {platform.then(|| view! { <th>{locale.t("bill.provider")}</th> })}
                    <th>{locale.t("tier.target")}</th><th>{locale.t("tier.from")}</th><th>{locale.t("tier.applied_at")}</th>
                    <th>{locale.t("tier.applicant")}</th><th>{locale.t("tier.status")}</th><th>{locale.t("tier.decision")}</th>
                    {platform.then(|| view! { <th>{locale.t("common.actions")}</th> })}
                </tr></thead>
                <tbody>
                    {applications.into_iter().map(|a| {
                        let badge = match a.status {
                            ApplicationStatus::Pending => "status svc-pending_review",
                            ApplicationStatus::Approved => "status svc-approved",
                            ApplicationStatus::Rejected => "status svc-rejected",
                        };
                        let key = a.tier.clone();
                        view! {
                            <tr data-tier=key>
                                {platform.then(|| view! { <td>{a.provider.clone()}</td> })}
                                <td>{a.tier.clone()}</td><td>{dash(a.from_tier.clone())}</td>
                                <td class="nowrap">{a.created.clone()}</td><td>{dash(a.applicant.clone())}</td>
                                <td><span class=badge>{locale.t(a.status.label_key())}</span></td>
                                <td>{dash(a.decision_reason.clone())} {(!a.decided.is_empty()).then(|| view! { <span class="muted small">" · " {a.decided.clone()}</span> })}</td>
                                {platform.then(|| view! { <td><a href=format!("/platform/tiers/applications/{}", a.id)>{locale.t("svc.review")}</a></td> })}
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn ApplyForm(higher: Vec<TierView>, contact: (String, String, String)) -> impl IntoView {
    let locale = use_locale();
    let fb = feedback(
        "tier-apply",
        Signal::derive(|| None::<Result<(), AppError>>),
    );
    let reopen = fb.with_untracked(|f| !f.errors.is_empty() || f.general.is_some());
    let value = move |field: &str, default: &str| {
        let typed = fb.with_untracked(|f| f.value(field));
        if typed.is_empty() && !reopen {
            default.to_owned()
        } else {
            typed
        }
    };
    let chosen = value("tier_id", "");
    view! {
        <details class="inline-details" open=reopen>
            <summary class="button primary">{locale.t("tier.apply")}</summary>
            <form class="form card apply-form" method="post" action="/tiers/apply" enctype="multipart/form-data" data-testid="tier-apply">
                <h2>{locale.t("tier.apply")}</h2>
                <FormMessage feedback=fb />
                <label class="field">
                    <span>{locale.t("tier.target")} " *"</span>
                    <select name="tier_id" required>
                        {higher.into_iter().map(|t| {
                            let id = t.id.to_string();
                            let selected = chosen == id;
                            view! { <option value=id selected=selected>{t.name}</option> }
                        }).collect_view()}
                    </select>
                    <FieldMessage feedback=fb field="tier_id" />
                </label>
                <label class="field">
                    <span>{locale.t("tier.reason")} " *"</span>
                    <textarea name="reason" rows="4" maxlength="2000" required inner_html=crate::kit::forms::text_html(&value("reason", ""))></textarea>
                    <FieldMessage feedback=fb field="reason" />
                </label>
                <div class="field-row">
                    <label class="field">
                        <span>{locale.t("tier.contact_name")} " *"</span>
                        <input type="text" name="contact_name" maxlength="50" required value=value("contact_name", &contact.0) />
                        <FieldMessage feedback=fb field="contact_name" />
                    </label>
                    <label class="field">
                        <span>{locale.t("activate.phone")}</span>
                        <input type="tel" name="contact_phone" maxlength="30" value=value("contact_phone", &contact.1) />
                        <FieldMessage feedback=fb field="contact_phone" />
                    </label>
                </div>
                <label class="field">
                    <span>{locale.t("login.email")} " *"</span>
                    <input type="email" name="contact_email" maxlength="200" required value=value("contact_email", &contact.2) />
                    <FieldMessage feedback=fb field="contact_email" />
                </label>
                <label class="field">
                    <span>{locale.t("tier.files")}</span>
                    <input type="file" name="files" multiple accept=".pdf,.png,.jpg,.jpeg,.zip,.docx,.xlsx,.pptx" />
                    <span class="muted small">{locale.t("tier.files_hint")}</span>
                    <FieldMessage feedback=fb field="files" />
                </label>
                <crate::kit::forms::UploadProgress />
                <button type="submit" class="button primary">{locale.t("common.save")}</button>
            </form>
        </details>
    }
}
