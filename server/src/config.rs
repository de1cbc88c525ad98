//! Configuration: every setting comes from the command line or the environment, with
//! defaults that run a local portal on SQLite. `server --help` lists them.

use clap::Parser;
use std::net::SocketAddr;

#[derive(Debug, Clone, Parser)]
#[command(
    name = "server",
    version,
    about = "Provider Center: the back office for managed-service providers.",
    after_help = "Logging is set with RUST_LOG (default: info)."
)]
pub struct Config {
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

    /// Load the demo data (the manual's sample records) into an empty database.
    #[arg(long, env = "DEMO_DATA")]
    pub demo: bool,

    /// Take the client address from X-Forwarded-For (only behind a trusted reverse proxy).
    #[arg(long, env = "TRUST_PROXY")]
    pub trust_proxy: bool,
}

impl Config {
    pub fn public_url(&self) -> String {
        self.public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.bind))
            .trim_end_matches('/')
            .to_owned()
    }

    /// Defaults for tests and embedding: SQLite at `database_url`, demo off.
    pub fn for_database(database_url: &str) -> Config {
        Config::parse_from(["server", "--database-url", database_url])
    }
}
