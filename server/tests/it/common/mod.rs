//! Test harness: the real router, built as `main` builds it, on a fresh database per test
//! (a new SQLite file, or a new database in the PostgreSQL cluster of TEST_POSTGRES_URL),
//! loaded with the demo data, driven in-process with HTTP requests.

// Each test crate uses its own part of the harness.
#![allow(dead_code)]

use app::kit::db::Db;
use axum::body::Body;
use axum::http::{header, HeaderMap, Request, StatusCode};
use axum::Router;
use server::config::Config;
use std::sync::atomic::{AtomicU64, Ordering};
use tower::ServiceExt;

mod sql;
pub use sql::{age_invitations, mail_count, membership, newest_mail, user_id};

/// The platform API token of `TestApp::with_api`.
pub const API_TOKEN: &str = "marketplace-secret";
pub const PASSWORD: &str = app::demo::DEMO_PASSWORD;

pub struct TestApp {
    router: Router,
    pub db: Db,
    pub url: String,
    /// Its file store (a folder of its own, or a prefix of its own in TEST_STORAGE_URL).
    pub storage: app::kit::files::Storage,
}

pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
    /// The body as sent, for files.
    pub bytes: Vec<u8>,
}

impl Answer {
    pub fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    /// `pc_session=…` from Set-Cookie, if a session was started.
    pub fn session_cookie(&self) -> Option<String> {
        self.set_cookie("pc_session")
    }

    /// `name=…` from Set-Cookie, if it is set to something.
    fn set_cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|v| v.split(';').next())
            .find(|c| c.len() > name.len() + 1 && c.starts_with(&format!("{name}=")))
            .map(str::to_owned)
    }
}

fn unique_name() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!(
        "pc_test_{}_{}_{}",
        std::process::id(),
        nanos,
        COUNTER.fetch_add(1, Ordering::SeqCst)
    )
}

/// A new, empty database in the PostgreSQL cluster at `base`; its URL.
async fn fresh_postgres(base: &str) -> String {
    let admin = Db::connect(base)
        .await
        .expect("connect to the test cluster");
    let name = unique_name();
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(admin.pool())
        .await
        .expect("create a test database");
    let (server, _) = base.rsplit_once('/').expect("a database URL with a path");
    format!("{server}/{name}")
}

/// Makes sure the container TEST_STORAGE_URL names exists, once per run: the test command
/// starts Azurite (the Azure Storage emulator) empty, and object_store cannot create one.
async fn object_store_ready(base: &str) {
    static READY: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();
    READY
        .get_or_init(|| async {
            let Some(container) = base.strip_prefix("az://") else {
                return;
            };
            let container = container.split('/').next().unwrap_or_default();
            create_azure_container(container).await;
        })
        .await;
}

/// Azure's Create Container with a Shared Key signature (the emulator's well-known account
/// unless AZURE_STORAGE_ACCOUNT_NAME/KEY say otherwise); an existing container is fine.
async fn create_azure_container(container: &str) {
    use hmac::Mac;
    const EMULATOR_KEY: &str =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    let account =
        std::env::var("AZURE_STORAGE_ACCOUNT_NAME").unwrap_or_else(|_| "devstoreaccount1".into());
    let key = std::env::var("AZURE_STORAGE_ACCOUNT_KEY").unwrap_or_else(|_| EMULATOR_KEY.into());
    let endpoint = std::env::var("AZURITE_BLOB_STORAGE_URL")
        .unwrap_or_else(|_| "http://127.0.0.1:10000".into());
    let date = httpdate::fmt_http_date(std::time::SystemTime::now());
    let version = "2021-08-06";
    // Path-style (emulator) URLs carry the account in the path, so the canonical resource
    // names it twice.
    let to_sign = format!(
        "PUT\n\n\n\n\n\n\n\n\n\n\n\nx-ms-date:{date}\nx-ms-version:{version}\n/{account}/{account}/{container}\nrestype:container"
    );
    let secret = data_encoding::BASE64
        .decode(key.as_bytes())
        .expect("a base64 account key");
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(&secret).unwrap();
    mac.update(to_sign.as_bytes());
    let signature = data_encoding::BASE64.encode(&mac.finalize().into_bytes());
    let answer = reqwest::Client::new()
        .put(format!(
            "{}/{account}/{container}?restype=container",
            endpoint.trim_end_matches('/')
        ))
        .header("x-ms-date", date)
        .header("x-ms-version", version)
        .header("Content-Length", "0")
        .header("Authorization", format!("SharedKey {account}:{signature}"))
        .send()
        .await
        .expect("reach the Azure Storage emulator");
    let status = answer.status().as_u16();
    assert!(
        status == 201 || status == 409,
        "creating container {container}: {status} {}",
        answer.text().await.unwrap_or_default()
    );
}

/// Server logs in the test output when RUST_LOG asks for them (e.g. RUST_LOG=error).
fn log_to_test_output() {
    let _ = tracing_subscriber::fmt()
        .with_test_writer()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .try_init();
}

impl TestApp {
    pub async fn sqlite() -> TestApp {
        log_to_test_output();
        let dir = std::env::temp_dir().join(unique_name());
        let url = format!("sqlite://{}/provider-center.db", dir.display());
        TestApp::start(&url).await
    }

    /// A fresh database in the test cluster. Without TEST_POSTGRES_URL the test fails under
    /// CI and is reported as skipped elsewhere, never passed silently.
    pub async fn postgres() -> Option<TestApp> {
        log_to_test_output();
        let Ok(base) = std::env::var("TEST_POSTGRES_URL") else {
            assert!(
                std::env::var("CI").is_err(),
                "TEST_POSTGRES_URL must be set under CI (the test command starts a cluster)"
            );
            eprintln!("SKIPPED: TEST_POSTGRES_URL is not set");
            return None;
        };
        Some(TestApp::start(&fresh_postgres(&base).await).await)
    }

    /// Another app on a fresh database of the same kind, with `configure` applied to its
    /// configuration (e.g. SMTP or https on).
    pub async fn another(&self, configure: impl FnOnce(&mut Config)) -> TestApp {
        let url = self.fresh_database_url().await;
        let mut config = Config::for_database(&url);
        configure(&mut config);
        TestApp::with_config(config).await
    }

    /// The same database served with the marketplace's API token (`API_TOKEN`) set.
    pub async fn with_api(self) -> TestApp {
        let mut config = Config::for_database(&self.url);
        config.platform_api_token = Some(API_TOKEN.into());
        TestApp::with_config(config).await
    }

    /// The URL of a new, empty database of the same kind (no migrations, no data).
    pub async fn fresh_database_url(&self) -> String {
        if self.url.starts_with("sqlite") {
            let dir = std::env::temp_dir().join(unique_name());
            format!("sqlite://{}/provider-center.db", dir.display())
        } else {
            let base = std::env::var("TEST_POSTGRES_URL").expect("a PostgreSQL test cluster");
            fresh_postgres(&base).await
        }
    }

    pub async fn start(url: &str) -> TestApp {
        TestApp::with_config(Config::for_database(url)).await
    }

    /// The app on `config`'s database (with the demo data), e.g. with the intake API on.
    pub async fn with_config(mut config: Config) -> TestApp {
        config.storage_dir = std::env::temp_dir()
            .join(unique_name())
            .display()
            .to_string();
        if let Ok(base) = std::env::var("TEST_STORAGE_URL") {
            object_store_ready(&base).await;
            config.storage_url = Some(format!("{}/{}", base.trim_end_matches('/'), unique_name()));
        }
        TestApp::with_storage(config).await
    }

    /// The app on `config`'s database and its `storage_dir` as set (with the demo data).
    pub async fn with_storage(mut config: Config) -> TestApp {
        config.demo = true;
        let (router, db) = server::build(&config).await.expect("build the app");
        TestApp {
            router,
            db,
            storage: config.storage().expect("the test's file store"),
            url: config.database_url,
        }
    }

    pub async fn send(&self, request: Request<Body>) -> Answer {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), 16 * 1024 * 1024)
            .await
            .unwrap();
        Answer {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            bytes: bytes.to_vec(),
        }
    }

    pub async fn get(&self, path: &str, cookie: Option<&str>) -> Answer {
        let mut request = Request::get(path).header(header::ACCEPT, "text/html");
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        self.send(request.body(Body::empty()).unwrap()).await
    }

    /// A form post as a browser without JavaScript sends it.
    pub async fn post_form(&self, path: &str, cookie: Option<&str>, body: &str) -> Answer {
        let mut request = Request::post(path)
            .header(header::ACCEPT, "text/html")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        self.send(request.body(Body::from(body.to_owned())).unwrap())
            .await
    }

    /// A multipart form as a browser posts it: text fields, then files as
    /// (field, file name, bytes).
    pub async fn multipart(
        &self,
        path: &str,
        cookie: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &[u8])],
    ) -> Answer {
        let (content_type, body) = multipart_body(fields, files, "application/octet-stream");
        self.send(
            Request::post(path)
                .header(header::COOKIE, cookie)
                .header(header::CONTENT_TYPE, content_type)
                .body(Body::from(body))
                .unwrap(),
        )
        .await
    }

    /// A multipart form with every file in its `files` field, as the ticket and the tier
    /// application forms send them.
    pub async fn multipart_files(
        &self,
        path: &str,
        cookie: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &[u8])],
    ) -> Answer {
        let files: Vec<(&str, &str, &[u8])> =
            files.iter().map(|(n, b)| ("files", *n, *b)).collect();
        self.multipart(path, cookie, fields, &files).await
    }

    /// A server function called as the hydrated app calls it (answer in JSON).
    pub async fn call(&self, path: &str, cookie: Option<&str>, body: &str) -> Answer {
        let mut request = Request::post(path)
            .header(header::ACCEPT, "application/json")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        self.send(request.body(Body::from(body.to_owned())).unwrap())
            .await
    }

    /// A slider challenge, as the login page gets one.
    pub async fn challenge(&self) -> String {
        let answer = self.call("/api/login_challenge", None, "").await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
        serde_json::from_str(&answer.body).expect("the challenge token")
    }

    /// The login form posted with the slider dragged to the end.
    pub async fn try_login(&self, email: &str, password: &str) -> Answer {
        let body = format!(
            "email={}&password={}&challenge={}&slider=100&next=",
            app::kit::forms::encode_query(email),
            app::kit::forms::encode_query(password),
            self.challenge().await
        );
        self.post_form("/api/login", None, &body).await
    }

    /// Whether signing in with `password` starts a session.
    pub async fn signs_in(&self, email: &str, password: &str) -> bool {
        self.try_login(email, password)
            .await
            .session_cookie()
            .is_some()
    }

    /// Signs in with the demo password; returns the cookie header value.
    pub async fn login(&self, email: &str) -> String {
        let answer = self.try_login(email, PASSWORD).await;
        assert_eq!(answer.status, StatusCode::FOUND, "login of {email}");
        answer.session_cookie().expect("a session cookie")
    }

    pub async fn provider_id(&self, name: &str) -> i64 {
        use sqlx::Row;
        sqlx::query("SELECT id FROM providers WHERE name = $1")
            .bind(name)
            .fetch_one(self.db.pool())
            .await
            .unwrap()
            .try_get("id")
            .unwrap()
    }
}

/// Runs each named scenario on SQLite and on PostgreSQL.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::common::TestApp::sqlite().await).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(app) = $crate::common::TestApp::postgres().await {
                        super::$name(app).await;
                    }
                }
            )*
        }
    };
}

/// The subject and text of the newest mail to `to`, if any.
pub async fn last_mail(app: &TestApp, to: &str) -> Option<(String, String)> {
    use sqlx::Row;
    sqlx::query(
        "SELECT subject, body_text FROM outbox WHERE to_address = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(to)
    .fetch_optional(app.db.pool())
    .await
    .unwrap()
    .map(|row| {
        (
            row.try_get("subject").unwrap(),
            row.try_get("body_text").unwrap(),
        )
    })
}

/// The token of the `prefix` link (e.g. `/reset/`) in the newest mail to `to`.
pub async fn mailed_token(app: &TestApp, to: &str, prefix: &str) -> String {
    let (_, text) = last_mail(app, to).await.expect("a mail");
    link_token(&text, prefix)
}

/// The token of the first link to `prefix` in a mail's text.
pub fn link_token(text: &str, prefix: &str) -> String {
    let start = text.find(prefix).expect("a link in the mail") + prefix.len();
    text[start..]
        .chars()
        .take_while(|c| c.is_ascii_hexdigit())
        .collect()
}

/// The second-factor code of `secret` for the current time step.
pub fn current_code(secret: &str) -> String {
    let step = app::kit::db::now() / app::accounts::security::two_factor::STEP_SECS;
    app::accounts::security::two_factor::code_at(secret, step).unwrap()
}

/// `value` percent-encoded for a form body (short: most request bodies need it).
pub fn enc(value: &str) -> String {
    app::kit::forms::encode_query(value)
}

/// A multipart form's Content-Type and body: text fields, then files as
/// (field, file name, bytes), each sent as `file_type`.
pub fn multipart_body(
    fields: &[(&str, &str)],
    files: &[(&str, &str, &[u8])],
    file_type: &str,
) -> (String, Vec<u8>) {
    let boundary = "XBOUNDARYX";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                .as_bytes(),
        );
    }
    for (field, name, bytes) in files {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{name}\"\r\nContent-Type: {file_type}\r\n\r\n")
                .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Asserts that each page of `paths` answers `expected` (the message names the page).
pub async fn assert_pages(
    app: &TestApp,
    cookie: Option<&str>,
    paths: &[String],
    expected: StatusCode,
) {
    for path in paths {
        let answer = app.get(path, cookie).await;
        assert_eq!(answer.status, expected, "{path}: {}", answer.body);
    }
}

/// Asserts that each server function call of `calls`, (path, body), answers `expected`.
pub async fn assert_calls(
    app: &TestApp,
    cookie: Option<&str>,
    calls: &[(&str, String)],
    expected: StatusCode,
) {
    for (path, body) in calls {
        let answer = app.call(path, cookie, body).await;
        assert_eq!(answer.status, expected, "{path} {body}: {}", answer.body);
    }
}

/// The detail of work order `no` (`/api/work_order`), which must be found.
pub async fn work_order(app: &TestApp, cookie: &str, no: &str) -> serde_json::Value {
    json(app, "/api/work_order", cookie, &format!("no={no}")).await
}

/// The provider moves stage `stage` of work order `no` on (submits it for acceptance).
pub async fn advance_stage(app: &TestApp, cookie: &str, no: &str, stage: i64) -> Answer {
    app.call(
        "/api/milestone_command",
        Some(cookie),
        &format!("no={no}&id={stage}&command=Advance"),
    )
    .await
}

/// A page of the members list (`/api/members`) for `query`, e.g. `q=&role=&state=…`.
pub async fn members(app: &TestApp, cookie: &str, query: &str) -> serde_json::Value {
    json(app, "/api/members", cookie, query).await
}

/// A server function's JSON answer, which must be 200.
pub async fn json(app: &TestApp, path: &str, cookie: &str, body: &str) -> serde_json::Value {
    let answer = app.call(path, Some(cookie), body).await;
    assert_eq!(answer.status, StatusCode::OK, "{path}: {}", answer.body);
    serde_json::from_str(&answer.body).unwrap()
}

/// The pending second-factor sign-in cookie an answer sets.
pub fn pending_cookie(answer: &Answer) -> String {
    answer
        .set_cookie("pc_pending")
        .expect("a pending sign-in cookie")
}
