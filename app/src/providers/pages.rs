//! 企业信息: the provider's admin and co-admins keep the company's details. The name is the
//! one the platform approved at registration; the account number shows masked and is typed
//! again only to change it.

use super::api::{get_company, SaveCompany};
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
    refetch_on_success(save, data);
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
                        Ok(super::CompanyView { company, editable }) => {
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
                            }.into_any()
                        }
                        Err(error) => view! { <ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
