//! Configuration: every setting comes from the command line or the environment, with
//! defaults that run a local portal on SQLite. `server --help` lists them.

use clap::{Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Clone, Parser)]
#[command(
    name = "server",
    version,
    about = "Provider Center: the back office for managed-service providers.",
    after_help = "Logging is set with RUST_LOG (default: info)."
)]
pub struct Config {
    /// Without a command the server serves.
    #[command(subcommand)]
    pub command: Option<Command>,

    /// sqlite://path/to/file.db (created if missing) or postgres://user:pass@host/db
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://data/provider-center.db"
    )]
    pub database_url: String,

    /// Address and port to listen on.
    #[arg(long, env = "BIND", default_value = "127.0.0.1:3000")]
    pub bind: SocketAddr,

    /// The URL users reach the portal at (links in emails, cookie security, CSRF origin).
    /// Defaults to http://<BIND>.
    #[arg(long, env = "PUBLIC_URL")]
    pub public_url: Option<String>,

    /// Folder holding pkg/ (the hydrate bundle and stylesheet built by Trunk).
    #[arg(long, env = "SITE_ROOT", default_value = "target/site")]
    pub site_root: String,

    /// Folder for uploaded files when STORAGE_URL is not set; shared by all instances.
    #[arg(long, env = "STORAGE_DIR", default_value = "data/files")]
    pub storage_dir: String,

    /// Where uploaded files are kept: `az://container[/prefix]` (Azure Blob Storage; account
    /// and key from AZURE_STORAGE_ACCOUNT_NAME / AZURE_STORAGE_ACCOUNT_KEY), `s3://bucket
    /// [/prefix]` (AWS_* variables, AWS_ENDPOINT for other S3-compatible stores), or a folder.
    /// Unset: the folder STORAGE_DIR.
    #[arg(long, env = "STORAGE_URL")]
    pub storage_url: Option<String>,

    /// A TrueType font (or collection) with Chinese glyphs, embedded in bill PDFs.
    #[arg(
        long,
        env = "BILL_FONT",
        default_value = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
    )]
    pub bill_font: String,

    /// Seconds that requests in flight get to finish after SIGTERM or Ctrl-C (no new
    /// connections are taken meanwhile); then the server exits anyway.
    #[arg(long, env = "SHUTDOWN_GRACE_SECS", default_value_t = 30)]
    pub shutdown_grace_secs: u64,

    /// Load the demo data (the manual's sample records) into an empty database.
    #[arg(long, env = "DEMO_DATA")]
    pub demo: bool,

    /// Reverse proxies (comma-separated addresses or CIDR ranges, e.g. 10.0.0.0/8,::1) whose
    /// X-Forwarded-For is believed: the client is the rightmost address not in the list.
    #[arg(long, env = "TRUSTED_PROXIES", default_value = "")]
    pub trusted_proxies: String,

    /// Bearer token the marketplace sends to POST /api/v1/orders; unset: the API is off.
    #[arg(long, env = "PLATFORM_API_TOKEN", hide_env_values = true)]
    pub platform_api_token: Option<String>,

    /// Days a customer has to answer a stage submitted for acceptance.
    #[arg(long, env = "ACCEPTANCE_DAYS", default_value_t = 7, value_parser = clap::value_parser!(i64).range(1..=365))]
    pub acceptance_days: i64,

    /// SMTP server for outgoing mail. Without it mail stays in the outbox (platform mail log).
    #[arg(long, env = "SMTP_HOST")]
    pub smtp_host: Option<String>,

    #[arg(long, env = "SMTP_PORT", default_value_t = 587)]
    pub smtp_port: u16,

    /// none (plain, e.g. a local relay), starttls, or tls (implicit TLS, usually port 465).
    #[arg(long, env = "SMTP_TLS", default_value = "starttls", value_parser = ["none", "starttls", "tls"])]
    pub smtp_tls: String,

    #[arg(long, env = "SMTP_USERNAME")]
    pub smtp_username: Option<String>,

    #[arg(long, env = "SMTP_PASSWORD", hide_env_values = true)]
    pub smtp_password: Option<String>,

    /// Sender of every mail, e.g. "Provider Center <no-reply@example.com>".
    #[arg(
        long,
        env = "MAIL_FROM",
        default_value = "Provider Center <no-reply@localhost>"
    )]
    pub mail_from: String,

    /// OpenID Connect issuer for AAD 快捷登录, e.g.
    /// https://login.microsoftonline.com/<tenant>/v2.0 (Azure global),
    /// https://login.partner.microsoftonline.cn/<tenant>/v2.0 (Azure China), or any OIDC
    /// provider. Unset: the AAD tab says it is not configured.
    #[arg(long, env = "OIDC_ISSUER")]
    pub oidc_issuer: Option<String>,

    #[arg(long, env = "OIDC_CLIENT_ID")]
    pub oidc_client_id: Option<String>,

    #[arg(long, env = "OIDC_CLIENT_SECRET", hide_env_values = true)]
    pub oidc_client_secret: Option<String>,

    /// Comma-separated tenant ids (the `tid` claim) allowed to sign in; empty: any.
    #[arg(long, env = "OIDC_TENANTS", default_value = "")]
    pub oidc_tenants: String,

    /// Base URL of an external helpdesk (ewei or one speaking the same API) that 联系我们
    /// tickets are filed with. Unset: the built-in helpdesk (平台 › 咨询工单).
    #[arg(long, env = "HELPDESK_URL")]
    pub helpdesk_url: Option<String>,

    /// Bearer token for the external helpdesk's API.
    #[arg(long, env = "HELPDESK_TOKEN", hide_env_values = true)]
    pub helpdesk_token: Option<String>,

    /// Secret the external helpdesk signs its webhook (POST /helpdesk/webhook) with.
    #[arg(long, env = "HELPDESK_WEBHOOK_SECRET", hide_env_values = true)]
    pub helpdesk_webhook_secret: Option<String>,
}

/// Maintenance of a SQLite database (PostgreSQL: pg_dump and pg_restore).
#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Copies the database to FILE, consistently, while servers keep serving.
    Backup { file: PathBuf },
    /// Puts the backup FILE in place of the database; refused while a server uses it.
    Restore { file: PathBuf },
    /// Platform operators: how an installation without `--demo` gets its first one.
    Operator {
        #[command(subcommand)]
        action: OperatorCommand,
    },
    /// For the benchmark: loads the demo, then many work orders (with orders and stages),
    /// members, audit entries, tickets and bills, the same on every run.
    Generate {
        /// Work orders of the demo's MSP-A_TEST1.
        #[arg(long, default_value_t = 1_000_000)]
        work_orders: i64,
        /// Further providers, each with `--work-orders-each`.
        #[arg(long, default_value_t = 9)]
        providers: i64,
        #[arg(long, default_value_t = 200_000)]
        work_orders_each: i64,
        /// Audit entries per provider.
        #[arg(long, default_value_t = 100_000)]
        audit_each: i64,
    },
    /// For the benchmark: serves FILE's bytes as they are, with CONTENT_TYPE, at every path
    /// from a bare axum server (no middleware, no database): the limit a page is measured
    /// against in the same run.
    #[command(hide = true)]
    BenchStatic {
        file: PathBuf,
        #[arg(long, default_value = "text/html; charset=utf-8")]
        content_type: String,
    },
}

#[derive(Debug, Clone, Subcommand)]
pub enum OperatorCommand {
    /// Makes EMAIL an operator (creating the account if needed) and prints a one-time link
    /// to set its password, also mailed when SMTP is set.
    Add { email: String },
}

impl Config {
    pub fn public_url(&self) -> String {
        self.public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.bind))
            .trim_end_matches('/')
            .to_owned()
    }

    /// The SMTP settings, when an SMTP host is configured.
    pub fn mail(&self) -> Option<app::kit::mail::MailConfig> {
        use app::kit::mail::{MailConfig, SmtpTls};
        let host = self.smtp_host.clone().filter(|h| !h.is_empty())?;
        Some(MailConfig {
            host,
            port: self.smtp_port,
            tls: match self.smtp_tls.as_str() {
                "none" => SmtpTls::None,
                "tls" => SmtpTls::Tls,
                _ => SmtpTls::StartTls,
            },
            credentials: self.smtp_username.clone().zip(self.smtp_password.clone()),
            from: self.mail_from.clone(),
        })
    }

    /// The trusted proxies, parsed; a single address counts as its own /32 or /128.
    pub fn trusted_proxies(&self) -> Result<Vec<ipnet::IpNet>, String> {
        self.trusted_proxies
            .split(',')
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(|v| {
                v.parse::<ipnet::IpNet>()
                    .or_else(|_| v.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                    .map_err(|_| format!("TRUSTED_PROXIES: {v} is not an address or CIDR range"))
            })
            .collect()
    }

    /// The external helpdesk (URL, token, webhook secret), when a URL is configured. Its
    /// webhook must be signed: a URL without a secret is a configuration error, not a
    /// webhook that anyone may call.
    pub fn helpdesk(&self) -> Result<Option<(String, String, String)>, String> {
        let Some(url) = self.helpdesk_url.clone().filter(|v| !v.is_empty()) else {
            return Ok(None);
        };
        let secret = self
            .helpdesk_webhook_secret
            .clone()
            .filter(|s| !s.is_empty())
            .ok_or("HELPDESK_URL is set but HELPDESK_WEBHOOK_SECRET is not: set both")?;
        Ok(Some((
            url,
            self.helpdesk_token.clone().unwrap_or_default(),
            secret,
        )))
    }

    /// The OIDC settings, when issuer and client id are configured.
    pub fn oidc(&self) -> Option<(String, String, String, Vec<String>)> {
        let issuer = self.oidc_issuer.clone().filter(|v| !v.is_empty())?;
        let client_id = self.oidc_client_id.clone().filter(|v| !v.is_empty())?;
        let tenants = self
            .oidc_tenants
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect();
        Some((
            issuer,
            client_id,
            self.oidc_client_secret.clone().unwrap_or_default(),
            tenants,
        ))
    }

    /// Defaults for tests and embedding: SQLite at `database_url`, demo off.
    /// The file store STORAGE_URL (or else STORAGE_DIR) names.
    pub fn storage(&self) -> Result<app::kit::files::Storage, String> {
        match self
            .storage_url
            .as_deref()
            .filter(|url| !url.trim().is_empty())
        {
            Some(url) => app::kit::files::Storage::from_url(url.trim()),
            None => app::kit::files::Storage::local(&self.storage_dir)
                .map_err(|error| format!("STORAGE_DIR {}: {error}", self.storage_dir)),
        }
    }

    pub fn for_database(database_url: &str) -> Config {
        Config::parse_from(["server", "--database-url", database_url])
    }
}
