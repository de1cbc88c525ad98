//! `server backup` and `server restore` for SQLite, and the lock that tells a restore that a
//! server is using the database. PostgreSQL has its own tools (pg_dump, pg_restore; README).

use app::kit::db::{sqlite_file, Db};
use std::fs::File;
use std::path::{Path, PathBuf};

/// A file beside the database: its name with `suffix` added (`.lock`, `-wal`, …).
fn beside(database: &Path, suffix: &str) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Opens the lock file beside a database (creating its folder): shared by every running
/// server, exclusive for a restore.
fn open_lock(database: &Path) -> std::io::Result<File> {
    if let Some(dir) = database.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(beside(database, ".lock"))
}

/// Held by a running server for its whole life (shared, so several readers such as a backup
/// or an integrity check are fine; a restore needs it alone). Dropping it releases the lock.
pub struct InUse(#[allow(dead_code)] File);

/// Marks the SQLite database of `database_url` as in use by this process (nothing for
/// PostgreSQL).
pub fn hold(database_url: &str) -> std::io::Result<Option<InUse>> {
    let Some(path) = sqlite_file(database_url) else {
        return Ok(None);
    };
    let file = open_lock(&path)?;
    file.lock_shared()?;
    Ok(Some(InUse(file)))
}

#[derive(Debug, thiserror::Error)]
pub enum MaintenanceError {
    #[error("backup and restore are for SQLite; for PostgreSQL use pg_dump and pg_restore")]
    Postgres,
    #[error("{0} exists already; choose a new file")]
    Exists(String),
    #[error("the database is in use by a running server: stop it first")]
    InUse,
    #[error("{0} is not a Provider Center database: {1}")]
    NotABackup(String, String),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// `server operator add <email>`: what to tell the person at the console.
pub async fn add_operator(
    database_url: &str,
    public_url: &str,
    email: &str,
) -> Result<String, String> {
    use app::accounts::operators::{add, OperatorAdded};
    let db = Db::connect(database_url).await.map_err(|e| e.to_string())?;
    db.migrate().await.map_err(|e| e.to_string())?;
    let added = add(&db, public_url, email, None, "")
        .await
        .map_err(|e| e.to_string());
    db.pool().close().await;
    Ok(match added? {
        OperatorAdded::Link(url) => format!(
            "{email} is an operator. To set a password, open (once, within 3 days):\n  {url}\n\
             The link was also put in the outbox (sent when SMTP is configured)."
        ),
        OperatorAdded::Promoted => {
            format!("{email} is now an operator and signs in with the password it has.")
        }
        OperatorAdded::Already => format!("{email} is an operator already; nothing changed."),
    })
}

/// A consistent copy of the live database in `file`, taken while the server serves
/// (`VACUUM INTO` reads one snapshot; writers carry on).
pub async fn backup(database_url: &str, file: &Path) -> Result<(), MaintenanceError> {
    sqlite_file(database_url).ok_or(MaintenanceError::Postgres)?;
    if file.exists() {
        return Err(MaintenanceError::Exists(file.display().to_string()));
    }
    let db = Db::connect(database_url).await?;
    sqlx::query("VACUUM INTO $1")
        .bind(file.display().to_string())
        .execute(db.pool())
        .await?;
    db.pool().close().await;
    Ok(())
}

/// Puts the backup `file` in place of the database, which no server may be using. The
/// backup is checked first (integrity, migrations) and copied beside the database, then
/// renamed over it: a failure on the way leaves the old database as it was.
pub async fn restore(database_url: &str, file: &Path) -> Result<(), MaintenanceError> {
    let database = sqlite_file(database_url).ok_or(MaintenanceError::Postgres)?;
    let shown = file.display().to_string();
    if !file.is_file() {
        return Err(MaintenanceError::NotABackup(shown, "no such file".into()));
    }
    check_backup(file)
        .await
        .map_err(|why| MaintenanceError::NotABackup(shown, why))?;
    let lock = open_lock(&database)?;
    match lock.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => return Err(MaintenanceError::InUse),
        Err(std::fs::TryLockError::Error(error)) => return Err(error.into()),
    }
    let staged = beside(&database, ".restoring");
    std::fs::copy(file, &staged)?;
    File::open(&staged)?.sync_all()?;
    // The old database's write-ahead log belongs to the old file: it must not replay on the new.
    for suffix in ["-wal", "-shm"] {
        match std::fs::remove_file(beside(&database, suffix)) {
            Err(error) if error.kind() != std::io::ErrorKind::NotFound => return Err(error.into()),
            _ => {}
        }
    }
    std::fs::rename(&staged, &database)?;
    drop(lock);
    Ok(())
}

/// Whether `file` is a sound SQLite database with this portal's migrations (opened read-only:
/// checking a backup never changes it).
async fn check_backup(file: &Path) -> Result<(), String> {
    use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
    use sqlx::{ConnectOptions, Connection, Row};
    let mut connection: SqliteConnection = SqliteConnectOptions::new()
        .filename(file)
        .read_only(true)
        .connect()
        .await
        .map_err(|e| e.to_string())?;
    let result = async {
        let integrity: String = sqlx::query("PRAGMA integrity_check")
            .fetch_one(&mut connection)
            .await
            .and_then(|row| row.try_get(0))
            .map_err(|e| e.to_string())?;
        if integrity != "ok" {
            return Err(format!("integrity check: {integrity}"));
        }
        sqlx::query("SELECT COUNT(*) FROM _sqlx_migrations")
            .fetch_one(&mut connection)
            .await
            .map_err(|_| "no migrations table".to_string())?;
        Ok(())
    }
    .await;
    let _ = connection.close().await;
    result
}

/// `server generate`: the benchmark's data, timed, with what was made.
pub async fn generate(database_url: &str, plan: &app::demo::scale::Plan) -> std::process::ExitCode {
    let started = std::time::Instant::now();
    let made = async {
        let db = Db::connect(database_url).await?;
        db.migrate().await?;
        app::demo::scale::generate(&db, plan).await
    }
    .await;
    match made {
        Ok(made) => {
            println!(
                "generated in {:.1} s: {} work orders, {} stages, {} bill lines, {} members, {} audit entries, {} tickets",
                started.elapsed().as_secs_f64(),
                made.work_orders,
                made.milestones,
                made.bill_lines,
                made.members,
                made.audit_entries,
                made.tickets
            );
            std::process::ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// `server bench-static`: the same bytes a page answered, from a bare axum server.
pub async fn bench_static(
    bind: std::net::SocketAddr,
    file: &Path,
    content_type: &str,
) -> std::process::ExitCode {
    use axum::http::header::CONTENT_TYPE;
    let body = match std::fs::read(file) {
        Ok(body) => axum::body::Bytes::from(body),
        Err(error) => {
            eprintln!("error: {}: {error}", file.display());
            return std::process::ExitCode::FAILURE;
        }
    };
    let content_type = content_type.to_owned();
    let router = axum::Router::new().fallback(move || {
        let (body, content_type) = (body.clone(), content_type.clone());
        async move { ([(CONTENT_TYPE, content_type)], body) }
    });
    match tokio::net::TcpListener::bind(bind).await {
        Ok(listener) => match axum::serve(listener, router).await {
            Ok(()) => std::process::ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("error: {error}");
                std::process::ExitCode::FAILURE
            }
        },
        Err(error) => {
            eprintln!("error: {bind}: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}
