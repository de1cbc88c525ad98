//! The SQL of 服务提供商: the list, one provider's page, and 暂停 / 恢复 (audited, the
//! provider's admins mailed, in the move's transaction).

use super::company::{Company, CompanyForm, RenameDecision, RenameStatus};
use super::model::{ProviderFilter, ProviderMove, ProviderState};
use super::{ProviderBill, ProviderDetail, ProviderList, ProviderMember, ProviderRow, RenameView};
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
        renames: Vec::new(),
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
        rename: latest_rename(db, provider_id, &zone).await?,
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
    audit(&mut tx, provider_id, actor, audit_action, reason, ip).await?;
    let admins = crate::kit::mail::provider_admin_addresses(&mut tx, provider_id).await?;
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
    audit(
        &mut tx,
        scope.provider_id,
        scope.user_id,
        "company_changed",
        &changed.join(", "),
        ip,
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

/// The platform's queue shows at most this many waiting name changes (few wait at once).
const RENAMES_SHOWN: i64 = 50;

const RENAME_COLUMNS: &str = "c.id, c.provider_id, c.old_name, c.new_name, c.status,
    c.requested_at, c.decided_at, c.decision_reason, COALESCE(u.email, '') AS requested_by";

fn rename_of(row: &sqlx::any::AnyRow, zone: &Zone) -> Result<RenameView, AppError> {
    let status: String = row.try_get("status")?;
    Ok(RenameView {
        id: row.try_get("id")?,
        provider_id: row.try_get("provider_id")?,
        old_name: row.try_get("old_name")?,
        new_name: row.try_get("new_name")?,
        status: RenameStatus::from_db(&status).ok_or(AppError::Internal)?,
        requested: zone.datetime(row.try_get("requested_at")?),
        requested_by: row.try_get("requested_by")?,
        decided: row
            .try_get::<Option<i64>, _>("decided_at")?
            .map(|at| zone.datetime(at))
            .unwrap_or_default(),
        reason: row.try_get("decision_reason")?,
    })
}

/// Provider `provider_id`'s latest name change, waiting or decided.
pub async fn latest_rename(
    db: &Db,
    provider_id: i64,
    zone: &Zone,
) -> Result<Option<RenameView>, AppError> {
    sqlx::query(&format!(
        "SELECT {RENAME_COLUMNS} FROM company_name_changes c
         LEFT JOIN users u ON u.id = c.requested_by
         WHERE c.provider_id = $1 ORDER BY c.id DESC LIMIT 1"
    ))
    .bind(provider_id)
    .fetch_optional(db.pool())
    .await?
    .map(|row| rename_of(&row, zone))
    .transpose()
}

/// The name changes waiting for the platform, oldest first.
pub async fn pending_renames(db: &Db, zone: &Zone) -> Result<Vec<RenameView>, AppError> {
    sqlx::query(&format!(
        "SELECT {RENAME_COLUMNS} FROM company_name_changes c
         LEFT JOIN users u ON u.id = c.requested_by
         WHERE c.status = 'pending' ORDER BY c.requested_at, c.id LIMIT {RENAMES_SHOWN}"
    ))
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(|row| rename_of(row, zone))
    .collect()
}

/// The scope's admin or co-admin asks for the company to be called `typed`: checked, one
/// request waiting at a time, the name free, audited, and the operators mailed. The name
/// stays the old one until the platform approves. A refusal gives the key of its message.
pub async fn request_rename(
    db: &Db,
    public_url: &str,
    scope: &crate::kit::request::ProviderScope,
    typed: &str,
    ip: &str,
) -> Result<Result<(), &'static str>, AppError> {
    let mut tx = db.begin().await?;
    // A no-op write locks the provider: two requests at once do not both wait.
    let current: String =
        sqlx::query_scalar("UPDATE providers SET name = name WHERE id = $1 RETURNING name")
            .bind(scope.provider_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(AppError::NotFound)?;
    let name = match super::company::new_name(typed, &current) {
        Ok(name) => name,
        Err(code) => return Ok(Err(code)),
    };
    let waiting: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM company_name_changes WHERE provider_id = $1 AND status = 'pending'",
    )
    .bind(scope.provider_id)
    .fetch_optional(&mut *tx)
    .await?;
    if waiting.is_some() {
        return Ok(Err("company.error.rename_pending"));
    }
    if name_taken(&mut tx, &name, scope.provider_id).await? {
        return Ok(Err("registration.error.name_taken"));
    }
    let at = now();
    // The provider's row lock above keeps two requests at once apart; the unique index
    // stands behind it.
    sqlx::query(
        "INSERT INTO company_name_changes (provider_id, old_name, new_name, requested_by, requested_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(scope.provider_id)
    .bind(&current)
    .bind(&name)
    .bind(scope.user_id)
    .bind(at)
    .execute(&mut *tx)
    .await?;
    audit(
        &mut tx,
        scope.provider_id,
        scope.user_id,
        "company_rename_requested",
        &format!("{current} → {name}"),
        ip,
    )
    .await?;
    let letter = super::notify::rename_requested(public_url, &current, &name, scope.provider_id);
    for to in crate::kit::mail::operator_addresses(&mut tx).await? {
        crate::kit::mail::post(&mut tx, &to, &letter).await?;
    }
    tx.commit().await?;
    Ok(Ok(()))
}

/// Whether another provider has `name`, or waits to be given it.
async fn name_taken(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    name: &str,
    provider_id: i64,
) -> Result<bool, AppError> {
    let taken: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM providers WHERE name = $1 AND id <> $2
         UNION ALL
         SELECT provider_id FROM company_name_changes
          WHERE status = 'pending' AND new_name = $1 AND provider_id <> $2
         LIMIT 1",
    )
    .bind(name)
    .bind(provider_id)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(taken.is_some())
}

/// Operator `actor` approves or rejects name change `change_id`: decided once under a row
/// lock; an approval gives the provider the new name (its bills keep the name they were
/// generated with). Audited in the provider's log; its admins and co-admins mailed. Gives
/// the provider's id.
pub async fn decide_rename(
    db: &Db,
    actor: i64,
    change_id: i64,
    decision: RenameDecision,
    reason: &str,
    ip: &str,
) -> Result<i64, AppError> {
    let mut tx = db.begin().await?;
    let row = sqlx::query(
        "UPDATE company_name_changes SET status = status WHERE id = $1
         RETURNING provider_id, old_name, new_name, status",
    )
    .bind(change_id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::NotFound)?;
    let provider_id: i64 = row.try_get("provider_id")?;
    let old_name: String = row.try_get("old_name")?;
    let new_name: String = row.try_get("new_name")?;
    let status: String = row.try_get("status")?;
    let to = RenameStatus::from_db(&status)
        .ok_or(AppError::Internal)?
        .decide(decision)
        .map_err(|key| AppError::Conflict(key.into()))?;
    if decision == RenameDecision::Approve {
        if name_taken(&mut tx, &new_name, provider_id).await? {
            return Err(AppError::Conflict("registration.error.name_taken".into()));
        }
        sqlx::query("UPDATE providers SET name = $1 WHERE id = $2")
            .bind(&new_name)
            .bind(provider_id)
            .execute(&mut *tx)
            .await
            .map_err(|e| match e {
                sqlx::Error::Database(e) if e.is_unique_violation() => {
                    AppError::Conflict("registration.error.name_taken".into())
                }
                e => e.into(),
            })?;
    }
    sqlx::query(
        "UPDATE company_name_changes SET status = $1, decided_by = $2, decided_at = $3,
                decision_reason = $4
         WHERE id = $5",
    )
    .bind(to.as_db())
    .bind(actor)
    .bind(now())
    .bind(reason)
    .bind(change_id)
    .execute(&mut *tx)
    .await?;
    let (action, detail) = match decision {
        RenameDecision::Approve => ("company_renamed", format!("{old_name} → {new_name}")),
        RenameDecision::Reject => (
            "company_rename_rejected",
            format!("{old_name} → {new_name}: {reason}"),
        ),
    };
    audit(&mut tx, provider_id, actor, action, &detail, ip).await?;
    let letter = super::notify::rename_decided(&old_name, &new_name, decision, reason);
    for to in crate::kit::mail::provider_admin_addresses(&mut tx, provider_id).await? {
        crate::kit::mail::post(&mut tx, &to, &letter).await?;
    }
    tx.commit().await?;
    Ok(provider_id)
}

/// An entry in provider `provider_id`'s audit log about the provider itself.
async fn audit(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    provider_id: i64,
    actor: i64,
    action: &'static str,
    detail: &str,
    ip: &str,
) -> Result<(), sqlx::Error> {
    crate::kit::audit::record(
        &mut **tx,
        crate::kit::audit::Entry {
            provider_id: Some(provider_id),
            actor_id: Some(actor),
            action,
            target_type: "provider",
            target_id: &provider_id.to_string(),
            detail,
            ip,
        },
    )
    .await
}
