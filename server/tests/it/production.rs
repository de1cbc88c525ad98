//! Running it as an operations team would (#20): PostgreSQL over TLS, backup and restore,
//! the first operator from the command line, two instances on one database, the database going away and coming back, stopping with
//! requests in flight, a full disk.

use crate::common::TestApp;

on_both_databases!(the_first_operator_comes_from_the_command_line);
use app::kit::db::Db;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use server::config::Config;
use server::maintenance::{backup, hold, restore, MaintenanceError};
use sqlx::Row;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// The test cluster's TLS root: its self-signed certificate. As with TEST_POSTGRES_URL, a
/// missing one fails under CI and skips (said so) elsewhere.
fn tls_cluster() -> Option<(String, String)> {
    match (
        std::env::var("TEST_POSTGRES_URL"),
        std::env::var("TEST_POSTGRES_TLS_ROOT"),
    ) {
        (Ok(url), Ok(root)) => Some((url, root)),
        _ => {
            assert!(
                std::env::var("CI").is_err(),
                "TEST_POSTGRES_URL and TEST_POSTGRES_TLS_ROOT must be set under CI"
            );
            eprintln!("SKIPPED: no PostgreSQL test cluster with TLS");
            None
        }
    }
}

/// Whether the connection the pool hands out is encrypted, as the server sees it.
async fn encrypted(db: &Db) -> bool {
    sqlx::query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
        .fetch_one(db.pool())
        .await
        .unwrap()
        .get::<bool, _>("ssl")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_over_tls_honours_sslmode() {
    let Some((url, root)) = tls_cluster() else {
        return;
    };
    let with = |query: &str| format!("{url}?{query}");

    let plain = Db::connect(&with("sslmode=disable")).await.unwrap();
    assert!(
        !encrypted(&plain).await,
        "the check itself tells plain from TLS"
    );

    // A managed PostgreSQL's default: encrypted, whoever signed the certificate.
    let required = Db::connect(&with("sslmode=require"))
        .await
        .expect("a TLS connection with sslmode=require");
    assert!(encrypted(&required).await);

    // Verified against the given root, the host name checked.
    let verified = Db::connect(&with(&format!("sslmode=verify-full&sslrootcert={root}")))
        .await
        .expect("a verified TLS connection with the cluster's certificate as root");
    assert!(encrypted(&verified).await);

    // Without that root the self-signed certificate is refused, not trusted.
    assert!(
        Db::connect(&with("sslmode=verify-full")).await.is_err(),
        "verify-full trusted a certificate no known root signed"
    );
}

/// A marketplace order through the intake API, numbered `n`: acknowledged when it answers 201
/// (the test's own mistakes, a 4xx, fail it rather than wait).
async fn place_order(app: &TestApp, n: usize) -> bool {
    let body = serde_json::json!({
        "order_no": format!("77{n:08}"),
        "buyer_company": "TestCompany-B",
        "contact_email": "buyer-b@example.com",
        "solution_name": "Product_Y",
        "solution_quantity": 1,
        "work_orders": [{ "work_order_no": format!("77{n:08}1"), "service_item_name": "部署服务",
                          "price": "100.00", "tax_rate": "0.06", "quantity": 1, "currency": "CNY" }]
    });
    let request = Request::post("/api/v1/orders")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::AUTHORIZATION, "Bearer backup-test-token")
        .body(Body::from(body.to_string()))
        .unwrap();
    let answer = app.send(request).await;
    assert!(
        answer.status.is_success() || answer.status.is_server_error(),
        "an order the API refused: {} {}",
        answer.status,
        answer.body
    );
    answer.status == StatusCode::CREATED
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_under_write_load_restores_every_acknowledged_write() {
    let app = TestApp::sqlite().await;
    let mut config = Config::for_database(&app.url);
    config.platform_api_token = Some("backup-test-token".into());
    let app = Arc::new(TestApp::with_config(config).await);
    let _serving = hold(&app.url).unwrap();

    // Orders keep arriving while the backup is taken.
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (app, acknowledged, stop) = (app.clone(), acknowledged.clone(), stop.clone());
        tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(Ordering::SeqCst) {
                if place_order(&app, n).await {
                    acknowledged.lock().unwrap().push(format!("77{n:08}"));
                }
                n += 1;
            }
        })
    };
    // Waits for `n` acknowledged orders; a writer that stopped (its assertion failed) ends it.
    let wait_for = |n: usize| {
        let (acknowledged, writer) = (acknowledged.clone(), &writer);
        async move {
            while acknowledged.lock().unwrap().len() < n {
                assert!(!writer.is_finished(), "the writer stopped");
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            }
        }
    };
    wait_for(30).await;
    let before: Vec<String> = acknowledged.lock().unwrap().clone();
    let dir = std::env::temp_dir().join(format!("pc-backup-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("backup.db");
    let _ = std::fs::remove_file(&file);
    backup(&app.url, &file)
        .await
        .expect("a backup while serving");
    // Writes go on after the copy began; they are not the backup's to hold.
    wait_for(before.len() + 10).await;
    stop.store(true, Ordering::SeqCst);
    writer.await.unwrap();
    let after: Vec<String> = acknowledged.lock().unwrap().clone();

    assert!(
        matches!(
            backup(&app.url, &file).await,
            Err(MaintenanceError::Exists(_))
        ),
        "a backup never overwrites a file"
    );

    // Restored as the database of another (stopped) server.
    let restored_url = format!("sqlite://{}/restored/provider-center.db", dir.display());
    restore(&restored_url, &file).await.expect("a restore");
    let restored = Db::connect(&restored_url).await.unwrap();
    let orders: Vec<String> =
        sqlx::query("SELECT order_no FROM orders WHERE order_no LIKE '77%' ORDER BY order_no")
            .fetch_all(restored.pool())
            .await
            .unwrap()
            .iter()
            .map(|row| row.get("order_no"))
            .collect();
    for order in &before {
        assert!(
            orders.contains(order),
            "{order}, acknowledged before the backup, is missing"
        );
    }
    for order in &orders {
        assert!(after.contains(order), "{order} was never acknowledged");
    }
    // One consistent moment: each order with its work order.
    let work_orders: i64 =
        sqlx::query("SELECT COUNT(*) AS n FROM work_orders WHERE work_order_no LIKE '77%'")
            .fetch_one(restored.pool())
            .await
            .unwrap()
            .get("n");
    assert_eq!(work_orders as usize, orders.len());
    restored.pool().close().await;

    // A server on it: no restore over it until it stops.
    let serving = hold(&restored_url).unwrap();
    assert!(matches!(
        restore(&restored_url, &file).await,
        Err(MaintenanceError::InUse)
    ));
    drop(serving);
    restore(&restored_url, &file)
        .await
        .expect("a restore once the server stopped");

    // Not a backup, or not SQLite: refused with a reason, nothing replaced.
    let junk = dir.join("junk.db");
    std::fs::write(&junk, b"not a database").unwrap();
    assert!(matches!(
        restore(&restored_url, &junk).await,
        Err(MaintenanceError::NotABackup(..))
    ));
    assert!(matches!(
        backup("postgres://x@127.0.0.1/y", &dir.join("pg.db")).await,
        Err(MaintenanceError::Postgres)
    ));
    let _ = std::fs::remove_dir_all(&dir);
}

/// A TCP proxy in front of the test cluster that the test cuts (every connection closed, new
/// ones refused) and brings back on the same port: a database restart as a server sees it.
struct Proxy {
    port: u16,
    target: String,
    serving: Option<tokio::task::JoinHandle<()>>,
}

impl Proxy {
    async fn start(target: &str) -> Proxy {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        Proxy {
            port,
            target: target.to_owned(),
            serving: Some(tokio::spawn(Proxy::serve(listener, target.to_owned()))),
        }
    }

    /// Accepts and relays; dropped (aborted), it closes every connection it holds.
    async fn serve(listener: tokio::net::TcpListener, target: String) {
        let mut connections = tokio::task::JoinSet::new();
        loop {
            tokio::select! {
                accepted = listener.accept() => {
                    let Ok((mut inbound, _)) = accepted else { continue };
                    let target = target.clone();
                    connections.spawn(async move {
                        if let Ok(mut outbound) = tokio::net::TcpStream::connect(&target).await {
                            let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                        }
                    });
                }
                Some(_) = connections.join_next(), if !connections.is_empty() => {}
            }
        }
    }

    async fn cut(&mut self) {
        if let Some(serving) = self.serving.take() {
            serving.abort();
            let _ = serving.await;
        }
    }

    async fn restore(&mut self) {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", self.port))
            .await
            .expect("the proxy's port again");
        self.serving = Some(tokio::spawn(Proxy::serve(listener, self.target.clone())));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_database_going_away_is_a_503_and_coming_back_needs_no_restart() {
    use std::time::{Duration, Instant};
    let Some(first) = TestApp::postgres().await else {
        return;
    };
    // A fresh database of the cluster, reached through the proxy.
    let url = first.fresh_database_url().await;
    let (scheme_user, rest) = url.split_once('@').unwrap();
    let (cluster, database) = rest.split_once('/').unwrap();
    let mut proxy = Proxy::start(cluster).await;
    let app = TestApp::start(&format!(
        "{scheme_user}@127.0.0.1:{}/{database}",
        proxy.port
    ))
    .await;
    let operator = app.login("operator@example.com").await;
    assert_eq!(app.get("/readyz", None).await.status, StatusCode::OK);

    proxy.cut().await;
    // Nothing hangs: a health check and a request needing the database answer soon, and say
    // the service is unavailable rather than that something broke.
    let asked = Instant::now();
    let ready = tokio::time::timeout(Duration::from_secs(15), app.get("/readyz", None))
        .await
        .expect("/readyz answers during the outage");
    assert_eq!(ready.status, StatusCode::SERVICE_UNAVAILABLE);
    let mail = tokio::time::timeout(
        Duration::from_secs(15),
        app.call("/api/platform_mail", Some(&operator), ""),
    )
    .await
    .expect("a request answers during the outage");
    assert_eq!(
        mail.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        mail.body
    );
    assert!(asked.elapsed() < Duration::from_secs(20));

    // Back: the same server recovers by itself.
    proxy.restore().await;
    let deadline = Instant::now() + Duration::from_secs(30);
    while app.get("/readyz", None).await.status != StatusCode::OK {
        assert!(
            Instant::now() < deadline,
            "not ready again after the database came back"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let mail = app.call("/api/platform_mail", Some(&operator), "").await;
    assert_eq!(mail.status, StatusCode::OK, "{}", mail.body);
}

/// The release's own binary (built with the tests) serving a fresh SQLite database on a free
/// port; its folder is `dir`.
fn spawn_server(dir: &std::path::Path, grace_secs: u64) -> (std::process::Child, u16) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .env_clear()
        .env("DATABASE_URL", format!("sqlite://{}/pc.db", dir.display()))
        .env("STORAGE_DIR", dir.join("files"))
        .env("BIND", format!("127.0.0.1:{port}"))
        .env("SHUTDOWN_GRACE_SECS", grace_secs.to_string())
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    (child, port)
}

/// A plain HTTP/1.1 exchange on a new connection, the answer's status line.
async fn status_line(port: u16, request: &str) -> std::io::Result<String> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await?;
    stream.write_all(request.as_bytes()).await?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await?;
    Ok(String::from_utf8_lossy(&answer)
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned())
}

async fn wait_ready(port: u16) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let ready = status_line(
            port,
            "GET /readyz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
        )
        .await;
        if ready.is_ok_and(|line| line.contains(" 200 ")) {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the server did not start"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// A sign-in link request whose body is sent in two parts: the connection is open and the
/// request in flight after the first.
async fn half_sent_request(port: u16) -> (tokio::net::TcpStream, &'static str) {
    use tokio::io::AsyncWriteExt;
    let body = "email=nobody%40example.com";
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    let head = format!(
        "POST /api/request_reset HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: http://127.0.0.1:{port}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nAccept: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{}",
        body.len(),
        &body[..6]
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    (stream, &body[6..])
}

fn terminate(child: &std::process::Child) {
    // SAFETY: kill(2) on our own child's pid, with a valid signal number.
    let sent = unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) };
    assert_eq!(sent, 0, "SIGTERM to the server");
}

/// Waits (up to `within`) for the process to end; its exit status.
async fn exit_status(
    child: &mut std::process::Child,
    within: std::time::Duration,
) -> std::process::ExitStatus {
    let deadline = std::time::Instant::now() + within;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("the server did not exit within {within:?}");
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_finishes_requests_in_flight_takes_no_new_ones_and_exits_0() {
    use std::time::Duration;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let dir = std::env::temp_dir().join(format!("pc-sigterm-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();

    // A request in flight when SIGTERM comes finishes; new connections are refused.
    let (mut server, port) = spawn_server(&dir.join("a"), 30);
    wait_ready(port).await;
    let (mut stream, rest) = half_sent_request(port).await;
    // Let the server read the head: a connection whose request it has not begun is idle,
    // and an idle connection is closed at once (that is right, but not this case).
    tokio::time::sleep(Duration::from_millis(1000)).await;
    terminate(&server);
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_ok()
    {
        assert!(
            std::time::Instant::now() < deadline,
            "still taking connections after SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        server.try_wait().unwrap().is_none(),
        "exited with a request in flight"
    );
    stream.write_all(rest.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(exit_status(&mut server, Duration::from_secs(10))
        .await
        .success());

    // A request that never completes is given the grace period, then the server exits all the same.
    let (mut server, port) = spawn_server(&dir.join("b"), 2);
    wait_ready(port).await;
    let (_stream, _) = half_sent_request(port).await;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let asked = std::time::Instant::now();
    terminate(&server);
    assert!(exit_status(&mut server, Duration::from_secs(15))
        .await
        .success());
    assert!(
        asked.elapsed() >= Duration::from_secs(2),
        "exited before the grace period"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A tiny tmpfs mounted for the test's life: a disk that fills up for real.
struct SmallDisk(std::path::PathBuf);

impl SmallDisk {
    /// `None` where mounting is not permitted (not root); under CI, where the test command
    /// runs as root, that is a failure.
    fn mount(kib: u32) -> Option<SmallDisk> {
        let dir = std::env::temp_dir().join(format!("pc-small-disk-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mounted = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={kib}k"), "tmpfs"])
            .arg(&dir)
            .status()
            .is_ok_and(|status| status.success());
        if !mounted {
            assert!(
                std::env::var("CI").is_err(),
                "mounting a tmpfs needs root, which the test command has under CI"
            );
            eprintln!("SKIPPED: cannot mount a tmpfs here (not root)");
            return None;
        }
        Some(SmallDisk(dir))
    }

    /// Every regular file under the disk, at any depth.
    fn files(&self) -> Vec<std::path::PathBuf> {
        fn walk(dir: &std::path::Path, found: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, found);
                } else {
                    found.push(path);
                }
            }
        }
        let mut found = Vec::new();
        walk(&self.0, &mut found);
        found
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_is_a_507_and_keeps_nothing() {
    let Some(disk) = SmallDisk::mount(256) else {
        return;
    };
    let base = TestApp::sqlite().await;
    let mut config = Config::for_database(&base.fresh_database_url().await);
    config.storage_dir = disk.0.join("files").display().to_string();
    let app = TestApp::with_storage(config).await;
    let cookie = app.login("aku@example.com").await;
    let no = "20190927070759188";
    let work_order = app
        .call("/api/work_order", Some(&cookie), &format!("no={no}"))
        .await;
    let work_order: serde_json::Value = serde_json::from_str(&work_order.body).unwrap();
    let stage = work_order["milestones"][0]["id"].as_i64().unwrap();
    let upload = |bytes: Vec<u8>| {
        let (app, cookie) = (&app, &cookie);
        async move {
            app.multipart(
                &format!("/orders/{no}/milestones/{stage}/files"),
                cookie,
                &[],
                &[("file", "验收报告.pdf", &bytes)],
            )
            .await
        }
    };
    let pdf = |size: usize| {
        let mut bytes = b"%PDF-1.7\n".to_vec();
        bytes.resize(size, b'x');
        bytes
    };

    // Room for a small file.
    assert_eq!(upload(pdf(10_000)).await.status, StatusCode::SEE_OTHER);
    assert_eq!(disk.files().len(), 1);

    // Not for a large one: 507 saying so, and no part of it left behind.
    let answer = upload(pdf(1_000_000)).await;
    assert_eq!(
        answer.status,
        StatusCode::INSUFFICIENT_STORAGE,
        "{}",
        answer.body
    );
    assert!(answer.body.contains("存储空间已满"), "{}", answer.body);
    assert!(answer.body.contains("no room left"), "{}", answer.body);
    assert_eq!(disk.files().len(), 1, "{:?}", disk.files());
    let files: i64 = sqlx::query("SELECT COUNT(*) AS n FROM milestone_files")
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .get("n");
    assert_eq!(files, 1);
}

/// Two instances on one PostgreSQL database, as behind a load balancer without stickiness:
/// a sign-in on one holds on the other, each mail goes once and each reminder fires once
/// however the instances' jobs interleave.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_share_sessions_and_act_once() {
    let Some(a) = TestApp::postgres().await else {
        return;
    };
    let b = TestApp::start(&a.url).await;
    let cookie = a.login("aku@example.com").await;
    let on_b = b
        .call("/api/work_order", Some(&cookie), "no=20190927070759188")
        .await;
    assert_eq!(
        on_b.status,
        StatusCode::OK,
        "a sign-in on A holds on B: {}",
        on_b.body
    );

    // A stage submitted on B mails the customer; both senders run at once, it goes once.
    let (stage, _) = crate::acceptance::submit_stage(&b, &cookie).await;
    let (port, seen) = crate::acceptance::smtp_server(false).await;
    let config = crate::acceptance::smtp(port);
    let (sent_a, sent_b) = tokio::join!(
        app::kit::mail::send_due(&a.db, &config),
        app::kit::mail::send_due(&b.db, &config)
    );
    assert_eq!(sent_a.unwrap() + sent_b.unwrap(), 1);
    assert_eq!(seen.accepted.load(Ordering::SeqCst), 1);

    // Twelve hours left: both deadline watches run at once, one reminder is written.
    sqlx::query("UPDATE milestones SET due_at = $1 WHERE id = $2")
        .bind(app::kit::db::now() + 12 * 3600)
        .bind(stage)
        .execute(a.db.pool())
        .await
        .unwrap();
    let settings = app::kit::request::Settings {
        mail_delivery: true,
        public_url: "http://127.0.0.1:3000".into(),
        secure_cookies: false,
        acceptance_days: 7,
        oidc_enabled: false,
        oidc_origin: None,
    };
    let (ran_a, ran_b) = tokio::join!(
        app::orders::deadlines(&a.db, &settings),
        app::orders::deadlines(&b.db, &settings)
    );
    ran_a.unwrap();
    ran_b.unwrap();
    let reminders: i64 = sqlx::query("SELECT COUNT(*) AS n FROM outbox WHERE subject LIKE '提醒%'")
        .fetch_one(a.db.pool())
        .await
        .unwrap()
        .get("n");
    assert_eq!(reminders, 1);
    let (sent_a, sent_b) = tokio::join!(
        app::kit::mail::send_due(&a.db, &config),
        app::kit::mail::send_due(&b.db, &config)
    );
    assert_eq!(sent_a.unwrap() + sent_b.unwrap(), 1);
    assert_eq!(seen.accepted.load(Ordering::SeqCst), 2);
}

/// `server operator add`: a new account gets a one-time link (in the outbox too), activates
/// with it and signs in as an operator; a provider's member is refused; again is harmless.
async fn the_first_operator_comes_from_the_command_line(app: TestApp) {
    use app::accounts::operators::{add, OperatorAdded, OperatorRefused};
    let public = "https://pc.example";
    let added = add(&app.db, public, " New-Op@Example.com ", None, "")
        .await
        .unwrap();
    let OperatorAdded::Link(link) = added else {
        panic!("a new operator gets a link: {added:?}");
    };
    let token = link
        .strip_prefix("https://pc.example/activate/")
        .expect("a link to the activation page");
    let mailed: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM outbox WHERE to_address = 'new-op@example.com' AND secrets <> ''",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap()
    .get("n");
    assert_eq!(mailed, 1, "the link is mailed, marked as a secret");

    let password = "Lantern-Orbit-Seventeen-42";
    let activated = app
        .post_form(
            "/api/activate",
            None,
            &format!(
                "token={token}&name=Ops&phone=&password={password}&confirm_password={password}"
            ),
        )
        .await;
    assert!(
        activated.location().starts_with("/login?notice=activated"),
        "{}",
        activated.location()
    );
    let signed_in = app.try_login("new-op@example.com", password).await;
    let cookie = signed_in.session_cookie().expect("signed in");
    let log = app.call("/api/platform_mail", Some(&cookie), "").await;
    assert_eq!(
        log.status,
        StatusCode::OK,
        "an operator reads the platform's mail log"
    );

    assert_eq!(
        add(&app.db, public, "new-op@example.com", None, "")
            .await
            .unwrap(),
        OperatorAdded::Already
    );
    assert!(matches!(
        add(&app.db, public, "aku@example.com", None, "").await,
        Err(OperatorRefused::ProviderMember(_))
    ));
    assert!(matches!(
        add(&app.db, public, "not an address", None, "").await,
        Err(OperatorRefused::NotAnAddress(_))
    ));
    let operators: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM users WHERE email = 'aku@example.com' AND platform_role IS NOT NULL",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap()
    .get("n");
    assert_eq!(operators, 0, "a refused member stays what it was");
}

/// The command itself, on a fresh installation without the demo.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn operator_add_on_a_fresh_installation_prints_the_link() {
    let dir = std::env::temp_dir().join(format!("pc-operator-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let run = |email: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_server"))
            .env_clear()
            .env("DATABASE_URL", format!("sqlite://{}/pc.db", dir.display()))
            .env("PUBLIC_URL", "https://pc.example")
            .args(["operator", "add", email])
            .output()
            .unwrap()
    };
    let first = run("first@example.com");
    let said = String::from_utf8_lossy(&first.stdout);
    assert!(
        first.status.success(),
        "{said} {}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(said.contains("https://pc.example/activate/"), "{said}");
    let refused = run("nobody");
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("not an email address"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// Pages and server function answers go compressed to a client that takes it (#16), chosen by
/// its Accept-Encoding, and as they are to one that does not.
#[tokio::test]
async fn answers_are_compressed_for_clients_that_take_it() {
    let app = TestApp::sqlite().await;
    let cookie = app.login("aku@example.com").await;
    let fetch = |path: &'static str, encoding: Option<&'static str>| {
        let (app, cookie) = (&app, &cookie);
        async move {
            let mut request = Request::get(path)
                .header(header::ACCEPT, "text/html")
                .header(header::COOKIE, cookie.as_str());
            if let Some(encoding) = encoding {
                request = request.header(header::ACCEPT_ENCODING, encoding);
            }
            app.send(request.body(Body::empty()).unwrap()).await
        }
    };
    let plain = fetch("/orders", None).await;
    assert_eq!(plain.status, StatusCode::OK);
    assert!(plain.headers.get(header::CONTENT_ENCODING).is_none());
    assert!(plain.body.contains("20190927070759188"));

    for (accepted, chosen) in [("gzip", "gzip"), ("gzip;q=0.5, br", "br")] {
        let answer = fetch("/orders", Some(accepted)).await;
        assert_eq!(answer.status, StatusCode::OK);
        assert_eq!(answer.headers[header::CONTENT_ENCODING], chosen);
        assert!(answer
            .headers
            .get_all(header::VARY)
            .iter()
            .any(|v| v.to_str().unwrap().contains("accept-encoding")));
        assert!(
            answer.bytes.len() * 3 < plain.bytes.len(),
            "{chosen}: {} of {} bytes",
            answer.bytes.len(),
            plain.bytes.len()
        );
        if chosen == "gzip" {
            let mut page = String::new();
            std::io::Read::read_to_string(
                &mut flate2::read::GzDecoder::new(answer.bytes.as_slice()),
                &mut page,
            )
            .unwrap();
            assert!(page.contains("20190927070759188"));
        }
    }

    // A server function's answer too.
    let call = app
        .send(
            Request::post("/api/work_order")
                .header(header::ACCEPT, "application/json")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::COOKIE, cookie.as_str())
                .header(header::ACCEPT_ENCODING, "gzip")
                .body(Body::from("no=20190927070759188"))
                .unwrap(),
        )
        .await;
    assert_eq!(call.status, StatusCode::OK);
    assert_eq!(call.headers[header::CONTENT_ENCODING], "gzip");
}

/// The bundle is served under a path of its content's hash, cached for good; the page names
/// that path; pages are not kept (signed in: nowhere) and a server function called by another
/// build's bundle is refused so that the tab reloads (#16).
#[tokio::test]
async fn the_bundle_is_cached_by_its_hash_and_an_old_tab_reloads() {
    let site = std::env::temp_dir().join(format!("site-{}", std::process::id()));
    std::fs::create_dir_all(site.join("pkg")).unwrap();
    std::fs::write(site.join("pkg/main.css"), "body { margin: 0 }").unwrap();
    std::fs::write(site.join("pkg/frontend.js"), "export default 1;").unwrap();
    let base = TestApp::sqlite().await;
    let mut config = Config::for_database(&base.fresh_database_url().await);
    config.site_root = site.display().to_string();
    let app = TestApp::with_config(config).await;

    let login = app.get("/login", None).await;
    assert_eq!(login.status, StatusCode::OK);
    assert_eq!(login.headers[header::CACHE_CONTROL], "no-cache");
    let at = login.body.find("/pkg/").expect("the page names the bundle");
    let css = &login.body[at..];
    let css = &css[..css.find('"').unwrap()];
    let bundle = css
        .strip_prefix("/pkg/")
        .and_then(|p| p.strip_suffix("/main.css"))
        .unwrap_or_else(|| panic!("{css}"));
    assert_eq!(bundle.len(), 16, "{css}");
    assert!(login.body.contains(&format!("/pkg/{bundle}/frontend.js")));

    let file = app.get(css, None).await;
    assert_eq!(file.status, StatusCode::OK);
    assert_eq!(file.body, "body { margin: 0 }");
    assert_eq!(
        file.headers[header::CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    let plain = app.get("/pkg/main.css", None).await;
    assert_eq!(plain.status, StatusCode::OK);
    assert_eq!(plain.headers[header::CACHE_CONTROL], "no-cache");
    let other = app.get("/pkg/0123456789abcdef/main.css", None).await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);

    // Another build's files are another path.
    std::fs::write(site.join("pkg/main.css"), "body { margin: 1px }").unwrap();
    let rebuilt = app
        .another(|config| config.site_root = site.display().to_string())
        .await;
    let page = rebuilt.get("/login", None).await;
    assert!(!page.body.contains(css), "a new build keeps the old path");

    let cookie = app.login("aku@example.com").await;
    let orders = app.get("/orders", Some(&cookie)).await;
    assert_eq!(orders.status, StatusCode::OK);
    assert_eq!(orders.headers[header::CACHE_CONTROL], "private, no-store");

    let call = |named: Option<&str>| {
        let mut request = Request::post("/api/work_order")
            .header(header::ACCEPT, "application/json")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, cookie.as_str());
        if let Some(named) = named {
            request = request.header("x-bundle", named);
        }
        app.send(request.body(Body::from("no=20190927070759188")).unwrap())
    };
    assert_eq!(call(Some(bundle)).await.status, StatusCode::OK);
    assert_eq!(call(None).await.status, StatusCode::OK);
    let stale = call(Some("0123456789abcdef")).await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert_eq!(stale.headers["x-bundle-stale"], "1");
    std::fs::remove_dir_all(&site).unwrap();
}
