//! The platform's 代客户验收 page, /platform/stages/<id>/accept: a stage awaiting the
//! customer (overdue or not), with a form that records its acceptance on the customer's
//! behalf — a reason and an evidence file (their mail, a signed paper). The form posts as
//! multipart (the file needs no JavaScript); refused, the page comes back with each field's
//! error and the reason as typed.

use super::api::get_on_behalf_stage;
use super::OnBehalfStage;
use crate::kit::code::Code;
use crate::kit::error::AppError;
use crate::kit::forms::{feedback, FieldMessage, FormMessage};
use crate::kit::i18n::use_locale;
use leptos::prelude::*;

#[component]
pub fn OnBehalfPage() -> impl IntoView {
    let locale = use_locale();
    let id = crate::kit::params::path_id("id");
    let stage = crate::kit::request_cache::page_resource(id, get_on_behalf_stage);
    view! {
        <crate::kit::title::PageTitle text=locale.t("behalf.title") />
        <section class="page">
            <p><a href="/platform">{locale.t("behalf.back")}</a></p>
            <h1>{locale.t("behalf.title")}</h1>
            <Suspense fallback=move || view! { <p class="loading">{locale.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match stage.await {
                        Ok(s) => view! { <StageForm s /> }.into_any(),
                        Err(error) => view! { <crate::shell::ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn StageForm(s: OnBehalfStage) -> impl IntoView {
    let locale = use_locale();
    let query = leptos_router::hooks::use_query_map();
    let done = query.read_untracked().get("done").is_some();
    let fb = feedback("on-behalf", Signal::derive(|| None::<Result<(), AppError>>));
    let action = format!("/platform/stages/{}/accept", s.milestone_id);
    // Where the operator goes on: the work order, its stages and history, as the platform sees it.
    let work_order = format!("/platform/orders/{}", s.work_order_no);
    view! {
        <dl class="facts" data-testid="on-behalf-stage">
            <dt>{locale.t("platform.provider.name")}</dt><dd>{s.provider_name.clone()}</dd>
            <dt>{locale.t("wo.column.no")}</dt>
            <dd class="mono"><a href=work_order.clone()>{s.work_order_no.clone()}</a></dd>
            <dt>{locale.t("wo.buyer")}</dt><dd>{s.buyer_company.clone()}</dd>
            <dt>{locale.t("wo.item")}</dt><dd>{s.service_item_name.clone()}</dd>
            <dt>{locale.t("ms.stage")}</dt><dd>{s.position}</dd>
            <dt>{locale.t("ms.period")}</dt><dd>{s.period.clone()}</dd>
            <dt>{locale.t("ms.standard")}</dt><dd>{s.standard.clone()}</dd>
            <dt>{locale.t("wo.contact")}</dt><dd>{s.contact.clone()}</dd>
            <dt>{locale.t("wo.column.status")}</dt>
            <dd>
                <span class=format!("status status-{}", s.status.as_db()) data-testid="on-behalf-status">{locale.t(s.status.label_key())}</span>
                {s.overdue.then(|| view! { " " <span class="status status-overdue">{locale.t("acc.overdue")}</span> })}
            </dd>
            {(!s.due.is_empty()).then(|| view! {
                <dt>{locale.t("acc.deadline")}</dt><dd>{s.due.clone()}</dd>
            })}
        </dl>
        {if done && !s.awaiting {
            view! {
                <p class="notice ok" role="status" data-testid="on-behalf-done">
                    {locale.t("behalf.done")} " "
                    <a href=work_order.clone() data-testid="on-behalf-work-order">{locale.t("behalf.to_work_order")}</a>
                </p>
            }.into_any()
        } else if !s.awaiting {
            view! { <p class="notice" role="status" data-testid="on-behalf-closed">{locale.t("behalf.not_awaiting")}</p> }.into_any()
        } else {
            view! {
                <form class="form card wide-form" method="post" action=action enctype="multipart/form-data" data-testid="on-behalf-form">
                    <FormMessage feedback=fb />
                    <p>{locale.t("behalf.explain")}</p>
                    <label class="field">
                        <span>{locale.t("behalf.reason")} " *"</span>
                        <textarea name="reason" rows="4" maxlength="500"
                            inner_html=move || crate::kit::forms::text_html(&fb.with(|f| f.value("reason")))></textarea>
                        <FieldMessage feedback=fb field="reason" />
                    </label>
                    <label class="field">
                        <span>{locale.t("behalf.evidence")} " *"</span>
                        <input type="file" name="file" accept=".pdf,.png,.jpg,.jpeg,.zip" />
                        <span class="muted small">{locale.t("behalf.evidence_hint")}</span>
                        <FieldMessage feedback=fb field="file" />
                    </label>
                    <crate::kit::forms::UploadProgress />
                    <button type="submit" class="button primary">{locale.t("behalf.submit")}</button>
                </form>
            }.into_any()
        }}
    }
}
