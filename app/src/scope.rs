//! What a server function knows about its caller, and the scope every provider query takes.

use crate::accounts::model::Role;

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
    /// Whether SMTP delivers mail. Without it (development) the mail log shows mails whole,
    /// links included; with it, live links never show there.
    pub mail_delivery: bool,
}

#[cfg(feature = "ssr")]
pub use ssr::*;

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;
    use crate::accounts::session::AuthContext;
    use crate::db::Db;
    use crate::error::AppError;
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
        parts()?
            .extensions
            .get::<AuthContext>()
            .cloned()
            .ok_or(AppError::Unauthorized)
    }

    /// A signed-in member acting for their current provider, or Forbidden.
    pub fn provider_scope() -> Result<(AuthContext, ProviderScope), AppError> {
        let auth = auth()?;
        let current = auth.provider.ok_or(AppError::Forbidden)?;
        let scope = ProviderScope {
            provider_id: current.provider_id,
            user_id: auth.user_id,
            role: current.role,
        };
        Ok((auth, scope))
    }

    /// A signed-in platform operator, or Forbidden.
    pub fn operator() -> Result<AuthContext, AppError> {
        let auth = auth()?;
        if auth.is_operator {
            Ok(auth)
        } else {
            Err(AppError::Forbidden)
        }
    }
}
