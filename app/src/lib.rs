//! Provider Center: the pages, server functions and domain rules, shared by the server
//! (feature `ssr`) and the hydrated browser bundle (feature `hydrate`).
#![recursion_limit = "256"]

pub mod accounts;
#[cfg(test)]
mod architecture;
pub mod billing;
#[cfg(feature = "ssr")]
pub mod demo;
pub mod home;
pub mod kit;
pub mod orders;
pub mod platform;
pub mod providers;
pub mod search;
pub mod services;
pub mod shell;
pub mod tickets;
pub mod tiers;
pub mod tutorials;
pub mod users;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{path, SsrMode};
use shell::{NotFoundPage, Realm, RealmLayout, ShellParts};

/// The HTML document around the app; rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let locale = kit::i18n::provide_locale();
    // The server serves this build's bundle under pkg/<bundle> (a hash of its files).
    let pkg = options.site_pkg_dir.to_string();
    let bundle = pkg.rsplit('/').next().unwrap_or_default();
    let fetch_guard = FETCH_GUARD.replace("BUNDLE", bundle);
    // One text node: two would be rendered with a hydration marker (`<!>`) between them.
    let inline_script = format!(
        "{fetch_guard}{}{SEARCH_KEY}{UPLOAD_PROGRESS}",
        NAV_MEMORY.replace("NAV_COOKIE", shell::NAV_COOKIE)
    );
    kit::request_cache::provide();
    #[cfg(feature = "ssr")]
    content_security_policy();
    view! {
        <!DOCTYPE html>
        <html lang=locale.tag()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="icon" href="data:," />
                <link rel="stylesheet" href=format!("/{pkg}/main.css") />
                <script nonce=leptos::nonce::use_nonce()>{inline_script}</script>
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// Runs before the bundle: every server function call names the bundle's build (x-bundle),
/// and a call the server refuses as another build's (a tab opened before a deploy, whose
/// server functions may be gone) reloads the page instead, at most once in ten seconds.
/// Plain forms (JavaScript off) are not concerned.
const FETCH_GUARD: &str = r#"(function(bundle){var send=window.fetch;window.fetch=function(input,init){var url=new URL(input instanceof Request?input.url:String(input),location.href);if(url.origin!==location.origin||url.pathname.indexOf("/api/")!==0){return send.apply(window,arguments);}var request=new Request(input,init);request.headers.set("x-bundle",bundle);return send.call(window,request).then(function(response){if(response.status===409&&response.headers.get("x-bundle-stale")){try{var last=Number(sessionStorage.getItem("pc-bundle-reload")||0);if(Date.now()-last>10000){sessionStorage.setItem("pc-bundle-reload",String(Date.now()));location.reload();}}catch(e){}}return response;});};})("BUNDLE");"#;

/// The hamburger, in place: toggles the frame's collapsed state and remembers it in a cookie
/// for a year, so that the next page is rendered the same (without JavaScript its form posts
/// to the server, which sets the cookie). Listens on the document, so it works before
/// hydration too.
const NAV_MEMORY: &str = r#"document.addEventListener("click",function(e){var b=e.target&&e.target.closest?e.target.closest(".hamburger"):null;var app=b&&b.closest(".app");if(!app){return;}e.preventDefault();var c=app.getAttribute("data-nav")!=="collapsed";app.setAttribute("data-nav",c?"collapsed":"open");b.setAttribute("aria-pressed",c?"true":"false");var f=b.form&&b.form.elements.namedItem("collapsed");if(f){f.value=c?"0":"1";}document.cookie="NAV_COOKIE="+(c?"collapsed":"open")+"; path=/; max-age=31536000; samesite=lax";});"#;

/// Sends a multipart form that holds an `UploadProgress` and a chosen file with
/// XMLHttpRequest, whose upload reports progress (fetch has none): the bar shows how much is
/// sent, the status text says so in steps of ten percent (not a flood for screen readers),
/// 取消上传 (focused while sending) aborts, and the page the server answered with (after its
/// redirect) is opened. A failed send keeps the form as it was filled, files included. A page
/// back from the back/forward cache shows its forms idle again. Listens on the document, so
/// it works before hydration too.
const UPLOAD_PROGRESS: &str = r#"(function(){function boxes(f){return f.querySelector(".upload-progress");}document.addEventListener("submit",function(e){var f=e.target;if(e.defaultPrevented||!(f instanceof HTMLFormElement)){return;}var box=boxes(f);if(!box||!window.FormData){return;}var chosen=Array.prototype.some.call(f.querySelectorAll("input[type=file]"),function(i){return i.files&&i.files.length>0;});if(!chosen){return;}e.preventDefault();var submitter=e.submitter||f.querySelector("button[type=submit]");var data;try{data=new FormData(f,e.submitter||undefined);}catch(_){data=new FormData(f);}var bar=box.querySelector("progress"),text=box.querySelector(".upload-status"),cancel=box.querySelector(".upload-cancel");var buttons=f.querySelectorAll("button[type=submit],input[type=submit]");var told=-1;function busy(on){Array.prototype.forEach.call(buttons,function(b){b.disabled=on;});box.hidden=!on&&!text.textContent;cancel.hidden=!on;if(on){cancel.focus();}else if(submitter){submitter.focus();}}function mb(n){return(n/1048576).toFixed(1);}function done(message){bar.value=0;text.textContent=message;busy(false);}var x=new XMLHttpRequest();x.open("POST",f.action);x.setRequestHeader("Accept","text/html");x.upload.onprogress=function(ev){if(!ev.lengthComputable){return;}var p=Math.floor(ev.loaded*100/ev.total);bar.value=p;if(Math.floor(p/10)===told&&p<100){return;}told=Math.floor(p/10);text.textContent=box.dataset.sending.replace("{percent}",p).replace("{sent}",mb(ev.loaded)).replace("{total}",mb(ev.total));};x.onload=function(){if(x.status<400&&x.responseURL){bar.value=100;location.assign(x.responseURL);}else{done(box.dataset.failed);}};x.onerror=function(){done(box.dataset.failed);};x.onabort=function(){done(box.dataset.cancelled);};cancel.onclick=function(){x.abort();};text.textContent="";bar.value=0;busy(true);x.send(data);});window.addEventListener("pageshow",function(e){if(!e.persisted){return;}Array.prototype.forEach.call(document.querySelectorAll(".upload-progress"),function(box){box.hidden=true;var f=box.closest("form");if(f){Array.prototype.forEach.call(f.querySelectorAll("button[type=submit],input[type=submit]"),function(b){b.disabled=false;});}});});})();"#;

/// `/` outside a field puts the cursor in the top bar's search box (`aria-keyshortcuts` says
/// so), as on most sites with one.
const SEARCH_KEY: &str = r#"document.addEventListener("keydown",function(e){if(e.key!=="/"||e.ctrlKey||e.metaKey||e.altKey||e.defaultPrevented){return;}var t=e.target;if(t&&(t.isContentEditable||/^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(t.tagName))){return;}var box=document.querySelector(".topbar-search input");if(box){e.preventDefault();box.focus();}});"#;

/// The page's Content-Security-Policy: scripts only from this origin's bundle or inline with
/// this response's nonce (leptos_axum makes one per render and puts it on the hydration
/// scripts), WebAssembly compiled from them, nothing from elsewhere: a tag that slipped
/// into a page could not run.
#[cfg(feature = "ssr")]
fn content_security_policy() {
    use http::header::{HeaderValue, CONTENT_SECURITY_POLICY};
    let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    let identity_provider = use_context::<kit::request::Settings>().and_then(|s| s.oidc_origin);
    if let Ok(value) = HeaderValue::from_str(&page_policy(&nonce, identity_provider.as_deref())) {
        response.insert_header(CONTENT_SECURITY_POLICY, value);
    }
}

/// The policy of a page rendered with `nonce`. Forms post to this origin only — and, where
/// AAD sign-in is configured, may be redirected on to the identity provider (linking an
/// identity from 账号安全 is a password-checked POST that continues there).
pub fn page_policy(nonce: &str, identity_provider: Option<&str>) -> String {
    let form_targets = match identity_provider {
        Some(origin) => format!("'self' {origin}"),
        None => "'self'".to_owned(),
    };
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' https: data:; media-src 'self' https:; \
         connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; \
         form-action {form_targets}"
    )
}

/// What the frame takes from the areas: the signed-in user's data and the 联系我们 dialog.
const SHELL: ShellParts = ShellParts {
    info: || Box::pin(accounts::get_shell_info()),
    contact: |open| view! { <tickets::ContactDialog open /> }.into_any(),
};

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let locale = kit::i18n::provide_locale();
    // Every page waits for its data before the first byte, so status codes (404, 403) and
    // titles are right and the page is complete without JavaScript.
    view! {
        // The title between two pages, while the next one's data loads (each page sets its own
        // with kit::title::PageTitle): without it a client-side navigation blanks the tab.
        <Title text=locale.t("app.name") />
        <Router>
            <Routes fallback=NotFoundPage>
                <Route path=path!("/login") view=accounts::LoginPage ssr=SsrMode::Async />
                <Route path=path!("/login/verify") view=accounts::login::VerifyPage ssr=SsrMode::Async />
                <Route path=path!("/register") view=accounts::registration::RegisterPage ssr=SsrMode::Async />
                <Route path=path!("/register/:token") view=accounts::registration::RegisterAdminPage ssr=SsrMode::Async />
                <Route path=path!("/register/:token/done") view=accounts::registration::RegisterDonePage ssr=SsrMode::Async />
                <Route path=path!("/activate/:token") view=accounts::activation::ActivatePage ssr=SsrMode::Async />
                <Route path=path!("/forgot") view=accounts::activation::ForgotPage ssr=SsrMode::Async />
                <Route path=path!("/reset/:token") view=accounts::activation::ResetPage ssr=SsrMode::Async />
                <ParentRoute path=path!("/account") view=|| view! { <RealmLayout realm=Realm::Account parts=SHELL /> } ssr=SsrMode::Async>
                    <Route path=path!("password") view=accounts::security::ChangePasswordPage ssr=SsrMode::Async />
                    <Route path=path!("security") view=accounts::security::SecurityPage ssr=SsrMode::Async />
                    <Route path=path!("sessions") view=users::SessionsPage ssr=SsrMode::Async />
                    <Route path=path!("preferences") view=accounts::preferences::PreferencesPage ssr=SsrMode::Async />
                </ParentRoute>
                <Route path=path!("/accept/:token") view=orders::AcceptancePage ssr=SsrMode::Async />
                <ParentRoute path=path!("/platform") view=|| view! { <RealmLayout realm=Realm::Platform parts=SHELL /> } ssr=SsrMode::Async>
                    <Route path=path!("") view=platform::PlatformHomePage ssr=SsrMode::Async />
                    <Route path=path!("registrations") view=accounts::registration::PlatformRegistrationsPage ssr=SsrMode::Async />
                    <Route path=path!("registrations/:id") view=accounts::registration::PlatformRegistrationPage ssr=SsrMode::Async />
                    <Route path=path!("orders") view=orders::PlatformOrdersPage ssr=SsrMode::Async />
                    <Route path=path!("orders/:no") view=orders::PlatformWorkOrderPage ssr=SsrMode::Async />
                    <Route path=path!("stages/:id/accept") view=orders::OnBehalfPage ssr=SsrMode::Async />
                    <Route path=path!("services") view=services::PlatformServiceQueuePage ssr=SsrMode::Async />
                    <Route path=path!("services/:id") view=services::PlatformServiceReviewPage ssr=SsrMode::Async />
                    <Route path=path!("bills") view=billing::platform_pages::PlatformBillListPage ssr=SsrMode::Async />
                    <Route path=path!("bills/:no") view=billing::platform_pages::PlatformBillDetailPage ssr=SsrMode::Async />
                    <Route path=path!("tiers") view=tiers::PlatformTiersPage ssr=SsrMode::Async />
                    <Route path=path!("tiers/applications/:id") view=tiers::PlatformTierApplicationPage ssr=SsrMode::Async />
                    <Route path=path!("tickets") view=tickets::PlatformTicketsPage ssr=SsrMode::Async />
                    <Route path=path!("tickets/:no") view=tickets::PlatformTicketPage ssr=SsrMode::Async />
                    <Route path=path!("tutorials") view=tutorials::PlatformTutorialsPage ssr=SsrMode::Async />
                    <Route path=path!("providers") view=providers::PlatformProvidersPage ssr=SsrMode::Async />
                    <Route path=path!("providers/:id") view=providers::PlatformProviderPage ssr=SsrMode::Async />
                    <Route path=path!("operators") view=accounts::operators::PlatformOperatorsPage ssr=SsrMode::Async />
                    <Route path=path!("mail") view=platform::MailLogPage ssr=SsrMode::Async />
                    <Route path=path!("settings") view=platform::PlatformSettingsPage ssr=SsrMode::Async />
                    <Route path=path!("audit") view=users::PlatformAuditLogPage ssr=SsrMode::Async />
                    <Route path=path!("search") view=search::PlatformSearchPage ssr=SsrMode::Async />
                </ParentRoute>
                <ParentRoute path=path!("") view=|| view! { <RealmLayout realm=Realm::Provider parts=SHELL /> } ssr=SsrMode::Async>
                    <Route path=path!("") view=home::HomePage ssr=SsrMode::Async />
                    <Route path=path!("orders") view=orders::WorkOrderListPage ssr=SsrMode::Async />
                    <Route path=path!("orders/:no") view=orders::WorkOrderDetailPage ssr=SsrMode::Async />
                    <Route path=path!("services") view=services::ServiceListPage ssr=SsrMode::Async />
                    <Route path=path!("services/new") view=services::ServiceNewPage ssr=SsrMode::Async />
                    <Route path=path!("services/:id") view=services::ServiceItemPage ssr=SsrMode::Async />
                    <Route path=path!("company") view=providers::CompanyPage ssr=SsrMode::Async />
                    <Route path=path!("users") view=users::pages::UsersPage ssr=SsrMode::Async />
                    <Route path=path!("users/:id") view=users::pages::MemberDetailPage ssr=SsrMode::Async />
                    <Route path=path!("audit") view=|| view! { <users::AuditLogPage /> } ssr=SsrMode::Async />
                    <Route path=path!("bills") view=billing::BillListRoute ssr=SsrMode::Async />
                    <Route path=path!("bills/:no") view=billing::BillDetailPage ssr=SsrMode::Async />
                    <Route path=path!("tiers") view=tiers::TiersPage ssr=SsrMode::Async />
                    <Route path=path!("tutorials") view=tutorials::TutorialsPage ssr=SsrMode::Async />
                    <Route path=path!("tickets") view=tickets::TicketsPage ssr=SsrMode::Async />
                    <Route path=path!("tickets/:no") view=tickets::TicketPage ssr=SsrMode::Async />
                    <Route path=path!("search") view=search::SearchPage ssr=SsrMode::Async />
                </ParentRoute>
            </Routes>
        </Router>
    }
}
