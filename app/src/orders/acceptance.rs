//! Customer acceptance (验收): a stage submitted for acceptance emails the buyer's contact a
//! link to a public page where they accept it or reject it with a reason — no account needed.
//! The link holds a random token (the table keeps its SHA-256), expires with the answer
//! deadline, and takes one answer.

use crate::kit::error::AppError;
use crate::kit::forms::{feedback, refetch_on_success, FieldMessage, FormMessage};
use crate::kit::i18n::{use_locale, Locale};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LinkState {
    Open,
    Accepted,
    Rejected,
    Expired,
}

/// What the customer sees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcceptanceView {
    pub provider_name: String,
    pub work_order_no: String,
    pub order_no: String,
    pub solution_name: String,
    pub buyer_company: String,
    pub service_item_name: String,
    pub position: i64,
    pub period: String,
    pub standard: String,
    pub remarks: String,
    pub due: String,
    pub seconds_left: i64,
    pub state: LinkState,
    pub files: Vec<super::FileView>,
}

/// "剩余 2 天 3 小时": the time left to answer, or that the deadline has passed.
pub fn remaining(locale: Locale, seconds: i64) -> String {
    if seconds <= 0 {
        return locale.t("acc.overdue").to_owned();
    }
    let (days, hours, minutes) = (
        seconds / 86_400,
        seconds % 86_400 / 3600,
        seconds % 3600 / 60,
    );
    let amount = if days > 0 {
        locale.tf(
            "acc.days_hours",
            &[("d", &days.to_string()), ("h", &hours.to_string())],
        )
    } else if hours > 0 {
        locale.tf(
            "acc.hours_minutes",
            &[("h", &hours.to_string()), ("m", &minutes.to_string())],
        )
    } else {
        locale.tf("acc.minutes", &[("m", &minutes.max(1).to_string())])
    };
    locale.tf("acc.remaining", &[("time", &amount)])
}

#[server(endpoint = "acceptance")]
pub async fn get_acceptance(token: String) -> Result<AcceptanceView, AppError> {
    let result = async { ssr::view(&crate::kit::request::db()?, &token).await }.await;
    crate::kit::forms::finish("", result)
}

/// The customer's answer: `decision` is `accept`, or `reject` with a reason.
#[server(endpoint = "answer_acceptance")]
pub async fn answer_acceptance(
    token: String,
    decision: String,
    reason: String,
) -> Result<(), AppError> {
    let form = if decision == "reject" {
        "reject"
    } else {
        "accept"
    };
    let result = async {
        use super::model::AcceptanceAnswer;
        let answer = match AcceptanceAnswer::parse(&decision, &reason) {
            None => return Err(AppError::BadRequest),
            Some(Err(code)) => {
                return Err(crate::kit::forms::invalid(
                    form,
                    &[("reason", code)],
                    &[("reason", reason.trim())],
                ))
            }
            Some(Ok(answer)) => answer,
        };
        let (accept, reason) = match &answer {
            AcceptanceAnswer::Accept => (true, ""),
            AcceptanceAnswer::Reject(reason) => (false, reason.as_str()),
        };
        ssr::answer(
            &crate::kit::request::db()?,
            &crate::kit::request::settings()?,
            &token,
            accept,
            reason,
        )
        .await
    }
    .await;
    crate::kit::forms::finish(form, result)
}

/// The public acceptance page, /accept/<token>.
#[component]
pub fn AcceptancePage() -> impl IntoView {
    let locale = use_locale();
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let view_data = crate::kit::request_cache::page_resource(token, get_acceptance);
    let answer = ServerAction::<AnswerAcceptance>::new();
    refetch_on_success(answer, view_data);
    view! {
        <leptos_meta::Title text=locale.t("acc.title") />
        <div class="public-page">
            <div class="public-card">
                <div class="login-brand">
                    <span class="logo-mark">"PC"</span>
                    <span>{locale.t("app.name")}</span>
                    <span class="spacer"></span>
                    <a class="lang-switch" rel="external" href=format!("/lang/{}", locale.other().tag())>{locale.t("lang.switch")}</a>
                </div>
                <h1>{locale.t("acc.title")}</h1>
                <Suspense fallback=move || view! { <p class="loading">{locale.t("common.loading")}</p> }>
                    {move || Suspend::new(async move {
                        match view_data.await {
                            Ok(v) => view! { <AcceptanceBody v token=token() answer /> }.into_any(),
                            Err(error) => view! { <crate::shell::ErrorPage error /> }.into_any(),
                        }
                    })}
                </Suspense>
            </div>
        </div>
    }
}

#[component]
fn AcceptanceBody(
    v: AcceptanceView,
    token: String,
    answer: ServerAction<AnswerAcceptance>,
) -> impl IntoView {
    let locale = use_locale();
    let accept_feedback = feedback("accept", answer.value());
    let reject_feedback = feedback("reject", answer.value());
    let reject_token = token.clone();
    let state = match v.state {
        LinkState::Open => None,
        LinkState::Accepted => Some(("notice ok", "acc.state.accepted")),
        LinkState::Rejected => Some(("notice", "acc.state.rejected")),
        LinkState::Expired => Some(("form-error", "acc.state.expired")),
    };
    view! {
        <p class="lead">{locale.tf("acc.intro", &[("provider", &v.provider_name), ("buyer", &v.buyer_company)])}</p>
        <dl class="facts">
            <dt>{locale.t("wo.column.no")}</dt><dd class="mono">{v.work_order_no.clone()}</dd>
            <dt>{locale.t("wo.order_no")}</dt><dd class="mono">{v.order_no.clone()}</dd>
            <dt>{locale.t("wo.solution")}</dt><dd>{v.solution_name.clone()}</dd>
            <dt>{locale.t("wo.item")}</dt><dd>{v.service_item_name.clone()}</dd>
            <dt>{locale.t("ms.stage")}</dt><dd data-testid="acceptance-stage">{v.position}</dd>
            <dt>{locale.t("ms.period")}</dt><dd>{v.period.clone()}</dd>
            <dt>{locale.t("ms.standard")}</dt><dd>{v.standard.clone()}</dd>
            <dt>{locale.t("ms.remarks")}</dt><dd>{v.remarks.clone()}</dd>
            <dt>{locale.t("ev.files")}</dt>
            <dd>
                {if v.files.is_empty() {
                    view! { <span class="muted">{locale.t("common.none")}</span> }.into_any()
                } else {
                    let token = token.clone();
                    view! {
                        <ul class="files">
                            {v.files.iter().map(|f| view! {
                                <li><a rel="external" download href=format!("/accept/{token}/files/{}", f.id)>{f.name.clone()}</a>
                                    " " <span class="muted">{f.size.clone()}</span></li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </dd>
            <dt>{locale.t("acc.deadline")}</dt>
            <dd>{v.due.clone()} " · " <strong data-testid="acceptance-remaining">{remaining(locale, v.seconds_left)}</strong></dd>
        </dl>
        {match state {
            Some((class, key)) => view! { <p class=class role="status" data-testid="acceptance-state">{locale.t(key)}</p> }.into_any(),
            None => view! {
                <div class="acceptance-actions">
                    <ActionForm action=answer attr:class="form">
                        <FormMessage feedback=accept_feedback />
                        <input type="hidden" name="token" value=token />
                        <input type="hidden" name="decision" value="accept" />
                        <input type="hidden" name="reason" value="" />
                        <button type="submit" class="button primary wide" disabled=move || answer.pending().get()>
                            {locale.t("acc.accept")}
                        </button>
                    </ActionForm>
                    <ActionForm action=answer attr:class="form card">
                        <FormMessage feedback=reject_feedback />
                        <input type="hidden" name="token" value=reject_token />
                        <input type="hidden" name="decision" value="reject" />
                        <label class="field">
                            <span>{locale.t("acc.reject_reason")} " *"</span>
                            <textarea name="reason" rows="3" maxlength="2000" inner_html=move || crate::kit::forms::text_html(&reject_feedback.with(|f| f.value("reason")))></textarea>
                            <FieldMessage feedback=reject_feedback field="reason" />
                        </label>
                        <button type="submit" class="button danger wide" disabled=move || answer.pending().get()>
                            {locale.t("acc.reject")}
                        </button>
                    </ActionForm>
                </div>
            }.into_any(),
        }}
    }
}

#[cfg(feature = "ssr")]
pub use ssr::{deadlines, notify_provider};

#[cfg(feature = "ssr")]
mod ssr {
    use super::{AcceptanceView, LinkState};
    use crate::kit::code::Code;
    use crate::kit::db::{now, Db};
    use crate::kit::error::AppError;
    use crate::kit::mail::{enqueue, render};
    use crate::kit::request::Settings;
    use crate::kit::time::format_datetime;
    use crate::kit::token::hash_token as hash;
    use crate::orders::model::{MilestoneAction, MilestoneStatus};
    use crate::orders::queries::{issue, period, record, sync_work_order_status, Event, STAGE};
    use sqlx::{Any, Row, Transaction};

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
            Some(_) => LinkState::Rejected,
            None if at >= expires => LinkState::Expired,
            None => LinkState::Open,
        };
        let start: String = row.try_get("period_start")?;
        let end: Option<String> = row.try_get("period_end")?;
        let files = crate::orders::queries::files_of(db, &[row.try_get("milestone_id")?]).await?;
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
            due: format_datetime(expires),
            seconds_left: expires - at,
            state,
        })
    }

    /// Mails the provider's admins and co-admins.
    pub async fn notify_provider(
        tx: &mut Transaction<'static, Any>,
        provider_id: i64,
        subject: &str,
        paragraphs: &[String],
        link: &str,
    ) -> Result<(), AppError> {
        let managers = sqlx::query(
            "SELECT u.email FROM memberships m JOIN users u ON u.id = m.user_id
             WHERE m.provider_id = $1 AND m.status = 'active' AND m.role IN ('admin', 'co_admin')",
        )
        .bind(provider_id)
        .fetch_all(&mut **tx)
        .await?;
        for manager in managers {
            let mail = render(
                &manager.try_get::<String, _>("email")?,
                subject,
                paragraphs,
                Some(("查看服务工单 / Open the work order", link)),
            );
            enqueue(&mut **tx, &mail).await?;
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
        let stage = sqlx::query(&format!("{STAGE} WHERE m.id = $1"))
            .bind(milestone_id)
            .fetch_one(&mut *tx)
            .await?;
        let status: String = stage.try_get("status")?;
        let from = MilestoneStatus::from_db(&status).ok_or(AppError::Internal)?;
        let action = if accept {
            MilestoneAction::CustomerAccept
        } else {
            MilestoneAction::CustomerReject
        };
        let to = from
            .apply(action)
            .map_err(|_| AppError::Conflict("acc.error.closed".into()))?;
        sqlx::query(
            "UPDATE milestones SET status = $1, reject_reason = $2, due_at = NULL, updated_at = $3
             WHERE id = $4",
        )
        .bind(to.as_db())
        .bind(reason)
        .bind(at)
        .bind(milestone_id)
        .execute(&mut *tx)
        .await?;
        // Other links of the stage (reminders) close with it.
        sqlx::query(
            "UPDATE acceptance_links SET answered_at = $1, decision = $2
             WHERE milestone_id = $3 AND answered_at IS NULL",
        )
        .bind(at)
        .bind(if accept { "accept" } else { "reject" })
        .bind(milestone_id)
        .execute(&mut *tx)
        .await?;
        let work_order_id: i64 = stage.try_get("work_order_id")?;
        let position: i64 = stage.try_get("position")?;
        let contact: String = stage.try_get("contact_email")?;
        record(
            &mut tx,
            Event {
                work_order_id,
                milestone_no: Some(position),
                actor_id: None,
                actor_label: &contact,
                action: if accept {
                    "customer_accept"
                } else {
                    "customer_reject"
                },
                from_status: from.as_db(),
                to_status: to.as_db(),
                reason,
            },
        )
        .await?;
        sync_work_order_status(&mut tx, work_order_id, None, &contact).await?;
        let no: String = stage.try_get("work_order_no")?;
        let link = format!("{}/orders/{no}", settings.public_url);
        let (subject, body) = if accept {
            (
                format!("客户已验收服务工单 {no} 第 {position} 阶段 · Stage {position} accepted"),
                vec![
                    format!("{contact} 已验收服务工单 {no} 第 {position} 阶段。"),
                    format!("{contact} accepted stage {position} of work order {no}."),
                ],
            )
        } else {
            (
                format!("客户驳回了服务工单 {no} 第 {position} 阶段 · Stage {position} rejected"),
                vec![
                    format!("{contact} 驳回了服务工单 {no} 第 {position} 阶段，该阶段已回到进行中。"),
                    format!("驳回原因：{reason}"),
                    format!("{contact} rejected stage {position} of work order {no}; it is back in progress. Reason: {reason}"),
                ],
            )
        };
        notify_provider(
            &mut tx,
            stage.try_get("provider_id")?,
            &subject,
            &body,
            &link,
        )
        .await?;
        tx.commit().await?;
        Ok(())
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

    /// The deadline watch, run every minute: a reminder to the customer a day before a
    /// stage's answer is due, and a flag to the platform (audit log) once it is overdue.
    pub async fn deadlines(db: &Db, settings: &Settings) -> Result<(), AppError> {
        let at = now();
        let soon = sqlx::query(
            "SELECT id FROM milestones WHERE status = 'awaiting_acceptance' AND reminded_at IS NULL
             AND due_at IS NOT NULL AND due_at > $1 AND due_at <= $2",
        )
        .bind(at)
        .bind(at + 86_400)
        .fetch_all(db.pool())
        .await?;
        for row in soon {
            let id: i64 = row.try_get("id")?;
            let mut tx = db.begin().await?;
            if claim(&mut tx, "reminded_at", id, at).await? {
                issue(&mut tx, settings, id, true).await?;
            }
            tx.commit().await?;
        }
        let overdue = sqlx::query(&format!(
            "{STAGE} WHERE m.status = 'awaiting_acceptance' AND m.overdue_flagged_at IS NULL
             AND m.due_at IS NOT NULL AND m.due_at <= $1"
        ))
        .bind(at)
        .fetch_all(db.pool())
        .await?;
        for stage in overdue {
            let id: i64 = stage.try_get("milestone_id")?;
            let mut tx = db.begin().await?;
            if claim(&mut tx, "overdue_flagged_at", id, at).await? {
                let no: String = stage.try_get("work_order_no")?;
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
            }
            tx.commit().await?;
        }
        Ok(())
    }
}
