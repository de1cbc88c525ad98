//! The platform's 等级申请: the applications (pending first), one application with its files
//! and the decision, and the tiers themselves with their benefits.

use super::api::{
    get_tier_application, list_tier_applications, AddTierBenefit, DecideTierApplication,
    DeleteTierBenefit, SaveTier,
};
use super::pages::ApplicationTable;
use super::*;
use crate::kit::code::Code;
use crate::kit::forms::{feedback, refetch_on_success, ConfirmSubmit, FieldMessage, FormMessage};
use crate::kit::i18n::use_locale;
use crate::shell::{dash, ErrorPage};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn PlatformTiersPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let status = move || query.read().get("status").unwrap_or_default();
    let param = move |key: &str| query.read().get(key);
    let data = crate::kit::request_cache::page_resource(
        move || (status(), param("page"), param("per")),
        |(status, page, per)| list_tier_applications(status, page, per),
    );
    let save = ServerAction::<SaveTier>::new();
    let add = ServerAction::<AddTierBenefit>::new();
    let remove = ServerAction::<DeleteTierBenefit>::new();
    refetch_on_success(save, data);
    refetch_on_success(add, data);
    refetch_on_success(remove, data);
    let new_fb = feedback("tier-new", save.value());
    view! {
        <crate::kit::title::PageTitle text=locale.t("nav.platform.tiers") />
        <section class="page">
            <h1>{locale.t("nav.platform.tiers")}</h1>
            <nav class="status-tabs" aria-label=locale.t("tier.status")>
                {[("", "tier.app.pending"), ("approved", "tier.app.approved"), ("rejected", "tier.app.rejected"), ("all", "common.all")]
                    .into_iter().map(|(value, key)| {
                        let href = if value.is_empty() { "/platform/tiers".to_owned() } else { format!("/platform/tiers?status={value}") };
                        view! { <a href=href class:active=move || status() == value>{locale.t(key)}</a> }
                    }).collect_view()}
            </nav>
            <Suspense fallback=move || view! { <p class="loading">{locale.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(d) => view! {
                            {if d.applications.is_empty() {
                                view! { <div class="empty-state"><p>{locale.t("tier.no_applications")}</p></div> }.into_any()
                            } else {
                                view! { <ApplicationTable applications=d.applications.clone() platform=true /> }.into_any()
                            }}
                            {(d.count > 0).then(|| {
                                // The pager's links keep the status and the size chosen.
                                let kept = vec![
                                    ("status", query.with_untracked(|q| q.get("status")).unwrap_or_default()),
                                    ("per", query.with_untracked(|q| q.get("per")).unwrap_or_default()),
                                ];
                                view! {
                                    <crate::kit::pager::Pager path="/platform/tiers" params=kept page=d.page pages=d.pages
                                        per_page=d.per_page sizes=&crate::kit::pager::SIZES total=d.count />
                                }
                            })}
                            <h2>{locale.t("tier.manage")}</h2>
                            <div class="tier-grid">
                                {d.tiers.into_iter().map(|t| {
                                    let tier_form = format!("tier-{}", t.id);
                                    let benefit_form = format!("benefit-{}", t.id);
                                    let fb = feedback(tier_form, save.value());
                                    let bfb = feedback(benefit_form, add.value());
                                    let key = t.name.clone();
                                    view! {
                                        <section class="card tier" data-tier=key>
                                            <ActionForm action=save attr:class="form">
                                                <FormMessage feedback=fb />
                                                <input type="hidden" name="id" value=t.id.to_string() />
                                                <label class="field"><span>{locale.t("tier.name")} " · " {t.rank}</span>
                                                    <input type="text" name="name" value=t.name.clone() maxlength="30" required />
                                                    <FieldMessage feedback=fb field="name" /></label>
                                                <label class="field"><span>{locale.t("tier.requirement")}</span>
                                                    <textarea name="requirement" rows="2" maxlength="500" inner_html=crate::kit::forms::text_html(&t.requirement.clone())></textarea></label>
                                                <button type="submit" class="button small">{locale.t("common.save")}</button>
                                            </ActionForm>
                                            <ul class="benefits">
                                                {t.benefits.into_iter().map(|b| view! {
                                                    <li class="benefit">
                                                        <span class="benefit-icon" aria-hidden="true">{icon(&b.icon)}</span>
                                                        <span class="grow"><strong>{b.title}</strong><br /><span class="small muted">{dash(b.description)}</span></span>
                                                        <ActionForm action=remove>
                                                            <input type="hidden" name="id" value=b.id.to_string() />
                                                            <ConfirmSubmit label="common.delete" question="tier.benefit_delete_question" confirm="common.delete_confirm" small=true />
                                                        </ActionForm>
                                                    </li>
                                                }).collect_view()}
                                            </ul>
                                            <ActionForm action=add attr:class="form">
                                                <FormMessage feedback=bfb />
                                                <input type="hidden" name="tier_id" value=t.id.to_string() />
                                                <label class="field"><span>{locale.t("tier.benefit_title")}</span>
                                                    <input type="text" name="title" maxlength="50" required />
                                                    <FieldMessage feedback=bfb field="title" /></label>
                                                <label class="field"><span>{locale.t("tier.benefit_description")}</span>
                                                    <input type="text" name="description" maxlength="300" /></label>
                                                <label class="field"><span>{locale.t("tier.benefit_icon")}</span>
                                                    <select name="icon">{ICONS.iter().map(|(n, g)| view! { <option value=*n>{format!("{g} {n}")}</option> }).collect_view()}</select></label>
                                                <button type="submit" class="button small primary">{locale.t("tier.add_benefit")}</button>
                                            </ActionForm>
                                        </section>
                                    }
                                }).collect_view()}
                            </div>
                            <ActionForm action=save attr:class="form card narrow-form">
                                <h2>{locale.t("tier.add_tier")}</h2>
                                <FormMessage feedback=new_fb />
                                <input type="hidden" name="id" value="" />
                                <label class="field"><span>{locale.t("tier.name")} " *"</span>
                                    <input type="text" name="name" maxlength="30" required />
                                    <FieldMessage feedback=new_fb field="name" /></label>
                                <label class="field"><span>{locale.t("tier.requirement")}</span>
                                    <textarea name="requirement" rows="2" maxlength="500"></textarea></label>
                                <button type="submit" class="button primary">{locale.t("tier.add_tier")}</button>
                            </ActionForm>
                        }.into_any(),
                        Err(error) => view! { <ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
pub fn PlatformTierApplicationPage() -> impl IntoView {
    let locale = use_locale();
    let id = crate::kit::params::path_id("id");
    let data = crate::kit::request_cache::page_resource(id, get_tier_application);
    let decide = ServerAction::<DecideTierApplication>::new();
    refetch_on_success(decide, data);
    let fb = feedback("tier-decide", decide.value());
    view! {
        <section class="page">
            <p class="breadcrumb"><a href="/platform/tiers">{locale.t("nav.platform.tiers")}</a> " / " {move || id().to_string()}</p>
            <Suspense fallback=move || view! { <p class="loading">{locale.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(a) => view! {
                            <crate::kit::title::PageTitle text=format!("{} · {}", locale.t("nav.platform.tiers"), a.provider) />
                            <div class="detail-head">
                                <h1>{a.provider.clone()} " → " {a.tier.clone()}</h1>
                                <span class="status" data-testid="application-status">{locale.t(a.status.label_key())}</span>
                            </div>
                            <dl class="facts two">
                                <dt>{locale.t("tier.from")}</dt><dd>{dash(a.from_tier.clone())}</dd>
                                <dt>{locale.t("tier.applied_at")}</dt><dd>{a.created.clone()}</dd>
                                <dt>{locale.t("tier.contact_name")}</dt><dd>{a.contact_name.clone()}</dd>
                                <dt>{locale.t("activate.phone")}</dt><dd>{dash(a.contact_phone.clone())}</dd>
                                <dt>{locale.t("login.email")}</dt><dd>{a.contact_email.clone()}</dd>
                                <dt>{locale.t("tier.applicant")}</dt><dd>{dash(a.applicant.clone())}</dd>
                            </dl>
                            <h2>{locale.t("tier.reason")}</h2>
                            <p class="prewrap">{a.reason.clone()}</p>
                            <h2>{locale.t("tier.files")}</h2>
                            {if a.files.is_empty() {
                                view! { <p class="muted">{locale.t("svc.no_attachments")}</p> }.into_any()
                            } else {
                                view! { <ul class="file-list">{a.files.iter().map(|f| view! {
                                    <li><a href=format!("/platform/tiers/applications/{}/files/{}", a.id, f.id) rel="external" download>{f.name.clone()}</a></li>
                                }).collect_view()}</ul> }.into_any()
                            }}
                            {(a.status == ApplicationStatus::Pending).then(|| view! {
                                <ActionForm action=decide attr:class="form card narrow-form" attr:data-testid="tier-decide">
                                    <h2>{locale.t("svc.decision")}</h2>
                                    <FormMessage feedback=fb />
                                    <input type="hidden" name="id" value=a.id.to_string() />
                                    <label class="field"><span>{locale.t("svc.reason")}</span>
                                        <textarea name="reason" rows="3" maxlength="1000" placeholder=locale.t("tier.reason_hint") inner_html=move || crate::kit::forms::text_html(&fb.with(|f| f.value("reason")))></textarea>
                                        <FieldMessage feedback=fb field="reason" /></label>
                                    <div class="toolbar">
                                        <button type="submit" name="decision" value="approve" class="button primary">{locale.t("svc.approve")}</button>
                                        <button type="submit" name="decision" value="reject" class="button danger">{locale.t("svc.reject")}</button>
                                    </div>
                                </ActionForm>
                            })}
                            {(!a.decision_reason.is_empty()).then(|| view! { <p class="notice">{a.decision_reason.clone()}</p> })}
                        }.into_any(),
                        Err(error) => view! { <ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
