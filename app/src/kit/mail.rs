//! Email. Every mail is written to the `outbox` table in the same transaction as the change
//! it tells about, and a background sender delivers it over SMTP with retries and backoff:
//! an SMTP outage loses nothing and blocks no request. Without SMTP configured, mails stay
//! in the outbox, readable in the platform's mail log.

use crate::kit::db::{now, Db};
use crate::kit::i18n::Locale;
use lettre::message::{header::ContentType, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sqlx::{Any, AnyConnection, Executor, Row};
use std::time::Duration;

/// A mail to send: the bodies are complete documents, built by `render`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// Live credentials in the bodies (links holding a token): never shown in the mail log
    /// when SMTP delivers mail, and blanked out of the stored copy once delivered.
    pub secrets: Vec<String>,
}

impl Mail {
    /// Marks `secret` (as it appears in the bodies) as a live credential.
    pub fn secret(mut self, secret: impl Into<String>) -> Mail {
        self.secrets.push(secret.into());
        self
    }
}

/// What stands in a stored or shown mail where a live link was.
pub const REDACTED: &str = "[链接已隐藏 · link hidden]";

/// `body` with every secret (one a line in `secrets`, as stored) replaced by `REDACTED`.
pub fn redact(body: &str, secrets: &str) -> String {
    secrets
        .lines()
        .filter(|s| !s.is_empty())
        .fold(body.to_owned(), |body, secret| {
            body.replace(secret, REDACTED)
        })
}

/// Puts a mail in the outbox; pass the transaction of the change it belongs to.
pub async fn enqueue<'e, E>(executor: E, mail: &Mail) -> Result<(), sqlx::Error>
where
    E: Executor<'e, Database = Any>,
{
    let at = now();
    sqlx::query(
        "INSERT INTO outbox (to_address, subject, body_text, body_html, created_at, next_attempt_at, secrets)
         VALUES ($1, $2, $3, $4, $5, $5, $6)",
    )
    .bind(&mail.to)
    .bind(&mail.subject)
    .bind(&mail.text)
    .bind(&mail.html)
    .bind(at)
    .bind(mail.secrets.join("\n"))
    .execute(executor)
    .await?;
    Ok(())
}

/// The secrets as they stand in the HTML body: each both as typed and escaped.
fn mail_escape_all(secrets: &str) -> String {
    secrets
        .lines()
        .flat_map(|s| [s.to_owned(), escape(s)])
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// The language a mail is written in: its recipient's, or both (Chinese first) for an
/// address with no account or an account that has not used the portal yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Speech {
    One(Locale),
    Both,
}

impl Speech {
    fn locales(self) -> &'static [Locale] {
        match self {
            Speech::One(Locale::ZhCn) => &[Locale::ZhCn],
            Speech::One(Locale::En) => &[Locale::En],
            Speech::Both => &[Locale::ZhCn, Locale::En],
        }
    }

    /// `key` with `args` filled, in each language, joined by `separator`.
    fn say(self, key: &'static str, args: &[(&str, &str)], separator: &str) -> String {
        self.locales()
            .iter()
            .map(|locale| locale.tf(key, args))
            .collect::<Vec<_>>()
            .join(separator)
    }
}

/// One paragraph of a letter: a locale key, or text a user wrote, shown as written (once,
/// after the first language's paragraphs before it).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Key(&'static str),
    Text(String),
}

/// What a mail says, as locale keys and the values they name: written out in the recipient's
/// language when it is posted. Every notify function returns one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    subject: &'static str,
    parts: Vec<Part>,
    args: Vec<(&'static str, String)>,
    button: Option<(&'static str, String)>,
    secrets: Vec<String>,
}

impl Letter {
    pub fn new(subject: &'static str) -> Letter {
        Letter {
            subject,
            parts: Vec::new(),
            args: Vec::new(),
            button: None,
            secrets: Vec::new(),
        }
    }

    /// Fills `{name}` in every text. Typed values go last, so nothing they hold is read as a
    /// placeholder.
    pub fn arg(mut self, name: &'static str, value: impl Into<String>) -> Letter {
        self.args.push((name, value.into()));
        self
    }

    pub fn paragraph(mut self, key: &'static str) -> Letter {
        self.parts.push(Part::Key(key));
        self
    }

    /// Text as a user wrote it (a ticket's answer): in no language, so shown once.
    pub fn quote(mut self, text: impl Into<String>) -> Letter {
        self.parts.push(Part::Text(text.into()));
        self
    }

    pub fn button(mut self, label: &'static str, url: impl Into<String>) -> Letter {
        self.button = Some((label, url.into()));
        self
    }

    /// Marks `secret` (a live link in the letter) as a credential, kept out of the mail log.
    pub fn secret(mut self, secret: impl Into<String>) -> Letter {
        self.secrets.push(secret.into());
        self
    }

    /// The mail to `to` in `speech`.
    pub fn write(&self, to: &str, speech: Speech) -> Mail {
        let args: Vec<(&str, &str)> = self.args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let mut paragraphs = Vec::new();
        for (n, locale) in speech.locales().iter().enumerate() {
            for part in &self.parts {
                match part {
                    Part::Key(key) => paragraphs.push(locale.tf(key, &args)),
                    Part::Text(text) if n == 0 => paragraphs.push(text.clone()),
                    Part::Text(_) => {}
                }
            }
        }
        let button = self
            .button
            .as_ref()
            .map(|(label, url)| (speech.say(label, &[], " / "), url.as_str()));
        let mut mail = render(
            to,
            speech,
            &speech.say(self.subject, &args, " · "),
            &paragraphs,
            button.as_ref().map(|(label, url)| (label.as_str(), *url)),
        );
        mail.secrets = self.secrets.clone();
        mail
    }
}

/// The language `to` reads the portal in, as last seen on a page; none for an address with no
/// account, or one that has not used the portal yet.
pub async fn speech_of(conn: &mut AnyConnection, to: &str) -> Result<Speech, sqlx::Error> {
    let locale: Option<String> =
        sqlx::query_scalar("SELECT locale FROM users WHERE email = $1 AND locale IS NOT NULL")
            .bind(to)
            .fetch_optional(&mut *conn)
            .await?
            .flatten();
    Ok(locale
        .as_deref()
        .and_then(Locale::from_tag)
        .map_or(Speech::Both, Speech::One))
}

/// Writes `letter` to `to` in their language and puts it in the outbox; pass the
/// transaction's connection of the change it tells about.
pub async fn post(conn: &mut AnyConnection, to: &str, letter: &Letter) -> Result<(), sqlx::Error> {
    let speech = speech_of(conn, to).await?;
    enqueue(&mut *conn, &letter.write(to, speech)).await
}

/// The platform's active operators, by address: who hears of what waits for the platform.
pub async fn operator_addresses(conn: &mut AnyConnection) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT email FROM users
         WHERE platform_role = 'operator' AND operator_disabled_at IS NULL ORDER BY id",
    )
    .fetch_all(conn)
    .await
}

/// The active admin and co-admins of provider `provider_id`, by address: who hears of what
/// the platform does to the provider.
pub async fn provider_admin_addresses(
    conn: &mut AnyConnection,
    provider_id: i64,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT u.email FROM memberships m JOIN users u ON u.id = m.user_id
         WHERE m.provider_id = $1 AND m.status = 'active' AND m.role IN ('admin', 'co_admin')
         ORDER BY u.id",
    )
    .bind(provider_id)
    .fetch_all(conn)
    .await
}

/// Builds a mail in the portal's layout: a heading, paragraphs (plain text, escaped here), an
/// optional button, and the same content as plain text, its frame in `speech`.
fn render(
    to: &str,
    speech: Speech,
    subject: &str,
    paragraphs: &[String],
    button: Option<(&str, &str)>,
) -> Mail {
    // A subject carries names users typed: no line breaks or other controls reach a header.
    let subject: String = subject.chars().filter(|c| !c.is_control()).collect();
    let subject = subject.as_str();
    let title = escape(&speech.say("mail.frame.title", &[], " · "));
    let footer = speech.say("mail.frame.footer", &[], " ");
    let mut html = String::new();
    html.push_str(&format!(
        "<!DOCTYPE html><html><body style=\"margin:0;background:#f3f5f8;font-family:-apple-system,'PingFang SC','Microsoft YaHei',Arial,sans-serif;color:#1f2933\">\
         <table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\"><tr><td align=\"center\" style=\"padding:24px\">\
         <table role=\"presentation\" width=\"560\" cellpadding=\"0\" cellspacing=\"0\" style=\"background:#ffffff;border-radius:8px;border:1px solid #dde3ea\">\
         <tr><td style=\"background:#1f5fbf;color:#ffffff;padding:16px 24px;font-size:18px;font-weight:600;border-radius:8px 8px 0 0\">{title}</td></tr>\
         <tr><td style=\"padding:24px\">",
    ));
    html.push_str(&format!(
        "<h1 style=\"font-size:18px;margin:0 0 16px\">{}</h1>",
        escape(subject)
    ));
    let mut text = format!("{subject}\n\n");
    for paragraph in paragraphs {
        html.push_str(&format!(
            "<p style=\"line-height:1.6;margin:0 0 12px\">{}</p>",
            escape(paragraph).replace('\n', "<br>")
        ));
        text.push_str(paragraph);
        text.push_str("\n\n");
    }
    if let Some((label, url)) = button {
        html.push_str(&format!(
            "<p style=\"margin:24px 0\"><a href=\"{}\" style=\"background:#1f5fbf;color:#ffffff;padding:10px 20px;border-radius:6px;text-decoration:none;display:inline-block\">{}</a></p>\
             <p style=\"font-size:12px;color:#6b7785;word-break:break-all\">{}</p>",
            escape(url),
            escape(label),
            escape(url)
        ));
        text.push_str(&format!("{label}: {url}\n\n"));
    }
    html.push_str(&format!(
        "</td></tr><tr><td style=\"padding:16px 24px;font-size:12px;color:#6b7785;border-top:1px solid #dde3ea\">\
         {}</td></tr></table></td></tr></table></body></html>",
        escape(&footer)
    ));
    text.push_str(&footer);
    text.push('\n');
    Mail {
        to: to.to_owned(),
        subject: subject.to_owned(),
        text,
        html,
        secrets: Vec::new(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpTls {
    /// Plain SMTP (a local relay or capture server).
    None,
    StartTls,
    /// TLS from the first byte (port 465).
    Tls,
}

#[derive(Debug, Clone)]
pub struct MailConfig {
    pub host: String,
    pub port: u16,
    pub tls: SmtpTls,
    pub credentials: Option<(String, String)>,
    pub from: String,
}

type Transport = AsyncSmtpTransport<Tokio1Executor>;

fn transport(config: &MailConfig) -> Result<Transport, lettre::transport::smtp::Error> {
    let mut builder = match config.tls {
        SmtpTls::None => Transport::builder_dangerous(&config.host),
        SmtpTls::StartTls => Transport::starttls_relay(&config.host)?,
        SmtpTls::Tls => Transport::relay(&config.host)?,
    }
    .port(config.port)
    .timeout(Some(Duration::from_secs(20)));
    if let Some((user, password)) = &config.credentials {
        builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
    }
    Ok(builder.build())
}

fn message(from: &Mailbox, row: &sqlx::any::AnyRow) -> Result<Message, String> {
    let to: String = row.try_get("to_address").map_err(|e| e.to_string())?;
    let subject: String = row.try_get("subject").map_err(|e| e.to_string())?;
    let text: String = row.try_get("body_text").map_err(|e| e.to_string())?;
    let html: String = row.try_get("body_html").map_err(|e| e.to_string())?;
    // Addresses are parsed, never pasted into headers, so no input can add a header.
    let to: Mailbox = to.parse().map_err(|e| format!("recipient: {e}"))?;
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(subject)
        .multipart(
            MultiPart::alternative()
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_PLAIN)
                        .body(text),
                )
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_HTML)
                        .body(html),
                ),
        )
        .map_err(|e| e.to_string())
}

/// A stored mail's text and HTML bodies with its live links blanked out: what the outbox keeps
/// once the mail is delivered or given up.
fn without_secrets(row: &sqlx::any::AnyRow) -> Result<(String, String), sqlx::Error> {
    let secrets: String = row.try_get("secrets")?;
    let text: String = row.try_get("body_text")?;
    let html: String = row.try_get("body_html")?;
    Ok((
        redact(&text, &secrets),
        redact(&html, &mail_escape_all(&secrets)),
    ))
}

/// Retry after 30 s, doubling up to an hour. An outage or a busy server (no answer, 4xx)
/// loses nothing: such a mail is retried until it goes.
pub fn backoff(attempts: i64) -> i64 {
    (30_i64 << attempts.clamp(0, 7)).min(3600)
}

/// Tries after which a mail the server refuses for good (5xx, or an address that is none) is
/// given up: it is failed in the mail log, not retried hourly forever.
pub const PERMANENT_TRIES: i64 = 3;

/// Whether a mail that failed its `attempts`-th try (`permanent`: refused for good) is dead.
pub fn gives_up(attempts: i64, permanent: bool) -> bool {
    permanent && attempts >= PERMANENT_TRIES
}

/// Why a try failed, and whether trying again can help.
struct Failure {
    error: String,
    permanent: bool,
}

/// How long a sender holds a claimed mail before another instance may try it.
const LEASE_SECS: i64 = 120;

/// Sends the mails that are due; returns how many were sent. Several instances may run
/// this at once: each mail is claimed by a conditional update before it is sent.
pub async fn send_due(db: &Db, config: &MailConfig) -> Result<usize, sqlx::Error> {
    let from: Mailbox = match config.from.parse() {
        Ok(from) => from,
        Err(error) => {
            tracing::error!(%error, from = %config.from, "MAIL_FROM is not an address");
            return Ok(0);
        }
    };
    let transport = match transport(config) {
        Ok(transport) => transport,
        Err(error) => {
            tracing::error!(%error, "SMTP transport cannot be built");
            return Ok(0);
        }
    };
    let at = now();
    let due = sqlx::query(
        "SELECT id, next_attempt_at, attempts, to_address, subject, body_text, body_html, secrets
         FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= $1 ORDER BY id LIMIT 20",
    )
    .bind(at)
    .fetch_all(db.pool())
    .await?;
    let mut sent = 0;
    for row in due {
        let id: i64 = row.try_get("id")?;
        let claimed = sqlx::query(
            "UPDATE outbox SET next_attempt_at = $1
             WHERE id = $2 AND next_attempt_at = $3 AND sent_at IS NULL",
        )
        .bind(at + LEASE_SECS)
        .bind(id)
        .bind(row.try_get::<i64, _>("next_attempt_at")?)
        .execute(db.pool())
        .await?
        .rows_affected();
        if claimed != 1 {
            continue;
        }
        let result = match message(&from, &row) {
            Ok(message) => transport
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| Failure {
                    permanent: e.is_permanent(),
                    error: e.to_string(),
                }),
            // No recipient address or subject the server could take: no try can help.
            Err(error) => Err(Failure {
                error,
                permanent: true,
            }),
        };
        match result {
            Ok(()) => {
                // Delivered: the stored copy keeps no working link.
                let (text, html) = without_secrets(&row)?;
                sqlx::query(
                    "UPDATE outbox SET sent_at = $1, last_error = '', body_text = $2, body_html = $3,
                         secrets = '' WHERE id = $4",
                )
                .bind(now())
                .bind(text)
                .bind(html)
                .bind(id)
                .execute(db.pool())
                .await?;
                sent += 1;
            }
            Err(Failure { error, permanent }) => {
                let attempts: i64 = row.try_get::<i64, _>("attempts")? + 1;
                let error: String = error.chars().take(500).collect();
                if gives_up(attempts, permanent) {
                    // Dead: never due again, and a link it held is never to be delivered.
                    tracing::error!(id, attempts, %error, "mail refused for good; given up");
                    let (text, html) = without_secrets(&row)?;
                    sqlx::query(
                        "UPDATE outbox SET attempts = $1, next_attempt_at = $2, last_error = $3,
                             failed_at = $4, body_text = $5, body_html = $6, secrets = ''
                         WHERE id = $7",
                    )
                    .bind(attempts)
                    .bind(i64::MAX)
                    .bind(error)
                    .bind(now())
                    .bind(text)
                    .bind(html)
                    .bind(id)
                    .execute(db.pool())
                    .await?;
                    continue;
                }
                tracing::warn!(id, attempts, %error, "sending mail failed; will retry");
                sqlx::query(
                    "UPDATE outbox SET attempts = $1, next_attempt_at = $2, last_error = $3 WHERE id = $4",
                )
                .bind(attempts)
                .bind(now() + backoff(attempts))
                .bind(error)
                .bind(id)
                .execute(db.pool())
                .await?;
            }
        }
    }
    Ok(sent)
}

/// The background sender: every couple of seconds, whatever is due.
pub fn run_sender(db: Db, config: MailConfig) -> tokio::task::JoinHandle<()> {
    crate::kit::jobs::every("mail sender", Duration::from_secs(2), move || {
        let (db, config) = (db.clone(), config.clone());
        async move {
            if let Err(error) = send_due(&db, &config).await {
                tracing::error!(%error, "mail sender");
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_refusal_for_good_gives_a_mail_up() {
        assert!(!gives_up(1, true));
        assert!(gives_up(PERMANENT_TRIES, true));
        // An outage or a busy server: retried, however long it lasts.
        assert!(!gives_up(PERMANENT_TRIES * 100, false));
    }

    #[test]
    fn bodies_escape_what_users_typed() {
        let mail = render(
            "a@example.com",
            Speech::Both,
            "阶段 <1>",
            &["<script>alert(1)</script> & \"x\"".into()],
            Some(("验收", "http://127.0.0.1:3000/accept/abc?x=1&y=2")),
        );
        assert!(!mail.html.contains("<script>"));
        assert!(mail.html.contains("&lt;script&gt;"));
        assert!(mail.html.contains("accept/abc?x=1&amp;y=2"));
        assert!(
            mail.text.contains("<script>alert(1)</script>"),
            "plain text stays plain"
        );
        assert!(mail
            .text
            .contains("验收: http://127.0.0.1:3000/accept/abc?x=1&y=2"));
    }

    #[test]
    fn delivered_copies_keep_no_live_link() {
        let url = "http://127.0.0.1:3000/reset/abc123";
        let mail = render(
            "a@example.com",
            Speech::Both,
            "重置",
            &["x".into()],
            Some(("重置", url)),
        )
        .secret(url);
        let secrets = mail.secrets.join("\n");
        for body in [
            redact(&mail.text, &secrets),
            redact(&mail.html, &mail_escape_all(&secrets)),
        ] {
            assert!(!body.contains("abc123"), "{body}");
            assert!(body.contains(REDACTED));
        }
        assert_eq!(redact("no secrets", ""), "no secrets");
    }

    #[test]
    fn subjects_lose_line_breaks() {
        let mail = render(
            "a@example.com",
            Speech::Both,
            "公司\r\nBcc: x@evil.example",
            &[],
            None,
        );
        assert_eq!(mail.subject, "公司Bcc: x@evil.example");
    }

    #[test]
    fn a_letter_speaks_its_recipients_language() {
        let letter = Letter::new("mail.ticket.answered.subject")
            .arg("no", "T1")
            .arg("subject", "{no} 无法登录")
            .paragraph("mail.ticket.answered.body")
            .quote("请重试 / please retry")
            .button("mail.ticket.button", "http://x/tickets/T1");
        let en = letter.write("a@example.com", Speech::One(Locale::En));
        assert_eq!(en.subject, "New reply to ticket T1");
        assert!(en
            .text
            .contains("The platform replied to your ticket \"{no} 无法登录\""));
        assert!(en.text.contains("View ticket: http://x/tickets/T1"));
        assert!(en.html.contains("Provider Center"));
        assert!(!en.html.contains("服务提供商中心"), "{}", en.html);
        let zh = letter.write("a@example.com", Speech::One(Locale::ZhCn));
        assert!(!zh.text.contains("New reply"), "{}", zh.text);
        let both = letter.write("a@example.com", Speech::Both);
        assert!(both.subject.contains(" · New reply to ticket T1"));
        assert_eq!(both.text.matches("请重试 / please retry").count(), 1);
        assert!(
            both.text.find("请重试").unwrap() < both.text.find("The platform replied").unwrap()
        );
    }

    #[test]
    fn retries_back_off_up_to_an_hour() {
        assert_eq!(backoff(1), 60);
        assert_eq!(backoff(3), 240);
        assert_eq!(backoff(50), 3600);
    }
}
