//! The platform's 咨询工单: the built-in helpdesk's queue and a ticket with the operator's
//! answer and status. Tickets filed with an external helpdesk are answered there.

use super::api::{get_platform_ticket, list_platform_tickets, AnswerTicket};
use super::model::answered_here;
use super::pages::{Conversation, TicketTable};
use super::*;
use crate::kit::code::Code;
use crate::kit::forms::{feedback, refetch_on_success, FieldMessage, FormMessage};
use crate::kit::i18n::use_locale;
use crate::shell::ErrorPage;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

#[component]
pub fn PlatformTicketsPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let status = move || query.read().get("status").unwrap_or_default();
    let param = move |key: &str| query.read().get(key).unwrap_or_default();
    let data = crate::kit::request_cache::page_resource(
        move || (status(), param("page"), param("per")),
        |(s, p, per)| list_platform_tickets(s, p, (!per.is_empty()).then_some(per)),
    );
    view! {
        <crate::kit::title::PageTitle text=locale.t("nav.platform.tickets") />
        <section class="page">
            <h1>{locale.t("nav.platform.tickets")}</h1>
            <nav class="status-tabs" aria-label=locale.t("ticket.status")>
                <a href="/platform/tickets" class:active=move || status().is_empty()>{locale.t("common.all")}</a>
                {TicketStatus::all().map(|s| view! {
                    <a href=format!("/platform/tickets?status={}", s.as_db()) class:active=move || status() == s.as_db()>{locale.t(s.label_key())}</a>
                }).collect_view()}
            </nav>
            <Suspense fallback=move || view! { <p class="loading">{locale.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(list) => {
                            let kept: Vec<(&'static str, String)> =
                                vec![("status", status()), ("per", param("per"))];
                            view! {
                                <TicketTable list=list.clone() base="/platform/tickets" platform=true />
                                {(list.count > 0).then(|| view! {
                                    <crate::kit::pager::Pager path="/platform/tickets" params=kept page=list.page
                                        pages=list.pages per_page=list.per_page sizes=&crate::kit::pager::SIZES total=list.count />
                                })}
                            }.into_any()
                        }
                        Err(error) => view! { <ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
pub fn PlatformTicketPage() -> impl IntoView {
    let locale = use_locale();
    let no = crate::kit::params::path_text("no");
    let detail = crate::kit::request_cache::page_resource(no, get_platform_ticket);
    let answer = ServerAction::<AnswerTicket>::new();
    refetch_on_success(answer, detail);
    let fb = feedback("ticket-answer", answer.value());
    view! {
        <section class="page">
            <p class="breadcrumb"><A href="/platform/tickets">{locale.t("nav.platform.tickets")}</A> " / " {no}</p>
            <Suspense fallback=move || view! { <p class="loading">{locale.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match detail.await {
                        Ok(t) => {
                            let no = t.no.clone();
                            let builtin = answered_here(&t.channel);
                            let current = t.status;
                            view! {
                                <crate::kit::title::PageTitle text=t.subject.clone() />
                                <p class="muted">{t.provider.clone()}</p>
                                <Conversation t=t.clone() files_base=format!("/platform/tickets/{no}/files") />
                                {if builtin {
                                    view! {
                                        <ActionForm action=answer attr:class="form card wide-form" attr:data-testid="ticket-answer">
                                            <FormMessage feedback=fb />
                                            <input type="hidden" name="no" value=no.clone() />
                                            <label class="field">
                                                <span>{locale.t("ticket.reply")}</span>
                                                <textarea name="body" rows="4" maxlength="5000"></textarea>
                                                <FieldMessage feedback=fb field="body" />
                                            </label>
                                            <label class="field">
                                                <span>{locale.t("ticket.status")}</span>
                                                <select name="status">
                                                    {TicketStatus::all().map(|s| {
                                                        let chosen = current.answer_default();
                                                        view! { <option value=s.as_db() selected=s == chosen>{locale.t(s.label_key())}</option> }
                                                    }).collect_view()}
                                                </select>
                                            </label>
                                            <button type="submit" class="button primary">{locale.t("ticket.send_reply")}</button>
                                        </ActionForm>
                                    }.into_any()
                                } else {
                                    view! { <p class="notice">{locale.t("ticket.answer_elsewhere")}</p> }.into_any()
                                }}
                            }.into_any()
                        }
                        Err(error) => view! { <ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
