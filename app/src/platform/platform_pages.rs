//! The platform home (with 代客户验收 from its overdue stages), the mail log, and 平台设置.

use super::api::{
    get_platform_settings, platform_mail, platform_overdue, platform_providers, SavePayer,
    SavePlatformSettings,
};
use crate::kit::forms::{feedback, FieldMessage, FormMessage};
use crate::kit::i18n::use_locale;
use leptos::prelude::*;

/// Says that links show in the log because no SMTP server delivers mail.
#[component]
fn DevelopmentNotice(development: bool) -> impl IntoView {
    let locale = use_locale();
    development.then(|| {
        view! { <p class="notice warn" data-testid="mail-development">{locale.t("mail.development")}</p> }
    })
}

#[component]
pub fn MailLogPage() -> impl IntoView {
    let locale = use_locale();
    let query = leptos_router::hooks::use_query_map();
    let before = move || {
        query
            .read()
            .get("before")
            .and_then(|b| b.parse::<i64>().ok())
    };
    let page = crate::kit::request_cache::page_resource(before, platform_mail);
    view! {
        <crate::kit::title::PageTitle text=locale.t("nav.platform.mail") />
        <section class="page">
            <h1>{locale.t("nav.platform.mail")}</h1>
            <p class="lead">{locale.t("mail.lead")}</p>
            <Suspense fallback=move || view! { <p class="loading">{locale.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(page) if page.rows.is_empty() => view! {
                            <DevelopmentNotice development=page.development />
                            <div class="empty-state"><p>{locale.t("mail.empty")}</p></div>
                        }.into_any(),
                        Ok(page) => view! {
                            <DevelopmentNotice development=page.development />
                            <table class="table" data-testid="mail-log">
                                <caption class="sr-only">{locale.t("nav.platform.mail")}</caption>
                                <thead><tr>
                                    <th>{locale.t("mail.created")}</th><th>{locale.t("mail.to")}</th>
                                    <th>{locale.t("mail.subject")}</th><th>{locale.t("mail.state")}</th>
                                </tr></thead>
                                <tbody>
                                    {page.rows.into_iter().map(|m| {
                                        let state = match (&m.sent, &m.failed, m.attempts) {
                                            (Some(at), _, _) => format!("{} {at}", locale.t("mail.sent")),
                                            (None, Some(at), n) => locale.tf("mail.failed", &[("at", at), ("n", &n.to_string()), ("error", &m.last_error)]),
                                            (None, None, 0) => locale.t("mail.waiting").to_owned(),
                                            (None, None, n) => locale.tf("mail.retrying", &[("n", &n.to_string()), ("error", &m.last_error)]),
                                        };
                                        view! {
                                            <tr>
                                                <td>{m.created}</td>
                                                <td>{m.to}</td>
                                                <td>
                                                    <details>
                                                        <summary>{m.subject}</summary>
                                                        <pre class="mail-body">{m.text}</pre>
                                                    </details>
                                                </td>
                                                <td>{state}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                            <nav class="pager">
                                {page.next.map(|id| view! {
                                    <a class="button" rel="next" href=format!("/platform/mail?before={id}")>{locale.t("common.next_page")}</a>
                                })}
                            </nav>
                        }.into_any(),
                        Err(error) => view! { <crate::shell::ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
pub fn PlatformHomePage() -> impl IntoView {
    let locale = use_locale();
    let providers = crate::kit::request_cache::page_resource(|| (), |_| platform_providers());
    let query = leptos_router::hooks::use_query_map();
    let param = move |key: &str| query.read().get(key).unwrap_or_default();
    let overdue = crate::kit::request_cache::page_resource(
        move || (param("page"), param("per")),
        |(page, per)| platform_overdue(Some(page), Some(per)),
    );
    view! {
        <crate::kit::title::PageTitle text=locale.t("nav.platform.home") />
        <section class="page">
            <h1>{locale.t("platform.providers")}</h1>
            <Suspense fallback=move || view! { <p class="loading">{locale.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match providers.await {
                        Ok(rows) if rows.is_empty() => view! {
                            <div class="empty-state"><p>{locale.t("platform.providers.empty")}</p></div>
                        }.into_any(),
                        Ok(rows) => view! {
                            <table class="table">
                                <caption class="sr-only">{locale.t("platform.providers")}</caption>
                                <thead>
                                    <tr>
                                        <th>{locale.t("platform.provider.name")}</th>
                                        <th>{locale.t("home.members")}</th>
                                        <th>{locale.t("platform.provider.created")}</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {rows.into_iter().map(|row| view! {
                                        <tr>
                                            <td><a href=format!("/platform/providers/{}", row.id)>{row.name}</a></td>
                                            <td>{row.active_members}</td>
                                            <td>{row.created}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                            <p><a href="/platform/providers">{locale.t("platform.providers.all")}</a></p>
                        }.into_any(),
                        Err(error) => view! { <crate::shell::ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
            <h2>{locale.t("platform.overdue")}</h2>
            <Suspense fallback=move || view! { <p class="loading">{locale.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match overdue.await {
                        Ok(page) if page.total == 0 => view! {
                            <div class="empty-state"><p>{locale.t("platform.overdue.empty")}</p></div>
                        }.into_any(),
                        Ok(page) => view! {
                            <table class="table" data-testid="overdue">
                                <caption class="sr-only">{locale.t("platform.overdue")}</caption>
                                <thead><tr>
                                    <th>{locale.t("platform.provider.name")}</th><th>{locale.t("wo.column.no")}</th>
                                    <th>{locale.t("ms.stage")}</th><th>{locale.t("acc.deadline")}</th><th>{locale.t("wo.contact")}</th>
                                    <th>{locale.t("common.actions")}</th>
                                </tr></thead>
                                <tbody>
                                    {page.rows.into_iter().map(|r| view! {
                                        <tr data-work-order=r.work_order_no.clone()>
                                            <td>{r.provider_name}</td>
                                            <td class="mono"><a href=format!("/platform/orders/{}", r.work_order_no)>{r.work_order_no.clone()}</a></td>
                                            <td>{r.position}</td><td>{r.due}</td><td>{r.contact}</td>
                                            <td class="row-actions">
                                                <a class="button small" href=format!("/platform/stages/{}/accept", r.milestone_id)>{locale.t("behalf.action")}</a>
                                            </td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                            <crate::kit::pager::Pager path="/platform" params=vec![("per", param("per"))] page=page.page
                                pages=crate::kit::pager::page_count(page.total, page.per_page) per_page=page.per_page
                                sizes=&crate::kit::pager::SIZES total=page.total />
                        }.into_any(),
                        Err(error) => view! { <crate::shell::ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// 平台 › 平台设置: the platform's own settings — 自动验收 off, or after N days (1–90) of
/// the customer's silence.
#[component]
pub fn PlatformSettingsPage() -> impl IntoView {
    let locale = use_locale();
    let save = ServerAction::<SavePlatformSettings>::new();
    let save_payer = ServerAction::<SavePayer>::new();
    let current = crate::kit::request_cache::page_resource(
        move || (save.version().get(), save_payer.version().get()),
        |_| get_platform_settings(),
    );
    let fb = feedback("platform-settings", save.value());
    let payer_fb = feedback("payer", save_payer.value());
    view! {
        <crate::kit::title::PageTitle text=locale.t("nav.platform.settings") />
        <section class="page">
            <h1>{locale.t("nav.platform.settings")}</h1>
            <Suspense fallback=move || view! { <p class="loading">{locale.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match current.await {
                        Ok(settings) => {
                            // Refused: what was sent; otherwise what is stored.
                            let refused = fb.with(|f| !f.errors.is_empty());
                            let (enabled, days) = if refused {
                                (fb.with(|f| !f.value("auto_accept").is_empty()), fb.with(|f| f.value("days")))
                            } else {
                                (
                                    settings.auto_accept_days.is_some(),
                                    settings.auto_accept_days.map(|d| d.to_string()).unwrap_or_default(),
                                )
                            };
                            let state = match settings.auto_accept_days {
                                Some(d) => locale.tf("settings.auto_accept.on", &[("days", &d.to_string())]),
                                None => locale.t("settings.auto_accept.off").to_owned(),
                            };
                            view! {
                                <ActionForm action=save attr:class="form card" attr:data-form="platform-settings">
                                    <FormMessage feedback=fb />
                                    <h2>{locale.t("settings.auto_accept")}</h2>
                                    <p class="muted" data-testid="auto-accept-state">{state}</p>
                                    <p>{locale.t("settings.auto_accept.explain")}</p>
                                    <label class="check">
                                        <input type="checkbox" name="auto_accept" value="on" checked=enabled />
                                        " " {locale.t("settings.auto_accept.enable")}
                                    </label>
                                    <label class="field">
                                        <span>{locale.t("settings.auto_accept.days")}</span>
                                        <input type="text" inputmode="numeric" name="days" maxlength="3" value=days />
                                        <FieldMessage feedback=fb field="days" />
                                    </label>
                                    <button type="submit" class="button primary" disabled=move || save.pending().get()>{locale.t("common.save")}</button>
                                </ActionForm>
                                <ActionForm action=save_payer attr:class="form card" attr:data-form="payer" attr:data-testid="payer-form">
                                    <FormMessage feedback=payer_fb />
                                    <h2>{locale.t("settings.payer")}</h2>
                                    <p>{locale.t("settings.payer.explain")}</p>
                                    {[("payer_name", "settings.payer.name", settings.payer_name.clone()), ("payer_contact", "settings.payer.contact", settings.payer_contact.clone())]
                                        .into_iter()
                                        .map(|(field, label, stored)| {
                                            // Refused: what was sent; otherwise what is stored.
                                            let shown = if payer_fb.with(|f| f.errors.is_empty()) { stored } else { payer_fb.with(|f| f.value(field)) };
                                            view! {
                                                <label class="field">
                                                    <span>{locale.t(label)} " *"</span>
                                                    <input type="text" name=field maxlength="200" value=shown />
                                                    <FieldMessage feedback=payer_fb field=field />
                                                </label>
                                            }
                                        })
                                        .collect_view()}
                                    <button type="submit" class="button primary" disabled=move || save_payer.pending().get()>{locale.t("common.save")}</button>
                                </ActionForm>
                            }.into_any()
                        }
                        Err(error) => view! { <crate::shell::ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
