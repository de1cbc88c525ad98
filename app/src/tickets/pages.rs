//! 联系我们 (§8) as a page with its two tabs, 在线创建工单 and 历史工单, and a ticket's page with
//! its conversation. The form posts as multipart (its attachment needs no JavaScript).

use super::api::{get_ticket, list_tickets, ticket_defaults, ReplyTicket};
use super::*;
use crate::kit::code::Code;
use crate::kit::error::AppError;
use crate::kit::forms::{feedback, refetch_on_success, FieldMessage, FormMessage};
use crate::kit::i18n::{use_locale, Locale};
use crate::shell::{dash, ErrorPage};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

pub(super) fn status_badge(locale: Locale, status: TicketStatus) -> impl IntoView {
    let class = match status {
        TicketStatus::Open => "status svc-pending_review",
        TicketStatus::Pending => "status svc-delist_requested",
        TicketStatus::Solved => "status svc-approved",
        TicketStatus::Closed => "status svc-draft",
    };
    view! { <span class=class>{locale.t(status.label_key())}</span> }
}

pub(super) fn channel_label(channel: &str) -> &'static str {
    match channel {
        "builtin" => "ticket.channel.builtin",
        _ => "ticket.channel.external",
    }
}

#[component]
pub fn TicketsPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let tab = move || query.read().get("tab").unwrap_or_default();
    view! {
        <crate::kit::title::PageTitle text=locale.t("nav.contact") />
        <section class="page">
            <h1>{locale.t("nav.contact")}</h1>
            <nav class="tabs" aria-label=locale.t("nav.contact")>
                <A href="/tickets" attr:class=move || if tab() != "history" { "tab active" } else { "tab" }>{locale.t("ticket.tab.new")}</A>
                <A href="/tickets?tab=history" attr:class=move || if tab() == "history" { "tab active" } else { "tab" }>{locale.t("ticket.tab.history")}</A>
            </nav>
            {move || if tab() == "history" { view! { <History /> }.into_any() } else { view! { <NewTicket /> }.into_any() }}
        </section>
    }
}

#[component]
fn NewTicket() -> impl IntoView {
    let locale = use_locale();
    let defaults = crate::kit::request_cache::page_resource(|| (), |_| ticket_defaults());
    let fb = feedback(
        "ticket-new",
        Signal::derive(|| None::<Result<(), AppError>>),
    );
    view! {
        <Suspense fallback=move || view! { <p class="loading">{locale.t("common.loading")}</p> }>
            {move || Suspend::new(async move {
                match defaults.await {
                    Ok(d) => {
                        let refused = fb.with_untracked(|f| !f.errors.is_empty() || f.general.is_some());
                        let value = move |field: &str, default: &str| {
                            if refused { fb.with_untracked(|f| f.value(field)) } else { default.to_owned() }
                        };
                        let chosen_type = value("service_type", "");
                        let chosen_category = value("support_category", "");
                        view! {
                            <form class="form card wide-form" method="post" action="/tickets" enctype="multipart/form-data" data-testid="ticket-form">
                                <FormMessage feedback=fb />
                                <div class="field-row">
                                    <label class="field">
                                        <span>{locale.t("ticket.service_type")} " *"</span>
                                        <select name="service_type" required>
                                            <option value="">{locale.t("ticket.choose")}</option>
                                            {SERVICE_TYPES.iter().map(|(k, l)| view! { <option value=*k selected=chosen_type == *k>{locale.t(l)}</option> }).collect_view()}
                                        </select>
                                        <FieldMessage feedback=fb field="service_type" />
                                    </label>
                                    <label class="field">
                                        <span>{locale.t("ticket.category")} " *"</span>
                                        <select name="support_category" required>
                                            <option value="">{locale.t("ticket.choose")}</option>
                                            {CATEGORIES.iter().map(|(k, l)| view! { <option value=*k selected=chosen_category == *k>{locale.t(l)}</option> }).collect_view()}
                                        </select>
                                        <FieldMessage feedback=fb field="support_category" />
                                    </label>
                                </div>
                                <label class="field">
                                    <span>{locale.t("ticket.subject")} " *"</span>
                                    <input type="text" name="subject" maxlength="200" required value=value("subject", "") />
                                    <FieldMessage feedback=fb field="subject" />
                                </label>
                                <label class="field">
                                    <span>{locale.t("ticket.details")} " *"</span>
                                    <textarea name="details" rows="6" maxlength="5000" required inner_html=crate::kit::forms::text_html(&value("details", ""))></textarea>
                                    <FieldMessage feedback=fb field="details" />
                                </label>
                                <label class="field">
                                    <span>{locale.t("ticket.attachment")}</span>
                                    <input type="file" name="files" multiple accept=".pdf,.png,.jpg,.jpeg,.zip,.docx,.xlsx,.pptx" />
                                    <span class="muted small">{locale.t("ticket.attachment_hint")}</span>
                                    <FieldMessage feedback=fb field="files" />
                                </label>
                                <div class="field-row">
                                    <label class="field">
                                        <span>{locale.t("ticket.name")} " *"</span>
                                        <input type="text" name="contact_name" maxlength="50" required value=value("contact_name", &d.name) />
                                        <FieldMessage feedback=fb field="contact_name" />
                                    </label>
                                    <label class="field">
                                        <span>{locale.t("ticket.phone")}</span>
                                        <input type="tel" name="contact_phone" maxlength="30" value=value("contact_phone", &d.phone) />
                                        <FieldMessage feedback=fb field="contact_phone" />
                                    </label>
                                </div>
                                <div class="field-row">
                                    <label class="field">
                                        <span>{locale.t("login.email")} " *"</span>
                                        <input type="email" name="contact_email" maxlength="200" required value=value("contact_email", &d.email) />
                                        <FieldMessage feedback=fb field="contact_email" />
                                    </label>
                                    <label class="field">
                                        <span>{locale.t("ticket.company")} " *"</span>
                                        <input type="text" name="company" maxlength="100" required value=value("company", &d.company) />
                                        <FieldMessage feedback=fb field="company" />
                                    </label>
                                </div>
                                <crate::kit::forms::UploadProgress />
                                <button type="submit" class="button primary">{locale.t("ticket.submit")}</button>
                            </form>
                        }.into_any()
                    }
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// 联系我们 as a dialog over any provider page (with JavaScript; without it the navigation's
/// link opens the page): the same form, and the latest tickets.
#[component]
pub fn ContactDialog(open: RwSignal<bool>) -> impl IntoView {
    let locale = use_locale();
    let history = RwSignal::new(false);
    let recent = Resource::new(
        move || history.get(),
        |shown| async move {
            if shown {
                // The latest few: the top of the first page, whatever size the user chose.
                let mut list = list_tickets(String::new(), None, "1".into(), None).await?;
                list.rows.truncate(RECENT);
                Ok(Some(list))
            } else {
                Ok(None)
            }
        },
    );
    // A native modal <dialog>: the page behind is inert, Tab goes round its fields
    // (kit::focus), Escape closes it, and closing gives focus back to what opened it. Every
    // way out ends in its `close` event.
    let dialog = NodeRef::<leptos::html::Dialog>::new();
    Effect::new(move || {
        if let Some(dialog) = dialog.get() {
            if !dialog.open() {
                let _ = dialog.show_modal();
            }
        }
    });
    let shut = move || {
        if let Some(dialog) = dialog.get_untracked() {
            dialog.close();
        }
    };
    view! {
        <dialog class="modal" node_ref=dialog aria-label=locale.t("nav.contact")
            on:close=move |_| open.set(false)
            on:keydown=move |ev| {
                #[cfg(feature = "hydrate")]
                if let Some(dialog) = dialog.get_untracked() {
                    crate::kit::focus::wrap_tab(&ev, &dialog);
                }
                #[cfg(not(feature = "hydrate"))]
                let _ = ev;
            }
            // A click on the backdrop lands on the dialog itself; one inside, on its body.
            on:click=move |ev| if ev.target() == ev.current_target() { shut() }>
            <div class="modal-body">
                <div class="detail-head">
                    <h2>{locale.t("nav.contact")}</h2>
                    <span class="spacer"></span>
                    <button type="button" class="button small" aria-label=locale.t("ticket.close") on:click=move |_| shut()>"×"</button>
                </div>
                <nav class="tabs">
                    <button type="button" class=move || if history.get() { "tab" } else { "tab active" } on:click=move |_| history.set(false)>{locale.t("ticket.tab.new")}</button>
                    <button type="button" class=move || if history.get() { "tab active" } else { "tab" } on:click=move |_| history.set(true)>{locale.t("ticket.tab.history")}</button>
                </nav>
                <Show when=move || history.get() fallback=|| view! { <NewTicket /> }>
                    <Suspense fallback=move || view! { <p class="loading">{locale.t("common.loading")}</p> }>
                        {move || Suspend::new(async move {
                            match recent.await {
                                Ok(Some(list)) => view! {
                                    <TicketTable list base="/tickets" platform=false />
                                    <p><a href="/tickets?tab=history">{locale.t("ticket.all")}</a></p>
                                }.into_any(),
                                Ok(None) => ().into_any(),
                                Err(error) => view! { <ErrorPage error /> }.into_any(),
                            }
                        })}
                    </Suspense>
                </Show>
            </div>
        </dialog>
    }
}

#[component]
fn History() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let param = move |key: &str| query.read().get(key).unwrap_or_default();
    let data = crate::kit::request_cache::page_resource(
        move || {
            (
                param("status"),
                param("unread"),
                param("page"),
                param("per"),
            )
        },
        |(status, unread, page, per)| {
            list_tickets(status, Some(unread), page, (!per.is_empty()).then_some(per))
        },
    );
    // What the pager's links keep: the tab, the filters and the size chosen.
    let kept = move || -> Vec<(&'static str, String)> {
        vec![
            ("tab", "history".to_owned()),
            ("status", param("status")),
            ("unread", param("unread")),
            ("per", param("per")),
        ]
    };
    view! {
        // Rendered again as the query changes (status tabs, sort headers, back), so the fields
        // show the filters of the list below them, not those of the page first loaded.
        {move || view! {
            <form method="get" action="/tickets" class="filters" autocomplete="off" role="search">
                <input type="hidden" name="tab" value="history" />
                <label class="field">
                    <span>{locale.t("ticket.status")}</span>
                    <select name="status">
                        <option value="">{locale.t("common.all")}</option>
                        {TicketStatus::all().map(|s| view! { <option value=s.as_db() selected=param("status") == s.as_db()>{locale.t(s.label_key())}</option> }).collect_view()}
                    </select>
                </label>
                <label class="field inline-check">
                    <input type="checkbox" name="unread" value="1" checked=param("unread") == "1" />
                    <span>{locale.t("ticket.only_unread")}</span>
                </label>
                <input type="hidden" name="per" value=param("per") />
                <button type="submit" class="button primary">{locale.t("common.search")}</button>
            </form>
        }}
        <Suspense fallback=move || view! { <p class="loading">{locale.t("common.loading")}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(list) => view! {
                        {list.stale.then(|| view! { <p class="notice warn">{locale.t("ticket.stale")}</p> })}
                        <TicketTable list=list.clone() base="/tickets" platform=false />
                        {(list.count > 0).then(|| view! {
                            <crate::kit::pager::Pager path="/tickets" params=kept() page=list.page pages=list.pages
                                per_page=list.per_page sizes=&crate::kit::pager::SIZES total=list.count />
                        })}
                    }.into_any(),
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// 工单编号, 创建时间, 主题, 工单状态, 提交平台, 更新时间 (§8.2).
#[component]
pub(super) fn TicketTable(list: TicketList, base: &'static str, platform: bool) -> impl IntoView {
    let locale = use_locale();
    if list.rows.is_empty() {
        return view! { <div class="empty-state"><p>{locale.t("ticket.empty")}</p></div> }
            .into_any();
    }
    view! {
        <div class="table-wrap">
            <table class="table" data-testid="tickets">
                <caption class="sr-only">{locale.t("ticket.list")}</caption>
                <thead><tr>
                    <th>{locale.t("ticket.no")}</th>
                    {platform.then(|| view! { <th>{locale.t("bill.provider")}</th> })}
                    <th>{locale.t("ticket.created")}</th><th>{locale.t("ticket.subject")}</th>
                    <th>{locale.t("ticket.status")}</th><th>{locale.t("ticket.channel")}</th><th>{locale.t("ticket.updated")}</th>
                </tr></thead>
                <tbody>
                    {list.rows.into_iter().map(|r| {
                        let key = r.no.clone();
                        view! {
                            <tr data-ticket=key class:unread=r.unread>
                                <td class="mono">{r.no.clone()}</td>
                                {platform.then(|| view! { <td>{r.provider.clone()}</td> })}
                                <td class="nowrap">{r.created}</td>
                                <td><A href=format!("{base}/{}", r.no)>{r.subject}</A>
                                    {r.unread.then(|| view! { " " <span class="status svc-pending_review">{locale.t("ticket.new_reply")}</span> })}</td>
                                <td>{status_badge(locale, r.status)}</td>
                                <td>{locale.t(channel_label(&r.channel))}</td>
                                <td class="nowrap">{r.updated}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }.into_any()
}

/// The ticket's facts and conversation, for both sides.
#[component]
pub(super) fn Conversation(t: TicketDetail, files_base: String) -> impl IntoView {
    let locale = use_locale();
    view! {
        <div class="detail-head">
            <h1>{t.subject.clone()}</h1>
            <span data-testid="ticket-status">{status_badge(locale, t.status)}</span>
            <span class="muted mono">{t.no.clone()}</span>
        </div>
        {t.stale.then(|| view! { <p class="notice warn">{locale.t("ticket.stale")}</p> })}
        <dl class="facts two">
            <dt>{locale.t("ticket.service_type")}</dt><dd>{locale.t(label_of(SERVICE_TYPES, &t.service_type))}</dd>
            <dt>{locale.t("ticket.category")}</dt><dd>{locale.t(label_of(CATEGORIES, &t.support_category))}</dd>
            <dt>{locale.t("ticket.name")}</dt><dd>{t.contact_name.clone()}</dd>
            <dt>{locale.t("ticket.phone")}</dt><dd>{dash(t.contact_phone.clone())}</dd>
            <dt>{locale.t("login.email")}</dt><dd>{t.contact_email.clone()}</dd>
            <dt>{locale.t("ticket.company")}</dt><dd>{t.company.clone()}</dd>
            <dt>{locale.t("ticket.created")}</dt><dd>{t.created.clone()}</dd>
            <dt>{locale.t("ticket.channel")}</dt><dd>{locale.t(channel_label(&t.channel))}</dd>
        </dl>
        <ol class="conversation" data-testid="conversation">
            <li class="message mine">
                <p class="muted small">{t.contact_name.clone()} " · " {t.created.clone()}</p>
                <p class="prewrap">{t.details.clone()}</p>
                {(!t.files.is_empty()).then(|| view! {
                    <ul class="file-list">{t.files.iter().map(|(id, name)| view! {
                        <li><a href=format!("{files_base}/{id}") rel="external" download>{name.clone()}</a></li>
                    }).collect_view()}</ul>
                })}
            </li>
            {t.messages.into_iter().map(|m| view! {
                <li class=if m.from_platform { "message theirs" } else { "message mine" }>
                    <p class="muted small">{dash(m.author)} {m.from_platform.then(|| view! { " · " {locale.t("ticket.platform")} })} " · " {m.at}</p>
                    <p class="prewrap">{m.body}</p>
                </li>
            }).collect_view()}
        </ol>
    }
}

#[component]
pub fn TicketPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let no = crate::kit::params::path_text("no");
    let detail = crate::kit::request_cache::page_resource(no, get_ticket);
    let reply = ServerAction::<ReplyTicket>::new();
    refetch_on_success(reply, detail);
    let fb = feedback("ticket-reply", reply.value());
    let created = query.with_untracked(|q| q.get("created").is_some());
    view! {
        <section class="page">
            <p class="breadcrumb"><A href="/tickets?tab=history">{locale.t("ticket.tab.history")}</A> " / " {no}</p>
            {created.then(|| view! { <p class="notice ok" role="status">{locale.t("ticket.created_notice")}</p> })}
            <Suspense fallback=move || view! { <p class="loading">{locale.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match detail.await {
                        Ok(t) => {
                            let open = t.status.after_provider_reply().is_some();
                            let no = t.no.clone();
                            view! {
                                <crate::kit::title::PageTitle text=t.subject.clone() />
                                <Conversation t=t.clone() files_base=format!("/tickets/{no}/files") />
                                {open.then(|| view! {
                                    <ActionForm action=reply attr:class="form card wide-form" attr:data-testid="ticket-reply">
                                        <FormMessage feedback=fb />
                                        <input type="hidden" name="no" value=no.clone() />
                                        <label class="field">
                                            <span>{locale.t("ticket.reply")}</span>
                                            <textarea name="body" rows="4" maxlength="5000" inner_html=move || crate::kit::forms::text_html(&fb.with(|f| f.value("body")))></textarea>
                                            <FieldMessage feedback=fb field="body" />
                                        </label>
                                        <button type="submit" class="button primary" disabled=move || reply.pending().get()>{locale.t("ticket.send_reply")}</button>
                                    </ActionForm>
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
