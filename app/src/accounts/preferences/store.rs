//! The settings' SQL.

use crate::kit::db::Db;

/// Stores the zone a user reads times in; the next request shows times in it.
pub async fn set_time_zone(db: &Db, user_id: i64, zone: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET time_zone = $1 WHERE id = $2")
        .bind(zone)
        .bind(user_id)
        .execute(db.pool())
        .await?;
    Ok(())
}
