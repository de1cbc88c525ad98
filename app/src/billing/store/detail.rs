//! A bill's detail: its head (also the documents'), a page of its lines or those of one
//! 订单编号, its progress, history, dispute, revisions with their changes, and its payout.

use super::lines::{version_totals, StoredLine};
use super::listing::totals_view;
use super::{bill_status, currency};
use crate::billing::model::{revision_note, BillStatus, Period};
use crate::billing::{
    BillDetail, BillEventView, ChangeView, DisputeView, PayoutView, Receiver, RevisionView,
    StepView, LINES_PER_PAGE,
};
use crate::kit::code::Code;
use crate::kit::db::{now, Db, Owner};
use crate::kit::error::AppError;
use crate::kit::money::{Currency, Money};
use crate::kit::pager::page_count;
use crate::kit::time::{format_datetime, format_datetime_seconds};
use sqlx::any::AnyRow;
use sqlx::Row;

/// A provider's name, or empty when there is none of that id.
pub async fn provider_name(db: &Db, id: i64) -> Result<String, AppError> {
    Ok(sqlx::query("SELECT name FROM providers WHERE id = $1")
        .bind(id)
        .fetch_optional(db.pool())
        .await?
        .map(|r| r.try_get::<String, _>("name"))
        .transpose()?
        .unwrap_or_default())
}

/// The bill's head row, for the detail and the documents.
pub struct Head {
    pub id: i64,
    pub bill_no: String,
    pub status: BillStatus,
    pub version: i64,
    pub period: Period,
    pub provider_name: String,
    pub provider_address: String,
    pub admin_name: String,
    pub business_owner: String,
    pub receiver: Receiver,
    /// 付款方 and its contact, as the bill was generated (or 平台设置 now, for a bill kept
    /// without them).
    pub payer_name: String,
    pub payer_contact: String,
    /// The provider's tier now (等级).
    pub tier: String,
    pub payout_reference: String,
    pub payout_date: Option<String>,
}

/// The payee's columns: the bill's snapshot, or — for a bill kept without one (written by
/// the data generator) — the provider's details now.
const RECEIVER_COLUMNS: &str = "b.receiver_name, b.receiver_address, b.receiver_responsible,
    b.receiver_contact_name, b.receiver_contact_phone, b.receiver_contact_email,
    b.receiver_bank_name, b.receiver_account_name, b.receiver_account_masked,
    b.receiver_invoice_title, b.receiver_tax_number, p.responsible_person, p.contact_name,
    p.contact_phone, p.contact_email, p.bank_name, p.bank_account_name, p.bank_account_no,
    p.invoice_title, p.tax_number,
    CASE WHEN b.payer_name = '' THEN (SELECT s.payer_name FROM platform_settings s WHERE s.id = 1)
         ELSE b.payer_name END AS payer_name,
    CASE WHEN b.payer_name = '' THEN (SELECT s.payer_contact FROM platform_settings s WHERE s.id = 1)
         ELSE b.payer_contact END AS payer_contact";

fn receiver_of(row: &sqlx::any::AnyRow) -> Result<Receiver, sqlx::Error> {
    let snapshot: String = row.try_get("receiver_name")?;
    if snapshot.is_empty() {
        return Ok(Receiver {
            name: row.try_get("provider_name")?,
            address: row.try_get("provider_address")?,
            responsible: row.try_get("responsible_person")?,
            contact_name: row.try_get("contact_name")?,
            contact_phone: row.try_get("contact_phone")?,
            contact_email: row.try_get("contact_email")?,
            bank_name: row.try_get("bank_name")?,
            account_name: row.try_get("bank_account_name")?,
            account_masked: crate::kit::mask::account_no(
                &row.try_get::<String, _>("bank_account_no")?,
            ),
            invoice_title: row.try_get("invoice_title")?,
            tax_number: row.try_get("tax_number")?,
        });
    }
    Ok(Receiver {
        name: snapshot,
        address: row.try_get("receiver_address")?,
        responsible: row.try_get("receiver_responsible")?,
        contact_name: row.try_get("receiver_contact_name")?,
        contact_phone: row.try_get("receiver_contact_phone")?,
        contact_email: row.try_get("receiver_contact_email")?,
        bank_name: row.try_get("receiver_bank_name")?,
        account_name: row.try_get("receiver_account_name")?,
        account_masked: row.try_get("receiver_account_masked")?,
        invoice_title: row.try_get("receiver_invoice_title")?,
        tax_number: row.try_get("receiver_tax_number")?,
    })
}

pub async fn head(db: &Db, owner: Owner, no: &str) -> Result<Head, AppError> {
    let mut sql = format!(
        "SELECT b.id, b.bill_no, b.status, b.version, b.period_start, b.period_end,
                b.payout_reference, b.payout_date, p.name AS provider_name,
                p.address AS provider_address,                 {RECEIVER_COLUMNS},
                (SELECT u.name FROM memberships m JOIN users u ON u.id = m.user_id
                  WHERE m.provider_id = b.provider_id AND m.role = 'admin') AS admin_name,
                COALESCE((SELECT t.name FROM tiers t WHERE t.id = p.tier_id),
                         (SELECT t.name FROM tiers t ORDER BY t.rank LIMIT 1), '') AS tier_name
         FROM bills b JOIN providers p ON p.id = b.provider_id
         WHERE b.bill_no = $1",
    );
    if let Owner::Provider(_) = owner {
        sql.push_str(" AND b.provider_id = $2");
    }
    let query = match owner {
        Owner::Provider(provider_id) => sqlx::query(&sql).bind(no).bind(provider_id),
        Owner::Platform => sqlx::query(&sql).bind(no),
    };
    let row = query
        .fetch_optional(db.pool())
        .await?
        .ok_or(AppError::NotFound)?;
    // The bill prints the payee as it was when generated.
    let receiver = receiver_of(&row)?;
    Ok(Head {
        id: row.try_get("id")?,
        bill_no: row.try_get("bill_no")?,
        status: bill_status(&row)?,
        version: row.try_get("version")?,
        period: Period {
            start: row.try_get("period_start")?,
            end: row.try_get("period_end")?,
        },
        provider_name: receiver.name.clone(),
        provider_address: receiver.address.clone(),
        admin_name: row
            .try_get::<Option<String>, _>("admin_name")?
            .unwrap_or_default(),
        business_owner: receiver.responsible.clone(),
        receiver,
        payer_name: row
            .try_get::<Option<String>, _>("payer_name")?
            .unwrap_or_default(),
        payer_contact: row
            .try_get::<Option<String>, _>("payer_contact")?
            .unwrap_or_default(),
        tier: row.try_get("tier_name")?,
        payout_reference: row.try_get("payout_reference")?,
        payout_date: row.try_get("payout_date")?,
    })
}

/// Which of a bill's lines the detail shows: a page, or the lines of one 订单编号.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineQuery {
    pub page: i64,
    pub order_no: Option<String>,
}

impl LineQuery {
    pub fn parse(page: &str, order_no: &str) -> Result<LineQuery, AppError> {
        let order_no = order_no.trim();
        Ok(LineQuery {
            page: crate::kit::paging::page_number(page)?,
            order_no: (!order_no.is_empty()).then(|| order_no.chars().take(100).collect()),
        })
    }
}

const LINE_COLUMNS: &str = "id, work_order_id, order_no, order_status, order_total_minor,
     order_currency, product, quantity, traded_at, paid_minor, paid_currency";

/// One page of the version's lines. Positions are 1..n in each version (every writer numbers
/// them so), so a page is a range of the index, however deep.
async fn line_page(
    db: &Db,
    bill_id: i64,
    version: i64,
    query: &LineQuery,
) -> Result<Vec<StoredLine>, sqlx::Error> {
    let by_order_no = format!(
        "SELECT {LINE_COLUMNS} FROM bill_lines
         WHERE bill_id = $1 AND version = $2 AND order_no = $3
         ORDER BY position, id LIMIT {LINES_PER_PAGE}"
    );
    let by_position = format!(
        "SELECT {LINE_COLUMNS} FROM bill_lines
         WHERE bill_id = $1 AND version = $2 AND position > $3
         ORDER BY position, id LIMIT {LINES_PER_PAGE}"
    );
    let rows = match &query.order_no {
        Some(order_no) => sqlx::query(&by_order_no)
            .bind(bill_id)
            .bind(version)
            .bind(order_no.as_str()),
        None => sqlx::query(&by_position)
            .bind(bill_id)
            .bind(version)
            .bind(crate::kit::paging::offset(query.page, LINES_PER_PAGE)),
    }
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(StoredLine::from_row).collect()
}

pub async fn detail(
    db: &Db,
    owner: Owner,
    no: &str,
    lines: &LineQuery,
    can_answer_role: bool,
) -> Result<BillDetail, AppError> {
    let head = head(db, owner, no).await?;
    let totals = version_totals(db.pool(), head.id, head.version).await?;
    // A page past the last shows the last (a bill that shrank since the link was made).
    let last_page = page_count(totals.orders, LINES_PER_PAGE);
    let line_query = &LineQuery {
        page: lines.page.min(last_page),
        order_no: lines.order_no.clone(),
    };
    let lines = line_page(db, head.id, head.version, line_query).await?;
    let lines_found = match line_query.order_no {
        Some(_) => lines.len() as i64,
        None => totals.orders,
    };
    let events = sqlx::query(
        "SELECT e.version, e.action, e.from_status, e.to_status, e.reason, e.disputed_lines,
                e.created_at, u.name AS actor_name, u.email AS actor_email
         FROM bill_events e LEFT JOIN users u ON u.id = e.actor_id
         WHERE e.bill_id = $1 ORDER BY e.created_at, e.id",
    )
    .bind(head.id)
    .fetch_all(db.pool())
    .await?;
    let mut history = Vec::new();
    let mut steps: Vec<StepView> = BillStatus::PROGRESS
        .iter()
        .map(|s| StepView {
            status: *s,
            at: String::new(),
            actor: String::new(),
        })
        .collect();
    let mut dispute = None;
    for row in &events {
        let name: Option<String> = row.try_get("actor_name")?;
        let email: Option<String> = row.try_get("actor_email")?;
        let actor = match (name, email) {
            (Some(n), _) if !n.is_empty() => n,
            (_, Some(e)) => e,
            _ => "—".into(),
        };
        let at = format_datetime(row.try_get("created_at")?);
        let to = BillStatus::from_db(&row.try_get::<String, _>("to_status")?);
        let action: String = row.try_get("action")?;
        let reason: String = row.try_get("reason")?;
        let disputed: String = row.try_get("disputed_lines")?;
        if let Some(step) = steps.iter_mut().find(|s| Some(s.status) == to) {
            if action != "regenerate" {
                step.at = at.clone();
                step.actor = actor.clone();
            }
        }
        if action == "reject" {
            dispute = Some(DisputeView {
                reason: reason.clone(),
                lines: disputed
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect(),
                at: at.clone(),
                actor: actor.clone(),
            });
        }
        history.push(BillEventView {
            at,
            actor,
            action: format!("bill.action.{action}"),
            version: row.try_get("version")?,
            reason,
            disputed_lines: disputed.replace(',', ", "),
        });
    }
    // A dispute stays on show until the revised bill is confirmed.
    if !head.status.shows_dispute() {
        dispute = None;
    }
    let disputed_nos: Vec<String> = dispute
        .as_ref()
        .filter(|_| head.status == BillStatus::Disputed)
        .map(|d| d.lines.clone())
        .unwrap_or_default();
    let revisions = revisions(db, head.id, head.version).await?;
    let payout = sqlx::query(
        "SELECT currency, amount_minor FROM bill_payouts WHERE bill_id = $1 ORDER BY currency",
    )
    .bind(head.id)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(|r| {
        Ok(Money::from_minor(r.try_get("amount_minor")?, currency(r, "currency")?).to_string())
    })
    .collect::<Result<Vec<String>, sqlx::Error>>()?;
    let zone = crate::kit::time::Zone::viewer();
    Ok(BillDetail {
        bill_no: head.bill_no.clone(),
        status: head.status,
        version: head.version,
        printed_at: format_datetime_seconds(now()),
        time_zone: zone.name().to_owned(),
        time_zone_key: zone.label_key().to_owned(),
        provider: head.provider_name.clone(),
        provider_address: head.provider_address.clone(),
        admin_name: head.admin_name.clone(),
        business_owner: head.business_owner.clone(),
        receiver: head.receiver.clone(),
        payer_name: head.payer_name.clone(),
        payer_contact: head.payer_contact.clone(),
        tier: head.tier.clone(),
        period: head.period.label(),
        lines: lines.iter().map(|l| l.view(&disputed_nos)).collect(),
        line_page: match line_query.order_no {
            Some(_) => 1,
            None => line_query.page,
        },
        // A search shows its matches (at most a page) on one page.
        line_pages: match line_query.order_no {
            Some(_) => 1,
            None => last_page,
        },
        lines_found,
        line_filter: line_query.order_no.clone().unwrap_or_default(),
        totals: totals_view(&totals),
        payout_due: totals
            .paid
            .iter()
            .map(|m| (m.currency.code().to_owned(), m.amount.to_string()))
            .collect(),
        steps,
        history,
        revisions,
        dispute,
        payout: (head.status == BillStatus::Completed).then(|| PayoutView {
            reference: head.payout_reference.clone(),
            date: head.payout_date.clone().unwrap_or_default(),
            amounts: payout,
        }),
        can_answer: can_answer_role && head.status == BillStatus::Confirming,
    })
}

/// At most this many changes of one revision are shown; the rest are counted.
const CHANGES_SHOWN: i64 = 100;

/// Each version after the first, with how its lines differ from the one before (as stored
/// when the version was written).
async fn revisions(db: &Db, bill_id: i64, current: i64) -> Result<Vec<RevisionView>, sqlx::Error> {
    let versions = sqlx::query(
        "SELECT v.version, v.note, v.created_at, u.name AS actor_name,
                (SELECT COUNT(*) FROM bill_changes c
                  WHERE c.bill_id = v.bill_id AND c.version = v.version) AS changes
         FROM bill_versions v LEFT JOIN users u ON u.id = v.created_by
         WHERE v.bill_id = $1 AND v.version > 1 AND v.version <= $2 ORDER BY v.version DESC",
    )
    .bind(bill_id)
    .bind(current)
    .fetch_all(db.pool())
    .await?;
    let mut out = Vec::new();
    for row in versions {
        let version: i64 = row.try_get("version")?;
        let rows = sqlx::query(&format!(
            "SELECT kind, order_no, before_minor, before_currency, after_minor, after_currency
             FROM bill_changes WHERE bill_id = $1 AND version = $2
             ORDER BY position LIMIT {CHANGES_SHOWN}"
        ))
        .bind(bill_id)
        .bind(version)
        .fetch_all(db.pool())
        .await?;
        let amount = |row: &AnyRow, side: &str| -> Result<String, sqlx::Error> {
            let minor: Option<i64> = row.try_get(format!("{side}_minor").as_str())?;
            let code: Option<String> = row.try_get(format!("{side}_currency").as_str())?;
            Ok(match (minor, code) {
                (Some(minor), Some(code)) => {
                    let currency = Currency::from_code(&code)
                        .ok_or_else(|| sqlx::Error::Decode(format!("currency {code}").into()))?;
                    Money::from_minor(minor, currency).to_string()
                }
                _ => String::new(),
            })
        };
        let changes = rows
            .iter()
            .map(|change| {
                Ok(ChangeView {
                    kind: format!("bill.change.{}", change.try_get::<String, _>("kind")?),
                    order_no: change.try_get("order_no")?,
                    before: amount(change, "before")?,
                    after: amount(change, "after")?,
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        let note: String = row.try_get("note")?;
        out.push(RevisionView {
            version,
            note: revision_note(note),
            at: format_datetime(row.try_get("created_at")?),
            actor: row
                .try_get::<Option<String>, _>("actor_name")?
                .unwrap_or_default(),
            changes_total: row.try_get("changes")?,
            changes,
        });
    }
    Ok(out)
}
