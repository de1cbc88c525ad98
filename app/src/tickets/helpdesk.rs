//! Where tickets go. The built-in helpdesk keeps them in the portal (platform operators answer
//! in 平台 › 咨询工单); the HTTP connector also files them with an external helpdesk such as
//! ewei, reads its answers back, and is told of changes by its webhook.
//!
//! The external contract (JSON, `Authorization: Bearer <HELPDESK_TOKEN>`):
//! - `POST {base}/tickets` {reference, subject, description, service_type, category, company,
//!   requester: {name, email, phone}} → 201 {id}
//! - `POST {base}/tickets/{id}/comments` {author, body} → 201
//! - `GET {base}/tickets/{id}` → {id, status: open|pending|solved|closed,
//!   comments: [{id, author, body, from_agent, created_at (Unix seconds)}]}
//! - `GET {base}/tickets?ids=a,b` → {tickets: [{id, status}]} (the history list's statuses)
//! - webhook: `POST /helpdesk/webhook` {ticket_id} signed `X-Helpdesk-Signature:
//!   sha256=<hex HMAC-SHA256 of the body with HELPDESK_WEBHOOK_SECRET>`; the portal then reads
//!   the ticket itself, so a webhook can only ask for a refresh.

use super::TicketStatus;
use crate::kit::code::Code;
use serde::{Deserialize, Serialize};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

/// A new ticket as the helpdesk receives it.
#[derive(Debug, Clone, Serialize)]
pub struct NewTicket {
    pub reference: String,
    pub subject: String,
    pub description: String,
    pub service_type: String,
    pub category: String,
    pub company: String,
    pub requester: Requester,
}

#[derive(Debug, Clone, Serialize)]
pub struct Requester {
    pub name: String,
    pub email: String,
    pub phone: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct RemoteComment {
    pub id: String,
    pub author: String,
    pub body: String,
    pub from_agent: bool,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct RemoteTicket {
    pub id: String,
    pub status: String,
    #[serde(default)]
    pub comments: Vec<RemoteComment>,
}

impl RemoteTicket {
    pub fn status(&self) -> Option<TicketStatus> {
        TicketStatus::from_db(&self.status)
    }
}

/// A ticket's line in a list: its status only.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct RemoteSummary {
    pub id: String,
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HelpdeskError {
    #[error("helpdesk unreachable: {0}")]
    Unreachable(String),
    #[error("helpdesk answered {0}")]
    Refused(u16),
    #[error("helpdesk answer unreadable: {0}")]
    Unreadable(String),
}

/// What a helpdesk does for the portal.
pub trait Connector {
    /// 提交平台, as stored with the ticket.
    fn channel(&self) -> &'static str;
    /// Files the ticket; the helpdesk's id, or none where the portal is the helpdesk.
    fn create(
        &self,
        ticket: &NewTicket,
    ) -> impl Future<Output = Result<Option<String>, HelpdeskError>> + Send;
    /// Adds the provider's answer to the helpdesk's ticket.
    fn reply(
        &self,
        external_id: &str,
        author: &str,
        body: &str,
    ) -> impl Future<Output = Result<(), HelpdeskError>> + Send;
    /// The helpdesk's ticket with its whole conversation.
    fn fetch(
        &self,
        external_id: &str,
    ) -> impl Future<Output = Result<RemoteTicket, HelpdeskError>> + Send;
    /// The statuses of several tickets at once.
    fn list(
        &self,
        external_ids: &[String],
    ) -> impl Future<Output = Result<Vec<RemoteSummary>, HelpdeskError>> + Send;
}

/// The portal is the helpdesk: nothing leaves it.
pub struct BuiltIn;

impl Connector for BuiltIn {
    fn channel(&self) -> &'static str {
        "builtin"
    }

    async fn create(&self, _ticket: &NewTicket) -> Result<Option<String>, HelpdeskError> {
        Ok(None)
    }

    async fn reply(
        &self,
        _external_id: &str,
        _author: &str,
        _body: &str,
    ) -> Result<(), HelpdeskError> {
        Ok(())
    }

    async fn fetch(&self, external_id: &str) -> Result<RemoteTicket, HelpdeskError> {
        Err(HelpdeskError::Unreadable(format!(
            "no external ticket {external_id}"
        )))
    }

    async fn list(&self, _external_ids: &[String]) -> Result<Vec<RemoteSummary>, HelpdeskError> {
        Ok(Vec::new())
    }
}

/// An external helpdesk over HTTP (ewei and the like).
pub struct HttpHelpdesk {
    base: String,
    token: String,
    client: reqwest::Client,
}

impl HttpHelpdesk {
    pub fn new(base: &str, token: &str) -> Result<HttpHelpdesk, reqwest::Error> {
        Ok(HttpHelpdesk {
            base: base.trim_end_matches('/').to_owned(),
            token: token.to_owned(),
            // A slow helpdesk must not hold a page for long; no redirects are followed.
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(8))
                .redirect(reqwest::redirect::Policy::none())
                .build()?,
        })
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn send(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<reqwest::Response, HelpdeskError> {
        let response = request
            .bearer_auth(&self.token)
            .send()
            .await
            .map_err(|e| HelpdeskError::Unreachable(e.to_string()))?;
        if response.status().is_success() {
            Ok(response)
        } else {
            Err(HelpdeskError::Refused(response.status().as_u16()))
        }
    }
}

/// An id the helpdesk gave: short, plain, never a path.
fn plain_id(id: &str) -> Result<&str, HelpdeskError> {
    if !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        Ok(id)
    } else {
        Err(HelpdeskError::Unreadable(format!("ticket id {id:?}")))
    }
}

impl Connector for HttpHelpdesk {
    fn channel(&self) -> &'static str {
        "ewei"
    }

    async fn create(&self, ticket: &NewTicket) -> Result<Option<String>, HelpdeskError> {
        #[derive(Deserialize)]
        struct Created {
            id: serde_json::Value,
        }
        let response = self
            .send(self.client.post(self.url("/tickets")).json(ticket))
            .await?;
        let created: Created = response
            .json()
            .await
            .map_err(|e| HelpdeskError::Unreadable(e.to_string()))?;
        let id = match created.id {
            serde_json::Value::String(s) => s,
            serde_json::Value::Number(n) => n.to_string(),
            other => return Err(HelpdeskError::Unreadable(format!("id {other}"))),
        };
        Ok(Some(plain_id(&id)?.to_owned()))
    }

    async fn reply(
        &self,
        external_id: &str,
        author: &str,
        body: &str,
    ) -> Result<(), HelpdeskError> {
        let id = plain_id(external_id)?;
        let payload = serde_json::json!({ "author": author, "body": body });
        self.send(
            self.client
                .post(self.url(&format!("/tickets/{id}/comments")))
                .json(&payload),
        )
        .await?;
        Ok(())
    }

    async fn fetch(&self, external_id: &str) -> Result<RemoteTicket, HelpdeskError> {
        let id = plain_id(external_id)?;
        let response = self
            .send(self.client.get(self.url(&format!("/tickets/{id}"))))
            .await?;
        response
            .json()
            .await
            .map_err(|e| HelpdeskError::Unreadable(e.to_string()))
    }

    async fn list(&self, external_ids: &[String]) -> Result<Vec<RemoteSummary>, HelpdeskError> {
        #[derive(Deserialize)]
        struct Listed {
            tickets: Vec<RemoteSummary>,
        }
        let ids: Vec<&str> = external_ids
            .iter()
            .map(|id| plain_id(id))
            .collect::<Result<_, _>>()?;
        let request = self
            .client
            .get(self.url("/tickets"))
            .query(&[("ids", ids.join(","))]);
        let listed: Listed = self
            .send(request)
            .await?
            .json()
            .await
            .map_err(|e| HelpdeskError::Unreadable(e.to_string()))?;
        Ok(listed.tickets)
    }
}

/// The configured helpdesk, shared by every request.
#[derive(Clone)]
pub enum Helpdesk {
    BuiltIn,
    Http(Arc<HttpHelpdesk>, Arc<str>),
}

impl Helpdesk {
    /// The webhook's secret, with an external helpdesk.
    pub fn webhook_secret(&self) -> Option<&str> {
        match self {
            Helpdesk::BuiltIn => None,
            Helpdesk::Http(_, secret) => Some(secret),
        }
    }
}

impl Connector for Helpdesk {
    fn channel(&self) -> &'static str {
        match self {
            Helpdesk::BuiltIn => BuiltIn.channel(),
            Helpdesk::Http(http, _) => http.channel(),
        }
    }

    async fn create(&self, ticket: &NewTicket) -> Result<Option<String>, HelpdeskError> {
        match self {
            Helpdesk::BuiltIn => BuiltIn.create(ticket).await,
            Helpdesk::Http(http, _) => http.create(ticket).await,
        }
    }

    async fn reply(
        &self,
        external_id: &str,
        author: &str,
        body: &str,
    ) -> Result<(), HelpdeskError> {
        match self {
            Helpdesk::BuiltIn => BuiltIn.reply(external_id, author, body).await,
            Helpdesk::Http(http, _) => http.reply(external_id, author, body).await,
        }
    }

    async fn fetch(&self, external_id: &str) -> Result<RemoteTicket, HelpdeskError> {
        match self {
            Helpdesk::BuiltIn => BuiltIn.fetch(external_id).await,
            Helpdesk::Http(http, _) => http.fetch(external_id).await,
        }
    }

    async fn list(&self, external_ids: &[String]) -> Result<Vec<RemoteSummary>, HelpdeskError> {
        match self {
            Helpdesk::BuiltIn => BuiltIn.list(external_ids).await,
            Helpdesk::Http(http, _) => http.list(external_ids).await,
        }
    }
}

/// Checks a webhook's `sha256=<hex>` signature of `body` in constant time.
pub fn signature_valid(secret: &str, body: &[u8], header: &str) -> bool {
    use hmac::{Hmac, Mac};
    let Some(hex) = header.trim().strip_prefix("sha256=") else {
        return false;
    };
    let Ok(expected) = data_encoding::HEXLOWER_PERMISSIVE.decode(hex.as_bytes()) else {
        return false;
    };
    let Ok(mut mac) = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()) else {
        return false;
    };
    mac.update(body);
    mac.verify_slice(&expected).is_ok()
}

/// The signature a helpdesk sends (for the stand-in and the tests).
pub fn sign(secret: &str, body: &[u8]) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(body);
    format!(
        "sha256={}",
        data_encoding::HEXLOWER.encode(&mac.finalize().into_bytes())
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webhook_signatures_are_checked() {
        let body = br#"{"ticket_id":"42"}"#;
        let good = sign("s3cret", body);
        assert!(signature_valid("s3cret", body, &good));
        assert!(!signature_valid("other", body, &good));
        assert!(!signature_valid("s3cret", br#"{"ticket_id":"43"}"#, &good));
        assert!(!signature_valid("s3cret", body, "sha256=zz"));
        assert!(!signature_valid(
            "s3cret",
            body,
            &good.replace("sha256=", "md5=")
        ));
    }

    #[test]
    fn helpdesk_ids_are_plain() {
        assert_eq!(plain_id("T-1908023"), Ok("T-1908023"));
        assert!(plain_id("../admin").is_err());
        assert!(plain_id("").is_err());
        assert!(plain_id("a?b=c").is_err());
    }
}
