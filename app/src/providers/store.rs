//! The SQL of 服务提供商: the list, one provider's page, and 暂停 / 恢复 (audited, the
//! provider's admins mailed, in the move's transaction).

use super::company::{Company, CompanyForm};
use super::model::{ProviderFilter, ProviderMove, ProviderState};
use super::{ProviderBill, ProviderDetail, ProviderList, ProviderMember, ProviderRow};
use crate::kit::code::Code;
use crate::kit::db::{contains_pattern, now, Db};
use crate::kit::error::AppError;
use crate::kit::request::Role;
use crate::kit::time::Zone;
use sqlx::Row;

/// A provider's page lists at most this many members (a provider has a handful).
const MEMBERS_SHOWN: i64 = 200;
/// …and its latest bills; the rest are one link away in 分账管理.
const BILLS_SHOWN: i64 = 5;

pub async fn list(db: &Db, filter: &ProviderFilter, zone: Zone) -> Result<ProviderList, AppError> {
    let mut conditions = vec!["1 = 1".to_owned()];
    let mut binds: Vec<String> = Vec::new();
    if !filter.q.is_empty() {
        binds.push(contains_pattern(&filter.q.to_ascii_lowercase()));
        conditions.push(format!(
            "{} LIKE ${} ESCAPE '\\'",
            db.backend().fold_ascii("p.name"),
            binds.len()
        ));
    }
    match filter.state {
        Some(ProviderState::Active) => conditions.push("p.suspended_at IS NULL".into()),
        Some(ProviderState::Suspended) => conditions.push("p.suspended_at IS NOT NULL".into()),
        None => {}
    }
    let condition = conditions.join(" AND ");
    let count_sql = format!("SELECT COUNT(*) FROM providers p WHERE {condition}");
    let mut count = sqlx::query_scalar::<_, i64>(&count_sql);
    for value in &binds {
        count = count.bind(value);
    }
    let total = count.fetch_one(db.pool()).await?;
    let list_sql = format!(
        "SELECT p.id, p.name, p.responsible_person, p.created_at, p.suspended_at,
                    COALESCE(t.name, '') AS tier,
                    (SELECT COUNT(*) FROM memberships m
                      WHERE m.provider_id = p.id AND m.status = 'active') AS members
             FROM providers p LEFT JOIN tiers t ON t.id = p.tier_id
             WHERE {condition} ORDER BY p.name, p.id LIMIT {} OFFSET {}",
        filter.per_page,
        crate::kit::paging::offset(filter.page, filter.per_page)
    );
    let mut rows =
        sqlx::query_as::<_, (i64, String, String, i64, Option<i64>, String, i64)>(&list_sql);
    for value in &binds {
        rows = rows.bind(value);
    }
    let rows = rows
        .fetch_all(db.pool())
        .await?
        .into_iter()
        .map(
            |(id, name, responsible_person, created_at, suspended_at, tier, active_members)| {
                ProviderRow {
                    id,
                    name,
                    responsible_person,
                    tier,
                    active_members,
                    state: ProviderState::of(suspended_at.is_some()),
                    created: zone.datetime(created_at),
                }
            },
        )
        .collect();
    Ok(ProviderList {
        rows,
        total,
        page: filter.page,
        per_page: filter.per_page,
    })
}

pub async fn detail(db: &Db, provider_id: i64, zone: Zone) -> Result<ProviderDetail, AppError> {
    let row = sqlx::query(
        "SELECT p.name, p.address, p.responsible_person, p.created_at, p.suspended_at,
                p.suspension_reason, COALESCE(t.name, '') AS tier
         FROM providers p LEFT JOIN tiers t ON t.id = p.tier_id WHERE p.id = $1",
    )
    .bind(provider_id)
    .fetch_optional(db.pool())
    .await?
    .ok_or(AppError::NotFound)?;
    let suspended_at: Option<i64> = row.try_get("suspended_at")?;
    let members = sqlx::query(
        "SELECT u.email, COALESCE(NULLIF(m.name, ''), u.name) AS name, m.role, m.status, u.last_login_at
         FROM memberships m JOIN users u ON u.id = m.user_id
         WHERE m.provider_id = $1
         ORDER BY CASE m.role WHEN 'admin' THEN 0 WHEN 'co_admin' THEN 1 ELSE 2 END, m.created_at, u.id
         LIMIT $2",
    )
    .bind(provider_id)
    .bind(MEMBERS_SHOWN)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(|r| {
        let role: String = r.try_get("role")?;
        let status: String = r.try_get("status")?;
        Ok(ProviderMember {
            email: r.try_get("email")?,
            name: r.try_get("name")?,
            role: Role::from_db(&role)
                .ok_or_else(|| sqlx::Error::Decode(format!("role {role}").into()))?,
            state_key: crate::users::MemberState::from_db(&status)
                .map(|s| s.label_key())
                .unwrap_or_default()
                .to_owned(),
            last_login: r
                .try_get::<Option<i64>, _>("last_login_at")?
                .map(|at| zone.datetime(at))
                .unwrap_or_default(),
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    // The counters 服务工单 keeps in every move's transaction: no work order is read.
    let counts: Vec<(String, i64)> =
        sqlx::query_as("SELECT bucket, n FROM work_order_counts WHERE provider_id = $1")
            .bind(provider_id)
            .fetch_all(db.pool())
            .await?;
    let work_orders = crate::orders::model::WorkOrderStatus::all()
        .map(|status| {
            let n = counts
                .iter()
                .find(|(bucket, _)| bucket == status.as_db())
                .map_or(0, |(_, n)| *n);
            (status.label_key().to_owned(), n)
        })
        .collect();
    let bills = sqlx::query_as::<_, (String, String, String, String)>(
        "SELECT bill_no, period_start, period_end, status FROM bills
         WHERE provider_id = $1 ORDER BY period_end DESC, id DESC LIMIT $2",
    )
    .bind(provider_id)
    .bind(BILLS_SHOWN)
    .fetch_all(db.pool())
    .await?
    .into_iter()
    .map(|(no, start, end, status)| ProviderBill {
        no,
        period: crate::orders::model::period(&start, Some(&end)),
        status_key: crate::billing::model::BillStatus::from_db(&status)
            .map(|s| s.label_key())
            .unwrap_or_default()
            .to_owned(),
    })
    .collect();
    Ok(ProviderDetail {
        id: provider_id,
        name: row.try_get("name")?,
        address: row.try_get("address")?,
        responsible_person: row.try_get("responsible_person")?,
        tier: row.try_get("tier")?,
        state: ProviderState::of(suspended_at.is_some()),
        suspended: suspended_at.map(|at| zone.datetime(at)).unwrap_or_default(),
        suspension_reason: row.try_get("suspension_reason")?,
        created: zone.datetime(row.try_get("created_at")?),
        company: company(db, provider_id).await?.shown(),
        members,
        work_orders,
        bills,
    })
}

/// 暂停 (with `reason`) or 恢复 provider `provider_id`, by operator `actor`: the move checked
/// against the provider's state under a row lock, audited, and its active admins and
/// co-admins mailed, all in one transaction.
pub async fn apply(
    db: &Db,
    actor: i64,
    provider_id: i64,
    action: ProviderMove,
    reason: &str,
    ip: &str,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    // A no-op write locks the row on both databases: two operators at once see each other.
    let row = sqlx::query(
        "UPDATE providers SET suspended_at = suspended_at WHERE id = $1
         RETURNING name, suspended_at",
    )
    .bind(provider_id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::NotFound)?;
    let name: String = row.try_get("name")?;
    let state = ProviderState::of(row.try_get::<Option<i64>, _>("suspended_at")?.is_some());
    state
        .apply(action)
        .map_err(|key| AppError::Conflict(key.into()))?;
    let (suspended_at, kept_reason, audit_action) = match action {
        ProviderMove::Suspend => (Some(now()), reason, "provider_suspended"),
        ProviderMove::Reinstate => (None, "", "provider_reinstated"),
    };
    sqlx::query("UPDATE providers SET suspended_at = $1, suspension_reason = $2 WHERE id = $3")
        .bind(suspended_at)
        .bind(kept_reason)
        .bind(provider_id)
        .execute(&mut *tx)
        .await?;
    crate::kit::audit::record(
        &mut *tx,
        crate::kit::audit::Entry {
            provider_id: Some(provider_id),
            actor_id: Some(actor),
            action: audit_action,
            target_type: "provider",
            target_id: &provider_id.to_string(),
            detail: reason,
            ip,
        },
    )
    .await?;
    let admins: Vec<String> = sqlx::query_scalar(
        "SELECT u.email FROM memberships m JOIN users u ON u.id = m.user_id
         WHERE m.provider_id = $1 AND m.status = 'active' AND m.role IN ('admin', 'co_admin')
         ORDER BY u.id",
    )
    .bind(provider_id)
    .fetch_all(&mut *tx)
    .await?;
    let letter = super::notify::moved(&name, action, reason);
    for to in admins {
        crate::kit::mail::post(&mut tx, &to, &letter).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// 企业信息's columns of `providers`.
const COMPANY: &str = "name, address, responsible_person, contact_name, contact_phone,
        contact_email, bank_name, bank_account_name, bank_account_no, invoice_title, tax_number";

fn company_of(row: &sqlx::any::AnyRow) -> Result<Company, sqlx::Error> {
    Ok(Company {
        name: row.try_get("name")?,
        address: row.try_get("address")?,
        responsible_person: row.try_get("responsible_person")?,
        contact_name: row.try_get("contact_name")?,
        contact_phone: row.try_get("contact_phone")?,
        contact_email: row.try_get("contact_email")?,
        bank_name: row.try_get("bank_name")?,
        bank_account_name: row.try_get("bank_account_name")?,
        bank_account_no: row.try_get("bank_account_no")?,
        invoice_title: row.try_get("invoice_title")?,
        tax_number: row.try_get("tax_number")?,
    })
}

/// 企业信息 of provider `provider_id` as kept (the account number whole: callers mask it).
pub async fn company(db: &Db, provider_id: i64) -> Result<Company, AppError> {
    let row = sqlx::query(&format!("SELECT {COMPANY} FROM providers WHERE id = $1"))
        .bind(provider_id)
        .fetch_optional(db.pool())
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(company_of(&row)?)
}

/// Saves 企业信息 for the scope's provider: checked against what is on file under a row
/// lock, audited by changed field (never the account number itself), and, when the payout
/// account changed, the admin mailed (naming `by`, the saver's address) with both numbers
/// masked.
pub async fn save_company(
    db: &Db,
    scope: &crate::kit::request::ProviderScope,
    form: &CompanyForm,
    by: &str,
    ip: &str,
) -> Result<Result<(), Vec<(&'static str, &'static str)>>, AppError> {
    let mut tx = db.begin().await?;
    // A no-op write locks the row on both databases: two saves at once do not interleave.
    let row = sqlx::query(&format!(
        "UPDATE providers SET address = address WHERE id = $1 RETURNING {COMPANY}"
    ))
    .bind(scope.provider_id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::NotFound)?;
    let before = company_of(&row)?;
    let after = match form.check(&before) {
        Ok(after) => after,
        Err(errors) => return Ok(Err(errors)),
    };
    let changed = after.changed_from(&before);
    if changed.is_empty() {
        return Ok(Ok(()));
    }
    sqlx::query(
        "UPDATE providers SET address = $1, responsible_person = $2, contact_name = $3,
                contact_phone = $4, contact_email = $5, bank_name = $6, bank_account_name = $7,
                bank_account_no = $8, invoice_title = $9, tax_number = $10
         WHERE id = $11",
    )
    .bind(&after.address)
    .bind(&after.responsible_person)
    .bind(&after.contact_name)
    .bind(&after.contact_phone)
    .bind(&after.contact_email)
    .bind(&after.bank_name)
    .bind(&after.bank_account_name)
    .bind(&after.bank_account_no)
    .bind(&after.invoice_title)
    .bind(&after.tax_number)
    .bind(scope.provider_id)
    .execute(&mut *tx)
    .await?;
    crate::kit::audit::record(
        &mut *tx,
        crate::kit::audit::Entry {
            provider_id: Some(scope.provider_id),
            actor_id: Some(scope.user_id),
            action: "company_changed",
            target_type: "provider",
            target_id: &scope.provider_id.to_string(),
            detail: &changed.join(", "),
            ip,
        },
    )
    .await?;
    if after.payout_account_changed(&before) {
        let admins: Vec<String> = sqlx::query_scalar(
            "SELECT u.email FROM memberships m JOIN users u ON u.id = m.user_id
             WHERE m.provider_id = $1 AND m.status = 'active' AND m.role = 'admin'",
        )
        .bind(scope.provider_id)
        .fetch_all(&mut *tx)
        .await?;
        let letter = super::notify::payout_account_changed(&before, &after, by);
        for to in admins {
            crate::kit::mail::post(&mut tx, &to, &letter).await?;
        }
    }
    tx.commit().await?;
    Ok(Ok(()))
}
