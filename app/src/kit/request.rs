//! What a server function knows about its caller, and the scope every provider query takes.

use crate::kit::code::Code;
use serde::{Deserialize, Serialize};

/// A member's role inside one provider (domain.md, "Who uses it").
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    Admin,
    CoAdmin,
    User,
}

/// Labels: 管理员, 协同管理员, 用户.
impl Code for Role {
    const LABELS: Option<&'static str> = Some("role");
}

impl Role {
    /// Admins and co-admins answer bills (确认账单, 驳回); users only read them.
    pub fn may_settle(self) -> bool {
        matches!(self, Role::Admin | Role::CoAdmin)
    }

    /// Inviting, editing, enabling and disabling members.
    pub fn may_manage_users(self) -> bool {
        matches!(self, Role::Admin | Role::CoAdmin)
    }

    /// Only the admin hands the admin role on (§5.1.4).
    pub fn may_transfer_admin(self) -> bool {
        self == Role::Admin
    }

    /// 确认账单 / 驳回: users may only read bills.
    pub fn may_decide_bills(self) -> bool {
        matches!(self, Role::Admin | Role::CoAdmin)
    }

    /// 立即申请 a higher tier.
    pub fn may_apply_for_tier(self) -> bool {
        matches!(self, Role::Admin | Role::CoAdmin)
    }

    /// Whether a member with this role may disable a member with role `target`.
    /// Nobody disables the admin; disabling oneself is refused separately.
    pub fn may_disable(self, target: Role) -> bool {
        self.may_manage_users() && target != Role::Admin
    }

    /// The roles this role may give when inviting or editing: never admin, which only
    /// changes hands by transfer.
    pub fn grantable_roles(self) -> &'static [Role] {
        if self.may_manage_users() {
            &[Role::CoAdmin, Role::User]
        } else {
            &[]
        }
    }
}

/// The provider a request acts for. Every provider-owned query takes one, so no query can
/// forget to filter by provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProviderScope {
    pub provider_id: i64,
    pub user_id: i64,
    pub role: Role,
}

/// The client's address, put in the request's extensions by the server.
#[derive(Debug, Clone)]
pub struct ClientIp(pub String);

/// Settings the pages and server functions need from the server's configuration.
#[derive(Debug, Clone)]
pub struct Settings {
    pub public_url: String,
    /// Cookies get `Secure` when the portal is served over HTTPS.
    pub secure_cookies: bool,
    /// Days the customer has to answer a stage submitted for acceptance.
    pub acceptance_days: i64,
    /// Whether an OIDC identity provider (Azure AD) is configured: the AAD tab signs in.
    pub oidc_enabled: bool,
    /// The identity provider's origin (`https://login.microsoftonline.com`), where forms
    /// may lead: linking an identity continues there.
    pub oidc_origin: Option<String>,
    /// Whether SMTP delivers mail. Without it (development) the mail log shows mails whole,
    /// links included; with it, live links never show there.
    pub mail_delivery: bool,
}

/// The signed-in user of a request, resolved once by the server's middleware and read by
/// pages and server functions from the request's extensions.
#[cfg(feature = "ssr")]
#[derive(Debug, Clone)]
pub struct AuthContext {
    pub session_id: String,
    pub user_id: i64,
    pub email: String,
    pub name: String,
    pub is_operator: bool,
    /// The provider selected in this session, while the membership is active (and, where
    /// the provider requires a second factor, while the user has one).
    pub provider: Option<CurrentProvider>,
    /// The name of the selected provider when the platform suspended it (暂停): then
    /// `provider` is None and the member is told why.
    pub suspended_provider: Option<String>,
    /// The selected provider requires two-factor sign-in and this user has not set it up.
    pub two_factor_required: bool,
    /// The zone the user reads times in (偏好设置).
    pub time_zone: crate::kit::time::Zone,
    /// The language the user last read a page in, which their mails speak; none before the
    /// first page.
    pub locale: Option<crate::kit::i18n::Locale>,
    /// The page size the user chose last for a list (kit::pager), none before the first.
    pub list_page_size: Option<i64>,
}

#[cfg(feature = "ssr")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CurrentProvider {
    pub provider_id: i64,
    pub role: Role,
}

#[cfg(feature = "ssr")]
pub use ssr::*;

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;
    use crate::kit::db::Db;
    use crate::kit::error::AppError;
    use axum::extract::FromRequestParts;
    use leptos::prelude::use_context;

    fn parts() -> Result<http::request::Parts, AppError> {
        use_context::<http::request::Parts>().ok_or(AppError::Internal)
    }

    pub fn db() -> Result<Db, AppError> {
        use_context::<Db>().ok_or(AppError::Internal)
    }

    pub fn settings() -> Result<Settings, AppError> {
        use_context::<Settings>().ok_or(AppError::Internal)
    }

    pub fn client_ip() -> String {
        parts()
            .ok()
            .and_then(|p| p.extensions.get::<ClientIp>().map(|ip| ip.0.clone()))
            .unwrap_or_default()
    }

    pub fn user_agent() -> String {
        parts()
            .ok()
            .and_then(|p| {
                p.headers
                    .get(http::header::USER_AGENT)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned)
            })
            .unwrap_or_default()
    }

    /// The signed-in user, or Unauthorized.
    pub fn auth() -> Result<AuthContext, AppError> {
        signed_in(&parts()?)
    }

    /// A signed-in member acting for their current provider, or Forbidden.
    pub fn provider_scope() -> Result<(AuthContext, ProviderScope), AppError> {
        as_member(auth()?)
    }

    /// A signed-in platform operator, or Forbidden.
    pub fn operator() -> Result<AuthContext, AppError> {
        as_operator(auth()?)
    }

    fn signed_in(parts: &http::request::Parts) -> Result<AuthContext, AppError> {
        parts
            .extensions
            .get::<AuthContext>()
            .cloned()
            .ok_or(AppError::Unauthorized)
    }

    /// The user acting for their current provider, or Forbidden.
    fn as_member(auth: AuthContext) -> Result<(AuthContext, ProviderScope), AppError> {
        let current = auth.provider.ok_or(AppError::Forbidden)?;
        let scope = ProviderScope {
            provider_id: current.provider_id,
            user_id: auth.user_id,
            role: current.role,
        };
        Ok((auth, scope))
    }

    /// The user as a platform operator, or Forbidden.
    fn as_operator(auth: AuthContext) -> Result<AuthContext, AppError> {
        if auth.is_operator {
            Ok(auth)
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// A signed-in member acting for their current provider, for plain axum routes
    /// (downloads, uploads, exports); refused as `AppError` (sign in, or 403).
    pub struct Member {
        pub auth: AuthContext,
        pub scope: ProviderScope,
    }

    impl<S: Send + Sync> FromRequestParts<S> for Member {
        type Rejection = AppError;

        async fn from_request_parts(
            parts: &mut http::request::Parts,
            _state: &S,
        ) -> Result<Self, AppError> {
            let (auth, scope) = as_member(signed_in(parts)?)?;
            Ok(Member { auth, scope })
        }
    }

    /// The zone the request's viewer reads times in, for plain axum routes (exports): the
    /// signed-in user's setting, the business zone for anyone else.
    pub struct ViewerZone(pub crate::kit::time::Zone);

    impl<S: Send + Sync> FromRequestParts<S> for ViewerZone {
        type Rejection = std::convert::Infallible;

        async fn from_request_parts(
            parts: &mut http::request::Parts,
            _state: &S,
        ) -> Result<Self, Self::Rejection> {
            Ok(ViewerZone(
                parts
                    .extensions
                    .get::<AuthContext>()
                    .map(|auth| auth.time_zone.clone())
                    .unwrap_or_else(crate::kit::time::Zone::business),
            ))
        }
    }

    /// A signed-in platform operator, for plain axum routes.
    pub struct Operator(pub AuthContext);

    impl<S: Send + Sync> FromRequestParts<S> for Operator {
        type Rejection = AppError;

        async fn from_request_parts(
            parts: &mut http::request::Parts,
            _state: &S,
        ) -> Result<Self, AppError> {
            as_operator(signed_in(parts)?).map(Operator)
        }
    }

    /// Lets a client's request on past a wrong token, or answers it instead (429).
    pub type BadToken =
        std::sync::Arc<dyn Fn(&str) -> Option<axum::response::Response> + Send + Sync>;

    /// The marketplace's credentials, from the server: the platform API token (none: the
    /// marketplace APIs are off) and the throttle of wrong tokens per client address.
    #[derive(Clone)]
    pub struct MarketplaceGate {
        pub token: Option<std::sync::Arc<str>>,
        pub bad_token: BadToken,
    }

    /// A JSON API's error answer: `{"error": message}`.
    pub fn api_error(status: http::StatusCode, message: &str) -> axum::response::Response {
        use axum::response::IntoResponse;
        (status, axum::Json(serde_json::json!({ "error": message }))).into_response()
    }

    /// A JSON answer that may be revalidated: its ETag is a digest of the body, and a request
    /// whose `If-None-Match` names it (or `*`) gets 304 without the body. A client polling an
    /// unchanged resource costs one query and no transfer.
    pub fn json_with_etag(request: &http::HeaderMap, body: Vec<u8>) -> axum::response::Response {
        use axum::response::IntoResponse;
        use sha2::{Digest, Sha256};
        let etag = format!(
            "\"{}\"",
            data_encoding::HEXLOWER.encode(&Sha256::digest(&body)[..16])
        );
        let matches = request
            .get_all(http::header::IF_NONE_MATCH)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(|tag| tag.trim())
            .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == etag);
        let headers = [
            (http::header::ETAG, etag),
            (http::header::CACHE_CONTROL, "no-cache".to_owned()),
        ];
        if matches {
            (http::StatusCode::NOT_MODIFIED, headers).into_response()
        } else {
            (
                headers,
                [(http::header::CONTENT_TYPE, "application/json")],
                body,
            )
                .into_response()
        }
    }

    /// Compares digests, so the time taken says nothing about how much of the token matched.
    fn token_matches(given: &str, expected: &str) -> bool {
        use crate::kit::token::hash_token;
        hash_token(given) == hash_token(expected)
    }

    /// The marketplace calling with the platform API token (`Authorization: Bearer …`), for
    /// its JSON APIs (order intake, the catalogue). Refused as JSON: 503 while no token is
    /// set, 401 with `WWW-Authenticate` for a wrong one, 429 after too many wrong ones.
    pub struct Marketplace;

    impl<S> FromRequestParts<S> for Marketplace
    where
        S: Send + Sync,
        MarketplaceGate: axum::extract::FromRef<S>,
    {
        type Rejection = axum::response::Response;

        async fn from_request_parts(
            parts: &mut http::request::Parts,
            state: &S,
        ) -> Result<Self, Self::Rejection> {
            use axum::extract::FromRef;
            let gate = MarketplaceGate::from_ref(state);
            let Some(expected) = gate.token.as_deref() else {
                return Err(api_error(
                    http::StatusCode::SERVICE_UNAVAILABLE,
                    "the marketplace API is disabled (PLATFORM_API_TOKEN is not set)",
                ));
            };
            let given = parts
                .headers
                .get(http::header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "))
                .unwrap_or_default();
            if token_matches(given, expected) {
                return Ok(Marketplace);
            }
            // Guessing tokens is throttled per client address; the marketplace's own calls
            // (right token) never are.
            let client = parts
                .extensions
                .get::<ClientIp>()
                .map(|ip| ip.0.clone())
                .unwrap_or_default();
            if let Some(refused) = (gate.bad_token)(&client) {
                return Err(refused);
            }
            let mut response = api_error(
                http::StatusCode::UNAUTHORIZED,
                "a valid platform API token is required",
            );
            response.headers_mut().insert(
                http::header::WWW_AUTHENTICATE,
                http::HeaderValue::from_static("Bearer"),
            );
            Err(response)
        }
    }

    #[cfg(test)]
    #[test]
    fn tokens_compare_whole() {
        assert!(token_matches("s3cret", "s3cret"));
        assert!(!token_matches("s3cre", "s3cret"));
        assert!(!token_matches("", "s3cret"));
    }

    /// Whose records a plain route reads: the member's provider, or on the platform's routes
    /// (`PLATFORM`) any provider's, for an operator.
    pub struct RealmOwner<const PLATFORM: bool>(pub crate::kit::db::Owner);

    impl<S: Send + Sync, const PLATFORM: bool> FromRequestParts<S> for RealmOwner<PLATFORM> {
        type Rejection = AppError;

        async fn from_request_parts(
            parts: &mut http::request::Parts,
            _state: &S,
        ) -> Result<Self, AppError> {
            use crate::kit::db::Owner;
            let auth = signed_in(parts)?;
            Ok(RealmOwner(if PLATFORM {
                as_operator(auth)?;
                Owner::Platform
            } else {
                Owner::Provider(as_member(auth)?.1.provider_id)
            }))
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::kit::code::Code;
    use crate::kit::request::Role;

    #[test]
    fn roles_round_trip_through_storage() {
        for role in [Role::Admin, Role::CoAdmin, Role::User] {
            assert_eq!(Role::from_db(role.as_db()), Some(role));
        }
        assert_eq!(Role::from_db("owner"), None);
    }

    /// The stored codes must never change with a renamed variant.
    #[test]
    fn roles_keep_their_stored_codes_and_labels() {
        use crate::kit::code::{codes, missing_labels};
        assert_eq!(codes::<Role>(), ["admin", "co_admin", "user"]);
        assert_eq!(Role::from_db("co-admin"), None);
        assert_eq!(Role::from_db("Admin"), None);
        assert_eq!(Role::CoAdmin.label_key(), "role.co_admin");
        let missing = missing_labels::<Role>();
        assert!(missing.is_empty(), "{missing:?}");
    }

    #[test]
    fn permissions_follow_the_roles_table() {
        assert!(Role::Admin.may_transfer_admin());
        assert!(!Role::CoAdmin.may_transfer_admin());
        assert!(!Role::User.may_transfer_admin());

        assert!(Role::CoAdmin.may_manage_users());
        assert!(!Role::User.may_manage_users());

        assert!(Role::CoAdmin.may_decide_bills());
        assert!(!Role::User.may_decide_bills());
        assert!(!Role::User.may_apply_for_tier());

        assert!(!Role::CoAdmin.may_disable(Role::Admin));
        assert!(Role::CoAdmin.may_disable(Role::User));
        assert!(Role::Admin.may_disable(Role::CoAdmin));
        assert!(!Role::User.may_disable(Role::User));

        assert!(!Role::Admin.grantable_roles().contains(&Role::Admin));
        assert!(Role::User.grantable_roles().is_empty());
    }
}
