//! Demo data: the manual's provider MSP-A_TEST1 and its users (§5.1.1, with example.com
//! addresses), a second provider the same admin belongs to, and a platform operator.
//! Loaded once, into an empty database, when the server is started with `--demo`.

use crate::accounts::password;
use crate::db::Db;
use sqlx::Row;
use time::macros::datetime;
use time::OffsetDateTime;

pub const DEMO_PASSWORD: &str = "ProviderCenter#2019";

/// A login the run command prints: role, email, password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoLogin {
    pub role: &'static str,
    pub email: &'static str,
}

pub const DEMO_LOGINS: &[DemoLogin] = &[
    DemoLogin {
        role: "provider admin (管理员, MSP-A_TEST1 and co-admin of 蓝云)",
        email: "aku@example.com",
    },
    DemoLogin {
        role: "provider user (用户, MSP-A_TEST1)",
        email: "305102247@example.com",
    },
    DemoLogin {
        role: "provider admin (管理员, 蓝云)",
        email: "enjian@example.com",
    },
    DemoLogin {
        role: "platform operator (平台)",
        email: "operator@example.com",
    },
];

struct DemoUser {
    email: &'static str,
    name: &'static str,
    phone: &'static str,
    /// (provider index, role, status)
    memberships: &'static [(usize, &'static str, &'static str)],
    operator: bool,
    created: OffsetDateTime,
    last_login: Option<OffsetDateTime>,
}

const PROVIDERS: &[(&str, &str, OffsetDateTime)] = &[
    ("MSP-A_TEST1", "虹口", datetime!(2019-03-21 15:00:00 +8)),
    ("蓝云", "上海", datetime!(2019-05-06 10:00:00 +8)),
];

/// §5.1.1's seven users in their order: ✘ with no last login is an invitation not yet
/// activated; ✘ with a last login is a disabled member.
const USERS: &[DemoUser] = &[
    DemoUser {
        email: "racikg@example.com",
        name: "",
        phone: "",
        memberships: &[(0, "co_admin", "invited")],
        operator: false,
        created: datetime!(2019-08-08 16:17:17 +8),
        last_login: None,
    },
    DemoUser {
        email: "ady72193@example.com",
        name: "",
        phone: "",
        memberships: &[(0, "user", "invited")],
        operator: false,
        created: datetime!(2019-06-24 14:36:38 +8),
        last_login: None,
    },
    DemoUser {
        email: "3weqd75@example.com",
        name: "",
        phone: "",
        memberships: &[(0, "user", "invited")],
        operator: false,
        created: datetime!(2019-06-24 14:29:56 +8),
        last_login: None,
    },
    DemoUser {
        email: "oy69764@example.com",
        name: "test-login1",
        phone: "18162825266",
        memberships: &[(0, "user", "disabled")],
        operator: false,
        created: datetime!(2019-06-21 14:30:10 +8),
        last_login: Some(datetime!(2019-06-21 14:40:02 +8)),
    },
    DemoUser {
        email: "otz43491@example.com",
        name: "test-active2",
        phone: "18162825266",
        memberships: &[(0, "user", "disabled")],
        operator: false,
        created: datetime!(2019-06-21 11:44:44 +8),
        last_login: Some(datetime!(2019-06-21 11:47:44 +8)),
    },
    DemoUser {
        email: "305102247@example.com",
        name: "11",
        phone: "18162825261",
        memberships: &[(0, "user", "active")],
        operator: false,
        created: datetime!(2019-03-28 15:44:33 +8),
        last_login: Some(datetime!(2019-10-30 10:33:33 +8)),
    },
    DemoUser {
        email: "aku@example.com",
        name: "AKU",
        phone: "13653612334",
        memberships: &[(0, "admin", "active"), (1, "co_admin", "active")],
        operator: false,
        created: datetime!(2019-03-21 15:19:47 +8),
        last_login: Some(datetime!(2019-12-19 11:38:42 +8)),
    },
    DemoUser {
        email: "enjian@example.com",
        name: "enjian",
        phone: "",
        memberships: &[(1, "admin", "active")],
        operator: false,
        created: datetime!(2019-05-06 10:00:00 +8),
        last_login: None,
    },
    DemoUser {
        email: "operator@example.com",
        name: "平台运营",
        phone: "",
        memberships: &[],
        operator: true,
        created: datetime!(2019-03-01 09:00:00 +8),
        last_login: None,
    },
];

/// Loads the demo into an empty database; returns whether it did.
pub async fn seed(db: &Db) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin().await?;
    let existing: i64 = sqlx::query("SELECT COUNT(*) AS n FROM providers")
        .fetch_one(&mut *tx)
        .await?
        .try_get("n")?;
    if existing > 0 {
        return Ok(false);
    }
    let hash = password::hash(DEMO_PASSWORD.to_owned())
        .await
        .map_err(|e| sqlx::Error::Protocol(format!("hashing the demo password: {e}")))?;

    let mut provider_ids = Vec::new();
    for (name, address, created) in PROVIDERS {
        let id: i64 = sqlx::query(
            "INSERT INTO providers (name, address, created_at) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(*name)
        .bind(*address)
        .bind(created.unix_timestamp())
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        provider_ids.push(id);
    }
    for user in USERS {
        let activated = user.operator || user.memberships.iter().any(|(_, _, s)| *s != "invited");
        let id: i64 = sqlx::query(
            "INSERT INTO users (email, name, phone, password_hash, platform_role, created_at, last_login_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(user.email)
        .bind(user.name)
        .bind(user.phone)
        .bind(activated.then(|| hash.clone()))
        .bind(user.operator.then_some("operator"))
        .bind(user.created.unix_timestamp())
        .bind(user.last_login.map(|t| t.unix_timestamp()))
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        for (provider, role, status) in user.memberships {
            sqlx::query(
                "INSERT INTO memberships (user_id, provider_id, role, status, created_at)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id)
            .bind(provider_ids[*provider])
            .bind(*role)
            .bind(*status)
            .bind(user.created.unix_timestamp())
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    Ok(true)
}
