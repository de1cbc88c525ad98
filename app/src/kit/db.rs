//! The one data-access layer: an sqlx `Any` pool that runs the same SQL (with `$n`
//! placeholders, 64-bit integers and text only) on SQLite and PostgreSQL.

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::{Any, AnyPool, Executor, Transaction};
use std::borrow::Cow;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// `expr` with A–Z folded to a–z and every other letter as it is, the same on both
    /// databases (SQLite's lower() does just that; PostgreSQL's would follow its locale).
    pub fn fold_ascii(self, expr: &str) -> String {
        match self {
            Backend::Sqlite => format!("lower({expr})"),
            Backend::Postgres => format!(
                "translate({expr}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"
            ),
        }
    }
}

#[derive(Clone)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
}

/// Forward-only migrations, embedded in the binary; a new module appends its file here.
const MIGRATIONS: &[(i64, &str, &str, &str)] = &[
    (
        1,
        "foundation",
        include_str!("../../../migrations/sqlite/0001_foundation.sql"),
        include_str!("../../../migrations/postgres/0001_foundation.sql"),
    ),
    (
        2,
        "orders",
        include_str!("../../../migrations/sqlite/0002_orders.sql"),
        include_str!("../../../migrations/postgres/0002_orders.sql"),
    ),
    (
        3,
        "mail_and_acceptance",
        include_str!("../../../migrations/sqlite/0003_mail_and_acceptance.sql"),
        include_str!("../../../migrations/postgres/0003_mail_and_acceptance.sql"),
    ),
    (
        4,
        "milestone_files",
        include_str!("../../../migrations/sqlite/0004_milestone_files.sql"),
        include_str!("../../../migrations/postgres/0004_milestone_files.sql"),
    ),
    (
        5,
        "billing",
        include_str!("../../../migrations/sqlite/0005_billing.sql"),
        include_str!("../../../migrations/postgres/0005_billing.sql"),
    ),
    (
        6,
        "accounts",
        include_str!("../../../migrations/sqlite/0006_accounts.sql"),
        include_str!("../../../migrations/postgres/0006_accounts.sql"),
    ),
    (
        7,
        "services",
        include_str!("../../../migrations/sqlite/0007_services.sql"),
        include_str!("../../../migrations/postgres/0007_services.sql"),
    ),
    (
        8,
        "tiers",
        include_str!("../../../migrations/sqlite/0008_tiers.sql"),
        include_str!("../../../migrations/postgres/0008_tiers.sql"),
    ),
    (
        9,
        "tickets",
        include_str!("../../../migrations/sqlite/0009_tickets.sql"),
        include_str!("../../../migrations/postgres/0009_tickets.sql"),
    ),
    (
        10,
        "tutorials",
        include_str!("../../../migrations/sqlite/0010_tutorials.sql"),
        include_str!("../../../migrations/postgres/0010_tutorials.sql"),
    ),
    (
        11,
        "home_figures",
        include_str!("../../../migrations/sqlite/0011_home_figures.sql"),
        include_str!("../../../migrations/postgres/0011_home_figures.sql"),
    ),
    (
        12,
        "security",
        include_str!("../../../migrations/sqlite/0012_security.sql"),
        include_str!("../../../migrations/postgres/0012_security.sql"),
    ),
    (
        13,
        "legacy_mail_links",
        include_str!("../../../migrations/sqlite/0013_legacy_mail_links.sql"),
        include_str!("../../../migrations/postgres/0013_legacy_mail_links.sql"),
    ),
    (
        14,
        "dead_mail",
        include_str!("../../../migrations/sqlite/0014_dead_mail.sql"),
        include_str!("../../../migrations/postgres/0014_dead_mail.sql"),
    ),
    (
        15,
        "orders_buyer",
        include_str!("../../../migrations/sqlite/0015_orders_buyer.sql"),
        include_str!("../../../migrations/postgres/0015_orders_buyer.sql"),
    ),
    (
        16,
        "work_order_figures",
        include_str!("../../../migrations/sqlite/0016_work_order_figures.sql"),
        include_str!("../../../migrations/postgres/0016_work_order_figures.sql"),
    ),
    (
        17,
        "work_order_search",
        include_str!("../../../migrations/sqlite/0017_work_order_search.sql"),
        include_str!("../../../migrations/postgres/0017_work_order_search.sql"),
    ),
    (
        18,
        "bill_totals",
        include_str!("../../../migrations/sqlite/0018_bill_totals.sql"),
        include_str!("../../../migrations/postgres/0018_bill_totals.sql"),
    ),
    (
        19,
        "audit_paths",
        include_str!("../../../migrations/sqlite/0019_audit_paths.sql"),
        include_str!("../../../migrations/postgres/0019_audit_paths.sql"),
    ),
    (
        20,
        "platform_lists",
        include_str!("../../../migrations/sqlite/0020_platform_lists.sql"),
        include_str!("../../../migrations/postgres/0020_platform_lists.sql"),
    ),
    (
        21,
        "bill_changes",
        include_str!("../../../migrations/sqlite/0021_bill_changes.sql"),
        include_str!("../../../migrations/postgres/0021_bill_changes.sql"),
    ),
    (
        22,
        "user_time_zone",
        include_str!("../../../migrations/sqlite/0022_user_time_zone.sql"),
        include_str!("../../../migrations/postgres/0022_user_time_zone.sql"),
    ),
    (
        23,
        "user_locale",
        include_str!("../../../migrations/sqlite/0023_user_locale.sql"),
        include_str!("../../../migrations/postgres/0023_user_locale.sql"),
    ),
    (
        24,
        "operator_disabled",
        include_str!("../../../migrations/sqlite/0024_operator_disabled.sql"),
        include_str!("../../../migrations/postgres/0024_operator_disabled.sql"),
    ),
    (
        25,
        "work_order_lifecycle",
        include_str!("../../../migrations/sqlite/0025_work_order_lifecycle.sql"),
        include_str!("../../../migrations/postgres/0025_work_order_lifecycle.sql"),
    ),
    (
        26,
        "acceptance_recovery",
        include_str!("../../../migrations/sqlite/0026_acceptance_recovery.sql"),
        include_str!("../../../migrations/postgres/0026_acceptance_recovery.sql"),
    ),
    (
        27,
        "provider_suspension",
        include_str!("../../../migrations/sqlite/0027_provider_suspension.sql"),
        include_str!("../../../migrations/postgres/0027_provider_suspension.sql"),
    ),
    (
        28,
        "company_profile",
        include_str!("../../../migrations/sqlite/0028_company_profile.sql"),
        include_str!("../../../migrations/postgres/0028_company_profile.sql"),
    ),
    (
        29,
        "platform_settings",
        include_str!("../../../migrations/sqlite/0029_platform_settings.sql"),
        include_str!("../../../migrations/postgres/0029_platform_settings.sql"),
    ),
    (
        31,
        "bill_receiver_snapshot",
        include_str!("../../../migrations/sqlite/0031_bill_receiver_snapshot.sql"),
        include_str!("../../../migrations/postgres/0031_bill_receiver_snapshot.sql"),
    ),
    (
        32,
        "company_name_changes",
        include_str!("../../../migrations/sqlite/0032_company_name_changes.sql"),
        include_str!("../../../migrations/postgres/0032_company_name_changes.sql"),
    ),
    (
        33,
        "payer_identity",
        include_str!("../../../migrations/sqlite/0033_payer_identity.sql"),
        include_str!("../../../migrations/postgres/0033_payer_identity.sql"),
    ),
    (
        34,
        "list_page_size",
        include_str!("../../../migrations/sqlite/0034_list_page_size.sql"),
        include_str!("../../../migrations/postgres/0034_list_page_size.sql"),
    ),
    (
        35,
        "deadline_watch_index",
        include_str!("../../../migrations/sqlite/0035_deadline_watch_index.sql"),
        include_str!("../../../migrations/postgres/0035_deadline_watch_index.sql"),
    ),
    (
        36,
        "overdue_stage_counts",
        include_str!("../../../migrations/sqlite/0036_overdue_stage_counts.sql"),
        include_str!("../../../migrations/postgres/0036_overdue_stage_counts.sql"),
    ),
    (
        37,
        "home_count_indexes",
        include_str!("../../../migrations/sqlite/0037_home_count_indexes.sql"),
        include_str!("../../../migrations/postgres/0037_home_count_indexes.sql"),
    ),
    (
        38,
        "listed_service_items",
        include_str!("../../../migrations/sqlite/0038_listed_service_items.sql"),
        include_str!("../../../migrations/postgres/0038_listed_service_items.sql"),
    ),
    (
        39,
        "work_order_sold_from",
        include_str!("../../../migrations/sqlite/0039_work_order_sold_from.sql"),
        include_str!("../../../migrations/postgres/0039_work_order_sold_from.sql"),
    ),
];

/// The file of a `sqlite://` URL; `None` for PostgreSQL (or a URL naming no file).
pub fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    let rest = url.strip_prefix("sqlite:")?;
    let path = rest.trim_start_matches("//").split('?').next()?;
    (!path.is_empty()).then(|| std::path::PathBuf::from(path))
}

/// A LIKE pattern (for `ESCAPE '\'`) that matches `text` anywhere: its own `\`, `%` and `_`
/// are escaped, so nothing typed is a wildcard.
pub fn contains_pattern(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// A yes/no column computed in SQL (`x IS NOT NULL AS flag`): a boolean on PostgreSQL, an
/// integer on SQLite.
pub fn flag(row: &sqlx::any::AnyRow, column: &str) -> Result<bool, sqlx::Error> {
    use sqlx::Row;
    row.try_get::<bool, _>(column)
        .or_else(|_| row.try_get::<i64, _>(column).map(|v| v != 0))
}

pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

impl Db {
    /// Connects to `sqlite://path` (creating the file and its folder) or `postgres://…`.
    pub async fn connect(url: &str) -> Result<Db, sqlx::Error> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            return Err(sqlx::Error::Configuration(
                "DATABASE_URL must start with sqlite:// or postgres://".into(),
            ));
        };
        let mut url = url.to_owned();
        if let Some(path) = sqlite_file(&url) {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(sqlx::Error::Io)?;
            }
            if !url.contains("mode=") {
                url.push(if url.contains('?') { '&' } else { '?' });
                url.push_str("mode=rwc");
            }
        }
        let options = AnyConnectOptions::from_str(&url)?;
        let pool = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 8 } else { 16 })
            // With the database away (restart, fail-over) a request answers 503 soon rather
            // than waiting half a minute for a connection; SQLite writers wait in busy_timeout.
            .acquire_timeout(std::time::Duration::from_secs(
                if backend == Backend::Sqlite { 30 } else { 5 },
            ))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // Writers wait for each other instead of failing; see `begin`. Each
                        // connection caches at most 4 MiB of pages (the pool's 8 hold 32 MiB):
                        // the operating system's file cache holds the rest, outside the
                        // server's memory.
                        conn.execute(
                            "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 15000; \
                             PRAGMA synchronous = NORMAL; PRAGMA cache_size = -4096;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        if backend == Backend::Sqlite {
            sqlx::query("PRAGMA journal_mode = WAL")
                .execute(&pool)
                .await?;
        }
        Ok(Db { pool, backend })
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        self.migrate_until(i64::MAX).await
    }

    /// The migrations up to version `last`: for tests of what a migration does to old rows.
    pub async fn migrate_until(&self, last: i64) -> Result<(), sqlx::migrate::MigrateError> {
        let migrations = MIGRATIONS
            .iter()
            .filter(|(version, ..)| *version <= last)
            .map(|(version, name, sqlite, postgres)| {
                let sql = match self.backend {
                    Backend::Sqlite => sqlite,
                    Backend::Postgres => postgres,
                };
                Migration::new(
                    *version,
                    Cow::Borrowed(name),
                    MigrationType::Simple,
                    Cow::Borrowed(sql),
                    false,
                )
            })
            .collect::<Vec<_>>();
        let migrator = Migrator {
            migrations: Cow::Owned(migrations),
            ..Migrator::DEFAULT
        };
        migrator.run(&self.pool).await
    }

    /// A write transaction. On SQLite it starts with `BEGIN IMMEDIATE`, taking the write lock
    /// up front: a deferred transaction that reads first cannot upgrade once another writer
    /// committed, and fails with SQLITE_BUSY that no busy timeout retries.
    pub async fn begin(&self) -> Result<Transaction<'static, Any>, sqlx::Error> {
        let conn = self.pool.acquire().await?;
        let statement = match self.backend {
            Backend::Sqlite => Some(Cow::Borrowed("BEGIN IMMEDIATE")),
            Backend::Postgres => None,
        };
        // `Transaction::begin` is how sqlx itself starts one on an owned pool connection.
        Transaction::begin(conn, statement).await
    }

    /// Whether the database answers (for /readyz).
    /// Whether the database answers within two seconds (health checks must not hang).
    pub async fn ping(&self) -> bool {
        let query = sqlx::query("SELECT 1").execute(&self.pool);
        matches!(
            tokio::time::timeout(std::time::Duration::from_secs(2), query).await,
            Ok(Ok(_))
        )
    }
}

/// Whose records a query may read or write: one provider's, or any (the platform's own).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    Provider(i64),
    Platform,
}

impl Owner {
    /// Whether a record of `provider_id` is this owner's to see: the platform sees all.
    pub fn sees(self, provider_id: i64) -> bool {
        match self {
            Owner::Provider(own) => own == provider_id,
            Owner::Platform => true,
        }
    }
}

/// A write a unique index refused, as the answer the user sees (realworld-axum-sqlx's
/// constraint → field error): the index, not a racy read before the write, decides.
pub trait OnUnique<T> {
    /// The refusal as the error of form field `field` with message key `code`.
    fn unique_is_field(self, field: &str, code: &str) -> Result<T, crate::kit::error::AppError>;
    /// The refusal as a conflict with message key `code` (someone got there first).
    fn unique_is_conflict(self, code: &str) -> Result<T, crate::kit::error::AppError>;
}

impl<T> OnUnique<T> for Result<T, sqlx::Error> {
    fn unique_is_field(self, field: &str, code: &str) -> Result<T, crate::kit::error::AppError> {
        match self {
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                Err(crate::kit::error::AppError::invalid(&[(field, code)]))
            }
            other => Ok(other?),
        }
    }

    fn unique_is_conflict(self, code: &str) -> Result<T, crate::kit::error::AppError> {
        match self {
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                Err(crate::kit::error::AppError::Conflict(code.to_owned()))
            }
            other => Ok(other?),
        }
    }
}

#[cfg(test)]
mod tests {
    /// Every migration file on either side is applied, in order, under the same name: a file
    /// left out of `MIGRATIONS` would never run (0015 once was not).
    #[test]
    fn every_migration_file_is_applied() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations");
        for (side, pick) in [("sqlite", 2), ("postgres", 3)] {
            let mut files: Vec<String> = std::fs::read_dir(root.join(side))
                .unwrap()
                .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|name| name.ends_with(".sql"))
                .collect();
            files.sort();
            let listed: Vec<String> = super::MIGRATIONS
                .iter()
                .map(|(version, name, ..)| format!("{version:04}_{name}.sql"))
                .collect();
            assert_eq!(files, listed, "{side}: files against MIGRATIONS");
            // By file name, not by position: numbers are taken by branches in parallel.
            for ((version, _, sqlite, postgres), name) in super::MIGRATIONS.iter().zip(&listed) {
                let sql = if pick == 2 { sqlite } else { postgres };
                let file = std::fs::read_to_string(root.join(side).join(name)).unwrap();
                assert_eq!(
                    *sql, file,
                    "{side} {version}: the text included is the file's"
                );
            }
        }
    }
}
