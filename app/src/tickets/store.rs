//! Ticket queries, scoped to the session's provider (another provider's ticket is 404), and
//! the keeping in step with an external helpdesk.

use super::helpdesk::{Connector, Helpdesk, NewTicket, RemoteTicket, Requester};
use super::model::{self, Filter, TicketInput, TicketStatus, MAX_FILES, MAX_FILE_BYTES};
use super::{ContactDefaults, MessageView, TicketDetail, TicketList, TicketRow};
use crate::kit::audit::{self, Entry};
use crate::kit::code::Code;
use crate::kit::db::Owner;
use crate::kit::db::{now, Db};
use crate::kit::error::AppError;
pub use crate::kit::files::Upload;
use crate::kit::files::{check_attachments, record_kept, FileTable, Storage, StoredFile};
use crate::kit::mail::post;
use crate::kit::pager::{page_count, Paging};
use crate::kit::request::{ProviderScope, Settings};
use crate::kit::search::{self, Hit, Query};
use crate::kit::time::format_datetime;
use sqlx::Row;

/// Where a ticket's attachments are recorded.
const FILES: FileTable = FileTable {
    table: "ticket_files",
    belongs_to: "ticket_id",
};

pub async fn defaults(db: &Db, scope: &ProviderScope) -> Result<ContactDefaults, AppError> {
    let row = sqlx::query(
        "SELECT u.name, u.phone, u.email, p.name AS company FROM users u, providers p WHERE u.id = $1 AND p.id = $2",
    )
    .bind(scope.user_id)
    .bind(scope.provider_id)
    .fetch_one(db.pool())
    .await?;
    Ok(ContactDefaults {
        name: row.try_get("name")?,
        phone: row.try_get("phone")?,
        email: row.try_get("email")?,
        company: row.try_get("company")?,
    })
}

/// The provider's open tickets on this page that live in an external helpdesk get their
/// status from it first (one request), so the list is current even if a webhook was missed.
/// Returns whether the helpdesk could not be asked.
async fn refresh_statuses(
    db: &Db,
    helpdesk: &Helpdesk,
    provider_id: i64,
    paging: Paging,
) -> Result<bool, AppError> {
    // The built-in helpdesk has nothing elsewhere to ask.
    if matches!(helpdesk, Helpdesk::BuiltIn) {
        return Ok(false);
    }
    let rows = sqlx::query(&format!(
        "SELECT id, external_id, status FROM tickets
         WHERE provider_id = $1 AND channel = $2 AND external_id IS NOT NULL AND status <> 'closed'
         ORDER BY updated_at DESC, id DESC LIMIT {} OFFSET {}",
        paging.per_page,
        paging.offset()
    ))
    .bind(provider_id)
    .bind(helpdesk.channel())
    .fetch_all(db.pool())
    .await?;
    if rows.is_empty() {
        return Ok(false);
    }
    let mut ids = Vec::new();
    for row in &rows {
        ids.push(row.try_get::<String, _>("external_id")?);
    }
    let listed = match helpdesk.list(&ids).await {
        Ok(listed) => listed,
        Err(error) => {
            tracing::warn!(%error, "listing tickets at the helpdesk");
            return Ok(true);
        }
    };
    for summary in listed {
        let Some(status) = TicketStatus::from_db(&summary.status) else {
            continue;
        };
        sqlx::query(
            "UPDATE tickets SET status = $1, updated_at = $2
             WHERE provider_id = $3 AND channel = $4 AND external_id = $5 AND status <> $1",
        )
        .bind(status.as_db())
        .bind(now())
        .bind(provider_id)
        .bind(helpdesk.channel())
        .bind(&summary.id)
        .execute(db.pool())
        .await?;
    }
    Ok(false)
}

pub async fn list(
    db: &Db,
    helpdesk: &Helpdesk,
    owner: Owner,
    filter: &Filter,
    paging: Paging,
) -> Result<TicketList, AppError> {
    let stale = match owner {
        Owner::Provider(provider_id) => refresh_statuses(db, helpdesk, provider_id, paging).await?,
        Owner::Platform => false,
    };
    let mut conditions = vec!["1 = 1".to_owned()];
    let mut ints = Vec::new();
    if let Owner::Provider(provider_id) = owner {
        ints.push(provider_id);
        conditions.push(format!("t.provider_id = ${}", ints.len()));
    }
    let status = filter.status.map(|s| s.as_db());
    if status.is_some() {
        conditions.push(format!("t.status = ${}", ints.len() + 1));
    }
    if filter.unread {
        conditions.push("t.unread > 0 AND t.status <> 'closed'".into());
    }
    let condition = conditions.join(" AND ");
    let count_sql = format!("SELECT COUNT(*) AS n FROM tickets t WHERE {condition}");
    let mut count = sqlx::query(&count_sql);
    for v in &ints {
        count = count.bind(*v);
    }
    if let Some(s) = status {
        count = count.bind(s);
    }
    let total: i64 = count.fetch_one(db.pool()).await?.try_get("n")?;
    // A page past the last shows the last (tickets closed or filtered away since the link).
    let pages = page_count(total, paging.per_page);
    let paging = Paging {
        page: paging.page.min(pages),
        ..paging
    };
    let list_sql = format!(
        "SELECT t.ticket_no, t.created_at, t.subject, t.status, t.channel, t.updated_at, t.unread, p.name AS provider
         FROM tickets t JOIN providers p ON p.id = t.provider_id WHERE {condition}
         ORDER BY t.updated_at DESC, t.id DESC LIMIT {} OFFSET {}",
        paging.per_page,
        paging.offset()
    );
    let mut query = sqlx::query(&list_sql);
    for v in &ints {
        query = query.bind(*v);
    }
    if let Some(s) = status {
        query = query.bind(s);
    }
    let rows = query
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(|r| {
            let status: String = r.try_get("status")?;
            Ok(TicketRow {
                no: r.try_get("ticket_no")?,
                created: format_datetime(r.try_get("created_at")?),
                subject: r.try_get("subject")?,
                status: TicketStatus::from_db(&status)
                    .ok_or_else(|| sqlx::Error::Decode(format!("ticket status {status}").into()))?,
                channel: r.try_get("channel")?,
                updated: format_datetime(r.try_get("updated_at")?),
                unread: r.try_get::<i64, _>("unread")? > 0,
                provider: r.try_get("provider")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(TicketList {
        rows,
        page: paging.page,
        pages,
        per_page: paging.per_page,
        count: total,
        stale,
    })
}

/// The next 工单编号 of this month: yymm and a four-digit sequence (the manual's 1908023 style).
async fn next_number(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
) -> Result<String, sqlx::Error> {
    let today = crate::kit::time::today();
    let prefix = model::month_prefix(&today);
    let last: Option<String> = sqlx::query(
        "SELECT MAX(ticket_no) AS n FROM tickets WHERE ticket_no LIKE $1 AND LENGTH(ticket_no) = 8",
    )
    .bind(format!("{prefix}%"))
    .fetch_one(&mut **tx)
    .await?
    .try_get("n")?;
    Ok(model::next_ticket_no(&today, last.as_deref()))
}

/// Files a ticket with the helpdesk, then keeps it (and its files) here. Returns its number.
pub async fn create(
    db: &Db,
    storage: &Storage,
    helpdesk: &Helpdesk,
    scope: &ProviderScope,
    ip: &str,
    input: &TicketInput,
    files: Vec<Upload>,
) -> Result<String, AppError> {
    let mut errors = input.check();
    let files: Vec<Upload> = files.into_iter().filter(|f| !f.is_empty()).collect();
    if let Some(code) = check_attachments(
        &files,
        MAX_FILES,
        MAX_FILE_BYTES,
        "ticket.error.too_many_files",
    ) {
        errors.push(("files", code));
    }
    if !errors.is_empty() {
        return Err(AppError::invalid(&errors));
    }
    let stored = storage
        .keep(&files)
        .await
        .map_err(|error| crate::kit::files::storage_error(error, "a ticket attachment"))?;
    let at = now();
    // Kept here first (so the number is taken), then filed with the helpdesk outside any
    // transaction; if the helpdesk refuses, the ticket is taken back.
    let mut kept = None;
    for attempt in 0..3 {
        let mut tx = db.begin().await?;
        let no = next_number(&mut tx).await?;
        let inserted = sqlx::query(
            "INSERT INTO tickets (provider_id, ticket_no, service_type, support_category, subject, details,
                                  contact_name, contact_phone, contact_email, company, status, channel,
                                  created_by, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'open', $11, $12, $13, $13) RETURNING id",
        )
        .bind(scope.provider_id)
        .bind(&no)
        .bind(&input.service_type)
        .bind(&input.support_category)
        .bind(input.subject.trim())
        .bind(input.details.trim())
        .bind(input.contact_name.trim())
        .bind(input.contact_phone.trim())
        .bind(input.contact_email.trim())
        .bind(input.company.trim())
        .bind(helpdesk.channel())
        .bind(scope.user_id)
        .bind(at)
        .fetch_one(&mut *tx)
        .await;
        let id: i64 = match inserted {
            Ok(row) => row.try_get("id")?,
            // Another ticket took the number at the same moment (PostgreSQL): take the next.
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() && attempt < 2 => continue,
            Err(other) => return Err(other.into()),
        };
        record_kept(&mut tx, FILES, id, &stored, at).await?;
        tx.commit().await?;
        kept = Some((id, no));
        break;
    }
    let (id, no) = kept.ok_or_else(|| AppError::Conflict("svc.error.state".into()))?;
    let names: Vec<&str> = stored.iter().map(|f| f.name.as_str()).collect();
    let description = model::helpdesk_description(&input.details, &names);
    let filed = helpdesk
        .create(&NewTicket {
            reference: no.clone(),
            subject: input.subject.trim().to_owned(),
            description,
            service_type: input.service_type.clone(),
            category: input.support_category.clone(),
            company: input.company.trim().to_owned(),
            requester: Requester {
                name: input.contact_name.trim().to_owned(),
                email: input.contact_email.trim().to_owned(),
                phone: input.contact_phone.trim().to_owned(),
            },
        })
        .await;
    let external_id = match filed {
        Ok(external_id) => external_id,
        Err(error) => {
            tracing::warn!(%error, "the helpdesk did not take a ticket");
            sqlx::query("DELETE FROM tickets WHERE id = $1")
                .bind(id)
                .execute(db.pool())
                .await?;
            return Err(AppError::Conflict("ticket.error.helpdesk_down".into()));
        }
    };
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE tickets SET external_id = $1 WHERE id = $2")
        .bind(&external_id)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut *tx,
        Entry {
            provider_id: Some(scope.provider_id),
            actor_id: Some(scope.user_id),
            action: "ticket_create",
            target_type: "ticket",
            target_id: &no,
            detail: input.subject.trim(),
            ip,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(no)
}

struct TicketHead {
    id: i64,
    status: TicketStatus,
    channel: String,
    external_id: Option<String>,
}

async fn head(db: &Db, owner: Owner, no: &str) -> Result<TicketHead, AppError> {
    let row = sqlx::query(
        "SELECT id, provider_id, status, channel, external_id FROM tickets WHERE ticket_no = $1",
    )
    .bind(no)
    .fetch_optional(db.pool())
    .await?
    .ok_or(AppError::NotFound)?;
    if !owner.sees(row.try_get("provider_id")?) {
        return Err(AppError::NotFound);
    }
    let status: String = row.try_get("status")?;
    Ok(TicketHead {
        id: row.try_get("id")?,
        status: TicketStatus::from_db(&status).ok_or(AppError::Internal)?,
        channel: row.try_get("channel")?,
        external_id: row.try_get("external_id")?,
    })
}

/// Brings the copy of an external ticket in step: its status and any new comments (agents'
/// comments count as unread replies).
pub async fn apply_remote(db: &Db, ticket_id: i64, remote: &RemoteTicket) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let mut new_replies = 0;
    for comment in &remote.comments {
        let exists =
            sqlx::query("SELECT id FROM ticket_messages WHERE ticket_id = $1 AND external_id = $2")
                .bind(ticket_id)
                .bind(&comment.id)
                .fetch_optional(&mut *tx)
                .await?
                .is_some();
        if exists {
            continue;
        }
        sqlx::query(
            "INSERT INTO ticket_messages (ticket_id, author_label, from_platform, body, external_id, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(ticket_id)
        .bind(comment.author.chars().take(100).collect::<String>())
        .bind(i64::from(comment.from_agent))
        .bind(comment.body.chars().take(20_000).collect::<String>())
        .bind(&comment.id)
        .bind(comment.created_at)
        .execute(&mut *tx)
        .await?;
        new_replies += i64::from(comment.from_agent);
    }
    let status = remote.status().map(|s| s.as_db());
    sqlx::query(
        "UPDATE tickets SET status = COALESCE($1, status), unread = unread + $2,
                updated_at = CASE WHEN $2 > 0 OR status <> COALESCE($1, status) THEN $3 ELSE updated_at END
         WHERE id = $4",
    )
    .bind(status)
    .bind(new_replies)
    .bind(now())
    .bind(ticket_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The helpdesk's webhook named a ticket: read it from the helpdesk and apply it.
pub async fn refresh_external(
    db: &Db,
    helpdesk: &Helpdesk,
    external_id: &str,
) -> Result<(), AppError> {
    let row = sqlx::query("SELECT id FROM tickets WHERE channel = $1 AND external_id = $2")
        .bind(helpdesk.channel())
        .bind(external_id)
        .fetch_optional(db.pool())
        .await?
        .ok_or(AppError::NotFound)?;
    let remote = helpdesk.fetch(external_id).await.map_err(|error| {
        tracing::warn!(%error, "reading a ticket from the helpdesk");
        AppError::Transport(error.to_string())
    })?;
    apply_remote(db, row.try_get("id")?, &remote).await
}

pub async fn detail(
    db: &Db,
    helpdesk: &Helpdesk,
    owner: Owner,
    no: &str,
) -> Result<TicketDetail, AppError> {
    let head = head(db, owner, no).await?;
    let mut stale = false;
    if let (Some(external), true) = (&head.external_id, head.channel == helpdesk.channel()) {
        match helpdesk.fetch(external).await {
            Ok(remote) => apply_remote(db, head.id, &remote).await?,
            Err(error) => {
                tracing::warn!(%error, no, "the helpdesk is unreachable; showing the last copy");
                stale = true;
            }
        }
    }
    if matches!(owner, Owner::Provider(_)) {
        sqlx::query("UPDATE tickets SET unread = 0 WHERE id = $1")
            .bind(head.id)
            .execute(db.pool())
            .await?;
    }
    let row = sqlx::query(
        "SELECT t.*, p.name AS provider FROM tickets t JOIN providers p ON p.id = t.provider_id WHERE t.id = $1",
    )
    .bind(head.id)
    .fetch_one(db.pool())
    .await?;
    let messages = sqlx::query(
        "SELECT COALESCE(NULLIF(u.name, ''), u.email, m.author_label) AS author, m.from_platform, m.body, m.created_at
         FROM ticket_messages m LEFT JOIN users u ON u.id = m.author_id
         WHERE m.ticket_id = $1 ORDER BY m.created_at, m.id",
    )
    .bind(head.id)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(|m| {
        Ok(MessageView {
            author: m.try_get::<Option<String>, _>("author")?.unwrap_or_default(),
            from_platform: m.try_get::<i64, _>("from_platform")? != 0,
            body: m.try_get("body")?,
            at: format_datetime(m.try_get("created_at")?),
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let files = sqlx::query("SELECT id, name FROM ticket_files WHERE ticket_id = $1 ORDER BY id")
        .bind(head.id)
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(|f| Ok((f.try_get("id")?, f.try_get("name")?)))
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let status: String = row.try_get("status")?;
    Ok(TicketDetail {
        no: row.try_get("ticket_no")?,
        provider: row.try_get("provider")?,
        service_type: row.try_get("service_type")?,
        support_category: row.try_get("support_category")?,
        subject: row.try_get("subject")?,
        details: row.try_get("details")?,
        contact_name: row.try_get("contact_name")?,
        contact_phone: row.try_get("contact_phone")?,
        contact_email: row.try_get("contact_email")?,
        company: row.try_get("company")?,
        status: TicketStatus::from_db(&status).ok_or(AppError::Internal)?,
        channel: row.try_get("channel")?,
        created: format_datetime(row.try_get("created_at")?),
        updated: format_datetime(row.try_get("updated_at")?),
        messages,
        files,
        stale,
    })
}

/// The provider answers: passed on to an external helpdesk, kept here, the ticket reopened.
pub async fn reply(
    db: &Db,
    helpdesk: &Helpdesk,
    scope: &ProviderScope,
    author: &str,
    no: &str,
    body: &str,
) -> Result<(), AppError> {
    let head = head(db, Owner::Provider(scope.provider_id), no).await?;
    let next = head
        .status
        .after_provider_reply()
        .ok_or_else(|| AppError::Conflict("ticket.error.closed".into()))?;
    if let (Some(external), true) = (&head.external_id, head.channel == helpdesk.channel()) {
        helpdesk
            .reply(external, author, body)
            .await
            .map_err(|error| {
                tracing::warn!(%error, "the helpdesk did not take a reply");
                AppError::Conflict("ticket.error.helpdesk_down".into())
            })?;
    }
    let mut tx = db.begin().await?;
    let at = now();
    sqlx::query(
        "INSERT INTO ticket_messages (ticket_id, author_id, from_platform, body, created_at) VALUES ($1, $2, 0, $3, $4)",
    )
    .bind(head.id)
    .bind(scope.user_id)
    .bind(body)
    .bind(at)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE tickets SET status = $1, updated_at = $2 WHERE id = $3 AND status <> 'closed'",
    )
    .bind(next.as_db())
    .bind(at)
    .bind(head.id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A platform operator answers a built-in ticket and sets its status; the contact is mailed.
pub async fn answer(
    db: &Db,
    settings: &Settings,
    operator_id: i64,
    no: &str,
    body: &str,
    status: TicketStatus,
) -> Result<(), AppError> {
    let head = head(db, Owner::Platform, no).await?;
    if !model::answered_here(&head.channel) {
        return Err(AppError::Conflict("ticket.error.external".into()));
    }
    let mut tx = db.begin().await?;
    let at = now();
    let replied = !body.is_empty();
    if replied {
        sqlx::query(
            "INSERT INTO ticket_messages (ticket_id, author_id, from_platform, body, created_at) VALUES ($1, $2, 1, $3, $4)",
        )
        .bind(head.id)
        .bind(operator_id)
        .bind(body)
        .bind(at)
        .execute(&mut *tx)
        .await?;
    }
    let row = sqlx::query(
        "UPDATE tickets SET status = $1, unread = unread + $2, updated_at = $3 WHERE id = $4
         RETURNING contact_email, subject, ticket_no",
    )
    .bind(status.as_db())
    .bind(i64::from(replied))
    .bind(at)
    .bind(head.id)
    .fetch_one(&mut *tx)
    .await?;
    if replied {
        let to: String = row.try_get("contact_email")?;
        let subject: String = row.try_get("subject")?;
        let no: String = row.try_get("ticket_no")?;
        let letter = super::notify::answered(&settings.public_url, &no, &subject, body);
        post(&mut tx, &to, &letter).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// An attachment of a ticket: the provider's own, or (platform) any.
pub async fn file(db: &Db, owner: Owner, no: &str, file_id: i64) -> Result<StoredFile, AppError> {
    let head = head(db, owner, no).await?;
    StoredFile::found(
        sqlx::query(
            "SELECT name, content_type, storage_key FROM ticket_files WHERE id = $1 AND ticket_id = $2",
        )
        .bind(file_id)
        .bind(head.id)
        .fetch_optional(db.pool())
        .await?,
    )
}

/// 基础搜索: tickets by number or subject among one provider's own; across providers by the
/// whole number (the unique index).
pub async fn search_hits(db: &Db, query: Query<'_>) -> Result<Vec<Hit>, sqlx::Error> {
    let (searcher, limit) = (query.searcher, query.limit);
    let (condition, first) = search::numbered(db, query, "t.ticket_no", &["t.subject"]);
    let sql = format!(
        "SELECT t.ticket_no, t.subject, t.status, p.name AS provider
         FROM tickets t JOIN providers p ON p.id = t.provider_id
         {} ORDER BY t.created_at DESC, t.id DESC LIMIT {limit}",
        search::scoped(searcher, "t.provider_id", &condition)
    );
    let mut hits = Vec::new();
    for row in search::rows(db, &sql, searcher, first).await? {
        let no: String = row.try_get("ticket_no")?;
        let provider: String = row.try_get("provider")?;
        hits.push(Hit {
            href: Some(searcher.page(&format!("/tickets/{no}"))),
            title: row.try_get("subject")?,
            detail: searcher.detail(&[&no, &provider]),
            status_key: search::status_key::<TicketStatus>(&row.try_get::<String, _>("status")?),
        });
    }
    Ok(hits)
}
