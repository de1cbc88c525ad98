//! The axum server: configuration, state, routes and middleware around the Leptos app.
#![recursion_limit = "256"]

pub mod config;
pub mod maintenance;
mod middleware;
mod oidc;
mod throttle;

use app::kit::db::Db;
use app::kit::i18n::{Locale, LOCALE_COOKIE};
use app::kit::request::Settings;
use app::{shell, App};
use axum::extract::{FromRef, Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use config::Config;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::sync::Arc;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};

/// Cloned for every request (axum hands each route and middleware its own copy): one `Arc`,
/// so a copy is one reference count. A struct of a dozen handles, each counted on both cores
/// per copy (and a `LeptosOptions` deep-copied), once took a quarter of a bare request's time.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl FromRef<AppState> for Db {
    fn from_ref(state: &AppState) -> Db {
        state.db.clone()
    }
}

impl FromRef<AppState> for app::kit::files::Storage {
    fn from_ref(state: &AppState) -> app::kit::files::Storage {
        state.storage.clone()
    }
}

impl FromRef<AppState> for app::billing::http::BillFont {
    fn from_ref(state: &AppState) -> app::billing::http::BillFont {
        app::billing::http::BillFont(state.bill_font.clone())
    }
}

impl FromRef<AppState> for app::tickets::helpdesk::Helpdesk {
    fn from_ref(state: &AppState) -> app::tickets::helpdesk::Helpdesk {
        state.helpdesk.clone()
    }
}

/// The marketplace APIs' token, and wrong tokens throttled per client address.
impl FromRef<AppState> for app::kit::request::MarketplaceGate {
    fn from_ref(state: &AppState) -> app::kit::request::MarketplaceGate {
        let throttle = state.throttle.clone();
        app::kit::request::MarketplaceGate {
            token: state.api_token.clone(),
            bad_token: Arc::new(move |client: &str| {
                throttle
                    .check(throttle::Class::BadToken, client)
                    .err()
                    .map(throttle::too_many)
            }),
        }
    }
}

/// The portal's settings, for plain routes that mail (代客户验收).
impl FromRef<AppState> for Settings {
    fn from_ref(state: &AppState) -> Settings {
        state.settings.clone()
    }
}

/// What every request may use: configuration, the database, the file store.
pub struct Shared {
    pub settings: Settings,
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub public_url: Arc<str>,
    /// Reverse proxies whose X-Forwarded-For is believed.
    pub trusted_proxies: Arc<[ipnet::IpNet]>,
    /// Per-client-address limits of the anonymous endpoints.
    pub throttle: throttle::Throttle,
    /// The bearer token of the marketplace's intake API; none: the API is off.
    pub api_token: Option<Arc<str>>,
    pub storage: app::kit::files::Storage,
    pub bill_font: Arc<std::path::Path>,
    /// AAD 快捷登录, when an OIDC issuer is configured.
    pub oidc: Option<oidc::Shared>,
    /// Where 联系我们 tickets go: the built-in helpdesk or an external one.
    pub helpdesk: app::tickets::helpdesk::Helpdesk,
    /// The hydrate bundle's content hash: its files are served under /pkg/<bundle>/.
    pub bundle: Arc<str>,
}

/// Pages and the file handler take the options by value: copied only where they are used.
impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> LeptosOptions {
        state.leptos_options.clone()
    }
}

/// Request ids unique across instances and restarts without a system call per request (a
/// random UUID per request asks the kernel for randomness each time): this process's random
/// prefix and a count.
#[derive(Clone)]
struct RequestIds {
    prefix: Arc<str>,
    count: Arc<std::sync::atomic::AtomicU64>,
}

impl RequestIds {
    fn new() -> RequestIds {
        RequestIds {
            prefix: format!("{:016x}", rand::random::<u64>()).into(),
            count: Default::default(),
        }
    }
}

impl MakeRequestId for RequestIds {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        let n = self
            .count
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        HeaderValue::from_str(&format!("{}-{n:x}", self.prefix))
            .ok()
            .map(RequestId::new)
    }
}

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Connects and migrates the database, loads the demo data if asked, and builds the router.
pub async fn build(config: &Config) -> Result<(Router, Db), BoxError> {
    let (router, db, _, _) = build_with_settings(config).await?;
    Ok((router, db))
}

/// `build`, also returning the settings and the file store the background jobs need.
pub async fn build_with_settings(
    config: &Config,
) -> Result<(Router, Db, Settings, app::kit::files::Storage), BoxError> {
    let db = Db::connect(&config.database_url).await?;
    db.migrate().await?;
    if config.demo && app::demo::seed(&db).await? {
        tracing::info!("demo data loaded");
    }
    let public_url = config.public_url();
    let oidc = match config.oidc() {
        Some((issuer, client_id, secret, tenants)) => Some(Arc::new(oidc::Oidc::new(
            issuer,
            client_id,
            secret,
            tenants,
            &public_url,
        )?)),
        None => None,
    };
    let helpdesk = match config.helpdesk()? {
        Some((url, token, secret)) => app::tickets::helpdesk::Helpdesk::Http(
            Arc::new(app::tickets::helpdesk::HttpHelpdesk::new(&url, &token)?),
            secret.into(),
        ),
        None => app::tickets::helpdesk::Helpdesk::BuiltIn,
    };
    let settings = Settings {
        secure_cookies: public_url.starts_with("https://"),
        public_url: public_url.clone(),
        acceptance_days: config.acceptance_days,
        oidc_enabled: oidc.is_some(),
        oidc_origin: oidc.as_ref().and_then(|oidc| oidc.origin()),
        mail_delivery: config.mail().is_some(),
    };
    let pkg_dir = std::path::Path::new(&config.site_root).join("pkg");
    let bundle = bundle_version(&pkg_dir);
    let leptos_options = LeptosOptions::builder()
        .output_name("frontend")
        .site_root(config.site_root.as_str())
        .site_pkg_dir(format!("pkg/{bundle}"))
        .site_addr(config.bind)
        .env(leptos::config::Env::PROD)
        .build();
    let storage = config.storage()?;
    let state = AppState(Arc::new(Shared {
        settings: settings.clone(),
        leptos_options: leptos_options.clone(),
        db: db.clone(),
        public_url: public_url.into(),
        trusted_proxies: config.trusted_proxies()?.into(),
        throttle: throttle::Throttle::default(),
        api_token: config
            .platform_api_token
            .as_deref()
            .filter(|t| !t.is_empty())
            .map(Arc::from),
        storage: storage.clone(),
        bill_font: std::path::Path::new(&config.bill_font).into(),
        oidc,
        helpdesk: helpdesk.clone(),
        bundle: bundle.clone(),
    }));
    let context = {
        let db = db.clone();
        let settings = settings.clone();
        move || {
            provide_context(db.clone());
            provide_context(settings.clone());
            provide_context(helpdesk.clone());
        }
    };
    // Browsers that reached the portal over https keep to it (a year); none over http.
    let hsts = settings
        .secure_cookies
        .then(|| HeaderValue::from_static("max-age=31536000; includeSubDomains"));
    // The probes a load balancer asks many times a second: no session, CSRF check, throttle
    // or compression to pass through, only the security headers, the request id and the log.
    let probes = Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz));
    let router = Router::new()
        .route("/lang/{tag}", get(set_language))
        .route("/nav", axum::routing::post(set_navigation))
        .route(
            "/api/v1/orders",
            axum::routing::post(app::orders::http::create_order),
        )
        .route("/api/v1/catalogue", get(app::services::http::catalogue))
        .route(
            "/register",
            axum::routing::post(app::accounts::registration::http::upload).layer(
                axum::extract::DefaultBodyLimit::max(app::accounts::registration::UPLOAD_LIMIT),
            ),
        )
        .route(
            "/platform/registrations/{id}/files/{file_id}",
            get(app::accounts::registration::http::download),
        )
        .route("/audit/export.csv", get(app::users::http::csv::<false>))
        .route(
            "/platform/audit/export.csv",
            get(app::users::http::csv::<true>),
        )
        .route("/auth/oidc/start", get(oidc::start))
        .route("/auth/oidc/link", axum::routing::post(oidc::link))
        .route("/auth/oidc/callback", get(oidc::callback))
        .route(
            "/orders/{no}/milestones/{id}/files",
            axum::routing::post(app::orders::http::upload).layer(
                axum::extract::DefaultBodyLimit::max(app::orders::http::UPLOAD_LIMIT),
            ),
        )
        .route(
            "/orders/{no}/files/{id}",
            get(app::orders::http::download_for_provider),
        )
        .route(
            "/orders/{no}/acceptance-files/{id}",
            get(app::orders::http::on_behalf_evidence_for_provider),
        )
        .route(
            "/platform/stages/{id}/accept",
            axum::routing::post(app::orders::http::accept_on_behalf).layer(
                axum::extract::DefaultBodyLimit::max(app::orders::http::UPLOAD_LIMIT),
            ),
        )
        .route(
            "/platform/stage-files/{id}",
            get(app::orders::http::download_for_platform),
        )
        .route(
            "/platform/acceptance-files/{id}",
            get(app::orders::http::on_behalf_evidence_for_platform),
        )
        .route(
            "/services/{id}/files",
            axum::routing::post(app::services::http::upload).layer(
                axum::extract::DefaultBodyLimit::max(app::services::UPLOAD_LIMIT),
            ),
        )
        .route(
            "/services/{id}/files/{file_id}",
            get(app::services::http::download::<false>),
        )
        .route(
            "/platform/services/{id}/files/{file_id}",
            get(app::services::http::download::<true>),
        )
        .route(
            "/tiers/apply",
            axum::routing::post(app::tiers::http::apply).layer(
                axum::extract::DefaultBodyLimit::max(app::tiers::UPLOAD_LIMIT),
            ),
        )
        .route(
            "/platform/tiers/applications/{id}/files/{file_id}",
            get(app::tiers::http::download_for_platform),
        )
        .route(
            "/tickets",
            axum::routing::post(app::tickets::http::create).layer(
                axum::extract::DefaultBodyLimit::max(app::tickets::UPLOAD_LIMIT),
            ),
        )
        .route(
            "/tickets/{no}/files/{file_id}",
            get(app::tickets::http::download::<false>),
        )
        .route(
            "/platform/tickets/{no}/files/{file_id}",
            get(app::tickets::http::download::<true>),
        )
        .route(
            "/helpdesk/webhook",
            axum::routing::post(app::tickets::http::webhook),
        )
        .route(
            "/platform/tutorials",
            axum::routing::post(app::tutorials::http::upload).layer(
                axum::extract::DefaultBodyLimit::max(app::tutorials::UPLOAD_LIMIT),
            ),
        )
        .route("/tutorials/{id}/video", get(app::tutorials::http::video))
        .route("/tutorials/{id}/poster", get(app::tutorials::http::poster))
        .route(
            "/orders/export.csv",
            get(app::orders::http::export::<false>),
        )
        .route(
            "/orders/export.xlsx",
            get(app::orders::http::export::<true>),
        )
        .route(
            "/bills/export.csv",
            get(app::billing::http::list_export::<false, false>),
        )
        .route(
            "/bills/export.xlsx",
            get(app::billing::http::list_export::<false, true>),
        )
        .route(
            "/bills/{no}/export.csv",
            get(app::billing::http::bill_export::<false, false>),
        )
        .route(
            "/bills/{no}/export.xlsx",
            get(app::billing::http::bill_export::<false, true>),
        )
        .route(
            "/bills/{no}/bill.pdf",
            get(app::billing::http::bill_pdf::<false>),
        )
        .route(
            "/platform/bills/export.csv",
            get(app::billing::http::list_export::<true, false>),
        )
        .route(
            "/platform/bills/export.xlsx",
            get(app::billing::http::list_export::<true, true>),
        )
        .route(
            "/platform/bills/{no}/export.csv",
            get(app::billing::http::bill_export::<true, false>),
        )
        .route(
            "/platform/bills/{no}/export.xlsx",
            get(app::billing::http::bill_export::<true, true>),
        )
        .route(
            "/platform/bills/{no}/bill.pdf",
            get(app::billing::http::bill_pdf::<true>),
        )
        .route(
            "/accept/{token}/files/{id}",
            get(app::orders::http::download_for_customer),
        )
        .nest_service(
            "/pkg",
            tower::ServiceBuilder::new()
                .layer(axum::middleware::from_fn_with_state(
                    bundle,
                    middleware::bundle_files,
                ))
                .service(
                    ServeDir::new(pkg_dir)
                        .precompressed_br()
                        .precompressed_gzip(),
                ),
        )
        .leptos_routes_with_context(&state, generate_route_list(App), context.clone(), {
            let options = leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(context, shell))
        .layer(compression())
        .layer(axum::middleware::from_fn(middleware::server_fn_status))
        .layer(axum::middleware::from_fn_with_state(
            state.throttle.clone(),
            throttle::limit,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::session,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::csrf,
        ))
        .merge(probes)
        // Pages set their own policy with the response's script nonce; everything else
        // (downloads, exports, API answers) may run and frame nothing.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'none'; style-src 'self'; img-src 'self' data:; media-src 'self'; \
                 frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
            ),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::STRICT_TRANSPORT_SECURITY,
            hsts,
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &axum::http::Request<_>| {
                    let request_id = req
                        .headers()
                        .get("x-request-id")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default();
                    tracing::info_span!(
                        "request",
                        request_id,
                        method = %req.method(),
                        path = %middleware::loggable_path(req.uri().path()),
                    )
                })
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(RequestIds::new()))
        .with_state(state);
    Ok((router, db, settings, storage))
}

/// The bundle's version: a hash of every file under `pkg/` (names and contents), so that a
/// build that changes any of them is served under a new path and may be cached for good.
/// Read once at start; without a bundle (tests of the server alone) it is the empty hash.
fn bundle_version(pkg_dir: &std::path::Path) -> Arc<str> {
    use sha2::{Digest, Sha256};
    fn walk(dir: &std::path::Path, files: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, files);
            } else {
                files.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(pkg_dir, &mut files);
    files.sort();
    let mut hash = Sha256::new();
    for file in &files {
        let name = file.strip_prefix(pkg_dir).unwrap_or(file);
        hash.update(name.to_string_lossy().as_bytes());
        hash.update([0]);
        hash.update(std::fs::read(file).unwrap_or_default());
        hash.update([0]);
    }
    let digest = hash.finalize();
    digest[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<String>()
        .into()
}

/// Responses compressed on the fly (br, else gzip) when the client takes them: pages, server
/// function answers, CSV and the like. tower-http's default already leaves out small bodies,
/// images, gRPC, event streams, ranged answers and anything already encoded (/pkg is served
/// precompressed); this also leaves out video and audio (served in ranges) and files that are
/// compressed already or of unknown kind. Brotli runs at level 4, as nginx does on the fly.
fn compression() -> CompressionLayer<impl Predicate> {
    CompressionLayer::new().compress_when(compressible())
}

fn compressible() -> impl Predicate {
    DefaultPredicate::new()
        .and(NotForContentType::const_new("video/"))
        .and(NotForContentType::const_new("audio/"))
        .and(NotForContentType::const_new("font/"))
        .and(NotForContentType::const_new("application/zip"))
        .and(NotForContentType::const_new("application/pdf"))
        .and(NotForContentType::const_new("application/octet-stream"))
        .and(NotForContentType::const_new(
            "application/vnd.openxmlformats",
        ))
}

/// The background jobs of an instance: the mail sender (with SMTP configured) and the
/// acceptance deadline watch. Safe to run on every instance at once.
pub fn spawn_jobs(config: &Config, db: Db, settings: Settings, storage: app::kit::files::Storage) {
    use app::kit::jobs::every;
    use std::time::Duration;
    {
        let db = db.clone();
        every("file sweep", Duration::from_secs(3600), move || {
            let (db, storage) = (db.clone(), storage.clone());
            async move {
                match app::kit::files::sweep(&db, &storage).await {
                    Ok((0, 0)) => {}
                    Ok((drafts, files)) => {
                        tracing::info!(drafts, files, "swept abandoned drafts and files")
                    }
                    Err(error) => tracing::error!(%error, "sweeping stored files"),
                }
            }
        });
    }
    match config.mail() {
        Some(mail) => {
            app::kit::mail::run_sender(db.clone(), mail);
        }
        None => tracing::info!("SMTP_HOST not set: mail stays in the outbox (platform mail log)"),
    }
    every("acceptance deadlines", Duration::from_secs(60), move || {
        let (db, settings) = (db.clone(), settings.clone());
        async move {
            if let Err(error) = app::orders::deadlines(&db, &settings).await {
                tracing::error!(?error, "acceptance deadline watch");
            }
        }
    });
}

/// Ready when the database answers: what a load balancer should ask before sending traffic.
async fn readyz(State(db): State<Db>) -> Response {
    if db.ping().await {
        (StatusCode::OK, "ready").into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unreachable").into_response()
    }
}

/// The language switch: a plain link, so it works without JavaScript. Remembers the choice in
/// a cookie and returns to the page it was clicked on.
async fn set_language(Path(tag): Path<String>, headers: HeaderMap) -> Response {
    let Some(locale) = Locale::from_tag(&tag) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    remember_and_return(&headers, LOCALE_COOKIE, locale.tag())
}

/// The hamburger without JavaScript: remembers whether the navigation is collapsed, as the
/// page's script does with it, and returns to the page it was clicked on.
async fn set_navigation(
    headers: HeaderMap,
    axum::Form(form): axum::Form<std::collections::HashMap<String, String>>,
) -> Response {
    let state = match form.get("collapsed").map(String::as_str) {
        Some("1") => "collapsed",
        Some("0") => "open",
        _ => return StatusCode::BAD_REQUEST.into_response(),
    };
    remember_and_return(&headers, app::shell::NAV_COOKIE, state)
}

/// A display preference kept for a year in cookie `name`, and the way back to the page the
/// request came from (this host's only).
fn remember_and_return(headers: &HeaderMap, name: &str, value: &str) -> Response {
    let back = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|referer| same_host_path(referer, headers))
        .unwrap_or_else(|| "/".to_owned());
    let cookie = format!("{name}={value}; Path=/; Max-Age=31536000; SameSite=Lax");
    let mut response = Redirect::to(&back).into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

/// The path of a Referer on this same host, so the switch never redirects elsewhere.
fn same_host_path(referer: &str, headers: &HeaderMap) -> Option<String> {
    let host = headers.get(header::HOST)?.to_str().ok()?;
    let (_, rest) = referer.split_once("://")?;
    let (referer_host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    // `//elsewhere` or `/\elsewhere` as a Location would leave the site.
    if path.starts_with("//") || path.starts_with("/\\") {
        return None;
    }
    (referer_host == host).then(|| {
        if path.is_empty() {
            "/".into()
        } else {
            path.into()
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_and_data_are_compressed_but_not_media_or_packed_files() {
        let answer = |content_type: &str| {
            axum::http::Response::builder()
                .header(header::CONTENT_TYPE, content_type)
                .body(axum::body::Body::from(vec![b'a'; 4096]))
                .unwrap()
        };
        let compressible = compressible();
        for yes in [
            "text/html; charset=utf-8",
            "application/json",
            "text/csv; charset=utf-8",
            "text/css",
        ] {
            assert!(compressible.should_compress(&answer(yes)), "{yes}");
        }
        for no in [
            "video/mp4",
            "audio/mpeg",
            "image/png",
            "application/pdf",
            "application/zip",
            "application/octet-stream",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "font/woff2",
        ] {
            assert!(!compressible.should_compress(&answer(no)), "{no}");
        }
    }

    #[test]
    fn language_switch_returns_only_to_this_host() {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, HeaderValue::from_static("127.0.0.1:3000"));
        assert_eq!(
            same_host_path("http://127.0.0.1:3000/bills?page=2", &headers).as_deref(),
            Some("/bills?page=2")
        );
        assert_eq!(
            same_host_path("http://127.0.0.1:3000", &headers).as_deref(),
            Some("/")
        );
        assert_eq!(same_host_path("http://evil.example/", &headers), None);
        // A path a browser would read as another host.
        assert_eq!(
            same_host_path("http://127.0.0.1:3000//evil.example/x", &headers),
            None
        );
        assert_eq!(
            same_host_path("http://127.0.0.1:3000/\\evil.example", &headers),
            None
        );
    }
}
