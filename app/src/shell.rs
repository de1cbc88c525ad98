//! The portal frame (§2.5): logo, collapsible left navigation, user menu, footer; and the
//! pages every realm shares: coming soon, not found, forbidden.

use crate::kit::code::Code;
use crate::kit::error::AppError;
use crate::kit::i18n::{use_locale, Locale};
use crate::kit::request::Role;
use leptos::prelude::*;
use leptos_router::components::{Outlet, Redirect, A};
use leptos_router::hooks::use_location;
use serde::{Deserialize, Serialize};

/// One provider the signed-in user belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MembershipView {
    pub provider_id: i64,
    pub provider_name: String,
    pub role: Role,
}

/// What the portal frame needs to know about the signed-in user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShellInfo {
    pub name: String,
    pub email: String,
    pub is_operator: bool,
    pub current: Option<MembershipView>,
    /// Every provider this user may switch to (active memberships).
    pub memberships: Vec<MembershipView>,
    /// The current provider requires a second factor this user has not set up yet.
    pub two_factor_required: bool,
    /// The name of the session's provider when the platform suspended it.
    pub suspended_provider: Option<String>,
    /// Today's date on the portal's calendar, for the date filters' quick ranges.
    pub today: String,
}

impl ShellInfo {
    /// The user menu shows the name, or the email where no name was set.
    pub fn display_name(&self) -> &str {
        if self.name.is_empty() {
            &self.email
        } else {
            &self.name
        }
    }
}

/// What the frame takes from the areas, wired in `lib.rs` so that the shell imports none:
/// the signed-in user's data and the 联系我们 dialog.
#[derive(Clone, Copy)]
pub struct ShellParts {
    pub info: fn() -> ShellInfoFuture,
    pub contact: fn(RwSignal<bool>) -> AnyView,
}

pub type ShellInfoFuture =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<ShellInfo, AppError>> + Send>>;

/// The cookie that remembers the navigation's collapsed state across page loads: set by the
/// page's inline script (`lib.rs`) as the hamburger is clicked, so also before hydration, or
/// by the server when the hamburger's form is posted without JavaScript.
pub const NAV_COOKIE: &str = "pc-nav";

/// Whether the navigation was left collapsed: read from the request on the server and from
/// the document in the browser, so that both render the frame alike.
fn nav_collapsed() -> bool {
    #[cfg(feature = "ssr")]
    let cookie = use_context::<http::request::Parts>()
        .and_then(|parts| crate::kit::cookie::cookie_value(&parts.headers, NAV_COOKIE));
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    let cookie = {
        use leptos::wasm_bindgen::JsCast;
        document()
            .dyn_ref::<web_sys::HtmlDocument>()
            .and_then(|d| d.cookie().ok())
            .and_then(|all| {
                all.split(';')
                    .filter_map(|pair| pair.trim().split_once('='))
                    .find(|(name, _)| *name == NAV_COOKIE)
                    .map(|(_, value)| value.to_string())
            })
    };
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    let cookie: Option<String> = None;
    cookie.as_deref() == Some("collapsed")
}

/// Which side of the portal a layout frames.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Realm {
    Provider,
    Platform,
    /// The signed-in user's own pages (/account): open to anyone signed in, with the
    /// navigation of the side they came from.
    Account,
}

struct NavItem {
    href: &'static str,
    key: &'static str,
    icon: &'static str,
}

struct NavGroup {
    key: Option<&'static str>,
    items: &'static [NavItem],
}

const PROVIDER_NAV: &[NavGroup] = &[
    NavGroup {
        key: None,
        items: &[NavItem {
            href: "/",
            key: "nav.home",
            icon: "⌂",
        }],
    },
    NavGroup {
        key: Some("nav.orders"),
        items: &[NavItem {
            href: "/orders",
            key: "nav.work_orders",
            icon: "☰",
        }],
    },
    NavGroup {
        key: Some("nav.services"),
        items: &[NavItem {
            href: "/services",
            key: "nav.service_items",
            icon: "▦",
        }],
    },
    NavGroup {
        key: None,
        items: &[
            NavItem {
                href: "/users",
                key: "nav.users",
                icon: "☺",
            },
            NavItem {
                href: "/company",
                key: "nav.company",
                icon: "⌂",
            },
            NavItem {
                href: "/audit",
                key: "nav.audit",
                icon: "≡",
            },
            NavItem {
                href: "/bills",
                key: "nav.bills",
                icon: "¥",
            },
            NavItem {
                href: "/tiers",
                key: "nav.tiers",
                icon: "★",
            },
            NavItem {
                href: "/tutorials",
                key: "nav.tutorials",
                icon: "▶",
            },
            NavItem {
                href: "/tickets",
                key: "nav.contact",
                icon: "✉",
            },
        ],
    },
];

const PLATFORM_NAV: &[NavGroup] = &[NavGroup {
    key: None,
    items: &[
        NavItem {
            href: "/platform",
            key: "nav.platform.home",
            icon: "⌂",
        },
        NavItem {
            href: "/platform/providers",
            key: "nav.platform.providers",
            icon: "◫",
        },
        NavItem {
            href: "/platform/registrations",
            key: "nav.platform.registrations",
            icon: "✓",
        },
        NavItem {
            href: "/platform/orders",
            key: "nav.platform.orders",
            icon: "☰",
        },
        NavItem {
            href: "/platform/services",
            key: "nav.platform.services",
            icon: "▦",
        },
        NavItem {
            href: "/platform/bills",
            key: "nav.platform.bills",
            icon: "¥",
        },
        NavItem {
            href: "/platform/tiers",
            key: "nav.platform.tiers",
            icon: "★",
        },
        NavItem {
            href: "/platform/tickets",
            key: "nav.platform.tickets",
            icon: "✉",
        },
        NavItem {
            href: "/platform/tutorials",
            key: "nav.platform.tutorials",
            icon: "▶",
        },
        NavItem {
            href: "/platform/operators",
            key: "nav.platform.operators",
            icon: "☺",
        },
        NavItem {
            href: "/platform/mail",
            key: "nav.platform.mail",
            icon: "@",
        },
        NavItem {
            href: "/platform/settings",
            key: "nav.platform.settings",
            icon: "⚙",
        },
        NavItem {
            href: "/platform/audit",
            key: "nav.audit",
            icon: "≡",
        },
    ],
}];

/// Frames the pages of one realm. The user's data is loaded once per full page load; a user
/// without access to the realm sees 403, a visitor without a session goes to the login page.
#[component]
pub fn RealmLayout(realm: Realm, parts: ShellParts) -> impl IntoView {
    let locale = use_locale();
    // The fetcher is the source, so the shared fetch's key names it.
    let fetch_info = parts.info;
    let info = crate::kit::request_cache::page_resource(move || fetch_info, |info| info());
    crate::kit::toast::provide();
    view! {
        <Suspense fallback=move || view! { <p class="loading">{locale.t("common.loading")}</p> }>
            {move || Suspend::new(async move {
                match info.await {
                    Ok(info) => {
                        let allowed = match realm {
                            Realm::Provider => info.current.is_some(),
                            Realm::Platform => info.is_operator,
                            Realm::Account => true,
                        };
                        if realm == Realm::Provider && info.two_factor_required {
                            view! { <Redirect path="/account/security?required=1" /> }.into_any()
                        } else if allowed {
                            view! { <Frame realm info contact_dialog=parts.contact /> }.into_any()
                        } else if let (Realm::Provider, Some(provider)) = (realm, info.suspended_provider.clone()) {
                            view! { <SuspendedPage provider info /> }.into_any()
                        } else {
                            view! { <ForbiddenPage /> }.into_any()
                        }
                    }
                    Err(AppError::Unauthorized) => view! { <Redirect path="/login" /> }.into_any(),
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Frame(
    realm: Realm,
    info: ShellInfo,
    contact_dialog: fn(RwSignal<bool>) -> AnyView,
) -> impl IntoView {
    let locale = use_locale();
    let nav = match realm {
        Realm::Provider => PROVIDER_NAV,
        Realm::Platform => PLATFORM_NAV,
        Realm::Account if info.current.is_some() => PROVIDER_NAV,
        Realm::Account if info.is_operator => PLATFORM_NAV,
        Realm::Account => &[],
    };
    let logo_href = match realm {
        Realm::Platform => "/platform",
        Realm::Account if info.current.is_none() && info.is_operator => "/platform",
        _ => "/",
    };
    // Whose records the top bar's search box finds: the provider's, or an operator's (all).
    let search_action = match realm {
        Realm::Provider => Some("/search"),
        Realm::Platform => Some("/platform/search"),
        Realm::Account if info.current.is_some() => Some("/search"),
        Realm::Account if info.is_operator => Some("/platform/search"),
        Realm::Account => None,
    };
    provide_context(crate::kit::dates::Today(info.today.clone()));
    let contact = RwSignal::new(false);
    let context = match (&info.current, realm) {
        (Some(current), Realm::Provider | Realm::Account) => current.provider_name.clone(),
        _ => locale.t("realm.platform").to_owned(),
    };
    let collapsed = nav_collapsed();
    view! {
        <div class="app" data-nav=if collapsed { "collapsed" } else { "open" }>
            <header class="topbar">
                // A plain form, so the choice is kept without JavaScript too (the server sets
                // the cookie and sends the browser back); with it, the page's inline script
                // toggles in place and sets the cookie itself.
                <form method="post" action="/nav" class="nav-form">
                    <input type="hidden" name="collapsed" value=if collapsed { "0" } else { "1" } />
                    <button type="submit" class="hamburger" title=locale.t("nav.toggle")
                        aria-pressed=if collapsed { "true" } else { "false" } aria-controls="sidenav">
                        <span class="bar"></span><span class="bar"></span><span class="bar"></span>
                        <span class="sr-only">{locale.t("nav.toggle")}</span>
                    </button>
                </form>
                <a href=logo_href class="logo" title=locale.t("nav.home")>
                    <span class="logo-mark">"PC"</span>
                    <span class="logo-text">{locale.t("app.name")}</span>
                </a>
                <span class="topbar-context" data-testid="current-provider">{context}</span>
                {search_action.map(|action| view! {
                    // 基础搜索 (§2.5): a plain GET form, so it works without JavaScript too.
                    <form method="get" action=action class="topbar-search" role="search">
                        <input type="search" name="q" maxlength="100" aria-label=locale.t("search.everywhere")
                            placeholder=locale.t("search.box") aria-keyshortcuts="/" />
                        <button type="submit" class="topbar-search-button">
                            <span aria-hidden="true">"⌕"</span>
                            <span class="sr-only">{locale.t("search.everywhere")}</span>
                        </button>
                    </form>
                })}
                <span class="spacer"></span>
                <a rel="external" class="lang-switch" href=format!("/lang/{}", locale.other().tag())>
                    {locale.t("lang.switch")}
                </a>
                {view! { <UserMenu info realm /> }.into_any()}
            </header>
            <div class="body">
                <nav class="sidenav" id="sidenav" aria-label=locale.t("nav.label")>
                    {nav.iter().map(|group| view! {
                        <div class="nav-group">
                            {group.key.map(|key| view! { <div class="nav-group-title">{locale.t(key)}</div> })}
                            <ul>
                                {group.items.iter().map(|item| if item.href == "/tickets" {
                                    // 联系我们 opens as a dialog once the page is hydrated; a plain
                                    // click without JavaScript (or a new-tab click) opens the page.
                                    view! {
                                        <li>
                                            <a href=item.href on:click=move |ev: leptos::ev::MouseEvent| {
                                                if !(ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.button() != 0) {
                                                    ev.prevent_default();
                                                    contact.set(true);
                                                }
                                            }>
                                                <span class="nav-icon" aria-hidden="true">{item.icon}</span>
                                                <span class="nav-text">{locale.t(item.key)}</span>
                                            </a>
                                        </li>
                                    }.into_any()
                                } else {
                                    view! {
                                        <li>
                                            <A href=item.href exact=true>
                                                <span class="nav-icon" aria-hidden="true">{item.icon}</span>
                                                <span class="nav-text">{locale.t(item.key)}</span>
                                            </A>
                                        </li>
                                    }.into_any()
                                }).collect_view()}
                            </ul>
                        </div>
                    }).collect_view().into_any()}
                </nav>
                <main class="content">
                    <Outlet />
                </main>
                {move || contact.get().then(|| contact_dialog(contact))}
            </div>
            <crate::kit::toast::ToastRegion />
            <footer class="footer">{locale.t("app.footer")}</footer>
        </div>
    }
}

/// The user menu (§2.3): switch provider, change password, sign out. A `<details>` element,
/// so it opens without JavaScript; its forms are plain posts that reload the page, which is
/// what a change of session should do.
#[component]
fn UserMenu(info: ShellInfo, realm: Realm) -> impl IntoView {
    let locale = use_locale();
    let current_id = info.current.as_ref().map(|c| c.provider_id);
    let role = info.current.as_ref().map(|c| locale.t(c.role.label_key()));
    let can_switch = !info.memberships.is_empty();
    let platform_link = (info.is_operator && realm == Realm::Provider).then_some("/platform");
    let provider_link = (realm == Realm::Platform && current_id.is_some()).then_some("/");
    view! {
        <details class="user-menu">
            <summary data-testid="user-menu">
                <span class="avatar" aria-hidden="true">{info.display_name().chars().next().unwrap_or('?').to_string()}</span>
                <span class="user-name">{info.display_name().to_owned()}</span>
            </summary>
            <div class="menu">
                <div class="menu-head">
                    <strong>{info.display_name().to_owned()}</strong>
                    <span class="muted">{info.email.clone()}</span>
                    {role.map(|r| view! { <span class="badge">{r}</span> })}
                </div>
                {can_switch.then(|| view! {
                    <form method="post" action="/api/switch_provider" class="switch-form">
                        <label class="field">
                            <span>{locale.t("menu.provider")}</span>
                            <select name="provider_id">
                                {info.memberships.iter().map(|m| view! {
                                    <option value=m.provider_id.to_string() selected=Some(m.provider_id) == current_id>
                                        {m.provider_name.clone()}
                                    </option>
                                }).collect_view()}
                            </select>
                        </label>
                        <button type="submit" class="button">{locale.t("menu.switch")}</button>
                    </form>
                })}
                {platform_link.map(|href| view! { <a class="menu-link" href=href>{locale.t("menu.platform")}</a> })}
                {provider_link.map(|href| view! { <a class="menu-link" href=href>{locale.t("menu.provider_portal")}</a> })}
                <a class="menu-link" href="/account/password">{locale.t("menu.change_password")}</a>
                <a class="menu-link" href="/account/security">{locale.t("menu.security")}</a>
                <a class="menu-link" href="/account/sessions">{locale.t("menu.sessions")}</a>
                <a class="menu-link" href="/account/preferences">{locale.t("menu.preferences")}</a>
                <form method="post" action="/api/logout">
                    <button type="submit" class="button danger wide">{locale.t("menu.logout")}</button>
                </form>
            </div>
        </details>
    }
}

fn set_status(status: http::StatusCode) {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(status);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = status;
}

#[component]
pub fn NotFoundPage() -> impl IntoView {
    set_status(http::StatusCode::NOT_FOUND);
    status_page(use_locale(), "404", "error.not_found")
}

/// What a member of a suspended provider sees instead of its pages (403): why, and a way to
/// another of their providers or out.
#[component]
fn SuspendedPage(provider: String, info: ShellInfo) -> impl IntoView {
    set_status(http::StatusCode::FORBIDDEN);
    let locale = use_locale();
    view! {
        <crate::kit::title::PageTitle text=locale.t("providers.state.suspended") />
        <section class="status-page" data-testid="provider-suspended">
            <p class="status-code">"403"</p>
            <p>{locale.tf("providers.suspended_page", &[("provider", &provider)])}</p>
            {(!info.memberships.is_empty()).then(|| view! {
                <form method="post" action="/api/switch_provider" class="switch-form">
                    <label class="field">
                        <span>{locale.t("menu.provider")}</span>
                        <select name="provider_id">
                            {info.memberships.iter().map(|m| view! {
                                <option value=m.provider_id.to_string()>{m.provider_name.clone()}</option>
                            }).collect_view()}
                        </select>
                    </label>
                    <button type="submit" class="button">{locale.t("menu.switch")}</button>
                </form>
            })}
            <form method="post" action="/api/logout">
                <button type="submit" class="button">{locale.t("menu.logout")}</button>
            </form>
        </section>
    }
}

#[component]
pub fn ForbiddenPage() -> impl IntoView {
    set_status(http::StatusCode::FORBIDDEN);
    status_page(use_locale(), "403", "error.forbidden")
}

#[component]
pub fn ErrorPage(error: AppError) -> impl IntoView {
    set_status(error.status());
    let locale = use_locale();
    let code = error.status().as_u16().to_string();
    let message = locale.t_dyn(error.message_key());
    view! {
        <crate::kit::title::PageTitle text=message.clone() />
        <section class="status-page">
            <p class="status-code">{code}</p>
            <p>{message}</p>
            <a class="button" href="/">{locale.t("nav.home")}</a>
        </section>
    }
}

fn status_page(locale: Locale, code: &'static str, key: &'static str) -> impl IntoView {
    let path = use_location().pathname.get_untracked();
    view! {
        <crate::kit::title::PageTitle text=locale.t(key) />
        <section class="status-page">
            <p class="status-code">{code}</p>
            <p>{locale.t(key)}</p>
            <p class="muted">{path}</p>
            <p>
                <a class="button" href="/">{locale.t("nav.home")}</a>
                " "
                <a class="button" rel="external" href=format!("/lang/{}", locale.other().tag())>
                    {locale.t("lang.switch")}
                </a>
            </p>
        </section>
    }
}

/// An empty text as "—", as the manual's tables show a missing value.
pub fn dash(text: String) -> String {
    if text.trim().is_empty() {
        "—".into()
    } else {
        text
    }
}

/// `base` with the non-empty `pairs` as its query: the links of filtered, paged lists.
pub fn href(base: &str, pairs: &[(&str, String)]) -> String {
    let query: Vec<String> = pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", crate::kit::forms::encode_query(v)))
        .collect();
    if query.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", query.join("&"))
    }
}
