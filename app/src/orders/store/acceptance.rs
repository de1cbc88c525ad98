//! Customer acceptance links: issued (and mailed) when a stage is submitted, read by the public
//! page, answered once (`settle`, the path every acceptance takes), and the deadline watch's
//! 自动验收 (平台设置), reminders and overdue flags. The link holds a random token; the table
//! keeps its SHA-256.

use super::{record, sync_work_order_status, Event};
use crate::kit::code::Code;
use crate::kit::db::{now, Db};
use crate::kit::error::AppError;
use crate::kit::mail::post;
use crate::kit::request::Settings;
use crate::kit::time::format_deadline;
use crate::kit::token::hash_token as hash;
use crate::orders::model::{
    contact_changeable, period, AcceptanceContact, MilestoneAction, MilestoneStatus,
};
use crate::orders::{AcceptanceView, LinkState};
use sqlx::{Any, Row, Transaction};

/// A delivery stage with its work order, order and provider: what acceptance links show and
/// mail.
pub const STAGE: &str = "SELECT m.id AS milestone_id, m.position, m.period_start, m.period_end,
        m.standard, m.remarks, m.status, m.due_at, w.id AS work_order_id, w.work_order_no,
        w.service_item_name, w.provider_id, o.order_no, o.solution_name, o.buyer_company,
        COALESCE(w.acceptance_contact_email, o.contact_email) AS contact_email,
        p.name AS provider_name
    FROM milestones m
    JOIN work_orders w ON w.id = m.work_order_id
    JOIN orders o ON o.id = w.order_id
    JOIN providers p ON p.id = w.provider_id";

/// Opens a link for a stage just submitted (or a reminder of one) and mails it to the
/// buyer's contact, in the caller's transaction.
pub async fn issue(
    tx: &mut Transaction<'static, Any>,
    settings: &crate::kit::request::Settings,
    milestone_id: i64,
    reminder: bool,
) -> Result<(), AppError> {
    let at = now();
    if !reminder {
        sqlx::query(
            "UPDATE milestones SET due_at = $1, reminded_at = NULL, overdue_flagged_at = NULL
             WHERE id = $2",
        )
        .bind(at + settings.acceptance_days * 86_400)
        .bind(milestone_id)
        .execute(&mut **tx)
        .await?;
    }
    let stage = sqlx::query(&format!("{STAGE} WHERE m.id = $1"))
        .bind(milestone_id)
        .fetch_one(&mut **tx)
        .await?;
    let due: i64 = stage.try_get::<Option<i64>, _>("due_at")?.unwrap_or(at);
    let token = crate::kit::token::new_token();
    sqlx::query(
        "INSERT INTO acceptance_links (id, milestone_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(crate::kit::token::hash_token(&token))
    .bind(milestone_id)
    .bind(at)
    .bind(due)
    .execute(&mut **tx)
    .await?;
    let url = format!("{}/accept/{token}", settings.public_url);
    let contact: String = stage.try_get("contact_email")?;
    let auto_at = auto_accept_at(tx, milestone_id).await?;
    let letter = crate::orders::notify::acceptance_request(
        &crate::orders::notify::Stage {
            provider: stage.try_get("provider_name")?,
            work_order_no: stage.try_get("work_order_no")?,
            position: stage.try_get("position")?,
            standard: stage.try_get("standard")?,
        },
        due,
        &url,
        reminder,
        auto_at,
    );
    crate::kit::mail::post(tx, &contact, &letter).await?;
    Ok(())
}

/// The stage's open links, oldest first: when the first of them went out.
async fn first_sent(
    conn: &mut sqlx::AnyConnection,
    milestone_id: i64,
) -> Result<Option<i64>, AppError> {
    Ok(sqlx::query(
        "SELECT MIN(created_at) AS sent FROM acceptance_links
         WHERE milestone_id = $1 AND answered_at IS NULL",
    )
    .bind(milestone_id)
    .fetch_one(&mut *conn)
    .await?
    .try_get("sent")?)
}

/// When the stage is accepted automatically if its customer stays silent: the platform's
/// auto-acceptance period (平台设置) after its link went out; `None` when that is off.
async fn auto_accept_at(
    tx: &mut Transaction<'static, Any>,
    milestone_id: i64,
) -> Result<Option<i64>, AppError> {
    let Some(days) = crate::platform::auto_accept_days(tx).await? else {
        return Ok(None);
    };
    Ok(first_sent(tx, milestone_id)
        .await?
        .map(|sent| crate::orders::model::auto_accept_at(sent, days)))
}

/// Sends a stage awaiting acceptance again: its open links die (marked replaced, so they
/// answer nothing and open no file), and a new one goes out with a new deadline, the
/// reminder and overdue flags cleared — in the caller's transaction.
pub async fn resend(
    tx: &mut Transaction<'static, Any>,
    settings: &Settings,
    milestone_id: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE acceptance_links SET answered_at = $1, decision = 'replaced'
         WHERE milestone_id = $2 AND answered_at IS NULL",
    )
    .bind(now())
    .bind(milestone_id)
    .execute(&mut **tx)
    .await?;
    issue(tx, settings, milestone_id, false).await
}

/// Names another acceptance contact (验收联系人) for the work order `no`, while its stages
/// are under way: audited old → new, and every stage awaiting an answer sent again to the
/// new contact (their old links dead).
pub async fn change_contact(
    db: &Db,
    settings: &Settings,
    scope: &crate::kit::request::ProviderScope,
    no: &str,
    contact: &AcceptanceContact,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let (work_order_id, status) = super::lock_work_order(
        &mut tx,
        crate::kit::db::Owner::Provider(scope.provider_id),
        no,
    )
    .await?;
    if !contact_changeable(status) {
        return Err(AppError::Conflict("wo.error.contact_closed".into()));
    }
    let old = sqlx::query(
        "SELECT COALESCE(w.acceptance_contact_name, o.contact_name) AS name,
                COALESCE(w.acceptance_contact_email, o.contact_email) AS email
         FROM work_orders w JOIN orders o ON o.id = w.order_id WHERE w.id = $1",
    )
    .bind(work_order_id)
    .fetch_one(&mut *tx)
    .await?;
    let old = AcceptanceContact {
        name: old.try_get("name")?,
        email: old.try_get("email")?,
    };
    if old == *contact {
        return Ok(());
    }
    sqlx::query(
        "UPDATE work_orders SET acceptance_contact_name = $1, acceptance_contact_email = $2,
                updated_at = $3 WHERE id = $4",
    )
    .bind(&contact.name)
    .bind(&contact.email)
    .bind(now())
    .bind(work_order_id)
    .execute(&mut *tx)
    .await?;
    record(
        &mut tx,
        Event {
            work_order_id,
            milestone_no: None,
            actor_id: Some(scope.user_id),
            actor_label: "",
            action: "contact_change",
            from_status: "",
            to_status: "",
            reason: &format!("{} → {}", old.label(), contact.label()),
        },
    )
    .await?;
    let pending = sqlx::query(
        "SELECT id, position FROM milestones
         WHERE work_order_id = $1 AND status = 'awaiting_acceptance' ORDER BY position",
    )
    .bind(work_order_id)
    .fetch_all(&mut *tx)
    .await?;
    for stage in pending {
        resend(&mut tx, settings, stage.try_get("id")?).await?;
        let awaiting = MilestoneStatus::AwaitingAcceptance.as_db();
        record(
            &mut tx,
            Event {
                work_order_id,
                milestone_no: Some(stage.try_get("position")?),
                actor_id: Some(scope.user_id),
                actor_label: "",
                action: "acceptance_resend",
                from_status: awaiting,
                to_status: awaiting,
                reason: "",
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

pub async fn view(db: &Db, token: &str) -> Result<AcceptanceView, AppError> {
    let row = sqlx::query(&format!(
        "SELECT l.expires_at, l.decision, s.* FROM acceptance_links l
         JOIN ({STAGE}) s ON s.milestone_id = l.milestone_id WHERE l.id = $1"
    ))
    .bind(hash(token))
    .fetch_optional(db.pool())
    .await?
    .ok_or(AppError::NotFound)?;
    let expires: i64 = row.try_get("expires_at")?;
    let decision: Option<String> = row.try_get("decision")?;
    let at = now();
    let state = match decision.as_deref() {
        Some("accept") => LinkState::Accepted,
        Some("accept_on_behalf") => LinkState::AcceptedOnBehalf,
        Some("auto_accept") => LinkState::AutoAccepted,
        Some("replaced") => LinkState::Replaced,
        Some(_) => LinkState::Rejected,
        None if at >= expires => LinkState::Expired,
        None => LinkState::Open,
    };
    let start: String = row.try_get("period_start")?;
    let end: Option<String> = row.try_get("period_end")?;
    let milestone_id: i64 = row.try_get("milestone_id")?;
    let files = super::evidence::files_of(db, &[milestone_id]).await?;
    let auto_accept = if state == LinkState::Open {
        let mut conn = db.pool().acquire().await?;
        match crate::platform::auto_accept_days(&mut conn).await? {
            Some(days) => first_sent(&mut conn, milestone_id)
                .await?
                .map(|sent| format_deadline(crate::orders::model::auto_accept_at(sent, days))),
            None => None,
        }
    } else {
        None
    };
    Ok(AcceptanceView {
        files: files.into_iter().map(|(_, f)| f).collect(),
        provider_name: row.try_get("provider_name")?,
        work_order_no: row.try_get("work_order_no")?,
        order_no: row.try_get("order_no")?,
        solution_name: row.try_get("solution_name")?,
        buyer_company: row.try_get("buyer_company")?,
        service_item_name: row.try_get("service_item_name")?,
        position: row.try_get("position")?,
        period: period(&start, end.as_deref()),
        standard: row.try_get("standard")?,
        remarks: row.try_get("remarks")?,
        due: format_deadline(expires),
        seconds_left: expires - at,
        state,
        auto_accept,
    })
}

/// Mails the provider's admins and co-admins.
pub async fn notify_provider(
    tx: &mut Transaction<'static, Any>,
    provider_id: i64,
    letter: crate::kit::mail::Letter,
    link: &str,
) -> Result<(), AppError> {
    let managers = crate::kit::mail::provider_admin_addresses(tx, provider_id).await?;
    let letter = letter.button("mail.work_order.button", link);
    for to in managers {
        post(tx, &to, &letter).await?;
    }
    Ok(())
}

pub async fn answer(
    db: &Db,
    settings: &Settings,
    token: &str,
    accept: bool,
    reason: &str,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let at = now();
    // Claims the link: of two answers at once, one wins.
    let claimed = sqlx::query(
        "UPDATE acceptance_links SET answered_at = $1, decision = $2
         WHERE id = $3 AND answered_at IS NULL AND expires_at > $1 RETURNING milestone_id",
    )
    .bind(at)
    .bind(if accept { "accept" } else { "reject" })
    .bind(hash(token))
    .fetch_optional(&mut *tx)
    .await?;
    let Some(claimed) = claimed else {
        let exists = sqlx::query("SELECT 1 AS one FROM acceptance_links WHERE id = $1")
            .bind(hash(token))
            .fetch_optional(&mut *tx)
            .await?;
        return Err(match exists {
            Some(_) => AppError::Conflict("acc.error.closed".into()),
            None => AppError::NotFound,
        });
    };
    let milestone_id: i64 = claimed.try_get("milestone_id")?;
    let action = if accept {
        MilestoneAction::CustomerAccept
    } else {
        MilestoneAction::CustomerReject
    };
    settle(&mut tx, settings, milestone_id, action, None, reason).await?;
    tx.commit().await?;
    Ok(())
}

/// A stage answered: what the answer's callers go on with.
pub struct Settled {
    pub event_id: i64,
    pub work_order_no: String,
    pub position: i64,
    pub contact: String,
}

/// Answers a stage awaiting acceptance by `action` (the customer's accept or reject, the
/// platform's 代客户验收, the system's 自动验收), in the caller's transaction, the same way
/// for each: the stage moves, its open links close, the history (and the audit log) records
/// who — `operator`, or the customer's contact when none — with `reason`, the work order's
/// status follows its accepted stages (counters, figures and bills with it), and the
/// provider's managers are mailed. A stage no longer awaiting is `acc.error.closed`.
pub async fn settle(
    tx: &mut Transaction<'static, Any>,
    settings: &Settings,
    milestone_id: i64,
    action: MilestoneAction,
    operator: Option<i64>,
    reason: &str,
) -> Result<Settled, AppError> {
    let at = now();
    let event = action.answer_event().ok_or(AppError::Internal)?;
    let stage = sqlx::query(&format!("{STAGE} WHERE m.id = $1"))
        .bind(milestone_id)
        .fetch_one(&mut **tx)
        .await?;
    let status: String = stage.try_get("status")?;
    let from = MilestoneStatus::from_db(&status).ok_or(AppError::Internal)?;
    let to = from
        .apply(action)
        .map_err(|_| AppError::Conflict("acc.error.closed".into()))?;
    let rejected = action == MilestoneAction::CustomerReject;
    // Guarded by the status read: of two answers at once (the customer's and the
    // platform's, two watches), the second finds the stage moved and changes nothing.
    let moved = sqlx::query(
        "UPDATE milestones SET status = $1, reject_reason = $2, due_at = NULL, updated_at = $3
         WHERE id = $4 AND status = $5",
    )
    .bind(to.as_db())
    .bind(if rejected { reason } else { "" })
    .bind(at)
    .bind(milestone_id)
    .bind(from.as_db())
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if moved != 1 {
        return Err(AppError::Conflict("acc.error.closed".into()));
    }
    // The stage's other links (reminders; every one when the customer did not answer) close
    // with it, saying how it was answered.
    let decision = match action {
        MilestoneAction::CustomerAccept => "accept",
        MilestoneAction::CustomerReject => "reject",
        _ => event,
    };
    sqlx::query(
        "UPDATE acceptance_links SET answered_at = $1, decision = $2
         WHERE milestone_id = $3 AND answered_at IS NULL",
    )
    .bind(at)
    .bind(decision)
    .bind(milestone_id)
    .execute(&mut **tx)
    .await?;
    let work_order_id: i64 = stage.try_get("work_order_id")?;
    let position: i64 = stage.try_get("position")?;
    let contact: String = stage.try_get("contact_email")?;
    // The customer answers as their contact; the platform as its operator; the system as
    // nobody (the history says 系统).
    let label = match (action, operator) {
        (_, Some(_)) | (MilestoneAction::AutoAccept, _) => "",
        _ => contact.as_str(),
    };
    let event_id = record(
        tx,
        Event {
            work_order_id,
            milestone_no: Some(position),
            actor_id: operator,
            actor_label: label,
            action: event,
            from_status: from.as_db(),
            to_status: to.as_db(),
            reason,
        },
    )
    .await?;
    sync_work_order_status(tx, work_order_id, operator, label).await?;
    let no: String = stage.try_get("work_order_no")?;
    let link = format!("{}/orders/{no}", settings.public_url);
    let letter = match action {
        MilestoneAction::AcceptOnBehalf => {
            crate::orders::notify::accepted_on_behalf(&contact, &no, position, reason)
        }
        MilestoneAction::AutoAccept => {
            crate::orders::notify::auto_accepted(&contact, &no, position)
        }
        _ => {
            crate::orders::notify::stage_answered(&contact, &no, position, action.accepts(), reason)
        }
    };
    notify_provider(tx, stage.try_get("provider_id")?, letter, &link).await?;
    // The customer did not answer themselves: they are told it was answered for them.
    let provider: String = stage.try_get("provider_name")?;
    let told = match action {
        MilestoneAction::AcceptOnBehalf => {
            Some(crate::orders::notify::accepted_on_behalf_for_customer(
                &provider, &no, position, reason,
            ))
        }
        MilestoneAction::AutoAccept => Some(crate::orders::notify::auto_accepted_for_customer(
            &provider, &no, position,
        )),
        _ => None,
    };
    if let Some(letter) = told {
        post(tx, &contact, &letter).await?;
    }
    Ok(Settled {
        event_id,
        work_order_no: no,
        position,
        contact,
    })
}

/// Sets a stage's `column` (a time it was acted on) unless it is set: of several
/// instances running the watch, only the one that sets it acts.
async fn claim(
    tx: &mut Transaction<'static, Any>,
    column: &'static str,
    milestone_id: i64,
    at: i64,
) -> Result<bool, AppError> {
    let claimed = sqlx::query(&format!(
        "UPDATE milestones SET {column} = $1 WHERE id = $2 AND {column} IS NULL"
    ))
    .bind(at)
    .bind(milestone_id)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(claimed == 1)
}

/// How many stages the deadline watch reads at a time: a backlog (after downtime, or an
/// import of old work orders) is worked through batch by batch, so the watch's memory stays
/// the same however long the backlog is.
const WATCH_BATCH: i64 = 200;

/// The deadline watch, run every minute: 自动验收 when 平台设置 has it on, a reminder to
/// the customer a day before a stage's answer is due, and a flag to the platform (audit
/// log) once it is overdue. A stage acted on leaves the question it was found by (its time
/// is set), so each batch asks again from the start until one comes back short.
pub async fn deadlines(db: &Db, settings: &Settings) -> Result<(), AppError> {
    auto_accept(db, settings).await?;
    let at = now();
    loop {
        let soon = sqlx::query(
            "SELECT id FROM milestones WHERE status = 'awaiting_acceptance' AND reminded_at IS NULL
             AND due_at IS NOT NULL AND due_at > $1 AND due_at <= $2
             ORDER BY due_at, id LIMIT $3",
        )
        .bind(at)
        .bind(at + 86_400)
        .bind(WATCH_BATCH)
        .fetch_all(db.pool())
        .await?;
        for row in &soon {
            let id: i64 = row.try_get("id")?;
            let mut tx = db.begin().await?;
            if claim(&mut tx, "reminded_at", id, at).await? {
                issue(&mut tx, settings, id, true).await?;
            }
            tx.commit().await?;
        }
        if (soon.len() as i64) < WATCH_BATCH {
            break;
        }
    }
    loop {
        // Read from the partial index of the stages still to flag (migration 0035).
        let overdue = sqlx::query(&format!(
            "{STAGE} WHERE m.status = 'awaiting_acceptance' AND m.overdue_flagged_at IS NULL
             AND m.due_at IS NOT NULL AND m.due_at <= $1 ORDER BY m.due_at, m.id LIMIT $2"
        ))
        .bind(at)
        .bind(WATCH_BATCH)
        .fetch_all(db.pool())
        .await?;
        for stage in &overdue {
            flag_overdue(db, settings, stage, at).await?;
        }
        if (overdue.len() as i64) < WATCH_BATCH {
            break;
        }
    }
    Ok(())
}

/// Flags one overdue stage (a `STAGE` row) to the platform and its provider, unless another
/// watch has.
async fn flag_overdue(
    db: &Db,
    settings: &Settings,
    stage: &sqlx::any::AnyRow,
    at: i64,
) -> Result<(), AppError> {
    let id: i64 = stage.try_get("milestone_id")?;
    let no: String = stage.try_get("work_order_no")?;
    let mut tx = db.begin().await?;
    // The flag moves the work order's overdue count (migration 0036's trigger), so the work
    // order is locked first, in the order every editor of its stages locks: work order, then
    // stage. Stage first, PostgreSQL could deadlock with an editor.
    match super::lock_work_order(&mut tx, crate::kit::db::Owner::Platform, &no).await {
        // Deleted since it was read: nothing left to flag.
        Err(AppError::NotFound) => return Ok(()),
        locked => locked?,
    };
    if claim(&mut tx, "overdue_flagged_at", id, at).await? {
        let position: i64 = stage.try_get("position")?;
        crate::kit::audit::record(
            &mut *tx,
            crate::kit::audit::Entry {
                provider_id: stage.try_get("provider_id")?,
                actor_id: None,
                action: "acceptance_overdue",
                target_type: "work_order",
                target_id: &no,
                detail: &format!("stage {position}"),
                ip: "",
            },
        )
        .await?;
        let contact: String = stage.try_get("contact_email")?;
        let letter = crate::orders::notify::stage_overdue(&contact, &no, position);
        let link = format!("{}/orders/{no}", settings.public_url);
        notify_provider(&mut tx, stage.try_get("provider_id")?, letter, &link).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// 自动验收, run by the deadline watch: with 平台设置's period on, every stage whose first
/// open link went out at least that many days ago is accepted by the system (reason
/// `auto`), one transaction a stage. A stage answered, sent again or accepted by another
/// watch meanwhile is left alone, so running twice accepts once. Returns how many.
pub async fn auto_accept(db: &Db, settings: &Settings) -> Result<usize, AppError> {
    let mut conn = db.pool().acquire().await?;
    let Some(days) = crate::platform::auto_accept_days(&mut conn).await? else {
        return Ok(0);
    };
    drop(conn);
    let cutoff = now() - days * 86_400;
    let mut accepted = 0;
    // In batches by id: a stage found answered meanwhile stays in the question, so the next
    // batch starts after the last one read.
    let mut after = 0_i64;
    loop {
        let due = sqlx::query(&format!(
            "SELECT m.id FROM milestones m WHERE {AUTO_ACCEPT_DUE} AND m.id > $2
             ORDER BY m.id LIMIT $3"
        ))
        .bind(cutoff)
        .bind(after)
        .bind(WATCH_BATCH)
        .fetch_all(db.pool())
        .await?;
        for row in &due {
            let id: i64 = row.try_get("id")?;
            after = id;
            if accept_when_due(db, settings, id, cutoff).await? {
                accepted += 1;
            }
        }
        if (due.len() as i64) < WATCH_BATCH {
            return Ok(accepted);
        }
    }
}

/// A stage 自动验收 takes: it still awaits, and its answer has been open since before the
/// cutoff (`$1`).
const AUTO_ACCEPT_DUE: &str = "m.status = 'awaiting_acceptance'
     AND (SELECT MIN(l.created_at) FROM acceptance_links l
          WHERE l.milestone_id = m.id AND l.answered_at IS NULL) <= $1";

/// 自动验收 of one stage found due, unless it was answered meanwhile; whether it was.
async fn accept_when_due(
    db: &Db,
    settings: &Settings,
    id: i64,
    cutoff: i64,
) -> Result<bool, AppError> {
    let mut tx = db.begin().await?;
    // Claims the stage (PostgreSQL: its row lock; SQLite: the write lock), checked again.
    let claimed = sqlx::query(&format!(
        "UPDATE milestones SET updated_at = updated_at WHERE id = $2 AND id IN (
             SELECT m.id FROM milestones m WHERE {AUTO_ACCEPT_DUE}) RETURNING id"
    ))
    .bind(cutoff)
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    if claimed.is_none() {
        return Ok(false);
    }
    let settled = settle(
        &mut tx,
        settings,
        id,
        MilestoneAction::AutoAccept,
        None,
        "auto",
    )
    .await;
    // The history line is the audit entry too (`wo_auto_accept`, by nobody).
    match settled {
        Ok(_) => {
            tx.commit().await?;
            Ok(true)
        }
        // Answered meanwhile: nothing to do.
        Err(AppError::Conflict(_)) => Ok(false),
        Err(error) => Err(error),
    }
}
