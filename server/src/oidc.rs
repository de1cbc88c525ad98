//! AAD 快捷登录: OpenID Connect sign-in (Azure AD global or China, or any OIDC provider).
//!
//! Authorization code flow with PKCE. The state is bound to the browser by a cookie and
//! stored (hashed) with the nonce and verifier, used once; the ID token's signature,
//! issuer, audience, expiry and nonce are checked by `openidconnect`, the tenant here. The
//! HTTP client follows no redirects. A verified identity signs in the user it is linked to,
//! or the user whose email it carries; it never creates an account.

use crate::AppState;
use app::accounts::login::model::Refused;
use app::accounts::login::store::complete;
use app::accounts::sessions;
use app::accounts::sessions::model::cookie;
use app::kit::cookie::cookie_value;
use app::kit::db::now;
use app::kit::token::hash_token;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};
use serde::Deserialize;
use sqlx::Row;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

const FLOW_COOKIE: &str = "pc_oidc";
const FLOW_SECS: i64 = 600;
/// Provider metadata (with its signing keys) is fetched again after this long.
const METADATA_TTL: Duration = Duration::from_secs(600);

pub struct Oidc {
    issuer: String,
    client_id: String,
    client_secret: String,
    /// Allowed `tid` claims (Azure tenants); empty: any.
    tenants: Vec<String>,
    redirect_url: String,
    secure_cookies: bool,
    http: openidconnect::reqwest::Client,
    metadata: Mutex<Option<(Instant, CoreProviderMetadata)>>,
}

/// Why a sign-in failed; each is a message on the login page's AAD tab.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Failure {
    Unavailable,
    Denied,
    State,
    Exchange,
    Token,
    Tenant,
    Unknown,
    /// Proven, but not let in (no provider, provider suspended, operator disabled).
    Refused(Refused),
}

impl Failure {
    fn code(self) -> &'static str {
        match self {
            Failure::Unavailable => "oidc_unavailable",
            Failure::Denied => "oidc_denied",
            Failure::State => "oidc_state",
            Failure::Exchange => "oidc_exchange",
            Failure::Token => "oidc_token",
            Failure::Tenant => "oidc_tenant",
            Failure::Unknown => "oidc_unknown",
            Failure::Refused(refused) => refused.code(),
        }
    }
}

impl Oidc {
    pub fn new(
        issuer: String,
        client_id: String,
        client_secret: String,
        tenants: Vec<String>,
        public_url: &str,
    ) -> Result<Oidc, crate::BoxError> {
        let http = openidconnect::reqwest::ClientBuilder::new()
            // Following redirects would open the client to SSRF.
            .redirect(openidconnect::reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(15))
            // No idle connections kept: sign-ins are seconds apart, and a kept connection the
            // identity provider has just closed (Node's keep-alive ends after 5 s) fails the
            // next code exchange, which cannot be retried once sent.
            .pool_max_idle_per_host(0)
            .build()?;
        Ok(Oidc {
            issuer,
            client_id,
            client_secret,
            tenants,
            redirect_url: format!("{public_url}/auth/oidc/callback"),
            secure_cookies: public_url.starts_with("https://"),
            http,
            metadata: Mutex::new(None),
        })
    }

    /// The identity provider's origin (`https://login.microsoftonline.com`): where a form
    /// of the portal may be sent on to.
    pub fn origin(&self) -> Option<String> {
        openidconnect::url::Url::parse(&self.issuer)
            .ok()
            .map(|url| url.origin().ascii_serialization())
    }

    async fn client(
        &self,
    ) -> Result<
        CoreClient<
            openidconnect::EndpointSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointMaybeSet,
            openidconnect::EndpointMaybeSet,
        >,
        Failure,
    > {
        let metadata = {
            let mut cached = self.metadata.lock().await;
            match cached.as_ref() {
                Some((at, metadata)) if at.elapsed() < METADATA_TTL => metadata.clone(),
                _ => {
                    let issuer = IssuerUrl::new(self.issuer.clone()).map_err(|error| {
                        tracing::error!(%error, "OIDC_ISSUER is not a URL");
                        Failure::Unavailable
                    })?;
                    // Discovery checks that the document names exactly this issuer.
                    let metadata = CoreProviderMetadata::discover_async(issuer, &self.http)
                        .await
                        .map_err(|error| {
                            tracing::warn!(error = %error, "OIDC discovery failed");
                            Failure::Unavailable
                        })?;
                    *cached = Some((Instant::now(), metadata.clone()));
                    metadata
                }
            }
        };
        let redirect =
            RedirectUrl::new(self.redirect_url.clone()).map_err(|_| Failure::Unavailable)?;
        Ok(CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(self.client_id.clone()),
            Some(ClientSecret::new(self.client_secret.clone())),
        )
        .set_redirect_uri(redirect))
    }
}

fn to_login(failure: Failure) -> Response {
    tracing::info!(code = failure.code(), "OIDC sign-in refused");
    Redirect::to(&format!("/login?tab=aad&error={}", failure.code())).into_response()
}

fn with_cookie(mut response: Response, value: &str) -> Response {
    if let Ok(value) = HeaderValue::from_str(value) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

#[derive(Deserialize)]
pub struct StartQuery {
    next: Option<String>,
}

/// GET /auth/oidc/start: off to the identity provider to sign in.
pub async fn start(State(state): State<AppState>, Query(query): Query<StartQuery>) -> Response {
    begin(state, query.next.as_deref(), None).await
}

#[derive(Deserialize)]
pub struct LinkForm {
    password: String,
}

/// POST /auth/oidc/link (账号安全, a plain form): a signed-in user who confirms their
/// password goes off to link an identity; a link is a new way in, so never from a bare GET.
pub async fn link(
    State(state): State<AppState>,
    auth: Option<axum::Extension<app::kit::request::AuthContext>>,
    axum::Form(form): axum::Form<LinkForm>,
) -> Response {
    let Some(auth) = auth else {
        return Redirect::to("/login").into_response();
    };
    let stored = sqlx::query("SELECT password_hash FROM users WHERE id = $1")
        .bind(auth.user_id)
        .fetch_one(state.db.pool())
        .await
        .and_then(|row| row.try_get::<Option<String>, _>("password_hash"));
    let stored = match stored {
        Ok(stored) => stored,
        Err(error) => {
            tracing::error!(%error, "reading a password to link an identity");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    if !app::accounts::security::password::verify(form.password, stored).await {
        return Redirect::to("/account/security?oidc=password").into_response();
    }
    begin(state, None, Some(auth.user_id)).await
}

/// Starts a flow: PKCE, state bound to this browser by cookie, nonce; stored for the callback.
async fn begin(state: AppState, next: Option<&str>, link_user_id: Option<i64>) -> Response {
    let Some(oidc) = state.oidc.clone() else {
        return to_login(Failure::Unavailable);
    };
    let client = match oidc.client().await {
        Ok(client) => client,
        Err(failure) => return to_login(failure),
    };
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, csrf, nonce) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("email".into()))
        .add_scope(Scope::new("profile".into()))
        .set_pkce_challenge(challenge)
        .url();
    let at = now();
    let stored = async {
        sqlx::query("DELETE FROM oidc_flows WHERE expires_at <= $1")
            .bind(at)
            .execute(state.db.pool())
            .await?;
        sqlx::query(
            "INSERT INTO oidc_flows (id, nonce, pkce_verifier, next, expires_at, link_user_id)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(hash_token(csrf.secret()))
        .bind(nonce.secret())
        .bind(verifier.secret())
        .bind(app::accounts::safe_next(next).unwrap_or_default())
        .bind(at + FLOW_SECS)
        .bind(link_user_id)
        .execute(state.db.pool())
        .await
    }
    .await;
    if let Err(error) = stored {
        tracing::error!(%error, "storing an OIDC flow");
        return to_login(Failure::Unavailable);
    }
    with_cookie(
        Redirect::to(url.as_str()).into_response(),
        &cookie(FLOW_COOKIE, csrf.secret(), FLOW_SECS, oidc.secure_cookies),
    )
}

#[derive(Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// GET /auth/oidc/callback: the identity provider's answer.
pub async fn callback(
    State(state): State<AppState>,
    headers: HeaderMap,
    client_ip: axum::Extension<app::kit::request::ClientIp>,
    Query(query): Query<CallbackQuery>,
) -> Response {
    let Some(oidc) = state.oidc.clone() else {
        return to_login(Failure::Unavailable);
    };
    let secure = oidc.secure_cookies;
    let response = match sign_in(&state, &oidc, &headers, &client_ip.0 .0, query).await {
        Ok(response) => response,
        Err(failure) => to_login(failure),
    };
    with_cookie(response, &cookie(FLOW_COOKIE, "", 0, secure))
}

async fn sign_in(
    state: &AppState,
    oidc: &Oidc,
    headers: &HeaderMap,
    ip: &str,
    query: CallbackQuery,
) -> Result<Response, Failure> {
    if query.error.is_some() {
        return Err(Failure::Denied);
    }
    let (Some(code), Some(returned_state)) = (query.code, query.state) else {
        return Err(Failure::State);
    };
    // The state must be the one this browser was sent off with…
    if cookie_value(headers, FLOW_COOKIE).as_deref() != Some(returned_state.as_str()) {
        return Err(Failure::State);
    }
    // …and a live flow, used up here: a replayed callback finds nothing.
    let flow = sqlx::query(
        "DELETE FROM oidc_flows WHERE id = $1 AND expires_at > $2 RETURNING nonce, pkce_verifier, next, link_user_id",
    )
    .bind(hash_token(&returned_state))
    .bind(now())
    .fetch_optional(state.db.pool())
    .await
    .map_err(|error| {
        tracing::error!(%error, "reading an OIDC flow");
        Failure::Unavailable
    })?
    .ok_or(Failure::State)?;
    let nonce: String = flow.try_get("nonce").map_err(|_| Failure::State)?;
    let verifier: String = flow.try_get("pkce_verifier").map_err(|_| Failure::State)?;
    let next: String = flow.try_get("next").map_err(|_| Failure::State)?;
    let link_user_id: Option<i64> = flow.try_get("link_user_id").map_err(|_| Failure::State)?;

    let client = oidc.client().await?;
    let tokens = client
        .exchange_code(AuthorizationCode::new(code))
        .map_err(|_| Failure::Unavailable)?
        .set_pkce_verifier(PkceCodeVerifier::new(verifier))
        .request_async(&oidc.http)
        .await
        .map_err(|error| {
            tracing::warn!(error = %error, "OIDC code exchange failed");
            Failure::Exchange
        })?;
    let id_token = tokens.id_token().ok_or(Failure::Token)?;
    let claims = id_token
        .claims(&client.id_token_verifier(), &Nonce::new(nonce))
        .map_err(|error| {
            tracing::warn!(error = %error, "OIDC ID token refused");
            Failure::Token
        })?;
    // Claims the library does not type are read strictly: a claim of the wrong type refuses
    // the token rather than counting as absent.
    let extra = payload(&id_token.to_string()).ok_or(Failure::Token)?;
    if !tenant_allowed(&oidc.tenants, &oidc.issuer, extra.tid.as_deref()) {
        return Err(Failure::Tenant);
    }
    let subject = format!("{} {}", claims.issuer().as_str(), claims.subject().as_str());
    if let Some(user_id) = link_user_id {
        return link_identity(state, user_id, &subject).await;
    }
    // Only an address the identity provider says it verified (literally `true`) finds an
    // account; `preferred_username` is a display name some providers let users choose.
    let email = claims
        .email()
        .map(|e| e.as_str().trim().to_lowercase())
        .filter(|_| extra.email_verified == Some(true));
    let user_id = find_user(state, &subject, email.as_deref())
        .await
        .map_err(|error| {
            tracing::error!(%error, "finding the user of an OIDC identity");
            Failure::Unavailable
        })?
        .ok_or(Failure::Unknown)?;
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let old = cookie_value(headers, sessions::model::SESSION_COOKIE);
    let next = (!next.is_empty()).then_some(next);
    match complete(
        &state.db,
        user_id,
        next.as_deref(),
        ip,
        user_agent,
        old.as_deref(),
        "oidc",
    )
    .await
    {
        Ok(Ok(signed_in)) => Ok(with_cookie(
            Redirect::to(&signed_in.target).into_response(),
            &sessions::model::set_cookie(&signed_in.token, oidc.secure_cookies),
        )),
        Ok(Err(refused)) => Err(Failure::Refused(refused)),
        Err(error) => {
            tracing::error!(?error, "completing an OIDC sign-in");
            Err(Failure::Unavailable)
        }
    }
}

/// Whether a token's tenant may sign in: one of `OIDC_TENANTS`; without that list, a token
/// naming a tenant must come from that tenant's own issuer (Azure's issuer URL holds the
/// tenant id), so a tenant-specific issuer never admits guests of other tenants.
fn tenant_allowed(tenants: &[String], issuer: &str, tid: Option<&str>) -> bool {
    match (tenants.is_empty(), tid) {
        (false, Some(tid)) => tenants.iter().any(|t| t == tid),
        (false, None) => false,
        (true, Some(tid)) => !tid.is_empty() && issuer.split('/').any(|part| part == tid),
        (true, None) => true,
    }
}

/// Links the identity to the signed-in user who started the flow from 账号安全 (having
/// signed in with password and second factor); an identity linked to someone else stays so.
async fn link_identity(state: &AppState, user_id: i64, subject: &str) -> Result<Response, Failure> {
    let linked = async {
        let mut tx = state.db.begin().await?;
        let taken = sqlx::query("SELECT id FROM users WHERE oidc_subject = $1 AND id <> $2")
            .bind(subject)
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await?
            .is_some();
        if taken {
            return Ok(false);
        }
        sqlx::query("UPDATE users SET oidc_subject = $1 WHERE id = $2")
            .bind(subject)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        app::kit::audit::user_event(&mut *tx, None, user_id, "oidc_linked", "", "").await?;
        let email: String = sqlx::query("SELECT email FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_one(&mut *tx)
            .await?
            .try_get("email")?;
        app::kit::mail::post(
            &mut tx,
            &email,
            &app::accounts::security::notify::oidc_linked(),
        )
        .await?;
        tx.commit().await?;
        Ok::<_, sqlx::Error>(true)
    }
    .await
    .map_err(|error| {
        tracing::error!(%error, "linking an OIDC identity");
        Failure::Unavailable
    })?;
    let to = if linked {
        "/account/security?oidc=linked"
    } else {
        "/account/security?oidc=taken"
    };
    Ok(Redirect::to(to).into_response())
}

/// The user an identity signs in: the one linked to its subject, else the one whose
/// verified address it carries (then linked).
async fn find_user(
    state: &AppState,
    subject: &str,
    email: Option<&str>,
) -> Result<Option<i64>, sqlx::Error> {
    if let Some(row) = sqlx::query("SELECT id FROM users WHERE oidc_subject = $1")
        .bind(subject)
        .fetch_optional(state.db.pool())
        .await?
    {
        return Ok(Some(row.try_get("id")?));
    }
    let Some(email) = email else {
        return Ok(None);
    };
    let Some(row) = sqlx::query("SELECT id FROM users WHERE email = $1 AND oidc_subject IS NULL")
        .bind(email)
        .fetch_optional(state.db.pool())
        .await?
    else {
        return Ok(None);
    };
    let id: i64 = row.try_get("id")?;
    sqlx::query("UPDATE users SET oidc_subject = $1 WHERE id = $2 AND oidc_subject IS NULL")
        .bind(subject)
        .bind(id)
        .execute(state.db.pool())
        .await?;
    Ok(Some(id))
}

/// Claims `openidconnect`'s core types do not carry, read from a token it has verified.
/// A present claim of another JSON type fails the whole read.
#[derive(Debug, Default, Deserialize)]
struct ExtraClaims {
    tid: Option<String>,
    email_verified: Option<bool>,
}

fn payload(jwt: &str) -> Option<ExtraClaims> {
    let part = jwt.split('.').nth(1)?;
    let bytes = data_encoding::BASE64URL_NOPAD
        .decode(part.as_bytes())
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}

pub type Shared = Arc<Oidc>;

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(json: &str) -> Option<ExtraClaims> {
        let body = data_encoding::BASE64URL_NOPAD.encode(json.as_bytes());
        payload(&format!("e30.{body}.sig"))
    }

    #[test]
    fn extra_claims_come_from_the_payload() {
        let read =
            claims(r#"{"tid":"t-1","preferred_username":"a@b.cn","email_verified":true}"#).unwrap();
        assert_eq!(read.tid.as_deref(), Some("t-1"));
        assert_eq!(read.email_verified, Some(true));
        assert_eq!(claims(r#"{"sub":"x"}"#).unwrap().email_verified, None);
        assert!(payload("garbage").is_none());
    }

    #[test]
    fn claims_of_the_wrong_type_fail_closed() {
        for json in [
            r#"{"email_verified":"true"}"#,
            r#"{"email_verified":1}"#,
            r#"{"email_verified":[true]}"#,
            r#"{"tid":42}"#,
            r#"{"tid":{"id":"t"}}"#,
        ] {
            assert!(claims(json).is_none(), "{json}");
        }
    }

    #[test]
    fn tenants_come_from_the_list_or_the_issuer() {
        let issuer = "https://login.microsoftonline.com/t-1/v2.0";
        let list = vec!["t-2".to_owned()];
        assert!(tenant_allowed(&list, issuer, Some("t-2")));
        assert!(!tenant_allowed(&list, issuer, Some("t-1")));
        assert!(!tenant_allowed(&list, issuer, None));
        assert!(tenant_allowed(&[], issuer, Some("t-1")));
        assert!(!tenant_allowed(&[], issuer, Some("t-9")));
        assert!(!tenant_allowed(&[], issuer, Some("")));
        assert!(tenant_allowed(&[], "https://idp.example", None));
    }
}
