//! Request middleware: CSRF origin check, session resolution and the sign-in guard.

use crate::AppState;
use app::accounts::{home_path, sessions};
use app::kit::error::AppError;
use app::kit::request::ClientIp;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use ipnet::IpNet;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

/// Server functions accept plain form posts, so a cross-site form could ride on a user's
/// cookies. Browsers say where a request comes from; anything not from this origin is refused.
pub async fn csrf(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let headers = req.headers();
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    if let Some(site) = fetch_site {
        if site != "same-origin" && site != "none" {
            return (StatusCode::FORBIDDEN, "cross-site request refused").into_response();
        }
    }
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let host = headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let same_host = origin
            .split_once("://")
            .is_some_and(|(_, rest)| rest == host);
        if origin != &*state.public_url && !same_host {
            return (StatusCode::FORBIDDEN, "cross-origin request refused").into_response();
        }
    }
    next.run(req).await
}

/// The bundle under /pkg: `/pkg/<bundle>/<file>` is this build's file, cached for good (its
/// path changes with its content); a file of another build's path is not found. The plain
/// `/pkg/<file>` still answers, revalidated each time.
pub async fn bundle_files(
    State(bundle): State<Arc<str>>,
    mut req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path();
    let rest = path
        .strip_prefix('/')
        .and_then(|p| p.strip_prefix(&*bundle))
        .filter(|rest| rest.starts_with('/'))
        .map(str::to_owned);
    let policy = match rest {
        Some(rest) => {
            let uri = match req.uri().query() {
                Some(query) => format!("{rest}?{query}"),
                None => rest,
            };
            match uri.parse() {
                Ok(uri) => *req.uri_mut() = uri,
                Err(_) => return StatusCode::NOT_FOUND.into_response(),
            }
            "public, max-age=31536000, immutable"
        }
        None => "no-cache",
    };
    let mut response = next.run(req).await;
    if response.status().is_success() {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    }
    response
}

/// The header with which the browser's bundle names its build when it calls a server
/// function (the shell's fetch guard sets it).
pub const BUNDLE_HEADER: &str = "x-bundle";

/// A server function called by another build's bundle — a tab opened before a deploy — is
/// not run: the answer (409, `x-bundle-stale`) tells the tab to reload. Calls without the
/// header (plain forms, API clients) are not concerned.
fn stale_bundle(req: &Request, bundle: &str) -> Option<Response> {
    let named = req.headers().get(BUNDLE_HEADER)?;
    if !req.uri().path().starts_with("/api/") || named.as_bytes() == bundle.as_bytes() {
        return None;
    }
    Some((StatusCode::CONFLICT, [("x-bundle-stale", "1")]).into_response())
}

/// Server functions answer every error with 500, also arguments that do not decode, which
/// are the client's fault: those become 400, so bad input never reads as a server failure.
pub async fn server_fn_status(req: Request, next: Next) -> Response {
    let response = next.run(req).await;
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !response.headers().contains_key("serverfnerror")
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if serde_json::from_slice::<AppError>(&bytes).is_ok_and(|e| e == AppError::BadRequest) {
        parts.status = StatusCode::BAD_REQUEST;
    }
    Response::from_parts(parts, axum::body::Body::from(bytes))
}

/// The client's address: the peer's, unless the peer is one of `TRUSTED_PROXIES`; then the
/// rightmost `X-Forwarded-For` entry that is not a trusted proxy (each proxy appends the
/// address it saw; entries left of the first untrusted one are the client's to invent).
pub fn client_address(
    peer: Option<IpAddr>,
    forwarded_for: &[&str],
    trusted: &[IpNet],
) -> Option<IpAddr> {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    // An IPv4 client seen through an IPv6 socket is the IPv4 address.
    let peer = peer?.to_canonical();
    if !is_trusted(&peer) {
        return Some(peer);
    }
    let mut chain = forwarded_for
        .iter()
        .flat_map(|header| header.split(','))
        .map(str::trim)
        .rev();
    let mut last = peer;
    for entry in chain.by_ref() {
        let Some(ip) = forwarded_address(entry) else {
            // Garbage from a client: the last trusted hop's view stands.
            return Some(last);
        };
        if !is_trusted(&ip) {
            return Some(ip);
        }
        last = ip;
    }
    Some(last)
}

/// An `X-Forwarded-For` entry's address: bare, `1.2.3.4:port` or `[v6]:port`, canonical.
fn forwarded_address(entry: &str) -> Option<IpAddr> {
    let ip = entry
        .parse::<IpAddr>()
        .ok()
        .or_else(|| entry.parse::<SocketAddr>().ok().map(|s| s.ip()))?;
    Some(ip.to_canonical())
}

/// Pages behind the sign-in: all but the probes, assets, API and the customer's acceptance
/// page (the buyer has no account; the link itself is the credential).
fn is_page(path: &str) -> bool {
    !["/api/", "/pkg/", "/lang/", "/accept/"]
        .iter()
        .any(|p| path.starts_with(p))
        && !matches!(path, "/healthz" | "/readyz")
}

/// Pages a visitor without a session may open: signing in, registering, and the links
/// that come by mail.
fn is_public(path: &str) -> bool {
    path == "/login"
        || path == "/register"
        || path == "/forgot"
        || ["/login/", "/register/", "/activate/", "/reset/", "/auth/"]
            .iter()
            .any(|p| path.starts_with(p))
}

/// A request's path as the request log shows it: the one-time token of a mailed link
/// (acceptance, activation, reset, registration) is left out, so the log never holds a live
/// link.
pub fn loggable_path(path: &str) -> std::borrow::Cow<'_, str> {
    for prefix in ["/accept/", "/activate/", "/reset/", "/register/"] {
        if let Some(rest) = path.strip_prefix(prefix) {
            let after = rest.find('/').map_or("", |i| &rest[i..]);
            return format!("{prefix}…{after}").into();
        }
    }
    path.into()
}

/// Resolves the session cookie once per request and puts the signed-in user (and the client
/// address) into the request's extensions, where pages and server functions read them.
/// Pages other than the login page need a session; the login page is skipped when signed in.
pub async fn session(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    if let Some(stale) = stale_bundle(&req, &state.bundle) {
        return stale;
    }
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let forwarded: Vec<&str> = req
        .headers()
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    let ip = client_address(peer, &forwarded, &state.trusted_proxies)
        .map(|ip| ip.to_string())
        .unwrap_or_default();
    req.extensions_mut().insert(ClientIp(ip));

    let auth = match sessions::store::resolve(&state.db, req.headers()).await {
        Ok(auth) => auth,
        Err(error) => {
            tracing::error!(%error, "resolving the session failed");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    let path = req.uri().path().to_owned();
    if req.method() == Method::GET && is_page(&path) {
        match (&auth, path.as_str()) {
            (Some(auth), "/login") => {
                return Redirect::to(home_path(auth.is_operator, auth.provider.is_some()))
                    .into_response();
            }
            (None, path) if is_public(path) => {}
            (None, _) => {
                let wanted = req
                    .uri()
                    .path_and_query()
                    .map(|p| p.as_str())
                    .unwrap_or("/");
                let target = if wanted == "/" {
                    "/login".to_owned()
                } else {
                    format!("/login?next={}", app::kit::forms::encode_query(wanted))
                };
                return Redirect::to(&target).into_response();
            }
            _ => {}
        }
    }
    // A signed-in page holds a member's data and the acceptance page answers to its link:
    // neither is kept by any cache. Other pages are revalidated on each visit.
    let private = auth.is_some() || path.starts_with("/accept/");
    // The zone the user reads times in, for every page and export of the request.
    let zone = auth
        .as_ref()
        .map(|auth| auth.time_zone.clone())
        .unwrap_or_else(app::kit::time::Zone::business);
    req.extensions_mut().insert(zone.clone());
    if let Some(auth) = &auth {
        // The language of the pages a user reads is the one their mails speak. Written only
        // when it changes (a language switch, another browser), so a page costs no write.
        let locale = app::kit::i18n::locale_of_headers(req.headers());
        if is_page(&path) && auth.locale != Some(locale) {
            if let Err(error) =
                sessions::store::remember_locale(&state.db, auth.user_id, locale).await
            {
                tracing::warn!(%error, "remembering the user's language failed");
            }
        }
    }
    if let Some(auth) = auth {
        req.extensions_mut().insert(auth);
    }
    let mut response = zone.for_viewer(next.run(req)).await;
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    if is_html && !response.headers().contains_key(header::CACHE_CONTROL) {
        let policy = if private {
            "private, no-store"
        } else {
            "no-cache"
        };
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::client_address;
    use ipnet::IpNet;

    #[test]
    fn the_client_is_the_rightmost_untrusted_address() {
        let trusted: Vec<IpNet> = vec!["10.0.0.0/8".parse().unwrap(), "::1/128".parse().unwrap()];
        let ip = |s: &str| Some(s.parse().unwrap());
        // No proxy in front: X-Forwarded-For is the client's own invention.
        assert_eq!(
            client_address(ip("203.0.113.9"), &["1.2.3.4"], &trusted),
            ip("203.0.113.9")
        );
        // Behind the proxy: a spoofed leftmost entry is ignored.
        assert_eq!(
            client_address(ip("10.0.0.2"), &["1.2.3.4, 198.51.100.7"], &trusted),
            ip("198.51.100.7")
        );
        // Two proxies, two headers.
        assert_eq!(
            client_address(
                ip("10.0.0.2"),
                &["1.2.3.4, 198.51.100.7", "10.0.0.3"],
                &trusted
            ),
            ip("198.51.100.7")
        );
        assert_eq!(
            client_address(ip("10.0.0.2"), &[], &trusted),
            ip("10.0.0.2")
        );
        assert_eq!(
            client_address(ip("10.0.0.2"), &["nonsense, 10.0.0.5"], &trusted),
            ip("10.0.0.5")
        );
        assert_eq!(
            client_address(ip("::1"), &["2001:db8::1"], &trusted),
            ip("2001:db8::1")
        );
        assert_eq!(
            client_address(ip("10.0.0.2"), &["1.2.3.4"], &[]),
            ip("10.0.0.2")
        );
        assert_eq!(client_address(None, &["1.2.3.4"], &trusted), None);
        // Ports and IPv4-mapped addresses name the same client.
        assert_eq!(
            client_address(ip("10.0.0.2"), &["198.51.100.7:5678"], &trusted),
            ip("198.51.100.7")
        );
        assert_eq!(
            client_address(ip("10.0.0.2"), &["[2001:db8::1]:443"], &trusted),
            ip("2001:db8::1")
        );
        assert_eq!(
            client_address(ip("::ffff:10.0.0.2"), &["198.51.100.7"], &trusted),
            ip("198.51.100.7")
        );
        assert_eq!(
            client_address(ip("::ffff:203.0.113.9"), &[], &trusted),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn logged_paths_hold_no_mailed_token() {
        use super::loggable_path;
        assert_eq!(loggable_path("/accept/0123abcd"), "/accept/…");
        assert_eq!(
            loggable_path("/accept/0123abcd/files/7"),
            "/accept/…/files/7"
        );
        assert_eq!(loggable_path("/activate/ffee"), "/activate/…");
        assert_eq!(loggable_path("/reset/ffee"), "/reset/…");
        assert_eq!(loggable_path("/register/ffee/done"), "/register/…/done");
        assert_eq!(loggable_path("/register"), "/register");
        assert_eq!(loggable_path("/orders/2019"), "/orders/2019");
    }

    #[test]
    fn pages_are_everything_but_api_assets_and_probes() {
        assert!(super::is_page("/"));
        assert!(super::is_page("/platform/bills"));
        assert!(!super::is_page("/api/login"));
        assert!(!super::is_page("/pkg/frontend.js"));
        assert!(!super::is_page("/healthz"));
        assert!(!super::is_page("/accept/0123abcd"));
    }

    #[test]
    fn only_sign_in_registration_and_mailed_links_are_public() {
        for path in [
            "/login",
            "/login/verify",
            "/register",
            "/register/abc/done",
            "/activate/abc",
            "/forgot",
            "/reset/abc",
            "/auth/oidc/callback",
        ] {
            assert!(super::is_public(path), "{path}");
        }
        for path in [
            "/",
            "/orders",
            "/platform/registrations",
            "/registering",
            "/account/security",
        ] {
            assert!(!super::is_public(path), "{path}");
        }
    }
}
