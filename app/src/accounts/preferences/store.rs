//! The settings' SQL.

use crate::kit::db::Db;

/// Stores the zone a user reads times in, with its entry in the audit log (the account's
/// history shows when times started to read differently); the next request shows times in it.
pub async fn set_time_zone(
    db: &Db,
    provider_id: Option<i64>,
    user_id: i64,
    zone: &str,
    ip: &str,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE users SET time_zone = $1 WHERE id = $2")
        .bind(zone)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    crate::kit::audit::user_event(
        &mut *tx,
        provider_id,
        user_id,
        "time_zone_changed",
        zone,
        ip,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
