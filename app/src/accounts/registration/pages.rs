//! The applicant's three steps (§2.1): company with qualification files, admin binding,
//! and the state of the application.

use super::api::{registration_draft, SubmitRegistration};
use super::model::RegistrationStatus;
use crate::accounts::activation::PublicCard;
use crate::kit::forms::{feedback, FieldMessage, FormMessage};
use crate::kit::i18n::use_locale;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The three steps of §2.1, as a progress line.
#[component]
fn Steps(current: u8) -> impl IntoView {
    let locale = use_locale();
    view! {
        <ol class="wizard-steps">
            {[(1, "registration.step.company"), (2, "registration.step.admin"), (3, "registration.step.done")]
                .into_iter()
                .map(|(n, key)| view! {
                    <li class:active=move || n == current class:done=move || n < current>
                        <span class="step-no">{n}</span>{locale.t(key)}
                    </li>
                })
                .collect_view()}
        </ol>
    }
}

/// Step 1: company and qualification files. A multipart form posted to the server's upload
/// route (files need no JavaScript); refused input comes back in the query.
#[component]
pub fn RegisterPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let get = move |key: &str| query.read_untracked().get(key).unwrap_or_default();
    let error = move |field: &str| {
        let code = get(&format!("e.{field}"));
        (!code.is_empty())
            .then(|| view! { <span class="field-error" role="alert">{locale.t_dyn(&code)}</span> })
    };
    let general = get("e._");
    view! {
        <PublicCard title="registration.title">
            <Steps current=1 />
            <form method="post" action="/register" enctype="multipart/form-data" class="form" novalidate>
                {(!general.is_empty()).then(|| view! { <p class="form-error" role="alert">{locale.t_dyn(&general)}</p> })}
                {(!get("e.company_name").is_empty() || !get("e.files").is_empty() || !get("e.responsible_person").is_empty())
                    .then(|| view! { <p class="form-error" role="alert">{locale.t("form.invalid")}</p> })}
                <label class="field">
                    <span>{locale.t("registration.company_name")}</span>
                    <input type="text" name="company_name" value=get("v.company_name") maxlength="100" required />
                    {error("company_name")}
                </label>
                <label class="field">
                    <span>{locale.t("registration.responsible_person")}</span>
                    <input type="text" name="responsible_person" value=get("v.responsible_person") maxlength="50" required />
                    {error("responsible_person")}
                </label>
                <label class="field">
                    <span>{locale.t("registration.files")}</span>
                    <input type="file" name="files" multiple accept=".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png" />
                    <small class="muted">{locale.t("registration.files_hint")}</small>
                    {error("files")}
                </label>
                <crate::kit::forms::UploadProgress />
                <button type="submit" class="button primary wide">{locale.t("registration.next")}</button>
            </form>
            <p class="login-links"><a href="/login">{locale.t("registration.have_account")}</a></p>
        </PublicCard>
    }
}

/// Step 2: 绑定管理员.
#[component]
pub fn RegisterAdminPage() -> impl IntoView {
    let locale = use_locale();
    let token = crate::kit::params::path_text("token");
    let draft = crate::kit::request_cache::page_resource(token, registration_draft);
    let action = ServerAction::<SubmitRegistration>::new();
    let fb = feedback("admin", action.value());
    view! {
        <PublicCard title="registration.title">
            <Steps current=2 />
            <Suspense fallback=move || view! { <p class="loading">{locale.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match draft.await {
                        Ok(draft) if draft.status == RegistrationStatus::Draft => {
                            let field = move |name: &'static str, label: &'static str, kind: &'static str, autocomplete: &'static str| view! {
                                <label class="field">
                                    <span>{locale.t(label)}</span>
                                    <input type=kind name=name autocomplete=autocomplete value=move || fb.with(|f| f.value(name)) required />
                                    <FieldMessage feedback=fb field=name />
                                </label>
                            };
                            view! {
                                <p class="muted">{locale.tf("registration.admin_for", &[("company", &draft.company_name)])}</p>
                                <ActionForm action attr:class="form">
                                    <FormMessage feedback=fb />
                                    <input type="hidden" name="token" value=token() />
                                    {field("admin_name", "registration.admin_name", "text", "name")}
                                    {field("admin_email", "login.email", "email", "email")}
                                    {field("admin_phone", "activate.phone", "tel", "tel")}
                                    {field("admin_address", "registration.admin_address", "text", "street-address")}
                                    <button type="submit" class="button primary wide" disabled=move || action.pending().get()>{locale.t("registration.submit")}</button>
                                </ActionForm>
                            }.into_any()
                        }
                        Ok(_) => view! { <leptos_router::components::Redirect path=format!("/register/{}/done", token()) /> }.into_any(),
                        Err(error) => view! { <crate::shell::ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
        </PublicCard>
    }
}

/// Step 3: 等待平台审核, and later the decision (the link can be kept to look it up).
#[component]
pub fn RegisterDonePage() -> impl IntoView {
    let locale = use_locale();
    let token = crate::kit::params::path_text("token");
    let draft = crate::kit::request_cache::page_resource(token, registration_draft);
    view! {
        <PublicCard title="registration.title">
            <Steps current=3 />
            <Suspense fallback=move || view! { <p class="loading">{locale.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match draft.await {
                        Ok(r) => view! {
                            <div class="done-state" data-testid="registration-state">
                                <p class="big">{locale.t(match r.status {
                                    RegistrationStatus::Approved => "registration.done.approved",
                                    RegistrationStatus::Rejected => "registration.done.rejected",
                                    _ => "registration.done.pending",
                                })}</p>
                                <p class="muted">{r.company_name}</p>
                                {(r.status == RegistrationStatus::Rejected).then(|| view! {
                                    <p class="form-error">{locale.t("registration.reason")}": "{r.reason}</p>
                                })}
                                <p class="muted">{locale.t("registration.done.hint")}</p>
                            </div>
                        }.into_any(),
                        Err(error) => view! { <crate::shell::ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
        </PublicCard>
    }
}
