//! One-value lookups and plain statements on a test app's database, so that a test reads
//! as the question it asks.

use super::TestApp;
use sqlx::{Any, Row};

impl TestApp {
    /// The integer in the first column of `sql`'s one row (a count, an id).
    pub async fn number(&self, sql: &str) -> i64 {
        self.first(sql, ()).await
    }

    /// [`TestApp::number`] with `$1` bound to `value` (`()` binds nothing).
    pub async fn number_with<'q>(&self, sql: &'q str, value: impl Bind<'q>) -> i64 {
        self.first(sql, value).await
    }

    /// The text in the first column of `sql`'s one row.
    pub async fn text(&self, sql: &str) -> String {
        self.first(sql, ()).await
    }

    /// [`TestApp::text`] with `$1` bound to `value`.
    pub async fn text_with<'q>(&self, sql: &'q str, value: impl Bind<'q>) -> String {
        self.first(sql, value).await
    }

    /// The first column of `sql`'s rows, as text.
    pub async fn strings(&self, sql: &str) -> Vec<String> {
        self.column(sql, ()).await
    }

    /// [`TestApp::strings`] with `$1` bound to `value`.
    pub async fn strings_with<'q>(&self, sql: &'q str, value: impl Bind<'q>) -> Vec<String> {
        self.column(sql, value).await
    }

    /// The first column of `sql`'s rows, as integers (ids).
    pub async fn numbers(&self, sql: &str) -> Vec<i64> {
        self.column(sql, ()).await
    }

    /// [`TestApp::numbers`] with `$1` bound to `value`.
    pub async fn numbers_with<'q>(&self, sql: &'q str, value: impl Bind<'q>) -> Vec<i64> {
        self.column(sql, value).await
    }

    /// Runs `sql` (an UPDATE, a DELETE, an INSERT).
    pub async fn execute(&self, sql: &str) {
        self.execute_with(sql, ()).await
    }

    /// [`TestApp::execute`] with `$1` bound to `value`.
    pub async fn execute_with<'q>(&self, sql: &'q str, value: impl Bind<'q>) {
        value
            .bind_to(sqlx::query(sql))
            .execute(self.db.pool())
            .await
            .unwrap();
    }

    async fn first<'q, T: Column>(&self, sql: &'q str, value: impl Bind<'q>) -> T {
        let row = value
            .bind_to(sqlx::query(sql))
            .fetch_one(self.db.pool())
            .await
            .unwrap();
        row.try_get(0).unwrap()
    }

    async fn column<'q, T: Column>(&self, sql: &'q str, value: impl Bind<'q>) -> Vec<T> {
        let rows = value
            .bind_to(sqlx::query(sql))
            .fetch_all(self.db.pool())
            .await
            .unwrap();
        rows.iter().map(|r| r.try_get(0).unwrap()).collect()
    }
}

/// A type a column is read as.
pub trait Column: for<'r> sqlx::Decode<'r, Any> + sqlx::Type<Any> {}
impl<T: for<'r> sqlx::Decode<'r, Any> + sqlx::Type<Any>> Column for T {}

type Query<'q> = sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>>;

/// A value for `$1`, or `()` for none.
pub trait Bind<'q> {
    fn bind_to(self, query: Query<'q>) -> Query<'q>;
}

impl<'q> Bind<'q> for () {
    fn bind_to(self, query: Query<'q>) -> Query<'q> {
        query
    }
}

macro_rules! bind_as_is {
    ($($ty:ty),*) => {$(
        impl<'q> Bind<'q> for $ty {
            fn bind_to(self, query: Query<'q>) -> Query<'q> {
                query.bind(self)
            }
        }
    )*};
}

bind_as_is!(i64, String, &'q str, &'q String);

/// The id of the user with `email`.
pub async fn user_id(app: &TestApp, email: &str) -> i64 {
    app.number_with("SELECT id FROM users WHERE email = $1", email)
        .await
}

/// How many mails were written to `to`.
pub async fn mail_count(app: &TestApp, to: &str) -> i64 {
    app.number_with("SELECT COUNT(*) AS n FROM outbox WHERE to_address = $1", to)
        .await
}

/// (role, status) of `email`'s membership of the provider named `provider`, if any.
pub async fn membership(app: &TestApp, email: &str, provider: &str) -> Option<(String, String)> {
    sqlx::query(
        "SELECT m.role, m.status FROM memberships m JOIN users u ON u.id = m.user_id
         JOIN providers p ON p.id = m.provider_id WHERE u.email = $1 AND p.name = $2",
    )
    .bind(email)
    .bind(provider)
    .fetch_optional(app.db.pool())
    .await
    .unwrap()
    .map(|r| (r.try_get("role").unwrap(), r.try_get("status").unwrap()))
}

/// (recipient, subject) of the newest mail written, to anyone.
pub async fn newest_mail(app: &TestApp) -> (String, String) {
    let mail = sqlx::query("SELECT to_address, subject FROM outbox ORDER BY id DESC LIMIT 1")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    (
        mail.try_get("to_address").unwrap(),
        mail.try_get("subject").unwrap(),
    )
}

/// Moves the invitation links of `user_id` `secs` into the past.
pub async fn age_invitations(app: &TestApp, user_id: i64, secs: i64) {
    sqlx::query("UPDATE account_tokens SET created_at = created_at - $1 WHERE user_id = $2")
        .bind(secs)
        .bind(user_id)
        .execute(app.db.pool())
        .await
        .unwrap();
}
