//! A work order's delivery stages: read with their files, planned (add, edit, move, delete),
//! advanced (the helpers they share with evidence and acceptance are in `store`).

use super::{editable_work_order, milestone_of, record, sync_work_order_status, Event};
use crate::kit::code::Code;
use crate::kit::db::{now, Db};
use crate::kit::error::AppError;
use crate::kit::request::ProviderScope;
use crate::kit::time::format_deadline;
use crate::orders::model::{period, MilestoneAction, MilestoneFields, MilestoneStatus};
use crate::orders::{MilestoneCommand, MilestoneView};
use sqlx::Row;

pub async fn milestones(db: &Db, work_order_id: i64) -> Result<Vec<MilestoneView>, sqlx::Error> {
    let mut stages = milestone_rows(db, work_order_id).await?;
    let ids: Vec<i64> = stages.iter().map(|m| m.id).collect();
    for (milestone_id, file) in super::evidence::files_of(db, &ids).await? {
        if let Some(stage) = stages.iter_mut().find(|m| m.id == milestone_id) {
            stage.files.push(file);
        }
    }
    Ok(stages)
}

async fn milestone_rows(db: &Db, work_order_id: i64) -> Result<Vec<MilestoneView>, sqlx::Error> {
    sqlx::query(
        "SELECT id, position, period_start, period_end, standard, remarks, status, reject_reason,
                due_at
         FROM milestones WHERE work_order_id = $1 ORDER BY position",
    )
    .bind(work_order_id)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(|m| {
        let due: Option<i64> = m.try_get("due_at")?;
        let start: String = m.try_get("period_start")?;
        let end: Option<String> = m.try_get("period_end")?;
        let value: String = m.try_get("status")?;
        Ok(MilestoneView {
            id: m.try_get("id")?,
            position: m.try_get("position")?,
            period: period(&start, end.as_deref()),
            period_start: start,
            period_end: end.unwrap_or_default(),
            standard: m.try_get("standard")?,
            remarks: m.try_get("remarks")?,
            status: MilestoneStatus::from_db(&value)
                .ok_or_else(|| sqlx::Error::Decode(format!("unknown status {value}").into()))?,
            reject_reason: m.try_get("reject_reason")?,
            due: due.map(format_deadline).unwrap_or_default(),
            seconds_left: due.map(|d| d - now()),
            files: Vec::new(),
        })
    })
    .collect()
}

pub async fn save_milestone(
    db: &Db,
    scope: &ProviderScope,
    no: &str,
    milestone_id: i64,
    fields: &MilestoneFields,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let work_order_id = editable_work_order(&mut tx, scope, no).await?;
    let at = now();
    let position = if milestone_id > 0 {
        let (position, status) = milestone_of(&mut tx, work_order_id, milestone_id).await?;
        if !status.editable() {
            return Err(AppError::Conflict("ms.error.locked".into()));
        }
        sqlx::query(
            "UPDATE milestones SET period_start = $1, period_end = $2, standard = $3, remarks = $4,
                    updated_at = $5 WHERE id = $6",
        )
        .bind(&fields.period_start)
        .bind(fields.period_end.as_deref())
        .bind(&fields.standard)
        .bind(&fields.remarks)
        .bind(at)
        .bind(milestone_id)
        .execute(&mut *tx)
        .await?;
        position
    } else {
        let position: i64 = sqlx::query(
            "SELECT COALESCE(MAX(position), 0) + 1 AS next FROM milestones WHERE work_order_id = $1",
        )
        .bind(work_order_id)
        .fetch_one(&mut *tx)
        .await?
        .try_get("next")?;
        sqlx::query(
            "INSERT INTO milestones (work_order_id, position, period_start, period_end, standard,
                                     remarks, status, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, 'not_started', $7, $7)",
        )
        .bind(work_order_id)
        .bind(position)
        .bind(&fields.period_start)
        .bind(fields.period_end.as_deref())
        .bind(&fields.standard)
        .bind(&fields.remarks)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        position
    };
    record(
        &mut tx,
        Event {
            work_order_id,
            milestone_no: Some(position),
            actor_id: Some(scope.user_id),
            actor_label: "",
            action: if milestone_id > 0 {
                "milestone_edit"
            } else {
                "milestone_add"
            },
            from_status: "",
            to_status: "",
            reason: "",
        },
    )
    .await?;
    sync_work_order_status(&mut tx, work_order_id, Some(scope.user_id), "").await?;
    tx.commit().await?;
    Ok(())
}

pub async fn milestone_command(
    db: &Db,
    settings: &crate::kit::request::Settings,
    scope: &ProviderScope,
    no: &str,
    milestone_id: i64,
    command: MilestoneCommand,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let work_order_id = editable_work_order(&mut tx, scope, no).await?;
    let (position, status) = milestone_of(&mut tx, work_order_id, milestone_id).await?;
    let at = now();
    let (action, from, to) = match command {
        MilestoneCommand::Advance => {
            let next = status
                .provider_next()
                .ok_or_else(|| AppError::Conflict("ms.error.locked".into()))?;
            let to = status
                .apply(next)
                .map_err(|_| AppError::Conflict("ms.error.locked".into()))?;
            sqlx::query("UPDATE milestones SET status = $1, reject_reason = '', updated_at = $2 WHERE id = $3")
                .bind(to.as_db())
                .bind(at)
                .bind(milestone_id)
                .execute(&mut *tx)
                .await?;
            let name = if next == MilestoneAction::Start {
                "milestone_start"
            } else {
                super::acceptance::issue(&mut tx, settings, milestone_id, false).await?;
                "milestone_submit"
            };
            (name, status.as_db(), to.as_db())
        }
        MilestoneCommand::Resend => {
            let to = status
                .apply(MilestoneAction::Resend)
                .map_err(|_| AppError::Conflict("ms.error.not_awaiting".into()))?;
            super::acceptance::resend(&mut tx, settings, milestone_id).await?;
            ("acceptance_resend", status.as_db(), to.as_db())
        }
        MilestoneCommand::Delete => {
            if !status.editable() {
                return Err(AppError::Conflict("ms.error.locked".into()));
            }
            sqlx::query("DELETE FROM milestones WHERE id = $1")
                .bind(milestone_id)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "UPDATE milestones SET position = position - 1 WHERE work_order_id = $1 AND position > $2",
            )
            .bind(work_order_id)
            .bind(position)
            .execute(&mut *tx)
            .await?;
            ("milestone_delete", "", "")
        }
        MilestoneCommand::Up | MilestoneCommand::Down => {
            let other = if command == MilestoneCommand::Up {
                position - 1
            } else {
                position + 1
            };
            let neighbour = sqlx::query(
                "SELECT id, status FROM milestones WHERE work_order_id = $1 AND position = $2",
            )
            .bind(work_order_id)
            .bind(other)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(neighbour) = neighbour else {
                return Err(AppError::Conflict("ms.error.cannot_move".into()));
            };
            let neighbour_status: String = neighbour.try_get("status")?;
            let movable = MilestoneStatus::from_db(&neighbour_status).is_some_and(|s| s.editable());
            if !status.editable() || !movable {
                return Err(AppError::Conflict("ms.error.locked".into()));
            }
            let neighbour_id: i64 = neighbour.try_get("id")?;
            for (id, to) in [(milestone_id, other), (neighbour_id, position)] {
                sqlx::query("UPDATE milestones SET position = $1, updated_at = $2 WHERE id = $3")
                    .bind(to)
                    .bind(at)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            ("milestone_move", "", "")
        }
    };
    record(
        &mut tx,
        Event {
            work_order_id,
            milestone_no: Some(position),
            actor_id: Some(scope.user_id),
            actor_label: "",
            action,
            from_status: from,
            to_status: to,
            reason: "",
        },
    )
    .await?;
    sync_work_order_status(&mut tx, work_order_id, Some(scope.user_id), "").await?;
    tx.commit().await?;
    Ok(())
}
