//! The SQLite and PostgreSQL migrations build the same schema: after all of them ran (through
//! the harness, as the app runs them), both databases have the same tables, the same columns
//! (by name and coarse type family), the same key constraints and the same indexes.
//!
//! Indexes: only those a migration creates with CREATE [UNIQUE] INDEX are compared by name
//! (SQLite `pragma_index_list` origin `c`; PostgreSQL indexes that back no primary-key, unique
//! or exclusion constraint). The indexes the databases make for a PRIMARY KEY or UNIQUE
//! constraint have names of their own on each side (`sqlite_autoindex_users_1` against
//! `users_email_key`), and an INTEGER PRIMARY KEY has none at all on SQLite, so they are left
//! out of the index comparison on both sides alike; the constraints themselves are compared
//! instead, per table, by their columns ("PRIMARY KEY (id)", "UNIQUE (email)").
//! sqlx's own `_sqlx_migrations` table and SQLite's internal `sqlite_*` tables are ignored.

use crate::common::TestApp;
use sqlx::any::AnyRow;
use sqlx::{AnyPool, Row};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_and_postgres_schemas_match() {
    // As every PostgreSQL test: skipped (and reported so) without TEST_POSTGRES_URL, a
    // failure under CI.
    let Some(postgres) = TestApp::postgres().await else {
        return;
    };
    let sqlite = TestApp::sqlite().await;
    let sqlite = sqlite_schema(sqlite.db.pool()).await;
    let postgres = postgres_schema(postgres.db.pool()).await;
    for (side, schema) in [("SQLite", &sqlite), ("PostgreSQL", &postgres)] {
        // A query that silently finds nothing would make both sides equal; they are not empty.
        assert!(
            schema.tables.contains_key("users")
                && !schema.indexes.is_empty()
                && !schema.keys.is_empty(),
            "the {side} schema was not read: {schema:#?}"
        );
    }
    let (mut sqlite, mut postgres) = (sqlite, postgres);
    for schema in [&mut sqlite, &mut postgres] {
        schema.drop_search_index();
    }
    let differences = differences(&sqlite, &postgres);
    assert!(
        differences.is_empty(),
        "the SQLite and PostgreSQL schemas differ after all migrations \
         (add a migration on the side that lacks it):\n  {}",
        differences.join("\n  ")
    );
}

#[derive(Debug, Default)]
struct Schema {
    /// Table → column → type family.
    tables: BTreeMap<String, BTreeMap<String, String>>,
    /// Table → its primary key and unique constraints, e.g. "UNIQUE (provider_id, period_start)".
    keys: BTreeMap<String, BTreeSet<String>>,
    /// Index name → the index.
    indexes: BTreeMap<String, Index>,
}

/// 服务工单's keyword index (migration 0017) is built of each database's own means: an FTS5
/// virtual table with its shadow tables (`work_order_search_data`, …) on SQLite, a table
/// with a pg_trgm GIN index on PostgreSQL. The search test holds both to the same answers.
const SEARCH_INDEX: &str = "work_order_search";

impl Schema {
    fn drop_search_index(&mut self) {
        let ours =
            |table: &str| table == SEARCH_INDEX || table.starts_with(&format!("{SEARCH_INDEX}_"));
        self.tables.retain(|table, _| !ours(table));
        self.keys.retain(|table, _| !ours(table));
        self.indexes.retain(|_, index| !ours(&index.table));
    }

    /// One column of index `name` on `table`, from a row that also says its order, whether
    /// the index is unique and whether it is partial (both databases' queries answer alike).
    fn add_index_column(&mut self, row: &AnyRow, name: String, table: String, mut column: String) {
        if row.get::<i64, _>("descending") != 0 {
            column.push_str(" DESC");
        }
        self.indexes
            .entry(name)
            .or_insert_with(|| Index {
                table,
                unique: row.get::<i64, _>("is_unique") != 0,
                partial: row.get::<i64, _>("is_partial") != 0,
                columns: Vec::new(),
            })
            .columns
            .push(column);
    }
}

#[derive(Debug, PartialEq)]
struct Index {
    table: String,
    unique: bool,
    partial: bool,
    /// In index order, e.g. "created_at DESC".
    columns: Vec<String>,
}

impl fmt::Display for Index {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}INDEX ON {} ({}){}",
            if self.unique { "UNIQUE " } else { "" },
            self.table,
            self.columns.join(", "),
            if self.partial { " WHERE …" } else { "" }
        )
    }
}

/// The coarse family of a SQLite declared type: SQLite's own affinity rules (datatype3.html,
/// 3.1), after the names that mean a boolean or a time.
fn sqlite_family(declared: &str) -> String {
    let t = declared.to_ascii_uppercase();
    let family = if t.contains("BOOL") {
        "boolean"
    } else if t.contains("TIMESTAMP") || t.contains("DATE") {
        "timestamp"
    } else if t.contains("INT") {
        "integer"
    } else if t.contains("CHAR") || t.contains("CLOB") || t.contains("TEXT") {
        "text"
    } else if t.contains("BLOB") || t.is_empty() {
        "blob"
    } else if t.contains("REAL") || t.contains("FLOA") || t.contains("DOUB") {
        "real"
    } else {
        "numeric"
    };
    family.to_owned()
}

/// The coarse family of a PostgreSQL `information_schema.columns.data_type`.
fn postgres_family(data_type: &str) -> String {
    let family = match data_type {
        "smallint" | "integer" | "bigint" => "integer",
        "text" | "character varying" | "character" => "text",
        "real" | "double precision" => "real",
        "numeric" => "numeric",
        "bytea" => "blob",
        "boolean" => "boolean",
        t if t.starts_with("timestamp") || t == "date" => "timestamp",
        other => return format!("other ({other})"),
    };
    family.to_owned()
}

/// The tables sqlx and SQLite keep for themselves.
const SQLITE_TABLES: &str = "SELECT name FROM sqlite_master \
     WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' \
       AND name <> '_sqlx_migrations'";

async fn sqlite_schema(pool: &AnyPool) -> Schema {
    let mut schema = Schema::default();

    let columns = sqlx::query(&format!(
        "SELECT t.name AS table_name, c.name AS column_name, c.type AS declared, \
                CAST(c.pk AS INTEGER) AS pk \
         FROM ({SQLITE_TABLES}) t JOIN pragma_table_info(t.name) c \
         ORDER BY t.name, c.cid"
    ))
    .fetch_all(pool)
    .await
    .expect("read the SQLite columns");
    let mut primary_keys: BTreeMap<String, Vec<(i64, String)>> = BTreeMap::new();
    for row in columns {
        let table: String = row.get("table_name");
        let column: String = row.get("column_name");
        let declared: String = row.get("declared");
        let pk: i64 = row.get("pk");
        if pk > 0 {
            primary_keys
                .entry(table.clone())
                .or_default()
                .push((pk, column.clone()));
        }
        schema
            .tables
            .entry(table)
            .or_default()
            .insert(column, sqlite_family(&declared));
    }
    for (table, mut columns) in primary_keys {
        columns.sort();
        let names: Vec<String> = columns.into_iter().map(|(_, name)| name).collect();
        schema
            .keys
            .entry(table)
            .or_default()
            .insert(format!("PRIMARY KEY ({})", names.join(", ")));
    }

    // Origin `c`: made by CREATE INDEX; `u`: by a UNIQUE constraint; `pk`: by a PRIMARY KEY
    // (which pragma_table_info gave above). Only key columns (`key = 1`) count.
    let indexes = sqlx::query(&format!(
        "SELECT t.name AS table_name, l.name AS index_name, l.origin AS origin, \
                CAST(l.\"unique\" AS INTEGER) AS is_unique, \
                CAST(l.partial AS INTEGER) AS is_partial, \
                COALESCE(x.name, '<expression>') AS column_name, \
                CAST(x.\"desc\" AS INTEGER) AS descending \
         FROM ({SQLITE_TABLES}) t \
         JOIN pragma_index_list(t.name) l \
         JOIN pragma_index_xinfo(l.name) x \
         WHERE x.key = 1 AND l.origin IN ('c', 'u') \
         ORDER BY l.name, x.seqno"
    ))
    .fetch_all(pool)
    .await
    .expect("read the SQLite indexes");
    let mut unique_constraints: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for row in indexes {
        let table: String = row.get("table_name");
        let name: String = row.get("index_name");
        let origin: String = row.get("origin");
        let column: String = row.get("column_name");
        if origin == "u" {
            unique_constraints
                .entry((table, name))
                .or_default()
                .push(column);
            continue;
        }
        schema.add_index_column(&row, name, table, column);
    }
    for ((table, _), columns) in unique_constraints {
        schema
            .keys
            .entry(table)
            .or_default()
            .insert(format!("UNIQUE ({})", columns.join(", ")));
    }
    schema
}

async fn postgres_schema(pool: &AnyPool) -> Schema {
    let mut schema = Schema::default();

    let columns = sqlx::query(
        "SELECT c.table_name::text AS table_name, c.column_name::text AS column_name, \
                c.data_type::text AS data_type \
         FROM information_schema.columns c \
         JOIN information_schema.tables t \
           ON t.table_schema = c.table_schema AND t.table_name = c.table_name \
         WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' \
           AND c.table_name <> '_sqlx_migrations' \
         ORDER BY c.table_name, c.ordinal_position",
    )
    .fetch_all(pool)
    .await
    .expect("read the PostgreSQL columns");
    for row in columns {
        let table: String = row.get("table_name");
        let column: String = row.get("column_name");
        let data_type: String = row.get("data_type");
        schema
            .tables
            .entry(table)
            .or_default()
            .insert(column, postgres_family(&data_type));
    }

    let constraints = sqlx::query(
        "SELECT t.relname::text AS table_name, \
                CASE con.contype WHEN 'p' THEN 'PRIMARY KEY' ELSE 'UNIQUE' END AS kind, \
                string_agg(a.attname::text, ', ' ORDER BY k.ord) AS columns \
         FROM pg_constraint con \
         JOIN pg_class t ON t.oid = con.conrelid \
         JOIN pg_namespace n ON n.oid = t.relnamespace \
         CROSS JOIN LATERAL unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord) \
         JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum \
         WHERE n.nspname = current_schema() AND con.contype IN ('p', 'u') \
           AND t.relname <> '_sqlx_migrations' \
         GROUP BY t.relname, con.conname, con.contype",
    )
    .fetch_all(pool)
    .await
    .expect("read the PostgreSQL key constraints");
    for row in constraints {
        let table: String = row.get("table_name");
        let kind: String = row.get("kind");
        let columns: String = row.get("columns");
        schema
            .keys
            .entry(table)
            .or_default()
            .insert(format!("{kind} ({columns})"));
    }

    // Indexes that back no primary-key, unique or exclusion constraint of their table: those
    // of CREATE INDEX. Key columns only (not INCLUDE ones); bit 1 of indoption is DESC.
    let indexes = sqlx::query(
        "SELECT t.relname::text AS table_name, c.relname::text AS index_name, \
                CAST(CASE WHEN i.indisunique THEN 1 ELSE 0 END AS BIGINT) AS is_unique, \
                CAST(CASE WHEN i.indpred IS NULL THEN 0 ELSE 1 END AS BIGINT) AS is_partial, \
                COALESCE(a.attname::text, '<expression>') AS column_name, \
                CAST(k.opt & 1 AS BIGINT) AS descending \
         FROM pg_index i \
         JOIN pg_class c ON c.oid = i.indexrelid \
         JOIN pg_class t ON t.oid = i.indrelid \
         JOIN pg_namespace n ON n.oid = t.relnamespace \
         CROSS JOIN LATERAL unnest(i.indkey::int2[], i.indoption::int2[]) \
              WITH ORDINALITY AS k(attnum, opt, ord) \
         LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum \
                                 AND k.attnum > 0 \
         WHERE n.nspname = current_schema() AND k.ord <= i.indnkeyatts \
           AND t.relname <> '_sqlx_migrations' \
           AND NOT EXISTS (SELECT 1 FROM pg_constraint con \
                           WHERE con.conindid = i.indexrelid AND con.conrelid = i.indrelid \
                             AND con.contype IN ('p', 'u', 'x')) \
         ORDER BY c.relname, k.ord",
    )
    .fetch_all(pool)
    .await
    .expect("read the PostgreSQL indexes");
    for row in indexes {
        let table: String = row.get("table_name");
        let name: String = row.get("index_name");
        let column: String = row.get("column_name");
        schema.add_index_column(&row, name, table, column);
    }
    schema
}

/// Every difference, one line each: what is on one side only, or differs between them.
fn differences(sqlite: &Schema, postgres: &Schema) -> Vec<String> {
    let mut out = Vec::new();
    for (table, on_sqlite, on_postgres) in paired(&sqlite.tables, &postgres.tables) {
        match (on_sqlite, on_postgres) {
            (Some(_), None) => out.push(format!("table {table}: only on SQLite")),
            (None, Some(_)) => out.push(format!("table {table}: only on PostgreSQL")),
            (Some(s), Some(p)) => {
                for (column, s, p) in paired(s, p) {
                    match (s, p) {
                        (Some(s), None) => {
                            out.push(format!("column {table}.{column} ({s}): only on SQLite"))
                        }
                        (None, Some(p)) => {
                            out.push(format!("column {table}.{column} ({p}): only on PostgreSQL"))
                        }
                        (Some(s), Some(p)) if s != p => out.push(format!(
                            "column {table}.{column}: {s} on SQLite, {p} on PostgreSQL"
                        )),
                        _ => {}
                    }
                }
            }
            (None, None) => unreachable!(),
        }
    }
    let no_keys = BTreeSet::new();
    for (table, s, p) in paired(&sqlite.keys, &postgres.keys) {
        let (s, p) = (s.unwrap_or(&no_keys), p.unwrap_or(&no_keys));
        for key in s.difference(p) {
            out.push(format!("{key} on table {table}: only on SQLite"));
        }
        for key in p.difference(s) {
            out.push(format!("{key} on table {table}: only on PostgreSQL"));
        }
    }
    for (name, s, p) in paired(&sqlite.indexes, &postgres.indexes) {
        match (s, p) {
            (Some(s), None) => out.push(format!("index {name} ({s}): only on SQLite")),
            (None, Some(p)) => out.push(format!("index {name} ({p}): only on PostgreSQL")),
            (Some(s), Some(p)) if s != p => {
                out.push(format!("index {name}: {s} on SQLite, {p} on PostgreSQL"))
            }
            _ => {}
        }
    }
    out
}

/// The keys of both maps in order, with each side's value.
fn paired<'a, V>(
    a: &'a BTreeMap<String, V>,
    b: &'a BTreeMap<String, V>,
) -> Vec<(&'a str, Option<&'a V>, Option<&'a V>)> {
    let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    keys.into_iter()
        .map(|k| (k.as_str(), a.get(k), b.get(k)))
        .collect()
}
