//! The audit log's (操作日志) queries, a provider's or every provider's, keyset-paged and
//! exported as a stream; and the signed-in user's own sessions.

use crate::kit::db::Db;
use crate::kit::error::AppError;
use crate::kit::time::{format_datetime, Zone};
use crate::users::model::{actor_label, device, target_label, AuditFilter, AuditPosition};
use crate::users::{AuditRow, SessionRow};
use sqlx::Row;

/// The WHERE clause and its one text bind, the action (after `$1`, the provider, when
/// scoped); ids and times are integers and go in as literals.
fn condition(filter: &AuditFilter, scoped: bool) -> (String, Vec<String>) {
    let mut conditions = vec!["1 = 1".to_owned()];
    let mut binds = Vec::new();
    if scoped {
        conditions.push("a.provider_id = $1".into());
    }
    if let Some(actor) = filter.actor {
        conditions.push(format!("a.actor_id = {actor}"));
    }
    if let Some(action) = &filter.action {
        conditions.push(format!("a.action = ${}", if scoped { 2 } else { 1 }));
        binds.push(action.clone());
    }
    if let Some(from) = filter.from {
        conditions.push(format!("a.created_at >= {from}"));
    }
    if let Some(to) = filter.to {
        conditions.push(format!("a.created_at < {to}"));
    }
    (conditions.join(" AND "), binds)
}

const COLUMNS: &str = "SELECT a.id, a.created_at, a.action, a.target_type, a.target_id,
            a.detail, a.ip, COALESCE(p.name, '') AS provider,
            COALESCE(u.name, '') AS actor_name, COALESCE(u.email, '') AS actor_email
     FROM audit_log a
     LEFT JOIN users u ON u.id = a.actor_id
     LEFT JOIN providers p ON p.id = a.provider_id";

/// The export's query: every entry under the filters, newest first, at most `limit`;
/// binds with `bind_selection`.
pub fn selection_sql(provider_id: Option<i64>, filter: &AuditFilter, limit: i64) -> String {
    let (condition, _) = condition(filter, provider_id.is_some());
    format!("{COLUMNS} WHERE {condition} ORDER BY a.created_at DESC, a.id DESC LIMIT {limit}")
}

pub fn bind_selection<'q>(
    mut query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    provider_id: Option<i64>,
    filter: &'q AuditFilter,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    if let Some(id) = provider_id {
        query = query.bind(id);
    }
    if let Some(action) = &filter.action {
        query = query.bind(action.as_str());
    }
    query
}

pub fn row_of(row: &sqlx::any::AnyRow, zone: &Zone) -> Result<AuditRow, sqlx::Error> {
    let name: String = row.try_get("actor_name")?;
    let email: String = row.try_get("actor_email")?;
    let target_type: String = row.try_get("target_type")?;
    let target_id: String = row.try_get("target_id")?;
    Ok(AuditRow {
        at: zone.datetime_seconds(row.try_get("created_at")?),
        provider: row.try_get("provider")?,
        actor: actor_label(&name, &email),
        action: row.try_get("action")?,
        target: target_label(&target_type, &target_id),
        detail: row.try_get("detail")?,
        ip: row.try_get("ip")?,
    })
}

/// A page of `limit` entries, newest first, from `position`, with the cursors of the
/// pages around it. Keyset paging on (created_at, id): a page deep in a million entries
/// costs what the first does, and nothing is counted.
pub async fn entries(
    db: &Db,
    provider_id: Option<i64>,
    filter: &AuditFilter,
    limit: i64,
    position: AuditPosition,
) -> Result<(Vec<AuditRow>, Option<String>, Option<String>), sqlx::Error> {
    use crate::kit::paging::Cursor;
    let (mut condition, _) = condition(filter, provider_id.is_some());
    // Cursors are parsed integers: literals, like the ids in `condition`.
    let order = match position {
        AuditPosition::Newest => "DESC",
        AuditPosition::Before(c) => {
            condition.push_str(&format!(" AND (a.created_at, a.id) < ({}, {})", c.at, c.id));
            "DESC"
        }
        AuditPosition::After(c) => {
            condition.push_str(&format!(" AND (a.created_at, a.id) > ({}, {})", c.at, c.id));
            "ASC"
        }
    };
    let sql = format!(
        "{COLUMNS} WHERE {condition}
         ORDER BY a.created_at {order}, a.id {order} LIMIT {}",
        limit + 1
    );
    let mut found = bind_selection(sqlx::query(&sql), provider_id, filter)
        .fetch_all(db.pool())
        .await?;
    let more = found.len() as i64 > limit;
    found.truncate(limit as usize);
    if order == "ASC" {
        found.reverse();
    }
    let cursor = |row: Option<&sqlx::any::AnyRow>| -> Result<Option<String>, sqlx::Error> {
        row.map(|r| {
            Ok(Cursor {
                at: r.try_get("created_at")?,
                id: r.try_get("id")?,
            }
            .encode())
        })
        .transpose()
    };
    let (first, last) = (cursor(found.first())?, cursor(found.last())?);
    let (newer, older) = position.neighbours(first, last, more);
    let zone = Zone::viewer();
    let rows = found
        .iter()
        .map(|row| row_of(row, &zone))
        .collect::<Result<Vec<_>, _>>()?;
    Ok((rows, newer, older))
}

pub async fn choices(
    db: &Db,
    provider_id: Option<i64>,
) -> Result<(Vec<(i64, String)>, Vec<String>), sqlx::Error> {
    // The actions on record, one index seek each (a loose index scan) instead of a
    // DISTINCT that reads every entry.
    let (people_sql, actions_sql) = if provider_id.is_some() {
        (
            "SELECT u.id, u.email FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.provider_id = $1 ORDER BY u.email",
            "WITH RECURSIVE seen(action) AS (
                 SELECT (SELECT action FROM audit_log WHERE provider_id = $1
                         ORDER BY action LIMIT 1)
                 UNION ALL
                 SELECT (SELECT a.action FROM audit_log a
                         WHERE a.provider_id = $1 AND a.action > seen.action
                         ORDER BY a.action LIMIT 1)
                 FROM seen WHERE seen.action IS NOT NULL
             )
             SELECT action FROM seen WHERE action IS NOT NULL",
        )
    } else {
        (
            "SELECT id, email FROM users ORDER BY email LIMIT 500",
            "WITH RECURSIVE seen(action) AS (
                 SELECT (SELECT action FROM audit_log ORDER BY action LIMIT 1)
                 UNION ALL
                 SELECT (SELECT a.action FROM audit_log a WHERE a.action > seen.action
                         ORDER BY a.action LIMIT 1)
                 FROM seen WHERE seen.action IS NOT NULL
             )
             SELECT action FROM seen WHERE action IS NOT NULL",
        )
    };
    let mut people = sqlx::query(people_sql);
    let mut actions = sqlx::query(actions_sql);
    if let Some(id) = provider_id {
        people = people.bind(id);
        actions = actions.bind(id);
    }
    let people = people
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("email")?)))
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let actions = actions
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(|r| r.try_get("action"))
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok((people, actions))
}

/// The user's sessions, the most recently seen first; `current` marks `session_id`'s.
pub async fn sessions(
    db: &Db,
    user_id: i64,
    session_id: &str,
) -> Result<Vec<SessionRow>, AppError> {
    let rows = sqlx::query(
        "SELECT id, ip, user_agent, created_at, last_seen_at FROM sessions WHERE user_id = $1 ORDER BY last_seen_at DESC",
    )
    .bind(user_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            let id: String = row.try_get("id")?;
            Ok(SessionRow {
                current: id == session_id,
                id_prefix: id.chars().take(8).collect(),
                device: device(&row.try_get::<String, _>("user_agent")?),
                ip: row.try_get("ip")?,
                started: format_datetime(row.try_get("created_at")?),
                last_seen: format_datetime(row.try_get("last_seen_at")?),
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()
        .map_err(AppError::from)
}

/// The export's rows: every entry under the filters in `scope` (a provider, or all), newest
/// first, at most `limit`, read by one streamed query in a task of its own and sent as they
/// come; an error ends them. Dropping the receiver stops the query.
pub fn spawn_selection(
    db: Db,
    scope: Option<i64>,
    filter: AuditFilter,
    limit: i64,
    zone: Zone,
) -> tokio::sync::mpsc::Receiver<Result<AuditRow, sqlx::Error>> {
    let (sender, receiver) = tokio::sync::mpsc::channel(64);
    tokio::spawn(async move {
        use futures_util::StreamExt;
        let sql = selection_sql(scope, &filter, limit);
        let mut rows = bind_selection(sqlx::query(&sql), scope, &filter).fetch(db.pool());
        while let Some(row) = rows.next().await {
            let row = row.and_then(|row| row_of(&row, &zone));
            let failed = row.is_err();
            if sender.send(row).await.is_err() || failed {
                return;
            }
        }
    });
    receiver
}
