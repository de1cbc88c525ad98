//! 企业信息: the provider's admin and co-admins keep the company's details. The name is the
//! one the platform approved at registration; the account number shows masked and is typed
//! again only to change it.

use super::api::{get_company, RequestCompanyRename, SaveCompany};
use crate::kit::forms::{feedback, refetch_on_success, FieldMessage, FormMessage};
use crate::kit::i18n::use_locale;
use crate::shell::ErrorPage;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The form's fields: name, label key, input type.
const FIELDS: [(&str, &str, &str); 9] = [
    ("address", "providers.address", "text"),
    ("responsible_person", "providers.responsible", "text"),
    ("contact_name", "company.contact_name", "text"),
    ("contact_phone", "company.contact_phone", "tel"),
    ("contact_email", "company.contact_email", "email"),
    ("bank_name", "company.bank_name", "text"),
    ("bank_account_name", "company.bank_account_name", "text"),
    ("invoice_title", "company.invoice_title", "text"),
    ("tax_number", "company.tax_number", "text"),
];

#[component]
pub fn CompanyPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let data = crate::kit::request_cache::page_resource(|| (), |_| get_company());
    let save = ServerAction::<SaveCompany>::new();
    let rename = ServerAction::<RequestCompanyRename>::new();
    refetch_on_success(save, data);
    refetch_on_success(rename, data);
    let fb = feedback("company", save.value());
    let saved = move || {
        let done = matches!(save.value().get(), Some(Ok(())))
            || query.with(|q| q.get_str("done") == Some("saved"));
        done.then(|| view! { <p class="notice ok" role="status">{locale.t("common.saved")}</p> })
    };
    view! {
        <crate::kit::title::PageTitle text=locale.t("nav.company") />
        <section class="page">
            <h1>{locale.t("nav.company")}</h1>
            <p class="muted">{locale.t("company.lead")}</p>
            {saved}
            <Suspense fallback=move || view! { <p class="loading">{locale.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(super::CompanyView { company, editable, rename: latest }) => {
                            let current = company.clone();
                            // After a refusal without JavaScript the page shows what was typed.
                            let shown = move |field: &'static str| {
                                let kept = match field {
                                    "address" => current.address.clone(),
                                    "responsible_person" => current.responsible_person.clone(),
                                    "contact_name" => current.contact_name.clone(),
                                    "contact_phone" => current.contact_phone.clone(),
                                    "contact_email" => current.contact_email.clone(),
                                    "bank_name" => current.bank_name.clone(),
                                    "bank_account_name" => current.bank_account_name.clone(),
                                    "invoice_title" => current.invoice_title.clone(),
                                    _ => current.tax_number.clone(),
                                };
                                fb.with(|f| if f.values.is_empty() { kept.clone() } else { f.value(field) })
                            };
                            let shown_fact = shown.clone();
                            let part = if editable {
                                view! {
                                <ActionForm action=save attr:class="form card" attr:data-testid="company-form">
                                    <FormMessage feedback=fb />
                                    {FIELDS.into_iter().map(|(name, label, kind)| {
                                        let shown = shown.clone();
                                        view! {
                                            <label class="field">
                                                <span>{locale.t(label)}{(name == "responsible_person").then_some(" *")}</span>
                                                <input type=kind name=name maxlength="200" value=move || shown(name) />
                                                <FieldMessage feedback=fb field=name />
                                            </label>
                                        }
                                    }).collect_view()}
                                    <label class="field">
                                        <span>{locale.t("company.new_account_no")}</span>
                                        <input type="text" name="bank_account_no" inputmode="numeric" autocomplete="off" maxlength="40" />
                                        <FieldMessage feedback=fb field="bank_account_no" />
                                    </label>
                                    <p class="muted">{locale.t("company.account_hint")}</p>
                                    <button type="submit" class="button primary" disabled=move || save.pending().get()>{locale.t("common.save")}</button>
                                </ActionForm>
                                }.into_any()
                            } else {
                                view! {
                                    <dl class="facts two" data-testid="company-facts">
                                        {FIELDS.into_iter().map(|(name, label, _)| view! {
                                            <dt>{locale.t(label)}</dt><dd>{shown_fact(name)}</dd>
                                        }).collect_view()}
                                    </dl>
                                    <p class="muted">{locale.t("company.admins_only")}</p>
                                }.into_any()
                            };
                            view! {
                                <dl class="facts two">
                                    <dt>{locale.t("platform.provider.name")}</dt><dd data-testid="company-name">{company.name.clone()}</dd>
                                    <dt>{locale.t("company.bank_account_no")}</dt><dd data-testid="company-account">{company.bank_account_no.clone()}</dd>
                                </dl>
                                {part}
                                <Rename latest editable action=rename />
                            }.into_any()
                        }
                        Err(error) => view! { <ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// 公司名称变更: the admin asks for a new name, which the platform approves; meanwhile (and
/// after a rejection) the page says where the request stands.
#[component]
fn Rename(
    latest: Option<super::RenameView>,
    editable: bool,
    action: ServerAction<RequestCompanyRename>,
) -> impl IntoView {
    use super::company::RenameStatus;
    use crate::kit::code::Code;
    let locale = use_locale();
    let query = use_query_map();
    let fb = feedback("rename", action.value());
    let asked = move || {
        (matches!(action.value().get(), Some(Ok(())))
            || query.with(|q| q.get_str("done") == Some("rename")))
        .then(|| view! { <p class="notice ok" role="status">{locale.t("company.rename.sent")}</p> })
    };
    let waiting = latest
        .as_ref()
        .is_some_and(|r| r.status == RenameStatus::Pending);
    let standing = latest.map(|r| {
        let text = match r.status {
            RenameStatus::Pending => locale.tf("company.rename.waiting", &[("new", &r.new_name), ("at", &r.requested)]),
            RenameStatus::Approved => locale.tf("company.rename.approved", &[("old", &r.old_name), ("at", &r.decided)]),
            RenameStatus::Rejected => locale.tf("company.rename.rejected", &[("new", &r.new_name), ("at", &r.decided)]),
        };
        view! {
            <div class=format!("notice {}", if r.status == RenameStatus::Rejected { "warn" } else { "info" }) data-testid="rename-standing">
                <p><span class=format!("status status-{}", r.status.as_db())>{locale.t(r.status.label_key())}</span> " " {text}</p>
                {(r.status == RenameStatus::Rejected).then(|| view! { <p class="prewrap">{r.reason.clone()}</p> })}
            </div>
        }
    });
    view! {
        <section class="card" data-testid="company-rename">
            <h2>{locale.t("company.rename.title")}</h2>
            {asked}
            {standing}
            {(editable && !waiting).then(|| view! {
                <ActionForm action attr:class="form narrow-form" attr:data-testid="rename-form">
                    <p class="muted">{locale.t("company.rename.hint")}</p>
                    <FormMessage feedback=fb />
                    <label class="field">
                        <span>{locale.t("company.rename.new_name")} " *"</span>
                        <input type="text" name="new_name" maxlength="100" value=move || fb.with(|f| f.value("new_name")) />
                        <FieldMessage feedback=fb field="new_name" />
                    </label>
                    <button type="submit" class="button" disabled=move || action.pending().get()>{locale.t("company.rename.submit")}</button>
                </ActionForm>
            })}
        </section>
    }
}
