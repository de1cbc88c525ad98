//! Per-client-address rate limits for what anyone may call without an account: registering,
//! asking for reset or activation links, sign-in challenges and attempts, the helpdesk
//! webhook, and wrong tokens on the intake API. Past its limit a client gets 429 with
//! `Retry-After`. Limits are per instance (GCRA, `governor`): with N instances a client gets
//! at most N times the rate, which still bounds a flood.

use app::kit::request::ClientIp;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

/// What a request is limited as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// Registration steps: rare for a real company.
    Register,
    /// Reset and activation links (each also mails at most once a minute per account).
    Links,
    /// Sign-in pages, challenges and attempts (attempts also back off per account).
    SignIn,
    /// Calls to the helpdesk webhook.
    Webhook,
    /// Intake API calls with a missing or wrong token.
    BadToken,
}

impl Class {
    /// The class of an anonymous-capable request, if it is limited.
    pub fn of(method: &Method, path: &str) -> Option<Class> {
        if method == Method::POST {
            match path {
                "/register" | "/api/registration_draft" | "/api/submit_registration" => {
                    return Some(Class::Register)
                }
                "/api/request_reset" | "/api/resend_activation" => return Some(Class::Links),
                "/api/login_challenge" | "/api/login" | "/api/login_verify" => {
                    return Some(Class::SignIn)
                }
                "/helpdesk/webhook" => return Some(Class::Webhook),
                _ => {}
            }
        }
        (method == Method::GET && path == "/login").then_some(Class::SignIn)
    }

    /// (burst, one more every `period`).
    fn quota(self) -> Quota {
        let (burst, period) = match self {
            Class::Register => (20, Duration::from_secs(60)),
            Class::Links => (10, Duration::from_secs(30)),
            Class::SignIn => (60, Duration::from_secs(1)),
            Class::Webhook => (120, Duration::from_millis(250)),
            Class::BadToken => (10, Duration::from_secs(6)),
        };
        Quota::with_period(period)
            .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
            .allow_burst(NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN))
    }
}

/// One keyed limiter per class.
#[derive(Clone)]
pub struct Throttle {
    limiters: Arc<Vec<(Class, DefaultKeyedRateLimiter<String>)>>,
    checks: Arc<std::sync::atomic::AtomicU64>,
}

impl Default for Throttle {
    fn default() -> Self {
        let classes = [
            Class::Register,
            Class::Links,
            Class::SignIn,
            Class::Webhook,
            Class::BadToken,
        ];
        Throttle {
            limiters: Arc::new(
                classes
                    .into_iter()
                    .map(|class| (class, RateLimiter::keyed(class.quota())))
                    .collect(),
            ),
            checks: Default::default(),
        }
    }
}

impl Throttle {
    /// Counts one request of `class` from `client`: `Err(seconds)` to wait when over.
    pub fn check(&self, class: Class, client: &str) -> Result<(), u64> {
        let client = bucket(client);
        let Some((_, limiter)) = self.limiters.iter().find(|(c, _)| *c == class) else {
            return Ok(());
        };
        let checks = self
            .checks
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if checks % 4096 == 4095 {
            self.forget_idle();
        }
        limiter.check_key(&client).map_err(|not_until| {
            not_until
                .wait_time_from(DefaultClock::default().now())
                .as_secs()
                .max(1)
        })
    }

    /// Forgets clients whose limits are back to full, so memory follows active clients.
    pub fn forget_idle(&self) {
        for (_, limiter) in self.limiters.iter() {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
    }
}

/// The bucket a client address counts in: an IPv6 client by its /64 (one subscriber's
/// network), so rotating addresses within it buys no fresh limit.
fn bucket(client: &str) -> String {
    match client.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V6(v6)) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        _ => client.to_owned(),
    }
}

/// 429 with the seconds to wait.
pub fn too_many(wait_secs: u64) -> Response {
    let mut response = (
        StatusCode::TOO_MANY_REQUESTS,
        "请求过于频繁，请稍后再试。 Too many requests: please try again later.",
    )
        .into_response();
    if let Ok(value) = HeaderValue::from_str(&wait_secs.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

/// The middleware: limits the anonymous-capable requests by client address. Runs after the
/// session middleware, which resolved the client address.
pub async fn limit(State(throttle): State<Throttle>, req: Request, next: Next) -> Response {
    if let Some(class) = Class::of(req.method(), req.uri().path()) {
        let client = req
            .extensions()
            .get::<ClientIp>()
            .map(|ip| ip.0.clone())
            .unwrap_or_default();
        if let Err(wait) = throttle.check(class, &client) {
            tracing::info!(?class, %client, "throttled");
            return too_many(wait);
        }
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anonymous_endpoints_are_classed() {
        assert_eq!(Class::of(&Method::POST, "/register"), Some(Class::Register));
        assert_eq!(
            Class::of(&Method::POST, "/api/request_reset"),
            Some(Class::Links)
        );
        assert_eq!(Class::of(&Method::GET, "/login"), Some(Class::SignIn));
        assert_eq!(Class::of(&Method::GET, "/orders"), None);
        assert_eq!(Class::of(&Method::POST, "/api/members"), None);
    }

    #[test]
    fn a_client_past_its_burst_waits_and_others_do_not() {
        let throttle = Throttle::default();
        for _ in 0..10 {
            assert!(throttle.check(Class::Links, "10.0.0.1").is_ok());
        }
        let wait = throttle.check(Class::Links, "10.0.0.1").unwrap_err();
        assert!((1..=30).contains(&wait), "{wait}");
        assert!(throttle.check(Class::Links, "10.0.0.2").is_ok());
        assert!(throttle.check(Class::SignIn, "10.0.0.1").is_ok());
    }

    #[test]
    fn an_ipv6_network_shares_one_limit() {
        let throttle = Throttle::default();
        for n in 0..10 {
            assert!(throttle
                .check(Class::Links, &format!("2001:db8:1:2::{n:x}"))
                .is_ok());
        }
        assert!(throttle
            .check(Class::Links, "2001:db8:1:2:ffff::1")
            .is_err());
        assert!(throttle.check(Class::Links, "2001:db8:1:3::1").is_ok());
    }
}
