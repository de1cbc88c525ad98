//! Generation of a provider's bill for a month from its paid work orders: a new bill, or a
//! new version of the same period's bill while it is 未分账 or 已驳回.

use super::lines::{add_version, insert_lines, StoredLine};
use super::{audit_entry, bill_status, record, Event};
use crate::billing::model::{self, BillStatus, Period};
use crate::kit::db::{now, Db};
use crate::kit::error::AppError;
use crate::kit::time::day_start;
use crate::orders::model::WorkOrderStatus;
use sqlx::{Any, Row, Transaction};

/// The work orders a period's bill counts: paid inside the period (UTC+8 days) and taken on
/// by the provider (`WorkOrderStatus::billable`: a declined, unpaid or cancelled work order is
/// not the provider's revenue, nor is any stage of it).
async fn billable_lines(
    tx: &mut Transaction<'static, Any>,
    provider_id: i64,
    period: &Period,
) -> Result<Vec<StoredLine>, AppError> {
    let (Some(from), Some(to)) = (day_start(&period.start), day_start(&period.end)) else {
        return Err(AppError::invalid(&[("month", "bill.error.period")]));
    };
    static SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        format!(
            "SELECT w.id AS work_order_id, o.order_no, w.status AS order_status,
                    w.total_incl_minor AS order_total_minor, w.currency AS order_currency,
                    o.solution_name AS product, w.quantity, w.paid_at AS traded_at,
                    w.paid_minor, w.paid_currency, 0 AS id
             FROM work_orders w JOIN orders o ON o.id = w.order_id
             WHERE w.provider_id = $1 AND w.paid_at >= $2 AND w.paid_at < $3
               AND w.paid_minor IS NOT NULL AND w.status IN ({})
             ORDER BY w.paid_at DESC, w.id DESC",
            WorkOrderStatus::sql_list(WorkOrderStatus::billable)
        )
    });
    let rows = sqlx::query(SQL.as_str())
        .bind(provider_id)
        .bind(from)
        .bind(to + 86_400)
        .fetch_all(&mut **tx)
        .await?;
    rows.iter()
        .map(StoredLine::from_row)
        .collect::<Result<_, sqlx::Error>>()
        .map_err(AppError::from)
}

/// Keeps on bill `bill_id` its payee as 企业信息 says now (the account number masked) and
/// the payer as 平台设置 says now: what the bill prints however either changes later.
/// Generation and regeneration take it.
pub async fn snapshot_receiver(
    tx: &mut Transaction<'static, Any>,
    bill_id: i64,
    provider_id: i64,
) -> Result<(), sqlx::Error> {
    let p = sqlx::query(
        "SELECT name, address, responsible_person, contact_name, contact_phone, contact_email,
                bank_name, bank_account_name, bank_account_no, invoice_title, tax_number
         FROM providers WHERE id = $1",
    )
    .bind(provider_id)
    .fetch_one(&mut **tx)
    .await?;
    let account_no: String = p.try_get("bank_account_no")?;
    sqlx::query(
        "UPDATE bills SET receiver_name = $1, receiver_address = $2, receiver_responsible = $3,
                receiver_contact_name = $4, receiver_contact_phone = $5, receiver_contact_email = $6,
                receiver_bank_name = $7, receiver_account_name = $8, receiver_account_masked = $9,
                receiver_invoice_title = $10, receiver_tax_number = $11
         WHERE id = $12",
    )
    .bind(p.try_get::<String, _>("name")?)
    .bind(p.try_get::<String, _>("address")?)
    .bind(p.try_get::<String, _>("responsible_person")?)
    .bind(p.try_get::<String, _>("contact_name")?)
    .bind(p.try_get::<String, _>("contact_phone")?)
    .bind(p.try_get::<String, _>("contact_email")?)
    .bind(p.try_get::<String, _>("bank_name")?)
    .bind(p.try_get::<String, _>("bank_account_name")?)
    .bind(crate::kit::mask::account_no(&account_no))
    .bind(p.try_get::<String, _>("invoice_title")?)
    .bind(p.try_get::<String, _>("tax_number")?)
    .bind(bill_id)
    .execute(&mut **tx)
    .await?;
    // …and the payer of the day (平台设置).
    sqlx::query(
        "UPDATE bills SET payer_name = s.payer_name, payer_contact = s.payer_contact
         FROM platform_settings s WHERE s.id = 1 AND bills.id = $1",
    )
    .bind(bill_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Generates the provider's bill for `period`; generating again while the bill is 未分账 or
/// 已驳回 makes a new version from the work orders as they are now, keeping the old one.
pub async fn generate(
    db: &Db,
    actor_id: i64,
    provider_id: i64,
    period: &Period,
    ip: &str,
) -> Result<String, AppError> {
    let mut tx = db.begin().await?;
    let provider = sqlx::query("SELECT id FROM providers WHERE id = $1")
        .bind(provider_id)
        .fetch_optional(&mut *tx)
        .await?;
    if provider.is_none() {
        return Err(AppError::invalid(&[("provider_id", "bill.error.provider")]));
    }
    let overlapping = sqlx::query(
        "SELECT id, bill_no, status, version, period_start, period_end FROM bills
         WHERE provider_id = $1 AND period_start <= $2 AND period_end >= $3",
    )
    .bind(provider_id)
    .bind(&period.end)
    .bind(&period.start)
    .fetch_all(&mut *tx)
    .await?;
    let periods = overlapping
        .iter()
        .map(|row| {
            Ok((
                Period {
                    start: row.try_get("period_start")?,
                    end: row.try_get("period_end")?,
                },
                bill_status(row)?,
            ))
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    // The same period again may regenerate; any other overlap is refused.
    let existing =
        model::check_regeneration(period, &periods)?.map(|status| (status, &overlapping[0]));
    let lines = billable_lines(&mut tx, provider_id, period).await?;
    if lines.is_empty() {
        return Err(AppError::invalid(&[("month", "bill.error.empty")]));
    }
    if let Some((status, existing)) = existing {
        let bill_id: i64 = existing.try_get("id")?;
        let bill_no: String = existing.try_get("bill_no")?;
        let version = model::next_version(existing.try_get("version")?);
        insert_lines(&mut tx, bill_id, version, &lines).await?;
        add_version(&mut tx, bill_id, version, actor_id, "regenerated").await?;
        snapshot_receiver(&mut tx, bill_id, provider_id).await?;
        sqlx::query("UPDATE bills SET version = $1, updated_at = $2 WHERE id = $3")
            .bind(version)
            .bind(now())
            .bind(bill_id)
            .execute(&mut *tx)
            .await?;
        record(
            &mut tx,
            Event {
                bill_id,
                version,
                actor_id,
                action: "regenerate",
                from: Some(status),
                to: status,
                reason: "",
                disputed_lines: "",
            },
        )
        .await?;
        audit_entry(
            &mut tx,
            provider_id,
            actor_id,
            "bill_regenerate",
            &bill_no,
            ip,
        )
        .await?;
        tx.commit().await?;
        return Ok(bill_no);
    }
    let bill_date = period
        .bill_date()
        .ok_or_else(|| AppError::invalid(&[("month", "bill.error.period")]))?;
    let taken: i64 = sqlx::query("SELECT COUNT(*) AS n FROM bills WHERE bill_no LIKE $1")
        .bind(format!("{bill_date}%"))
        .fetch_one(&mut *tx)
        .await?
        .try_get("n")?;
    let bill_no = model::bill_no(&bill_date, taken + 1);
    let at = now();
    let bill_id: i64 = sqlx::query(
        "INSERT INTO bills (bill_no, provider_id, period_start, period_end, status, version,
                            generated_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, 'unsettled', 1, $5, $6, $6) RETURNING id",
    )
    .bind(&bill_no)
    .bind(provider_id)
    .bind(&period.start)
    .bind(&period.end)
    .bind(actor_id)
    .bind(at)
    .fetch_one(&mut *tx)
    .await?
    .try_get("id")?;
    insert_lines(&mut tx, bill_id, 1, &lines).await?;
    add_version(&mut tx, bill_id, 1, actor_id, "generated").await?;
    snapshot_receiver(&mut tx, bill_id, provider_id).await?;
    record(
        &mut tx,
        Event {
            bill_id,
            version: 1,
            actor_id,
            action: "generate",
            from: None,
            to: BillStatus::Unsettled,
            reason: "",
            disputed_lines: "",
        },
    )
    .await?;
    audit_entry(
        &mut tx,
        provider_id,
        actor_id,
        "bill_generate",
        &bill_no,
        ip,
    )
    .await?;
    tx.commit().await?;
    Ok(bill_no)
}
