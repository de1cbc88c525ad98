//! Running it as an operations team would (#20): PostgreSQL over TLS.

use app::kit::db::Db;
use sqlx::Row;

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
