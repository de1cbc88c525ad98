//! The platform's review of registrations: the queue by status, and one application with
//! its files and the decision.

use super::api::{
    platform_registration, platform_registrations, ApproveRegistration, RejectRegistration,
};
use super::model::RegistrationStatus;
use crate::kit::code::Code;
use crate::kit::forms::{feedback, FieldMessage, FormMessage};
use crate::kit::i18n::use_locale;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The platform's registration queue, a page at a time.
#[component]
pub fn PlatformRegistrationsPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let param = move |key: &str| query.with(|q| q.get(key));
    let status = move || param("status");
    let rows = crate::kit::request_cache::page_resource(
        move || (status(), param("page"), param("per")),
        |(status, page, per)| platform_registrations(status, page, per),
    );
    let tab = move |value: &'static str, key: &'static str| {
        let active = move || status().as_deref().unwrap_or("pending") == value;
        view! { <a href=format!("/platform/registrations?status={value}") class:active=active>{locale.t(key)}</a> }
    };
    view! {
        <crate::kit::title::PageTitle text=locale.t("nav.platform.registrations") />
        <section class="page">
            <h1>{locale.t("nav.platform.registrations")}</h1>
            <nav class="status-tabs">
                {tab("pending", "registration.status.pending")}
                {tab("approved", "registration.status.approved")}
                {tab("rejected", "registration.status.rejected")}
            </nav>
            <Suspense fallback=move || view! { <p class="loading">{locale.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match rows.await {
                        Ok(queue) => {
                            // The pager's links keep the status and the size chosen.
                            let kept = ["status", "per"]
                                .map(|k| (k, query.with_untracked(|q| q.get(k)).unwrap_or_default()))
                                .to_vec();
                            view! {
                                {if queue.rows.is_empty() {
                                    view! { <div class="empty-state"><p>{locale.t("registration.empty")}</p></div> }.into_any()
                                } else {
                                    view! { <RegistrationTable rows=queue.rows /> }.into_any()
                                }}
                                {(queue.count > 0).then(|| view! {
                                    <crate::kit::pager::Pager path="/platform/registrations" params=kept page=queue.page
                                        pages=queue.pages per_page=queue.per_page sizes=&crate::kit::pager::SIZES total=queue.count />
                                })}
                            }.into_any()
                        }
                        Err(error) => view! { <crate::shell::ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// A page of the queue as a table, each row linking to its application.
#[component]
fn RegistrationTable(rows: Vec<super::RegistrationRow>) -> impl IntoView {
    let locale = use_locale();
    view! {
        <div class="table-wrap">
            <table class="table" data-testid="registrations">
                <caption class="sr-only">{locale.t("nav.platform.registrations")}</caption>
                <thead><tr>
                    <th>{locale.t("registration.company_name")}</th>
                    <th>{locale.t("registration.responsible_person")}</th>
                    <th>{locale.t("registration.admin_email")}</th>
                    <th>{locale.t("registration.submitted")}</th>
                    <th>{locale.t("wo.column.status")}</th>
                    <th>{locale.t("common.actions")}</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|r| view! {
                        <tr>
                            <td>{r.company_name}</td>
                            <td>{r.responsible_person}</td>
                            <td>{r.admin_email}</td>
                            <td>{r.submitted}</td>
                            <td><span class=format!("status status-{}", r.status.as_db())>{locale.t(r.status.label_key())}</span></td>
                            <td><a href=format!("/platform/registrations/{}", r.id)>{locale.t("common.view_detail")}</a></td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// One application: its data and files, and the decision.
#[component]
pub fn PlatformRegistrationPage() -> impl IntoView {
    let locale = use_locale();
    let id = crate::kit::params::path_id("id");
    let approve = ServerAction::<ApproveRegistration>::new();
    let reject = ServerAction::<RejectRegistration>::new();
    let registration = Resource::new(id, platform_registration);
    crate::kit::forms::refetch_on_success(approve, registration);
    crate::kit::forms::refetch_on_success(reject, registration);
    let approve_fb = feedback("decide", approve.value());
    let reject_fb = feedback("reject", reject.value());
    view! {
        <crate::kit::title::PageTitle text=locale.t("nav.platform.registrations") />
        <section class="page">
            <p><a href="/platform/registrations">"← "{locale.t("nav.platform.registrations")}</a></p>
            <Suspense fallback=move || view! { <p class="loading">{locale.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match registration.await {
                        Ok(r) => {
                            let pending = r.status == RegistrationStatus::Pending;
                            let id = r.id;
                            view! {
                                <h1>{r.company_name.clone()}" "<span class=format!("status status-{}", r.status.as_db()) data-testid="registration-status">{locale.t(r.status.label_key())}</span></h1>
                                <dl class="facts card">
                                    <dt>{locale.t("registration.company_name")}</dt><dd>{r.company_name}</dd>
                                    <dt>{locale.t("registration.responsible_person")}</dt><dd>{r.responsible_person}</dd>
                                    <dt>{locale.t("registration.admin_name")}</dt><dd>{r.admin_name}</dd>
                                    <dt>{locale.t("registration.admin_email")}</dt><dd>{r.admin_email}</dd>
                                    <dt>{locale.t("activate.phone")}</dt><dd>{r.admin_phone}</dd>
                                    <dt>{locale.t("registration.admin_address")}</dt><dd>{r.admin_address}</dd>
                                    <dt>{locale.t("registration.submitted")}</dt><dd>{r.submitted}</dd>
                                    {(!pending).then(|| view! {
                                        <dt>{locale.t("registration.decided")}</dt><dd>{format!("{} · {}", r.decided, r.decided_by)}</dd>
                                    })}
                                    {(!r.reason.is_empty()).then(|| view! {
                                        <dt>{locale.t("registration.reason")}</dt><dd>{r.reason.clone()}</dd>
                                    })}
                                </dl>
                                <h2>{locale.t("registration.files")}</h2>
                                <ul class="file-list" data-testid="registration-files">
                                    {r.files.into_iter().map(|f| view! {
                                        <li>
                                            <a rel="external" href=format!("/platform/registrations/{id}/files/{}", f.id)>{f.name}</a>
                                            <span class="muted">{format!(" {} KB", (f.size + 1023) / 1024)}</span>
                                        </li>
                                    }).collect_view()}
                                </ul>
                                {pending.then(|| view! {
                                    <div class="decision card">
                                        <ActionForm action=approve attr:class="form inline">
                                            <FormMessage feedback=approve_fb />
                                            <input type="hidden" name="id" value=id.to_string() />
                                            <button type="submit" class="button primary" disabled=move || approve.pending().get()>{locale.t("registration.approve")}</button>
                                        </ActionForm>
                                        <ActionForm action=reject attr:class="form">
                                            <FormMessage feedback=reject_fb />
                                            <input type="hidden" name="id" value=id.to_string() />
                                            <label class="field">
                                                <span>{locale.t("registration.reason")}</span>
                                                <textarea name="reason" maxlength="500" prop:value=move || reject_fb.with(|f| f.value("reason"))></textarea>
                                                <FieldMessage feedback=reject_fb field="reason" />
                                            </label>
                                            <button type="submit" class="button danger" disabled=move || reject.pending().get()>{locale.t("registration.reject")}</button>
                                        </ActionForm>
                                    </div>
                                })}
                            }.into_any()
                        }
                        Err(error) => view! { <crate::shell::ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
