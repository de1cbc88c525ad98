//! 服务项 pages (§4.1): the list, 新建 and the item with its tabs 基本信息, SKU&计划, 预览 and
//! 历史. Filters are GET forms, changes are ActionForms, attachments a plain multipart form:
//! everything works without JavaScript.

use super::editor::RichTextEditor;
use super::model::{BillingMode, ReviewAction, ServiceStatus};
use super::*;
use crate::kit::code::Code;
use crate::kit::error::AppError;
use crate::kit::forms::{feedback, refetch_on_success, FieldMessage, FormMessage};
use crate::kit::i18n::{use_locale, Locale};
use crate::kit::paging::{SortColumn, SortHeader};
use crate::shell::{dash, ErrorPage};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};

pub(super) fn status_badge(locale: Locale, status: ServiceStatus) -> impl IntoView {
    view! { <span class=format!("status svc-{}", status.as_db())>{locale.t(status.label_key())}</span> }
}

#[component]
pub fn ServiceListPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let param = move |key: &str| query.read().get(key).unwrap_or_default();
    let data = crate::kit::request_cache::page_resource(
        move || {
            (
                param("from"),
                param("to"),
                param("q"),
                param("status"),
                param("sort"),
                param("page"),
                param("per"),
            )
        },
        |(from, to, q, status, sort, page, per)| {
            list_service_items(from, to, q, status, sort, page, Some(per))
        },
    );
    let kept = move || {
        ["from", "to", "q", "status", "sort", "per"]
            .into_iter()
            .map(|k| (k, param(k)))
            .collect::<Vec<(&'static str, String)>>()
    };
    view! {
        <crate::kit::title::PageTitle text=locale.t("nav.service_items") />
        <section class="page">
            <div class="detail-head">
                <h1>{locale.t("nav.service_items")}</h1>
                <span class="spacer"></span>
                <A href="/services/new" attr:class="button primary">{locale.t("svc.new")}</A>
            </div>
            // Rendered again as the query changes (status tabs, sort headers, back), so the fields
            // show the filters of the list below them, not those of the page first loaded.
            {move || view! {
                <form method="get" action="/services" class="filters" autocomplete="off" role="search">
                    <label class="field">
                        <span>{locale.t("svc.filter.from")}</span>
                        <input type="date" name="from" value=param("from") />
                    </label>
                    <label class="field">
                        <span>{locale.t("svc.filter.to")}</span>
                        <input type="date" name="to" value=param("to") />
                    </label>
                    <crate::kit::dates::QuickRanges />
                    <label class="field grow">
                        <span>{locale.t("svc.name")}</span>
                        <input type="search" name="q" value=param("q") maxlength="100" placeholder=locale.t("svc.search_hint") />
                    </label>
                    <label class="field">
                        <span>{locale.t("svc.status")}</span>
                        <select name="status">
                            <option value="">{locale.t("common.all")}</option>
                            {ServiceStatus::all().map(|s| view! {
                                <option value=s.as_db() selected=param("status") == s.as_db()>{locale.t(s.label_key())}</option>
                            }).collect_view()}
                        </select>
                    </label>
                    <input type="hidden" name="sort" value=param("sort") />
                    <button type="submit" class="button primary">{locale.t("common.search")}</button>
                    <a class="button" href="/services">{locale.t("common.clear")}</a>
                </form>
            }}
            <Suspense fallback=move || view! { <p class="loading">{locale.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(list) => view! {
                            {if list.rows.is_empty() {
                                view! { <div class="empty-state"><p>{locale.t("svc.empty")}</p>
                                    <A href="/services/new" attr:class="button primary">{locale.t("svc.new")}</A></div> }.into_any()
                            } else {
                                view! {
                                    <div class="table-wrap">
                                        <table class="table" data-testid="service-items">
                                            <caption class="sr-only">{locale.t("nav.service_items")}</caption>
                                            <thead><tr>
                                                <SortHeader label="svc.name" column=SortColumn { desc: None, asc: Some("name") } />
                                                <th>{locale.t("svc.product")}</th><th>{locale.t("svc.creator")}</th>
                                                <SortHeader label="svc.created" column=SortColumn { desc: Some(""), asc: Some("created_asc") } />
                                                <SortHeader label="svc.status" column=SortColumn { desc: None, asc: Some("status") } /><th>{locale.t("common.actions")}</th>
                                            </tr></thead>
                                            <tbody>
                                                {list.rows.into_iter().map(|r| { let key = r.name.clone(); view! {
                                                    <tr data-name=key>
                                                        <td>{r.name}</td><td>{r.product}</td><td>{dash(r.creator)}</td>
                                                        <td class="nowrap">{r.created}</td><td>{status_badge(locale, r.status)}</td>
                                                        <td><A href=format!("/services/{}", r.id)>{locale.t("common.view_detail")}</A></td>
                                                    </tr>
                                                }}).collect_view()}
                                            </tbody>
                                        </table>
                                    </div>
                                }.into_any()
                            }}
                            <crate::kit::pager::Pager path="/services" params=kept() page=list.page pages=list.pages
                                per_page=list.per_page sizes=&crate::kit::pager::SIZES total=list.count />
                        }.into_any(),
                        Err(error) => view! { <ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// The tab bar: 基本信息 always; the others once the item exists (§4.1.2: SKU&计划 after 保存).
#[component]
fn Tabs(id: Option<i64>, active: String) -> impl IntoView {
    let locale = use_locale();
    let tabs = [
        ("basic", "svc.tab.basic"),
        ("sku", "svc.tab.sku"),
        ("preview", "svc.tab.preview"),
        ("history", "svc.tab.history"),
    ];
    view! {
        <nav class="tabs" aria-label=locale.t("svc.tabs")>
            {tabs.into_iter().map(|(tab, key)| {
                let current = active == tab;
                match id {
                    Some(id) => view! {
                        <A href=format!("/services/{id}?tab={tab}") attr:class=if current { "tab active" } else { "tab" }
                            attr:aria-current=current.then_some("page")>{locale.t(key)}</A>
                    }.into_any(),
                    None if tab == "basic" => view! { <span class="tab active">{locale.t(key)}</span> }.into_any(),
                    None => view! { <span class="tab disabled" title=locale.t("svc.save_first")>{locale.t(key)}</span> }.into_any(),
                }
            }).collect_view()}
        </nav>
    }
}

/// 基本信息: the fields of §4.1.2 and the description editor.
#[component]
fn BasicForm(
    id: Option<i64>,
    content: Snapshot,
    products: Vec<String>,
    detail: Option<Resource<Result<ServiceDetail, AppError>>>,
) -> impl IntoView {
    let locale = use_locale();
    let save = ServerAction::<SaveServiceItem>::new();
    let fb = feedback("service-basic", save.value());
    if let Some(detail) = detail {
        refetch_on_success(save, detail);
    }
    // As without JavaScript: a new item continues on its SKU&计划 tab, a saved one says so.
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(saved_id)) = save.value().get() {
            let next = if id.is_none() {
                format!("/services/{saved_id}?tab=sku&saved=1")
            } else {
                format!("/services/{saved_id}?saved=1")
            };
            navigate(&next, Default::default());
        }
    });
    // After a refused plain post the typed values come back; otherwise the saved ones.
    let value = move |field: &str, saved: &str| {
        let typed = fb.with_untracked(|f| f.value(field));
        let refused = fb.with_untracked(|f| !f.errors.is_empty());
        if refused && !typed.is_empty() {
            typed
        } else {
            saved.to_owned()
        }
    };
    // Typed text from the URL is only ever text (the textarea), never markup.
    let typed_description = fb.with_untracked(|f| {
        (!f.errors.is_empty())
            .then(|| f.value("description"))
            .filter(|typed| !typed.is_empty())
    });
    view! {
        <ActionForm action=save attr:class="form card wide-form" attr:data-testid="basic-form">
            <FormMessage feedback=fb />
            <input type="hidden" name="id" value=id.map(|i| i.to_string()).unwrap_or_default() />
            <label class="field">
                <span>{locale.t("svc.name")} " *"</span>
                <input type="text" name="name" maxlength="100" required value=value("name", &content.name) />
                <FieldMessage feedback=fb field="name" />
            </label>
            <label class="field">
                <span>{locale.t("svc.product")} " *"</span>
                <input type="text" name="product" maxlength="100" required list="svc-products" value=value("product", &content.product) />
                <datalist id="svc-products">
                    {products.into_iter().map(|p| view! { <option value=p></option> }).collect_view()}
                </datalist>
                <span class="muted small">{locale.t("svc.product_hint")}</span>
                <FieldMessage feedback=fb field="product" />
            </label>
            <div class="field-row">
                <label class="field">
                    <span>{locale.t("svc.owner_name")} " *"</span>
                    <input type="text" name="owner_name" maxlength="50" required value=value("owner_name", &content.owner_name) />
                    <FieldMessage feedback=fb field="owner_name" />
                </label>
                <label class="field">
                    <span>{locale.t("svc.owner_contact")} " *"</span>
                    <input type="text" name="owner_contact" maxlength="100" required value=value("owner_contact", &content.owner_contact) />
                    <FieldMessage feedback=fb field="owner_contact" />
                </label>
            </div>
            <div class="field">
                <span>{locale.t("svc.description")}</span>
                <RichTextEditor name="description" saved_html=content.description_html.clone() typed=typed_description />
                <span class="muted small">{locale.t("svc.description_hint")}</span>
                <FieldMessage feedback=fb field="description" />
            </div>
            <div class="toolbar">
                <button type="submit" class="button primary" disabled=move || save.pending().get()>{locale.t("common.save")}</button>
            </div>
        </ActionForm>
    }
}

#[component]
pub fn ServiceNewPage() -> impl IntoView {
    let locale = use_locale();
    let products = crate::kit::request_cache::page_resource(|| (), |_| service_products());
    view! {
        <crate::kit::title::PageTitle text=locale.t("svc.new_title") />
        <section class="page">
            <p class="breadcrumb"><A href="/services">{locale.t("nav.service_items")}</A> " / " {locale.t("svc.new")}</p>
            <h1>{locale.t("svc.new_title")}</h1>
            <Tabs id=None active="basic".into() />
            <Suspense fallback=move || view! { <p class="loading">{locale.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match products.await {
                        Ok(products) => view! { <BasicForm id=None content=Snapshot::default() products detail=None /> }.into_any(),
                        Err(error) => view! { <ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
pub fn ServiceItemPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let id = crate::kit::params::path_id("id");
    let tab = move || query.read().get("tab").unwrap_or_else(|| "basic".into());
    let detail = crate::kit::request_cache::page_resource(id, get_service_item);
    view! {
        <section class="page">
            <p class="breadcrumb"><A href="/services">{locale.t("nav.service_items")}</A> " / " {move || id().to_string()}</p>
            <Suspense fallback=move || view! { <p class="loading">{locale.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match detail.await {
                        Ok(d) => view! { <Item d detail tab=tab() /> }.into_any(),
                        Err(error) => view! { <ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn Item(
    d: ServiceDetail,
    detail: Resource<Result<ServiceDetail, AppError>>,
    tab: String,
) -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let saved = query.with_untracked(|q| q.get("saved").is_some());
    let editable = d.status.editable();
    let id = d.id;
    view! {
        <crate::kit::title::PageTitle text=d.content.name.clone() />
        <div class="detail-head">
            <h1>{d.content.name.clone()}</h1>
            <span data-testid="service-status">{status_badge(locale, d.status)}</span>
            <span class="muted small">"v" {d.version}</span>
        </div>
        {saved.then(|| view! {
            <p class="notice ok" role="status">{locale.t(if tab == "sku" { "svc.saved_continue" } else { "common.saved" })}</p>
        })}
        {(!d.decision_reason.is_empty()).then(|| view! {
            <div class="notice warn" data-testid="decision-reason">
                <strong>{locale.t(if d.status == ServiceStatus::Rejected { "svc.rejected_because" } else { "svc.delisting_refused_because" })}</strong>
                <p>{d.decision_reason.clone()}</p>
            </div>
        })}
        {d.status.edit_refusal().map(|code| view! { <p class="notice" data-testid="locked">{locale.t_dyn(code)}</p> })}
        <ReviewActions d=d.clone() detail />
        <Tabs id=Some(id) active=tab.clone() />
        {match tab.as_str() {
            "sku" => view! { <Skus d=d.clone() detail editable /> }.into_any(),
            "preview" => view! {
                <p class="muted">{locale.t("svc.preview_hint")}</p>
                <Preview content=d.content.clone() provider=d.provider.clone() files_base=format!("/services/{id}/files") />
            }.into_any(),
            "history" => view! { <History versions=d.versions.clone() events=d.events.clone() /> }.into_any(),
            _ => view! {
                <BasicForm id=Some(id) content=d.content.clone() products=d.products.clone() detail=Some(detail) />
                <Files id files=d.content.files.clone() detail editable />
            }.into_any(),
        }}
    }
}

/// 提交审核 and 下架, where the state allows them.
#[component]
fn ReviewActions(
    d: ServiceDetail,
    detail: Resource<Result<ServiceDetail, AppError>>,
) -> impl IntoView {
    let locale = use_locale();
    let act = ServerAction::<MoveServiceItem>::new();
    refetch_on_success(act, detail);
    let fb = feedback("review", act.value());
    let query = use_query_map();
    let reopen = query.with_untracked(|q| q.get_str("form") == Some("review"));
    let can_submit = ReviewAction::Submit.next(d.status).is_some();
    let can_delist = ReviewAction::RequestDelisting.next(d.status).is_some();
    let id = d.id.to_string();
    view! {
        <div class="toolbar" data-testid="review-actions">
            <FormMessage feedback=fb />
            {can_submit.then(|| view! {
                <ActionForm action=act>
                    <input type="hidden" name="item_id" value=d.id.to_string() />
                    <button type="submit" name="action" value="submit" class="button primary">{locale.t("svc.submit")}</button>
                </ActionForm>
            })}
            {can_delist.then(|| view! {
                <details class="inline-details" open=reopen>
                    <summary class="button danger">{locale.t("svc.delist")}</summary>
                    <ActionForm action=act attr:class="form card">
                        <p>{locale.t("svc.delist_confirm")}</p>
                        <input type="hidden" name="item_id" value=id.clone() />
                        <label class="field">
                            <span>{locale.t("svc.delist_note")}</span>
                            <textarea name="note" rows="3" maxlength="1000"></textarea>
                            <FieldMessage feedback=fb field="note" />
                        </label>
                        <button type="submit" name="action" value="request_delisting" class="button danger">{locale.t("svc.delist_send")}</button>
                    </ActionForm>
                </details>
            })}
            {(d.status == ServiceStatus::PendingReview).then(|| view! { <span class="muted">{locale.t("svc.waiting_review")}</span> })}
            {(d.status == ServiceStatus::DelistRequested).then(|| view! { <span class="muted">{locale.t("svc.waiting_delisting")}</span> })}
        </div>
    }
}

/// 上传附件: the item's files, a plain multipart upload, removal with a confirmation.
#[component]
fn Files(
    id: i64,
    files: Vec<FileView>,
    detail: Resource<Result<ServiceDetail, AppError>>,
    editable: bool,
) -> impl IntoView {
    let locale = use_locale();
    let remove = ServerAction::<DeleteServiceFile>::new();
    refetch_on_success(remove, detail);
    let fb = feedback("files", remove.value());
    let query = use_query_map();
    let upload_error = query.with_untracked(|q| {
        (q.get_str("form") == Some("files"))
            .then(|| q.get("e.file"))
            .flatten()
    });
    view! {
        <section class="card" data-testid="attachments">
            <h2>{locale.t("svc.attachments")}</h2>
            <FormMessage feedback=fb />
            {if files.is_empty() {
                view! { <p class="muted">{locale.t("svc.no_attachments")}</p> }.into_any()
            } else {
                view! {
                    <ul class="file-list">
                        {files.into_iter().map(|f| view! {
                            <li>
                                <a href=format!("/services/{id}/files/{}", f.id) rel="external" download>{f.name.clone()}</a>
                                " " <span class="muted small">{f.size}</span>
                                {editable.then(|| view! {
                                    <details class="inline-details">
                                        <summary class="button small danger">{locale.t("common.delete")}</summary>
                                        <ActionForm action=remove attr:class="card confirm">
                                            <input type="hidden" name="item_id" value=id.to_string() />
                                            <input type="hidden" name="file_id" value=f.id.to_string() />
                                            <button type="submit" class="button small danger">{locale.t("common.delete_confirm")}</button>
                                        </ActionForm>
                                    </details>
                                })}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {editable.then(|| view! {
                <form class="form" method="post" enctype="multipart/form-data" action=format!("/services/{id}/files")>
                    <label class="field">
                        <span>{locale.t("svc.upload")}</span>
                        <input type="file" name="file" accept=".pdf,.png,.jpg,.jpeg,.zip,.docx,.xlsx,.pptx" />
                        <span class="muted small">{locale.t("svc.upload_hint")}</span>
                        {upload_error.clone().map(|code| view! { <span class="field-error" role="alert">{locale.t_dyn(&code)}</span> })}
                    </label>
                    <crate::kit::forms::UploadProgress />
                    <button type="submit" class="button small primary">{locale.t("svc.upload_button")}</button>
                </form>
            })}
        </section>
    }
}

/// SKU&计划: each SKU with its plans; adding and changing them while the item is editable.
#[component]
fn Skus(
    d: ServiceDetail,
    detail: Resource<Result<ServiceDetail, AppError>>,
    editable: bool,
) -> impl IntoView {
    let locale = use_locale();
    let id = d.id;
    let skus = d.content.skus.clone();
    view! {
        <div data-testid="skus">
            {skus.is_empty().then(|| view! { <div class="empty-state"><p>{locale.t("svc.no_skus")}</p></div> })}
            {skus.into_iter().map(|sku| {
                let sku_for_form = sku.clone();
                view! {
                    <section class="card sku" data-sku=sku.name.clone()>
                        <div class="detail-head">
                            <h2>{sku.name.clone()}</h2>
                            <span class="muted">{dash(sku.specification.clone())}</span>
                            <span class="muted">{locale.t("svc.region")} ": " {dash(sku.region.clone())}</span>
                            <span class="spacer"></span>
                            {editable.then(|| view! {
                                <details class="inline-details">
                                    <summary class="button small">{locale.t("common.edit")}</summary>
                                    <SkuForm item_id=id sku=Some(sku_for_form.clone()) detail />
                                </details>
                                <DeleteSku item_id=id sku_id=sku.id detail />
                            })}
                        </div>
                        <PlanTable item_id=id sku=sku.clone() detail editable />
                        {editable.then(|| view! {
                            <details class="inline-details" open=reopened(&format!("plan-new-{}", sku.id))>
                                <summary class="button small primary">{locale.t("svc.add_plan")}</summary>
                                <PlanEditor item_id=id sku_id=sku.id plan=None detail />
                            </details>
                        })}
                    </section>
                }
            }).collect_view()}
            {editable.then(|| view! {
                <details class="inline-details" open=reopened("sku-new")>
                    <summary class="button primary">{locale.t("svc.add_sku")}</summary>
                    <SkuForm item_id=id sku=None detail />
                </details>
            })}
        </div>
    }
}

/// Whether a plain form post came back to `form` (its `<details>` opens again).
fn reopened(form: &str) -> bool {
    use_query_map().with_untracked(|q| q.get_str("form") == Some(form))
}

#[component]
fn SkuForm(
    item_id: i64,
    sku: Option<SkuView>,
    detail: Resource<Result<ServiceDetail, AppError>>,
) -> impl IntoView {
    let locale = use_locale();
    let save = ServerAction::<SaveSku>::new();
    refetch_on_success(save, detail);
    let form = sku
        .as_ref()
        .map(|s| format!("sku-{}", s.id))
        .unwrap_or_else(|| "sku-new".into());
    let fb = feedback(form, save.value());
    let sku = sku.unwrap_or(SkuView {
        id: 0,
        name: String::new(),
        specification: String::new(),
        region: String::new(),
        plans: Vec::new(),
    });
    let typed = move |field: &str, saved: &str| {
        let v = fb.with_untracked(|f| f.value(field));
        if v.is_empty() {
            saved.to_owned()
        } else {
            v
        }
    };
    view! {
        <ActionForm action=save attr:class="form card">
            <FormMessage feedback=fb />
            <input type="hidden" name="item_id" value=item_id.to_string() />
            <input type="hidden" name="sku_id" value=if sku.id == 0 { String::new() } else { sku.id.to_string() } />
            <label class="field">
                <span>{locale.t("svc.sku_name")} " *"</span>
                <input type="text" name="name" maxlength="100" required value=typed("name", &sku.name) />
                <FieldMessage feedback=fb field="name" />
            </label>
            <label class="field">
                <span>{locale.t("svc.specification")}</span>
                <input type="text" name="specification" maxlength="500" value=typed("specification", &sku.specification) />
                <FieldMessage feedback=fb field="specification" />
            </label>
            <label class="field">
                <span>{locale.t("svc.region")}</span>
                <input type="text" name="region" maxlength="100" value=typed("region", &sku.region) />
                <FieldMessage feedback=fb field="region" />
            </label>
            <button type="submit" class="button primary" disabled=move || save.pending().get()>{locale.t("common.save")}</button>
        </ActionForm>
    }
}

#[component]
fn DeleteSku(
    item_id: i64,
    sku_id: i64,
    detail: Resource<Result<ServiceDetail, AppError>>,
) -> impl IntoView {
    let locale = use_locale();
    let remove = ServerAction::<DeleteSku>::new();
    refetch_on_success(remove, detail);
    let fb = feedback(format!("sku-{sku_id}"), remove.value());
    view! {
        <details class="inline-details">
            <summary class="button small danger">{locale.t("common.delete")}</summary>
            <ActionForm action=remove attr:class="card confirm">
                <FormMessage feedback=fb />
                <p>{locale.t("svc.delete_sku_confirm")}</p>
                <input type="hidden" name="item_id" value=item_id.to_string() />
                <input type="hidden" name="sku_id" value=sku_id.to_string() />
                <button type="submit" class="button small danger">{locale.t("common.delete_confirm")}</button>
            </ActionForm>
        </details>
    }
}

#[component]
fn PlanTable(
    item_id: i64,
    sku: SkuView,
    detail: Resource<Result<ServiceDetail, AppError>>,
    editable: bool,
) -> impl IntoView {
    let locale = use_locale();
    if sku.plans.is_empty() {
        return view! { <p class="muted">{locale.t("svc.no_plans")}</p> }.into_any();
    }
    view! {
        <div class="table-wrap">
            <table class="table" data-testid="plans">
                <caption class="sr-only">{locale.t("svc.plans")}</caption>
                <thead><tr>
                    <th>{locale.t("svc.plan_name")}</th><th>{locale.t("svc.billing_mode")}</th>
                    <th class="num">{locale.t("svc.price")}</th><th class="num">{locale.t("svc.tax_rate")}</th>
                    <th class="num">{locale.t("svc.price_with_tax")}</th><th>{locale.t("svc.schedule")}</th>
                    {editable.then(|| view! { <th>{locale.t("common.actions")}</th> })}
                </tr></thead>
                <tbody>
                    {sku.plans.into_iter().map(|p| {
                        let plan_for_form = p.clone();
                        let plan_id = p.id;
                        view! {
                            <tr data-plan=p.name.clone()>
                                <td>{p.name.clone()}</td>
                                <td>{locale.t(p.mode.label_key())}</td>
                                <td class="num nowrap">{p.price.clone()}</td>
                                <td class="num">{p.tax_percent.clone()} "%"</td>
                                <td class="num nowrap" data-testid="price-with-tax">{p.price_with_tax.clone()}</td>
                                <td class="small"><Schedule plan=p.clone() /></td>
                                {editable.then(|| view! {
                                    <td class="nowrap">
                                        <details class="inline-details" open=reopened(&format!("plan-{plan_id}"))>
                                            <summary class="button small">{locale.t("common.edit")}</summary>
                                            <PlanEditor item_id sku_id=sku.id plan=Some(plan_for_form.clone()) detail />
                                        </details>
                                        <DeletePlan item_id plan_id detail />
                                    </td>
                                })}
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }.into_any()
}

/// A plan's payments: one price, per month, or the installments with their interval.
#[component]
pub(super) fn Schedule(plan: PlanView) -> impl IntoView {
    let locale = use_locale();
    match plan.mode {
        BillingMode::OneTime => view! { <span>{locale.t("svc.pay_once")}</span> }.into_any(),
        BillingMode::Monthly => view! { <span>{locale.tf("svc.pay_monthly", &[("amount", &plan.price_with_tax)])}</span> }.into_any(),
        BillingMode::Installments => view! {
            <span>{locale.tf("svc.pay_installments", &[("n", &plan.installments.to_string()), ("months", &plan.interval_months.to_string())])}</span>
            <ol class="schedule" data-testid="schedule">
                {plan.schedule.into_iter().map(|amount| view! { <li>{amount}</li> }).collect_view()}
            </ol>
        }.into_any(),
    }
}

#[component]
fn DeletePlan(
    item_id: i64,
    plan_id: i64,
    detail: Resource<Result<ServiceDetail, AppError>>,
) -> impl IntoView {
    let locale = use_locale();
    let remove = ServerAction::<DeletePlan>::new();
    refetch_on_success(remove, detail);
    view! {
        <details class="inline-details">
            <summary class="button small danger">{locale.t("common.delete")}</summary>
            <ActionForm action=remove attr:class="card confirm">
                <input type="hidden" name="item_id" value=item_id.to_string() />
                <input type="hidden" name="plan_id" value=plan_id.to_string() />
                <button type="submit" class="button small danger">{locale.t("common.delete_confirm")}</button>
            </ActionForm>
        </details>
    }
}

/// A plan's form. The tax-inclusive price is worked out as the user types, with the same
/// exact decimal arithmetic the server uses.
#[component]
fn PlanEditor(
    item_id: i64,
    sku_id: i64,
    plan: Option<PlanView>,
    detail: Resource<Result<ServiceDetail, AppError>>,
) -> impl IntoView {
    let locale = use_locale();
    let save = ServerAction::<SavePlan>::new();
    refetch_on_success(save, detail);
    let form = plan
        .as_ref()
        .map(|p| format!("plan-{}", p.id))
        .unwrap_or_else(|| format!("plan-new-{sku_id}"));
    let fb = feedback(form, save.value());
    let typed = move |field: &str, saved: String| {
        let v = fb.with_untracked(|f| f.value(field));
        if v.is_empty() {
            saved
        } else {
            v
        }
    };
    let p = plan.clone();
    let price = RwSignal::new(typed(
        "price",
        p.as_ref()
            .map(|p| p.price_input.clone())
            .unwrap_or_default(),
    ));
    let tax = RwSignal::new(typed(
        "tax_percent",
        p.as_ref()
            .map(|p| p.tax_percent.clone())
            .unwrap_or_else(|| "6".into()),
    ));
    let currency = RwSignal::new(typed(
        "currency",
        p.as_ref()
            .map(|p| p.currency.clone())
            .unwrap_or_else(|| "CNY".into()),
    ));
    let mode = typed(
        "billing_mode",
        p.as_ref()
            .map(|p| p.mode.as_db().to_owned())
            .unwrap_or_else(|| "one_time".into()),
    );
    let with_tax = move || {
        let form = model::PlanForm {
            name: "-".into(),
            billing_mode: "one_time".into(),
            price: price.get(),
            currency: currency.get(),
            tax_percent: tax.get(),
            ..Default::default()
        };
        form.check()
            .map(|plan| plan.price_with_tax().to_string())
            .unwrap_or_else(|_| "—".into())
    };
    view! {
        <ActionForm action=save attr:class="form card plan-form">
            <FormMessage feedback=fb />
            <input type="hidden" name="item_id" value=item_id.to_string() />
            <input type="hidden" name="sku_id" value=sku_id.to_string() />
            <input type="hidden" name="plan_id" value=p.as_ref().map(|p| p.id.to_string()).unwrap_or_default() />
            <label class="field">
                <span>{locale.t("svc.plan_name")} " *"</span>
                <input type="text" name="name" maxlength="100" required value=typed("name", p.as_ref().map(|p| p.name.clone()).unwrap_or_default()) />
                <FieldMessage feedback=fb field="name" />
            </label>
            <label class="field">
                <span>{locale.t("svc.billing_mode")} " *"</span>
                <select name="billing_mode">
                    {BillingMode::all().map(|m| view! { <option value=m.as_db() selected=mode == m.as_db()>{locale.t(m.label_key())}</option> }).collect_view()}
                </select>
                <FieldMessage feedback=fb field="billing_mode" />
            </label>
            <div class="field-row">
                <label class="field">
                    <span>{locale.t("svc.price")} " *"</span>
                    <input type="text" name="price" inputmode="decimal" required placeholder="0.00" prop:value=move || price.get()
                        on:input=move |ev| price.set(event_target_value(&ev)) />
                    <FieldMessage feedback=fb field="price" />
                </label>
                <label class="field">
                    <span>{locale.t("svc.currency")}</span>
                    <select name="currency" on:change=move |ev| currency.set(event_target_value(&ev))>
                        {["CNY", "USD"].into_iter().map(|c| view! { <option value=c selected=move || currency.get() == c>{c}</option> }).collect_view()}
                    </select>
                    <FieldMessage feedback=fb field="currency" />
                </label>
                <label class="field">
                    <span>{locale.t("svc.tax_rate")} " (%) *"</span>
                    <input type="text" name="tax_percent" inputmode="decimal" required prop:value=move || tax.get()
                        on:input=move |ev| tax.set(event_target_value(&ev)) />
                    <FieldMessage feedback=fb field="tax_percent" />
                </label>
                <div class="field">
                    <span>{locale.t("svc.price_with_tax")}</span>
                    <output class="computed" data-testid="computed-price">{with_tax}</output>
                </div>
            </div>
            <fieldset class="field-row">
                <legend class="muted small">{locale.t("svc.installments_hint")}</legend>
                <label class="field">
                    <span>{locale.t("svc.installments")}</span>
                    <input type="number" name="installments" min="2" max="60" value=typed("installments", p.as_ref().filter(|p| p.mode == BillingMode::Installments).map(|p| p.installments.to_string()).unwrap_or_default()) />
                    <FieldMessage feedback=fb field="installments" />
                </label>
                <label class="field">
                    <span>{locale.t("svc.interval_months")}</span>
                    <input type="number" name="interval_months" min="1" max="12" value=typed("interval_months", p.as_ref().filter(|p| p.mode == BillingMode::Installments).map(|p| p.interval_months.to_string()).unwrap_or_else(|| "1".into())) />
                    <FieldMessage feedback=fb field="interval_months" />
                </label>
            </fieldset>
            <button type="submit" class="button primary" disabled=move || save.pending().get()>{locale.t("common.save")}</button>
        </ActionForm>
    }
}

/// The item exactly as buyers will see it on the marketplace.
#[component]
pub(super) fn Preview(content: Snapshot, provider: String, files_base: String) -> impl IntoView {
    let locale = use_locale();
    view! {
        <article class="service-preview" data-testid="preview">
            <header>
                <h2>{content.name.clone()}</h2>
                <p class="muted">{locale.t("svc.product")} ": " {content.product.clone()} " · " {locale.t("svc.provided_by")} " " {provider}</p>
            </header>
            <div class="rich-text" data-testid="preview-description" inner_html=content.description_html.clone()></div>
            <h3>{locale.t("svc.tab.sku")}</h3>
            <div class="sku-cards">
                {content.skus.into_iter().map(|sku| view! {
                    <div class="card">
                        <h4>{sku.name}</h4>
                        <p class="muted small">{dash(sku.specification)} " · " {locale.t("svc.region")} ": " {dash(sku.region)}</p>
                        <ul class="plain">
                            {sku.plans.into_iter().map(|p| view! {
                                <li>
                                    <strong>{p.name.clone()}</strong> " " <span class="amount">{p.price_with_tax.clone()}</span>
                                    <span class="muted small">" (" {locale.tf("svc.incl_tax", &[("rate", &p.tax_percent)])} ")"</span>
                                    <div class="small"><Schedule plan=p /></div>
                                </li>
                            }).collect_view()}
                        </ul>
                    </div>
                }).collect_view()}
            </div>
            {(!content.files.is_empty()).then(|| view! {
                <h3>{locale.t("svc.attachments")}</h3>
                <ul class="file-list">
                    {content.files.into_iter().map(|f| view! {
                        <li><a href=format!("{files_base}/{}", f.id) rel="external" download>{f.name}</a> " " <span class="muted small">{f.size}</span></li>
                    }).collect_view()}
                </ul>
            })}
            <p class="small muted">{locale.t("svc.owner_name")} ": " {content.owner_name} " · " {locale.t("svc.owner_contact")} ": " {content.owner_contact}</p>
        </article>
    }
}

/// 历史: the review moves, and every version with who changed what.
#[component]
pub(super) fn History(versions: Vec<VersionView>, events: Vec<EventView>) -> impl IntoView {
    let locale = use_locale();
    view! {
        <h2>{locale.t("svc.review_history")}</h2>
        {if events.is_empty() {
            view! { <p class="muted">{locale.t("svc.no_reviews")}</p> }.into_any()
        } else {
            view! {
                <table class="table" data-testid="review-history">
                    <caption class="sr-only">{locale.t("svc.review_history")}</caption>
                    <thead><tr><th>{locale.t("svc.when")}</th><th>{locale.t("svc.who")}</th><th>{locale.t("svc.what")}</th>
                        <th>{locale.t("svc.version")}</th><th>{locale.t("svc.reason")}</th></tr></thead>
                    <tbody>
                        {events.into_iter().map(|e| view! {
                            <tr>
                                <td class="nowrap">{e.at}</td><td>{dash(e.actor)}</td>
                                <td>{locale.t_dyn(&format!("svc.action.{}", e.action))}
                                    {e.to.map(|s| view! { " → " {status_badge(locale, s)} })}</td>
                                <td>"v" {e.version}</td><td>{dash(e.reason)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
        <h2>{locale.t("svc.versions")}</h2>
        <table class="table" data-testid="versions">
            <caption class="sr-only">{locale.t("svc.versions")}</caption>
            <thead><tr><th>{locale.t("svc.version")}</th><th>{locale.t("svc.when")}</th><th>{locale.t("svc.who")}</th><th>{locale.t("svc.changes")}</th></tr></thead>
            <tbody>
                {versions.into_iter().map(|v| view! {
                    <tr>
                        <td>"v" {v.version}</td><td class="nowrap">{v.at}</td><td>{dash(v.actor)}</td>
                        <td><ul class="plain">
                            {v.changes.into_iter().map(|c| view! {
                                <li>{locale.t_dyn(&format!("svc.change.{}", c.key))}
                                    {(!c.detail.is_empty()).then(|| view! { ": " <span class="muted">{c.detail}</span> })}</li>
                            }).collect_view()}
                        </ul></td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}
