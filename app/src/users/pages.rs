//! 用户管理 pages: the list (search, filters, sort, page size, bulk 禁用/启用, 邀请用户,
//! 转移管理员) and one member's page (编辑, invitation). Filters are a GET form; actions are
//! ActionForms; the dialogs are `<details>`: all of it works without JavaScript. And 操作日志
//! (the audit log, a provider's or with `platform` every provider's) and 登录设备 (sessions).

use super::api::{
    audit_entries, get_member, list_members, my_sessions, EditMember, EndOtherSessions,
    InviteMember, ResendInvitation, RevokeInvitation, SetMembersState, TransferAdmin,
};
use super::model::{self, action_label};
use super::*;
use crate::kit::code::Code;
use crate::kit::error::AppError;
use crate::kit::forms::{feedback, refetch_on_success, ConfirmSubmit, FieldMessage, FormMessage};
use crate::kit::i18n::use_locale;
use crate::kit::paging::{SortColumn, SortHeader};
use crate::shell::{dash, ErrorPage};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

fn role_options(locale: crate::kit::i18n::Locale, roles: &[Role], chosen: Role) -> impl IntoView {
    roles
        .iter()
        .map(|r| view! { <option value=r.as_db() selected=*r == chosen>{locale.t(r.label_key())}</option> })
        .collect_view()
}

#[component]
pub fn UsersPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let param = move |key: &str| query.read().get(key).unwrap_or_default();
    let invite = ServerAction::<InviteMember>::new();
    let bulk = ServerAction::<SetMembersState>::new();
    let transfer = ServerAction::<TransferAdmin>::new();
    let page = crate::kit::request_cache::page_resource(
        move || {
            (
                param("q"),
                param("role"),
                param("state"),
                param("sort"),
                param("page"),
                param("per"),
            )
        },
        |(q, role, state, sort, page, per)| list_members(q, role, state, sort, page, per),
    );
    // Only after a success: a refused form stays open with what was typed.
    refetch_on_success(invite, page);
    refetch_on_success(bulk, page);
    refetch_on_success(transfer, page);
    let invite_fb = feedback("invite", invite.value());
    let bulk_fb = feedback("bulk", bulk.value());
    let transfer_fb = feedback("transfer", transfer.value());
    let reopen = move |form: &str| query.read_untracked().get("form").as_deref() == Some(form);
    view! {
        <crate::kit::title::PageTitle text=locale.t("nav.users") />
        <section class="page">
            <h1>{locale.t("nav.users")}</h1>
            // Rendered again as the query changes (status tabs, sort headers, back), so the fields
            // show the filters of the list below them, not those of the page first loaded.
            {move || view! {
                <form method="get" action="/users" class="filters" autocomplete="off" role="search">
                    <label class="field grow">
                        <span>{locale.t("users.search")}</span>
                        <input type="search" name="q" value=param("q") maxlength="100" placeholder=locale.t("users.search_hint") />
                    </label>
                    <label class="field">
                        <span>{locale.t("users.role")}</span>
                        <select name="role">
                            <option value="">{locale.t("common.all")}</option>
                            {[Role::Admin, Role::CoAdmin, Role::User].into_iter().map(|r| view! {
                                <option value=r.as_db() selected=param("role") == r.as_db()>{locale.t(r.label_key())}</option>
                            }).collect_view()}
                        </select>
                    </label>
                    <label class="field">
                        <span>{locale.t("users.state")}</span>
                        <select name="state">
                            <option value="">{locale.t("common.all")}</option>
                            {[MemberState::Active, MemberState::Invited, MemberState::Disabled].into_iter().map(|s| view! {
                                <option value=s.as_db() selected=param("state") == s.as_db()>{locale.t(s.label_key())}</option>
                            }).collect_view()}
                        </select>
                    </label>
                    <input type="hidden" name="sort" value=param("sort") />
                    <input type="hidden" name="per" value=param("per") />
                    <button type="submit" class="button primary">{locale.t("common.search")}</button>
                    <a class="button" href="/users">{locale.t("common.clear")}</a>
                </form>
            }}
            <Suspense fallback=move || view! { <p class="loading">{locale.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(data) => {
                            let manage = data.my_role.may_manage_users();
                            let admin = data.my_role.may_transfer_admin();
                            let me = data.me;
                            let pages = crate::kit::pager::page_count(data.total, data.per_page);
                            let kept: Vec<(&'static str, String)> =
                                ["q", "role", "state", "sort", "per"].into_iter().map(|k| (k, param(k))).collect();
                            let candidates: Vec<(i64, String)> = data.rows.iter()
                                .filter(|r| r.state == MemberState::Active && r.user_id != me)
                                .map(|r| (r.user_id, format!("{} {}", r.email, r.name)))
                                .collect();
                            view! {
                                {manage.then(|| view! {
                                    <div class="toolbar">
                                        <details class="inline-details" open=reopen("invite")>
                                            <summary class="button primary">{locale.t("users.invite")}</summary>
                                            <ActionForm action=invite attr:class="form card">
                                                <h2>{locale.t("users.invite")}</h2>
                                                <FormMessage feedback=invite_fb />
                                                <label class="field">
                                                    <span>{locale.t("login.email")}</span>
                                                    <input type="email" name="email" required value=move || invite_fb.with(|f| f.value("email")) />
                                                    <FieldMessage feedback=invite_fb field="email" />
                                                </label>
                                                <label class="field">
                                                    <span>{locale.t("users.role")}</span>
                                                    <select name="role">{role_options(locale, data.my_role.grantable_roles(), Role::User)}</select>
                                                    <FieldMessage feedback=invite_fb field="role" />
                                                </label>
                                                <button type="submit" class="button primary" disabled=move || invite.pending().get()>{locale.t("users.send_invitation")}</button>
                                                {move || matches!(invite.value().get(), Some(Ok(()))).then(|| view! {
                                                    <p class="notice ok" role="status">{locale.t("users.invited")}</p>
                                                })}
                                            </ActionForm>
                                        </details>
                                        {admin.then(|| view! {
                                            <details class="inline-details" open=reopen("transfer")>
                                                <summary class="button">{locale.t("users.transfer")}</summary>
                                                <ActionForm action=transfer attr:class="form card">
                                                    <h2>{locale.t("users.transfer")}</h2>
                                                    <p class="muted">{locale.t("users.transfer_hint")}</p>
                                                    <FormMessage feedback=transfer_fb />
                                                    <label class="field">
                                                        <span>{locale.t("users.new_admin")}</span>
                                                        <select name="user_id">
                                                            {candidates.iter().map(|(id, label)| view! { <option value=id.to_string()>{label.clone()}</option> }).collect_view()}
                                                        </select>
                                                        <FieldMessage feedback=transfer_fb field="user_id" />
                                                    </label>
                                                    <label class="field">
                                                        <span>{locale.t("users.your_password")}</span>
                                                        <input type="password" name="password" autocomplete="current-password" required />
                                                        <FieldMessage feedback=transfer_fb field="password" />
                                                    </label>
                                                    <button type="submit" class="button danger">{locale.t("common.save")}</button>
                                                </ActionForm>
                                            </details>
                                        })}
                                    </div>
                                })}
                                <ActionForm action=bulk attr:class="bulk-form">
                                    <FormMessage feedback=bulk_fb />
                                    <FieldMessage feedback=bulk_fb field="selected" />
                                    {manage.then(|| view! {
                                        <div class="toolbar">
                                            <ConfirmSubmit label="users.disable" question="users.disable_question" confirm="users.disable_confirm" name="enable" value="0" />
                                            <button type="submit" name="enable" value="1" class="button">{locale.t("users.enable")}</button>
                                        </div>
                                    })}
                                    {if data.rows.is_empty() {
                                        view! { <div class="empty-state"><p>{locale.t("users.empty")}</p></div> }.into_any()
                                    } else {
                                        view! {
                                            <div class="table-wrap">
                                                <table class="table" data-testid="members">
                                                    <caption class="sr-only">{locale.t("nav.users")}</caption>
                                                    <thead><tr>
                                                        {manage.then(|| view! { <th><span class="sr-only">{locale.t("users.select")}</span></th> })}
                                                        <SortHeader label="login.email" column=SortColumn { desc: None, asc: Some("email") } />
                                                        <SortHeader label="users.name" column=SortColumn { desc: None, asc: Some("name") } />
                                                        <th>{locale.t("users.type")}</th><th>{locale.t("users.role")}</th>
                                                        <th>{locale.t("activate.phone")}</th><th>{locale.t("users.inviter")}</th>
                                                        <th>{locale.t("users.activated")}</th>
                                                        <SortHeader label="users.created" column=SortColumn { desc: Some(""), asc: Some("created_asc") } />
                                                        <SortHeader label="users.last_login" column=SortColumn { desc: Some("last_login"), asc: None } /><th>{locale.t("common.actions")}</th>
                                                    </tr></thead>
                                                    <tbody>
                                                        {data.rows.into_iter().map(|r| {
                                                            let selectable = model::may_set_state(data.my_role, me, r.role, r.user_id);
                                                            let state_note = match r.state {
                                                                MemberState::Disabled => Some(locale.t("users.state.disabled")),
                                                                MemberState::Invited if r.invitation_expired => Some(locale.t("users.invitation_expired")),
                                                                MemberState::Invited => Some(locale.t("users.state.invited")),
                                                                MemberState::Active => None,
                                                            };
                                                            view! {
                                                                <tr class:disabled=r.state == MemberState::Disabled data-email=r.email.clone()>
                                                                    {manage.then(|| view! {
                                                                        <td>{selectable.then(|| view! {
                                                                            <input type="checkbox" name=format!("selected[u{}]", r.user_id) aria-label=r.email.clone() />
                                                                        })}</td>
                                                                    })}
                                                                    <td>{r.email.clone()}</td>
                                                                    <td>{dash(r.name.clone())}</td>
                                                                    <td>{locale.t("users.type.regular")}</td>
                                                                    <td>{locale.t(r.role.label_key())}</td>
                                                                    <td>{dash(r.phone.clone())}</td>
                                                                    <td>{dash(r.inviter.clone())}</td>
                                                                    <td>
                                                                        {if r.activated && r.state != MemberState::Invited { "✔" } else { "✘" }}
                                                                        {state_note.map(|n| view! { " " <span class="muted">{n}</span> })}
                                                                    </td>
                                                                    <td>{r.created.clone()}</td>
                                                                    <td>{dash(r.last_login.clone())}</td>
                                                                    <td><a href=format!("/users/{}", r.user_id)>{locale.t("common.edit")}</a></td>
                                                                </tr>
                                                            }
                                                        }).collect_view()}
                                                    </tbody>
                                                </table>
                                            </div>
                                        }.into_any()
                                    }}
                                </ActionForm>
                                <crate::kit::pager::Pager path="/users" params=kept page=data.page pages
                                    per_page=data.per_page sizes=&crate::kit::pager::SIZES total=data.total />
                            }.into_any()
                        }
                        Err(error) => view! { <ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// One member: 编辑 (name, phone, role) and, while invited, resend or revoke.
#[component]
pub fn MemberDetailPage() -> impl IntoView {
    let locale = use_locale();
    let id = crate::kit::params::path_id("id");
    let edit = ServerAction::<EditMember>::new();
    let resend = ServerAction::<ResendInvitation>::new();
    let revoke = ServerAction::<RevokeInvitation>::new();
    let data = crate::kit::request_cache::page_resource(id, get_member);
    refetch_on_success(edit, data);
    refetch_on_success(resend, data);
    let edit_fb = feedback("edit", edit.value());
    let member_fb = feedback("member", resend.value());
    let revoke_fb = feedback("member", revoke.value());
    view! {
        <crate::kit::title::PageTitle text=locale.t("nav.users") />
        <section class="page narrow">
            <p><a href="/users">"← "{locale.t("nav.users")}</a></p>
            <Suspense fallback=move || view! { <p class="loading">{locale.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(page) => {
                            let Some(m) = page.rows.into_iter().next() else {
                                return view! { <ErrorPage error=AppError::NotFound /> }.into_any();
                            };
                            let editable = model::may_edit(page.my_role, page.me, m.role, m.user_id);
                            let roles: Vec<Role> = if m.role == Role::Admin { vec![Role::Admin] } else { page.my_role.grantable_roles().to_vec() };
                            let typed = move |field: &'static str, initial: String| move || {
                                let v = edit_fb.with(|f| f.value(field));
                                if v.is_empty() && edit_fb.with(|f| f.values.is_empty()) { initial.clone() } else { v }
                            };
                            view! {
                                <h1>{m.email.clone()}</h1>
                                <dl class="facts">
                                    <dt>{locale.t("users.role")}</dt><dd>{locale.t(m.role.label_key())}</dd>
                                    <dt>{locale.t("users.state")}</dt><dd data-testid="member-state">{locale.t(m.state.label_key())}</dd>
                                    <dt>{locale.t("users.created")}</dt><dd>{m.created.clone()}</dd>
                                    <dt>{locale.t("users.last_login")}</dt><dd>{dash(m.last_login.clone())}</dd>
                                </dl>
                                {editable.then(|| view! {
                                    <ActionForm action=edit attr:class="form card">
                                        <h2>{locale.t("common.edit")}</h2>
                                        <FormMessage feedback=edit_fb />
                                        <input type="hidden" name="user_id" value=m.user_id.to_string() />
                                        <label class="field">
                                            <span>{locale.t("users.name")}</span>
                                            <input type="text" name="name" maxlength="50" value=typed("name", m.name.clone()) />
                                            <FieldMessage feedback=edit_fb field="name" />
                                        </label>
                                        <label class="field">
                                            <span>{locale.t("activate.phone")}</span>
                                            <input type="tel" name="phone" maxlength="40" value=typed("phone", m.phone.clone()) />
                                            <FieldMessage feedback=edit_fb field="phone" />
                                        </label>
                                        <label class="field">
                                            <span>{locale.t("users.role")}</span>
                                            <select name="role" disabled=m.role == Role::Admin>{role_options(locale, &roles, m.role)}</select>
                                            <FieldMessage feedback=edit_fb field="role" />
                                        </label>
                                        <button type="submit" class="button primary" disabled=move || edit.pending().get()>{locale.t("common.save")}</button>
                                        {move || matches!(edit.value().get(), Some(Ok(()))).then(|| view! { <p class="notice ok" role="status">{locale.t("common.saved")}</p> })}
                                    </ActionForm>
                                })}
                                {(m.state == MemberState::Invited && page.my_role.may_manage_users()).then(|| view! {
                                    <div class="card">
                                        <h2>{locale.t("users.invitation")}</h2>
                                        <FormMessage feedback=member_fb />
                                        <FormMessage feedback=revoke_fb />
                                        {move || matches!(resend.value().get(), Some(Ok(()))).then(|| view! { <p class="notice ok" role="status">{locale.t("users.invited")}</p> })}
                                        <div class="toolbar">
                                            <ActionForm action=resend attr:class="inline">
                                                <input type="hidden" name="user_id" value=m.user_id.to_string() />
                                                <button type="submit" class="button">{locale.t("users.resend")}</button>
                                            </ActionForm>
                                            <ActionForm action=revoke attr:class="inline">
                                                <input type="hidden" name="user_id" value=m.user_id.to_string() />
                                                <ConfirmSubmit label="users.revoke" question="users.revoke_question" confirm="users.revoke_confirm" />
                                            </ActionForm>
                                        </div>
                                    </div>
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

/// 操作日志: filters by person, action and date; CSV export of the same selection.
#[component]
pub fn AuditLogPage(#[prop(optional)] platform: bool) -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let param = move |key: &str| query.read().get(key).unwrap_or_default();
    let base = if platform {
        "/platform/audit"
    } else {
        "/audit"
    };
    let page = crate::kit::request_cache::page_resource(
        move || {
            (
                platform,
                (
                    param("provider"),
                    param("actor"),
                    param("action"),
                    param("from"),
                    param("to"),
                    param("before"),
                    param("after"),
                ),
            )
        },
        |(platform, (provider, actor, action, from, to, before, after))| {
            audit_entries(platform, provider, actor, action, from, to, before, after)
        },
    );
    // The filters, and the page's place (`before=` or `after=` a cursor) when given.
    let filters = move |place: Option<(&str, String)>| {
        let mut pairs: Vec<String> = ["provider", "actor", "action", "from", "to"]
            .iter()
            .filter_map(|k| {
                let v = param(k);
                (!v.is_empty()).then(|| format!("{k}={}", crate::kit::forms::encode_query(&v)))
            })
            .collect();
        if let Some((key, cursor)) = place {
            pairs.push(format!("{key}={cursor}"));
        }
        pairs.join("&")
    };
    let link = move |place: Option<(&str, String)>| {
        let query = filters(place);
        if query.is_empty() {
            base.to_owned()
        } else {
            format!("{base}?{query}")
        }
    };
    view! {
        <crate::kit::title::PageTitle text=locale.t("nav.audit") />
        <section class="page">
            <div class="page-head">
                <h1>{locale.t("nav.audit")}</h1>
                <a rel="external" class="button" data-testid="audit-csv" href=move || format!("{base}/export.csv?{}", filters(None))>{locale.t("bill.export_csv")}</a>
            </div>
            <Suspense fallback=move || view! { <p class="loading">{locale.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(data) => {
                            // Any page reached by a cursor offers the newest, even one past
                            // either end of the log (it has no other way back).
                            let at_newest = param("before").is_empty() && param("after").is_empty();
                            view! {
                                <form method="get" action=base class="filters" autocomplete="off" role="search">
                                    {platform.then(|| view! {
                                        <label class="field">
                                            <span>{locale.t("bill.provider")}</span>
                                            <select name="provider">
                                                <option value="">{locale.t("common.all")}</option>
                                                {data.providers.iter().map(|(id, name)| view! {
                                                    <option value=id.to_string() selected=param("provider") == id.to_string()>{name.clone()}</option>
                                                }).collect_view()}
                                            </select>
                                        </label>
                                    })}
                                    <label class="field">
                                        <span>{locale.t("audit.actor")}</span>
                                        <select name="actor">
                                            <option value="">{locale.t("common.all")}</option>
                                            {data.people.iter().map(|(id, email)| view! {
                                                <option value=id.to_string() selected=param("actor") == id.to_string()>{email.clone()}</option>
                                            }).collect_view()}
                                        </select>
                                    </label>
                                    <label class="field">
                                        <span>{locale.t("audit.action")}</span>
                                        <select name="action">
                                            <option value="">{locale.t("common.all")}</option>
                                            {data.actions.iter().map(|a| view! {
                                                <option value=a.clone() selected=param("action") == *a>{action_label(locale, a)}</option>
                                            }).collect_view()}
                                        </select>
                                    </label>
                                    <label class="field"><span>{locale.t("wo.filter.from")}</span><input type="date" name="from" value=param("from") /></label>
                                    <label class="field"><span>{locale.t("wo.filter.to")}</span><input type="date" name="to" value=param("to") /></label>
                                    <crate::kit::dates::QuickRanges />
                                    <button type="submit" class="button primary">{locale.t("common.search")}</button>
                                    <a class="button" href=base>{locale.t("common.clear")}</a>
                                </form>
                                {if data.rows.is_empty() {
                                    view! { <div class="empty-state"><p>{locale.t("audit.empty")}</p></div> }.into_any()
                                } else {
                                    view! {
                                        <div class="table-wrap">
                                            <table class="table" data-testid="audit-log">
                                                <caption class="sr-only">{locale.t("nav.audit")}</caption>
                                                <thead><tr>
                                                    <th>{locale.t("audit.at")}</th>
                                                    {platform.then(|| view! { <th>{locale.t("bill.provider")}</th> })}
                                                    <th>{locale.t("audit.actor")}</th>
                                                    <th>{locale.t("audit.action")}</th>
                                                    <th>{locale.t("audit.target")}</th>
                                                    <th>{locale.t("audit.detail")}</th>
                                                    <th>"IP"</th>
                                                </tr></thead>
                                                <tbody>
                                                    {data.rows.into_iter().map(|r| view! {
                                                        <tr>
                                                            <td class="mono">{r.at}</td>
                                                            {platform.then(|| view! { <td>{r.provider.clone()}</td> })}
                                                            <td>{r.actor}</td>
                                                            <td>{action_label(locale, &r.action)}</td>
                                                            <td class="mono">{r.target}</td>
                                                            <td>{r.detail}</td>
                                                            <td class="mono">{r.ip}</td>
                                                        </tr>
                                                    }).collect_view()}
                                                </tbody>
                                            </table>
                                        </div>
                                    }.into_any()
                                }}
                                <nav class="pager" aria-label=locale.t("common.pages")>
                                    {(!at_newest).then(|| view! {
                                        <a class="button" href=link(None)>{locale.t("audit.newest")}</a>
                                    })}
                                    {data.newer.clone().map(|cursor| view! {
                                        <a class="button" rel="prev" href=link(Some(("after", cursor)))>{locale.t("audit.newer")}</a>
                                    })}
                                    {data.older.clone().map(|cursor| view! {
                                        <a class="button" rel="next" href=link(Some(("before", cursor)))>{locale.t("audit.older")}</a>
                                    })}
                                </nav>
                            }.into_any()
                        }
                        Err(error) => view! { <crate::shell::ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// 登录设备: the user's sessions, and signing out the others.
#[component]
pub fn SessionsPage() -> impl IntoView {
    let locale = use_locale();
    let end = ServerAction::<EndOtherSessions>::new();
    let sessions = Resource::new(move || end.version().get(), |_| my_sessions());
    view! {
        <crate::kit::title::PageTitle text=locale.t("menu.sessions") />
        <section class="page narrow">
            <h1>{locale.t("menu.sessions")}</h1>
            <Suspense fallback=move || view! { <p class="loading">{locale.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match sessions.await {
                        Ok(rows) => {
                            let others = rows.iter().filter(|r| !r.current).count();
                            view! {
                                <div class="table-wrap">
                                    <table class="table" data-testid="sessions">
                                        <caption class="sr-only">{locale.t("menu.sessions")}</caption>
                                        <thead><tr>
                                            <th>{locale.t("sessions.device")}</th><th>"IP"</th>
                                            <th>{locale.t("sessions.started")}</th><th>{locale.t("sessions.last_seen")}</th>
                                        </tr></thead>
                                        <tbody>
                                            {rows.into_iter().map(|r| view! {
                                                <tr>
                                                    <td>{r.device}{r.current.then(|| view! { " " <span class="badge">{locale.t("sessions.current")}</span> })}</td>
                                                    <td class="mono">{r.ip}</td>
                                                    <td>{r.started}</td>
                                                    <td>{r.last_seen}</td>
                                                </tr>
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                                {(others > 0).then(|| view! {
                                    <ActionForm action=end attr:class="form inline">
                                        <ConfirmSubmit label="sessions.end_others" question="sessions.end_others_question" confirm="sessions.end_others_confirm" />
                                    </ActionForm>
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
