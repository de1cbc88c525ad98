//! Demo data: the manual's provider MSP-A_TEST1 and its users (§5.1.1, with example.com
//! addresses), a second provider the same admin belongs to, and a platform operator.
//! Loaded once, into an empty database, when the server is started with `--demo`.

pub mod scale;

use crate::accounts::security::password;
use crate::kit::db::Db;
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
    seed_orders(&mut tx, &provider_ids).await?;
    // The manual's payer (§6.1.2), as an operator would set it in 平台设置.
    sqlx::query(
        "UPDATE platform_settings SET payer_name = '上海蓝云网络科技有限公司',
                payer_contact = 'billing@example.com' WHERE id = 1",
    )
    .execute(&mut *tx)
    .await?;
    seed_bills(&mut tx, provider_ids[0]).await?;
    seed_service_items(&mut tx, provider_ids[0]).await?;
    seed_tier(&mut tx, provider_ids[0]).await?;
    seed_tickets(&mut tx, provider_ids[0]).await?;
    tx.commit().await?;
    Ok(true)
}

/// A demo work order: (服务工单号, 服务项, unit price, tax rate, status, created, currency).
type DemoWorkOrder = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    OffsetDateTime,
    &'static str,
);

/// The 14 work orders of manual §3.1.1, in its order.
const MSP_A_WORK_ORDERS: &[DemoWorkOrder] = &[
    (
        "20191206030252180",
        "heonor测试服务项",
        "110.00",
        "0",
        "partially_accepted",
        datetime!(2019-12-06 11:02:52 +8),
        "CNY",
    ),
    (
        "20190929101934401",
        "MSP绑定测试",
        "200.00",
        "0",
        "partially_accepted",
        datetime!(2019-09-29 18:19:34 +8),
        "CNY",
    ),
    (
        "20190929101934120",
        "MSP绑定测试",
        "100.00",
        "0",
        "partially_accepted",
        datetime!(2019-09-29 18:19:34 +8),
        "CNY",
    ),
    (
        "20190927083159546",
        "MSP绑定测试",
        "200.00",
        "0",
        "partially_accepted",
        datetime!(2019-09-27 16:31:59 +8),
        "CNY",
    ),
    (
        "20190927083159108",
        "MSP绑定测试",
        "100.00",
        "0",
        "rejected",
        datetime!(2019-09-27 16:31:59 +8),
        "CNY",
    ),
    (
        "20190927070759188",
        "MSP绑定测试",
        "220.00",
        "0",
        "in_progress",
        datetime!(2019-09-27 15:07:59 +8),
        "CNY",
    ),
    (
        "20190927070759816",
        "MSP绑定测试",
        "110.00",
        "0",
        "completed",
        datetime!(2019-09-27 15:07:59 +8),
        "CNY",
    ),
    (
        "20190927065256141",
        "MSP绑定测试",
        "20.00",
        "0",
        "awaiting_acceptance",
        datetime!(2019-09-27 14:52:56 +8),
        "CNY",
    ),
    (
        "20190927064519381",
        "MSP绑定测试",
        "220.00",
        "0",
        "awaiting_acceptance",
        datetime!(2019-09-27 14:45:19 +8),
        "CNY",
    ),
    (
        "20190927055659889",
        "MSP绑定测试",
        "220.00",
        "0",
        "partially_accepted",
        datetime!(2019-09-27 13:56:59 +8),
        "CNY",
    ),
    (
        "20190722033531375",
        "",
        "1.00",
        "0",
        "awaiting_payment",
        datetime!(2019-07-22 11:35:31 +8),
        "CNY",
    ),
    (
        "20190626034033280",
        "",
        "1.00",
        "0",
        "completed",
        datetime!(2019-06-26 11:40:33 +8),
        "CNY",
    ),
    (
        "2019062603314338",
        "",
        "4888888888888889.00",
        "0",
        "in_progress",
        datetime!(2019-06-26 11:33:14 +8),
        "CNY",
    ),
    (
        "20190620073718417",
        "",
        "10.00",
        "0",
        "completed",
        datetime!(2019-06-20 15:37:18 +8),
        "CNY",
    ),
];

/// The second provider's work orders: foreign data MSP-A_TEST1 must never see.
const BLUE_CLOUD_WORK_ORDERS: &[DemoWorkOrder] = &[
    (
        "20191101090000001",
        "云迁移服务",
        "5000.00",
        "0.06",
        "awaiting_acceptance",
        datetime!(2019-11-01 09:00:00 +8),
        "CNY",
    ),
    (
        "20191102090000002",
        "Office 365 部署",
        "800.00",
        "0",
        "in_progress",
        datetime!(2019-11-02 09:00:00 +8),
        "USD",
    ),
];

/// Stages: (阶段, start, end, 交付标准, 备注, status).
type DemoStage<'a> = (i64, &'a str, Option<&'a str>, &'a str, &'a str, &'a str);

async fn insert_work_order(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    provider_id: i64,
    order_no: &str,
    solution: &str,
    wo: &DemoWorkOrder,
    stages: &[DemoStage<'_>],
) -> Result<(), sqlx::Error> {
    use crate::kit::money::{tax_inclusive, Currency, Money};
    use rust_decimal::Decimal;
    use std::str::FromStr;
    let (no, item, price, rate, status, created, currency) = *wo;
    let currency = Currency::from_code(currency).expect("a demo currency");
    let price = Decimal::from_str(price).expect("a demo price");
    let incl = tax_inclusive(price, Decimal::from_str(rate).expect("a demo rate"))
        .expect("a demo price in range");
    let minor = |amount: Decimal| {
        Money::new(amount, currency)
            .to_minor()
            .map_err(|e| sqlx::Error::Protocol(e.to_string()))
    };
    let at = created.unix_timestamp();
    let order_id: i64 = sqlx::query(
        "INSERT INTO orders (order_no, buyer_company, contact_name, contact_email, solution_name,
                             solution_quantity, created_at)
         VALUES ($1, 'TestCompany-A', '', 'buyer@example.com', $2, 1, $3) RETURNING id",
    )
    .bind(order_no)
    .bind(solution)
    .bind(at)
    .fetch_one(&mut **tx)
    .await?
    .try_get("id")?;
    let work_order_id: i64 = sqlx::query(
        "INSERT INTO work_orders (order_id, work_order_no, provider_id, service_item_name, currency,
                                 unit_price_minor, tax_rate, unit_price_incl_minor, quantity,
                                 total_incl_minor, status, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $8, $9, $10, $10) RETURNING id",
    )
    .bind(order_id)
    .bind(no)
    .bind(provider_id)
    .bind(item)
    .bind(currency.code())
    .bind(minor(price)?)
    .bind(rate)
    .bind(minor(incl)?)
    .bind(status)
    .bind(at)
    .fetch_one(&mut **tx)
    .await?
    .try_get("id")?;
    if status != "awaiting_payment" {
        sqlx::query(
            "UPDATE work_orders SET paid_minor = total_incl_minor, paid_currency = currency,
                                    paid_at = created_at WHERE id = $1",
        )
        .bind(work_order_id)
        .execute(&mut **tx)
        .await?;
    }
    if status == "rejected" {
        sqlx::query("UPDATE work_orders SET decline_reason = '实施资源不足' WHERE id = $1")
            .bind(work_order_id)
            .execute(&mut **tx)
            .await?;
        // Kept among its declines, as a decline in the portal is (whom 重新派单 may not pick).
        sqlx::query(
            "INSERT INTO work_order_declines (work_order_id, provider_id, reason, declined_at)
             VALUES ($1, $2, '实施资源不足', $3)",
        )
        .bind(work_order_id)
        .bind(provider_id)
        .bind(at)
        .execute(&mut **tx)
        .await?;
    }
    for (position, start, end, standard, remarks, stage_status) in stages {
        sqlx::query(
            "INSERT INTO milestones (work_order_id, position, period_start, period_end, standard,
                                     remarks, status, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
        )
        .bind(work_order_id)
        .bind(*position)
        .bind(*start)
        .bind(*end)
        .bind(*standard)
        .bind(*remarks)
        .bind(*stage_status)
        .bind(at)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Stages consistent with a listed work order's status (the list shows no stages).
fn stages_for<'a>(status: &str, day: &'a str) -> Vec<DemoStage<'a>> {
    match status {
        "partially_accepted" => vec![
            (1, day, Some(day), "交付1", "", "accepted"),
            (2, day, None, "交付2", "", "in_progress"),
        ],
        "completed" => vec![(1, day, Some(day), "交付1", "", "accepted")],
        "in_progress" => vec![(1, day, None, "交付1", "", "in_progress")],
        _ => vec![],
    }
}

async fn seed_orders(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    provider_ids: &[i64],
) -> Result<(), sqlx::Error> {
    let day_of = |wo: &DemoWorkOrder| {
        let date = wo.5.date();
        format!(
            "{:04}-{:02}-{:02}",
            date.year(),
            date.month() as u8,
            date.day()
        )
    };
    for (i, wo) in MSP_A_WORK_ORDERS.iter().enumerate() {
        let order_no = format!("{}{:04}", &wo.0[..14], 1400 + i);
        insert_work_order(
            tx,
            provider_ids[0],
            &order_no,
            "Product_X",
            wo,
            &stages_for(wo.4, &day_of(wo)),
        )
        .await?;
    }
    // The two detail screens of §3.1.3.
    let installments: DemoWorkOrder = (
        "20190925063614217",
        "MSP-A_TEST1",
        "300.00",
        "0",
        "in_progress",
        datetime!(2019-09-25 14:36:14 +8),
        "CNY",
    );
    insert_work_order(
        tx,
        provider_ids[0],
        "201909250636131436",
        "分期测试",
        &installments,
        &[(
            1,
            "2019-09-01",
            Some("2019-09-20"),
            "",
            "交付分期1",
            "awaiting_acceptance",
        )],
    )
    .await?;
    let product_x: DemoWorkOrder = (
        "20191205071325781",
        "MSP-A_TEST1",
        "200.00",
        "0",
        "partially_accepted",
        datetime!(2019-12-05 15:13:25 +8),
        "CNY",
    );
    // 部分验收 needs an accepted stage beside the manual's stage 1 awaiting acceptance.
    insert_work_order(
        tx,
        provider_ids[0],
        "201912050713251962",
        "Product_X",
        &product_x,
        &[
            (
                1,
                "2019-12-05",
                None,
                "交付1",
                "备注1",
                "awaiting_acceptance",
            ),
            (2, "2019-12-05", Some("2019-12-06"), "交付2", "", "accepted"),
        ],
    )
    .await?;
    for (i, wo) in BLUE_CLOUD_WORK_ORDERS.iter().enumerate() {
        let order_no = format!("{}{:04}", &wo.0[..14], 2000 + i);
        insert_work_order(
            tx,
            provider_ids[1],
            &order_no,
            "云迁移方案",
            wo,
            &stages_for(wo.4, &day_of(wo)),
        )
        .await?;
    }
    Ok(())
}

/// The work orders behind §6.1's bills: (订单编号, 服务工单号, 关联商品, 订单总金额, 实付,
/// 实付币种, status, paid at).
type BilledOrder = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    OffsetDateTime,
);

/// (账单号, period, status, order numbers, the day it was generated).
type DemoBill = (
    &'static str,
    (&'static str, &'static str),
    &'static str,
    &'static [&'static str],
    OffsetDateTime,
);

const BILLED_ORDERS: &[BilledOrder] = &[
    (
        "201910250405571605",
        "20191025040557165",
        "Product_X",
        "200.00",
        "100.00",
        "USD",
        "completed",
        datetime!(2019-10-25 12:05:57 +8),
    ),
    (
        "201910241010471585",
        "20191024101047158",
        "Product_X",
        "200.00",
        "200.00",
        "CNY",
        "completed",
        datetime!(2019-10-24 18:10:47 +8),
    ),
    (
        "201910080551211494",
        "20191008055121149",
        "测试msp服务项",
        "400.00",
        "400.00",
        "CNY",
        "partially_accepted",
        datetime!(2019-10-08 13:51:22 +8),
    ),
    (
        "201909100930001080",
        "20190910093000108",
        "Product_X",
        "80.00",
        "80.00",
        "CNY",
        "completed",
        datetime!(2019-09-10 09:30:00 +8),
    ),
    (
        "201906120930001200",
        "20190612093000120",
        "分期测试",
        "200.00",
        "200.00",
        "CNY",
        "completed",
        datetime!(2019-06-12 09:30:00 +8),
    ),
];

/// §6.1.1's three bills of MSP-A_TEST1: June and September settled and paid out, October's
/// 201911010001 (the bill of §6.1.2) sent for confirmation, so that 确认账单 can be tried.
/// Each bill's lines are the work orders above; totals are whatever those lines sum to.
async fn seed_bills(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    provider_id: i64,
) -> Result<(), sqlx::Error> {
    use crate::kit::money::{Currency, Money};
    let operator: i64 = sqlx::query("SELECT id FROM users WHERE email = 'operator@example.com'")
        .fetch_one(&mut **tx)
        .await?
        .try_get("id")?;
    let admin: i64 = sqlx::query("SELECT id FROM users WHERE email = 'aku@example.com'")
        .fetch_one(&mut **tx)
        .await?
        .try_get("id")?;
    for (order_no, wo_no, product, total, paid, paid_currency, status, at) in BILLED_ORDERS {
        let work_order: DemoWorkOrder = (wo_no, product, total, "0", status, *at, "CNY");
        let stages = stages_for(status, "2019-10-01");
        insert_work_order(tx, provider_id, order_no, product, &work_order, &stages).await?;
        let currency = Currency::from_code(paid_currency).expect("a demo currency");
        let paid_minor = Money::new(paid.parse().expect("a demo amount"), currency)
            .to_minor()
            .map_err(|e| sqlx::Error::Protocol(e.to_string()))?;
        sqlx::query(
            "UPDATE work_orders SET paid_minor = $1, paid_currency = $2 WHERE work_order_no = $3",
        )
        .bind(paid_minor)
        .bind(*paid_currency)
        .bind(*wo_no)
        .execute(&mut **tx)
        .await?;
    }
    let bills: [DemoBill; 3] = [
        (
            "201911010001",
            ("2019-10-01", "2019-10-31"),
            "confirming",
            &[
                "201910250405571605",
                "201910241010471585",
                "201910080551211494",
            ],
            datetime!(2019-11-01 10:00:00 +8),
        ),
        (
            "201910010001",
            ("2019-09-01", "2019-09-30"),
            "completed",
            &["201909100930001080"],
            datetime!(2019-10-01 10:00:00 +8),
        ),
        (
            "201907010001",
            ("2019-06-01", "2019-06-30"),
            "completed",
            &["201906120930001200"],
            datetime!(2019-07-01 10:00:00 +8),
        ),
    ];
    for (bill_no, (start, end), status, orders, generated) in bills {
        let at = generated.unix_timestamp();
        let bill_id: i64 = sqlx::query(
            "INSERT INTO bills (bill_no, provider_id, period_start, period_end, status, version,
                                generated_by, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, 1, $6, $7, $7) RETURNING id",
        )
        .bind(bill_no)
        .bind(provider_id)
        .bind(start)
        .bind(end)
        .bind(status)
        .bind(operator)
        .bind(at)
        .fetch_one(&mut **tx)
        .await?
        .try_get("id")?;
        // As generation does: the bill prints the payee's details of its day.
        crate::billing::store::generation::snapshot_receiver(tx, bill_id, provider_id).await?;
        for (position, order_no) in orders.iter().enumerate() {
            sqlx::query(
                "INSERT INTO bill_lines (bill_id, version, position, work_order_id, order_no,
                                         order_status, order_total_minor, order_currency, product,
                                         quantity, traded_at, paid_minor, paid_currency)
                 SELECT $1, 1, $2, w.id, o.order_no, w.status, w.total_incl_minor, w.currency,
                        o.solution_name, w.quantity, w.paid_at, w.paid_minor, w.paid_currency
                 FROM work_orders w JOIN orders o ON o.id = w.order_id WHERE o.order_no = $3",
            )
            .bind(bill_id)
            .bind(position as i64 + 1)
            .bind(*order_no)
            .execute(&mut **tx)
            .await?;
        }
        crate::billing::store::store_totals(&mut **tx, bill_id, 1).await?;
        sqlx::query(
            "INSERT INTO bill_versions (bill_id, version, note, created_by, created_at)
             VALUES ($1, 1, 'generated', $2, $3)",
        )
        .bind(bill_id)
        .bind(operator)
        .bind(at)
        .execute(&mut **tx)
        .await?;
        let mut steps = vec![
            ("generate", "", "unsettled", operator, at),
            ("send", "unsettled", "confirming", operator, at + 600),
        ];
        if status == "completed" {
            steps.push((
                "confirm",
                "confirming",
                "awaiting_payout",
                admin,
                at + 86_400,
            ));
            steps.push((
                "payout",
                "awaiting_payout",
                "completed",
                operator,
                at + 5 * 86_400,
            ));
        }
        for (action, from, to, actor, when) in steps {
            sqlx::query(
                "INSERT INTO bill_events (bill_id, version, actor_id, action, from_status,
                                          to_status, reason, created_at)
                 VALUES ($1, 1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(bill_id)
            .bind(actor)
            .bind(action)
            .bind(from)
            .bind(to)
            .bind(if action == "payout" { "PAY-" } else { "" })
            .bind(when)
            .execute(&mut **tx)
            .await?;
        }
        if status == "completed" {
            let reference = format!("PAY-{bill_no}");
            sqlx::query("UPDATE bills SET payout_reference = $1, payout_date = $2 WHERE id = $3")
                .bind(&reference)
                .bind((generated + time::Duration::days(5)).date().to_string())
                .bind(bill_id)
                .execute(&mut **tx)
                .await?;
            sqlx::query(
                "UPDATE bill_events SET reason = $1 WHERE bill_id = $2 AND action = 'payout'",
            )
            .bind(&reference)
            .bind(bill_id)
            .execute(&mut **tx)
            .await?;
            sqlx::query(
                "INSERT INTO bill_payouts (bill_id, currency, amount_minor)
                 SELECT bill_id, paid_currency, SUM(paid_minor) FROM bill_lines
                 WHERE bill_id = $1 GROUP BY bill_id, paid_currency",
            )
            .bind(bill_id)
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(())
}

/// A demo service item: (服务名称, 服务对象, 创建时间, 审核状态, plan: mode, price, currency).
type DemoServiceItem = (
    &'static str,
    &'static str,
    OffsetDateTime,
    &'static str,
    (&'static str, &'static str, &'static str),
);

/// The service items of manual §4.1.1, in its order, each with a SKU and a plan.
const SERVICE_ITEMS: &[DemoServiceItem] = &[
    (
        "部署服务",
        "heenor测试服务项",
        datetime!(2019-09-30 10:21:00 +8),
        "approved",
        ("one_time", "110.00", "CNY"),
    ),
    (
        "test45678",
        "MSP绑定测试",
        datetime!(2019-09-27 16:44:00 +8),
        "approved",
        ("one_time", "200.00", "CNY"),
    ),
    (
        "xixuan test 5",
        "MSP绑定测试",
        datetime!(2019-09-27 16:19:00 +8),
        "approved",
        ("monthly", "100.00", "CNY"),
    ),
    (
        "xixuan测试服务",
        "MSP绑定测试",
        datetime!(2019-09-27 13:48:00 +8),
        "approved",
        ("one_time", "300.00", "CNY"),
    ),
    (
        "heenor测试服务项3",
        "MSP绑定测试",
        datetime!(2019-09-27 10:49:00 +8),
        "approved",
        ("one_time", "100.00", "CNY"),
    ),
    (
        "heenor测试服务项",
        "heenor测试服务项",
        datetime!(2019-09-27 10:01:00 +8),
        "rejected",
        ("one_time", "110.00", "CNY"),
    ),
    (
        "xixuan test",
        "Office 365",
        datetime!(2019-09-11 15:24:00 +8),
        "approved",
        ("monthly", "20.00", "USD"),
    ),
    (
        "test004",
        "Test Product",
        datetime!(2019-08-02 14:40:00 +8),
        "approved",
        ("one_time", "400.00", "CNY"),
    ),
    (
        "BITian服务项",
        "aaa-X",
        datetime!(2019-07-02 15:45:00 +8),
        "approved",
        ("installments", "1200.00", "CNY"),
    ),
    (
        "Leolinin",
        "买买买_SkyAudit_SaaSaaSMe Transport",
        datetime!(2019-06-28 11:08:00 +8),
        "approved",
        ("one_time", "600.00", "CNY"),
    ),
    (
        "EP",
        "SKYAUDIT",
        datetime!(2019-06-06 11:48:00 +8),
        "pending_review",
        ("one_time", "100.00", "USD"),
    ),
    (
        "SafeIN China",
        "SkyAudit",
        datetime!(2019-06-06 11:01:00 +8),
        "pending_review",
        ("monthly", "50.00", "USD"),
    ),
    (
        "服务BinaryTree",
        "邮箱迁移package",
        datetime!(2019-06-05 11:33:00 +8),
        "draft",
        ("one_time", "800.00", "CNY"),
    ),
];

async fn seed_service_items(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    provider_id: i64,
) -> Result<(), sqlx::Error> {
    use crate::kit::money::{Currency, Money};
    let mut ids = Vec::new();
    for email in ["aku@example.com", "operator@example.com"] {
        let id: i64 = sqlx::query("SELECT id FROM users WHERE email = $1")
            .bind(email)
            .fetch_one(&mut **tx)
            .await?
            .try_get("id")?;
        ids.push(id);
    }
    let (admin, operator) = (ids[0], ids[1]);
    let fail =
        |e: crate::kit::error::AppError| sqlx::Error::Protocol(format!("demo service item: {e}"));
    for (name, product, created, status, (mode, price, currency)) in SERVICE_ITEMS {
        let at = created.unix_timestamp();
        let description = format!(
            "<h3>{name}</h3><p>为「{product}」提供的托管服务：<b>部署</b>、配置与上线后的运维支持。</p>\
             <ul><li>需求沟通与方案设计</li><li>部署实施与验收</li><li>7×24 小时工单支持</li></ul>",
        );
        let id: i64 = sqlx::query(
            "INSERT INTO service_items (provider_id, name, product, owner_name, owner_contact, description_html,
                                        status, version, created_by, created_at, updated_at)
             VALUES ($1, $2, $3, 'AKU', '13653612334', $4, 'draft', 0, $5, $6, $6) RETURNING id",
        )
        .bind(provider_id)
        .bind(*name)
        .bind(*product)
        .bind(&description)
        .bind(admin)
        .bind(at)
        .fetch_one(&mut **tx)
        .await?
        .try_get("id")?;
        let sku: i64 = sqlx::query(
            "INSERT INTO service_skus (service_item_id, name, specification, region, created_at)
             VALUES ($1, '标准版', '1 次部署，含 30 天支持', '华东', $2) RETURNING id",
        )
        .bind(id)
        .bind(at)
        .fetch_one(&mut **tx)
        .await?
        .try_get("id")?;
        let currency = Currency::from_code(currency).expect("a demo currency");
        let price = Money::new(price.parse().expect("a demo price"), currency)
            .to_minor()
            .map_err(|e| sqlx::Error::Protocol(e.to_string()))?;
        let installments = if *mode == "installments" { 3 } else { 1 };
        sqlx::query(
            "INSERT INTO service_plans (sku_id, name, billing_mode, price_minor, currency, tax_rate,
                                        installments, interval_months, created_at)
             VALUES ($1, '基本计划', $2, $3, $4, '0.06', $5, 1, $6)",
        )
        .bind(sku)
        .bind(*mode)
        .bind(price)
        .bind(currency.code())
        .bind(installments)
        .bind(at)
        .execute(&mut **tx)
        .await?;
        crate::services::store::new_version(tx, id, 1, admin, &[("created", (*name).to_owned())])
            .await
            .map_err(fail)?;
        // The review moves that led to the manual's status, a day apart.
        let moves: &[(&str, &str, &str, i64, &str)] = match *status {
            "approved" => &[
                ("submit", "draft", "pending_review", 0, ""),
                ("approve", "pending_review", "approved", 1, ""),
            ],
            "rejected" => &[
                ("submit", "draft", "pending_review", 0, ""),
                (
                    "reject",
                    "pending_review",
                    "rejected",
                    1,
                    "服务描述过于简单，请补充服务范围与交付标准。",
                ),
            ],
            "pending_review" => &[("submit", "draft", "pending_review", 0, "")],
            _ => &[],
        };
        for (action, from, to, actor, reason) in moves {
            let when = at + 3600 + 86_400 * i64::from(*actor == 1);
            sqlx::query(
                "INSERT INTO service_item_events (service_item_id, actor_id, action, from_status, to_status, version, reason, created_at)
                 VALUES ($1, $2, $3, $4, $5, 1, $6, $7)",
            )
            .bind(id)
            .bind(if *actor == 1 { operator } else { admin })
            .bind(*action)
            .bind(*from)
            .bind(*to)
            .bind(*reason)
            .bind(when)
            .execute(&mut **tx)
            .await?;
        }
        let reason = moves.last().map(|m| m.4).unwrap_or_default();
        sqlx::query(
            "UPDATE service_items SET status = $1, review_version = $2, decision_reason = $3, submitted_at = $4
             WHERE id = $5",
        )
        .bind(*status)
        .bind((!moves.is_empty()).then_some(1_i64))
        .bind(reason)
        .bind((!moves.is_empty()).then_some(at + 3600))
        .bind(id)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// MSP-A_TEST1 holds 银牌, granted on an application of 2019; 蓝云 stays at 注册.
async fn seed_tier(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    provider_id: i64,
) -> Result<(), sqlx::Error> {
    let silver: i64 = sqlx::query("SELECT id FROM tiers WHERE rank = 2")
        .fetch_one(&mut **tx)
        .await?
        .try_get("id")?;
    sqlx::query(
        "INSERT INTO tier_applications (provider_id, tier_id, reason, contact_name, contact_phone, contact_email,
                                        status, decision_reason, applicant_id, decided_by, created_at, decided_at)
         SELECT $1, $2, '已上架 10 个服务项，近一年完成服务工单 14 个。', 'AKU', '13653612334', 'aku@example.com',
                'approved', '', a.id, o.id, $3, $4
         FROM users a, users o WHERE a.email = 'aku@example.com' AND o.email = 'operator@example.com'",
    )
    .bind(provider_id)
    .bind(silver)
    .bind(datetime!(2019-10-08 10:00:00 +8).unix_timestamp())
    .bind(datetime!(2019-10-09 15:30:00 +8).unix_timestamp())
    .execute(&mut **tx)
    .await?;
    sqlx::query("UPDATE providers SET tier_id = $1 WHERE id = $2")
        .bind(silver)
        .bind(provider_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// (工单编号, subject, details, status, channel, the platform's answer, created, answered, unread).
type DemoTicket = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    OffsetDateTime,
    OffsetDateTime,
    i64,
);

/// §8.2's ticket 1908023 (closed, filed through the help center client) and a ticket of
/// December with an unread reply from the platform.
async fn seed_tickets(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    provider_id: i64,
) -> Result<(), sqlx::Error> {
    let tickets: [DemoTicket; 2] = [
        (
            "1908023",
            "Hi",
            "想了解服务上架需要准备哪些资料。",
            "closed",
            "ewei",
            "您好，上架需要服务说明、SKU 与计划及报价，详见操作手册「服务管理」一章。",
            datetime!(2019-08-02 11:36:03 +8),
            datetime!(2019-08-02 15:12:21 +8),
            0,
        ),
        (
            "1912001",
            "账单 201911010001 金额核对",
            "账单中 201910080551211494 的实付金额与我们的记录不一致，请协助核对。",
            "pending",
            "builtin",
            "已收到，请提供贵方记录的实付金额与付款凭证截图，我们会在两个工作日内核对。",
            datetime!(2019-12-10 09:20:00 +8),
            datetime!(2019-12-10 14:05:00 +8),
            1,
        ),
    ];
    for (no, subject, details, status, channel, answer, created, answered, unread) in tickets {
        let id: i64 = sqlx::query(
            "INSERT INTO tickets (provider_id, ticket_no, service_type, support_category, subject, details,
                                  contact_name, contact_phone, contact_email, company, status, channel, unread,
                                  created_by, created_at, updated_at)
             SELECT $1, $2, 'aftersales', 'other', $3, $4, 'AKU', '13653612334', 'aku@example.com', 'MSP-A_TEST1',
                    $5, $6, $7, u.id, $8, $9 FROM users u WHERE u.email = 'aku@example.com' RETURNING id",
        )
        .bind(provider_id)
        .bind(no)
        .bind(subject)
        .bind(details)
        .bind(status)
        .bind(channel)
        .bind(unread)
        .bind(created.unix_timestamp())
        .bind(answered.unix_timestamp())
        .fetch_one(&mut **tx)
        .await?
        .try_get("id")?;
        sqlx::query(
            "INSERT INTO ticket_messages (ticket_id, author_id, author_label, from_platform, body, created_at)
             SELECT $1, u.id, '平台运营', 1, $2, $3 FROM users u WHERE u.email = 'operator@example.com'",
        )
        .bind(id)
        .bind(answer)
        .bind(answered.unix_timestamp())
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}
