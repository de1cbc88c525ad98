//! Data at scale for the benchmark: the demo plus, deterministically, many work orders (with
//! their orders and stages), members, audit entries, tickets and bills with lines for the
//! demo's MSP-A_TEST1 and for further providers. Rows are made by set-based SQL (a number
//! series joined into each INSERT), so a million work orders take seconds, not hours, on
//! either database; the triggers keep the figures as they would for rows made one by one.

use crate::kit::db::{Backend, Db};
use sqlx::AnyConnection;
use sqlx::Row;

/// How much to make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// Work orders of the demo's MSP-A_TEST1.
    pub main_work_orders: i64,
    /// Further providers (`Bench MSP 01` …) and the work orders of each.
    pub providers: i64,
    pub work_orders_each: i64,
    /// Months the work orders are spread over, ending with 2019-12 (the demo's month).
    pub months: i64,
    /// The last months that get a bill per provider, with a line per sold work order.
    pub bill_months: i64,
    pub members_each: i64,
    pub audit_each: i64,
    pub tickets_each: i64,
}

impl Default for Plan {
    fn default() -> Plan {
        Plan {
            main_work_orders: 1_000_000,
            providers: 9,
            work_orders_each: 200_000,
            months: 10,
            bill_months: 2,
            members_each: 200,
            audit_each: 100_000,
            tickets_each: 2_000,
        }
    }
}

/// What was made.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Made {
    pub work_orders: i64,
    pub milestones: i64,
    pub bill_lines: i64,
    pub members: i64,
    pub audit_entries: i64,
    pub tickets: i64,
}

/// 2019-12-31 24:00 in UTC+8: the generated work orders end there.
const END: i64 = 1_577_808_000;
const MONTH: i64 = 2_629_746; // an average month, in seconds

/// The SQL of one backend for the few things the two spell differently.
struct Dialect(Backend);

impl Dialect {
    /// A CTE `seq(i)` numbering 1 ..= n, to put before an INSERT.
    fn series(&self, n: i64) -> String {
        match self.0 {
            Backend::Sqlite => format!(
                "WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < {n})"
            ),
            Backend::Postgres => {
                format!("WITH seq(i) AS (SELECT generate_series(1::BIGINT, {n}::BIGINT))")
            }
        }
    }

    /// `expr` as decimal digits, zero-padded to `width`.
    fn pad(&self, expr: &str, width: usize) -> String {
        match self.0 {
            Backend::Sqlite => format!("printf('%0{width}d', {expr})"),
            Backend::Postgres => format!("lpad(CAST({expr} AS TEXT), {width}, '0')"),
        }
    }

    /// A `yyyy-mm-dd` date of Unix seconds `expr` in UTC+8.
    fn date(&self, expr: &str) -> String {
        match self.0 {
            Backend::Sqlite => format!("strftime('%Y-%m-%d', {expr} + 28800, 'unixepoch')"),
            Backend::Postgres => {
                format!("to_char(to_timestamp({expr} + 28800) AT TIME ZONE 'UTC', 'YYYY-MM-DD')")
            }
        }
    }
}

/// Makes the data of `plan` in a database that holds the demo (loaded first if it is empty).
/// Refuses to run twice on one database.
pub async fn generate(
    db: &Db,
    plan: &Plan,
) -> Result<Made, Box<dyn std::error::Error + Send + Sync>> {
    super::seed(db).await?;
    let mut conn = db.pool().acquire().await?;
    let conn = &mut *conn;
    let foreign: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM providers WHERE name NOT IN ('MSP-A_TEST1', '蓝云')",
    )
    .fetch_one(&mut *conn)
    .await?
    .try_get("n")?;
    if foreign > 0 {
        return Err("generate runs on a database that holds only the demo".into());
    }
    let taken: i64 = sqlx::query("SELECT COUNT(*) AS n FROM orders WHERE order_no LIKE '9%'")
        .fetch_one(&mut *conn)
        .await?
        .try_get("n")?;
    if taken > 0 {
        return Err("this database already holds generated data".into());
    }
    let main: i64 = sqlx::query("SELECT id FROM providers WHERE name = 'MSP-A_TEST1'")
        .fetch_one(&mut *conn)
        .await?
        .try_get("id")?;
    let admin: i64 = sqlx::query("SELECT id FROM users WHERE email = 'aku@example.com'")
        .fetch_one(&mut *conn)
        .await?
        .try_get("id")?;
    let mut made = Made::default();
    let mut providers = vec![(main, plan.main_work_orders)];
    for n in 1..=plan.providers {
        let id: i64 = sqlx::query(
            "INSERT INTO providers (name, address, created_at) VALUES ($1, '上海市', $2) RETURNING id",
        )
        .bind(format!("Bench MSP {n:02}"))
        .bind(END - 400 * 86_400)
        .fetch_one(&mut *conn)
        .await?
        .try_get("id")?;
        providers.push((id, plan.work_orders_each));
    }
    let dialect = Dialect(db.backend());
    // PostgreSQL runs a trigger function per row, which would take most of an hour for a few
    // million rows: as superuser, this session loads with triggers off and counts after.
    let bulk = db.backend() == Backend::Postgres
        && sqlx::query("SET session_replication_role = replica")
            .execute(&mut *conn)
            .await
            .is_ok();
    for (index, (provider, count)) in providers.iter().enumerate() {
        let part = Part {
            dialect: &dialect,
            provider: *provider,
            index: index as i64 + 1,
            count: *count,
            plan,
        };
        made.work_orders += part.work_orders(conn).await?;
        made.milestones += part.milestones(conn).await?;
        made.members += part.members(conn).await?;
        made.audit_entries += part.audit(conn, admin).await?;
        made.tickets += part.tickets(conn).await?;
        made.bill_lines += part.bills(conn).await?;
    }
    if bulk {
        for sql in RECOUNT {
            sqlx::query(sql).execute(&mut *conn).await?;
        }
        sqlx::query("SET session_replication_role = DEFAULT")
            .execute(&mut *conn)
            .await?;
    }
    if db.backend() == Backend::Postgres {
        sqlx::query("ANALYZE").execute(&mut *conn).await?;
    }
    Ok(made)
}

/// What the triggers would have kept (migrations 0016, 0017 and 0036), made at once after a load
/// with triggers off: stages awaiting, the counters and month figures from scratch, and the
/// search rows of the generated work orders.
const RECOUNT: [&str; 9] = [
    "UPDATE work_orders w SET stages_awaiting = s.n
     FROM (SELECT work_order_id, COUNT(*) AS n FROM milestones
           WHERE status = 'awaiting_acceptance' GROUP BY work_order_id) s
     WHERE s.work_order_id = w.id AND w.stages_awaiting <> s.n",
    "DELETE FROM work_order_counts",
    "INSERT INTO work_order_counts (provider_id, bucket, n)
     SELECT COALESCE(provider_id, 0), status, COUNT(*) FROM work_orders
     GROUP BY COALESCE(provider_id, 0), status",
    "INSERT INTO work_order_counts (provider_id, bucket, n)
     SELECT COALESCE(provider_id, 0), 'stage:' || status, COUNT(*) FROM work_orders
     WHERE stages_awaiting > 0 GROUP BY COALESCE(provider_id, 0), status",
    "UPDATE work_orders w SET stages_overdue = s.n
     FROM (SELECT work_order_id, COUNT(*) AS n FROM milestones
           WHERE status = 'awaiting_acceptance' AND overdue_flagged_at IS NOT NULL
           GROUP BY work_order_id) s
     WHERE s.work_order_id = w.id AND w.stages_overdue <> s.n",
    "INSERT INTO work_order_counts (provider_id, bucket, n)
     SELECT COALESCE(provider_id, 0), 'overdue:stages', SUM(stages_overdue) FROM work_orders
     WHERE stages_overdue > 0 GROUP BY COALESCE(provider_id, 0)",
    "DELETE FROM work_order_months",
    "INSERT INTO work_order_months (provider_id, month, currency, orders, total_minor)
     SELECT COALESCE(provider_id, 0), work_order_month(created_at), currency, COUNT(*),
            SUM(total_incl_minor)
     FROM work_orders WHERE status NOT IN ('awaiting_payment', 'rejected', 'cancelled')
     GROUP BY COALESCE(provider_id, 0), work_order_month(created_at), currency",
    "INSERT INTO work_order_search (work_order_id, body)
     SELECT w.id, work_order_search_body(w, o) FROM work_orders w JOIN orders o ON o.id = w.order_id
     WHERE w.work_order_no >= '8' AND w.work_order_no < '9'",
];

/// One provider's share.
struct Part<'a> {
    dialect: &'a Dialect,
    provider: i64,
    /// 1 for MSP-A_TEST1, then 2, 3, …: the numbers' prefix.
    index: i64,
    count: i64,
    plan: &'a Plan,
}

impl Part<'_> {
    /// Order numbers `9<pp><15 digits>`, work-order numbers `8<pp><14 digits>`: apart from the
    /// demo's (2019…) and from each other provider's.
    fn prefix(&self, lead: char) -> String {
        format!("{lead}{:02}", self.index)
    }

    /// The creation time of the i-th work order: spread evenly, the last at the end.
    fn created(&self, i: &str) -> String {
        let span = self.plan.months * MONTH;
        format!("({END} - {span} + ({i} * {span}) / {}) - 1", self.count)
    }

    async fn work_orders(&self, conn: &mut AnyConnection) -> Result<i64, sqlx::Error> {
        let d = self.dialect;
        let (order_prefix, wo_prefix) = (self.prefix('9'), self.prefix('8'));
        let created = self.created("i");
        let sql = format!(
            "{series}
             INSERT INTO orders (order_no, buyer_company, contact_name, contact_email, solution_name,
                                 solution_quantity, created_at)
             SELECT '{order_prefix}' || {no}, 'Bench Buyer ' || (i % 500), '王先生',
                    'buyer' || (i % 500) || '@example.com', 'Bench solution ' || (i % 50), 1, {created}
             FROM seq",
            series = d.series(self.count),
            no = d.pad("i", 15),
        );
        sqlx::query(&sql).execute(&mut *conn).await?;
        // The mix of a live provider: mostly done or under way, a few waiting or declined.
        let status = "CASE WHEN i % 100 < 2 THEN 'awaiting_payment'
                           WHEN i % 100 < 6 THEN 'awaiting_acceptance'
                           WHEN i % 100 < 26 THEN 'in_progress'
                           WHEN i % 100 < 34 THEN 'partially_accepted'
                           WHEN i % 100 < 97 THEN 'completed'
                           ELSE 'rejected' END";
        let next_order_prefix = format!("9{:02}", self.index + 1);
        let unit = "(10000 + (i * 7919) % 90000)";
        let incl = format!("(({unit} * 106 + 50) / 100)");
        let sql = format!(
            "INSERT INTO work_orders (order_id, work_order_no, provider_id, service_item_name,
                 implementation, implementer, currency, unit_price_minor, tax_rate,
                 unit_price_incl_minor, quantity, total_incl_minor, status, decline_reason,
                 created_at, updated_at, paid_minor, paid_currency, paid_at)
             SELECT o.id, '{wo_prefix}' || substr(o.order_no, 5), {provider},
                    'Bench item ' || (i % 1000), '部署与迁移 第' || (i % 97) || '期', '实施团队',
                    CASE WHEN i % 10 = 0 THEN 'USD' ELSE 'CNY' END, {unit}, '0.06', {incl},
                    1 + i % 3, {incl} * (1 + i % 3), {status},
                    CASE WHEN i % 100 >= 97 THEN '实施资源不足' ELSE '' END, o.created_at, o.created_at,
                    CASE WHEN i % 100 < 2 THEN NULL ELSE {incl} * (1 + i % 3) END,
                    CASE WHEN i % 100 < 2 THEN NULL WHEN i % 10 = 0 THEN 'USD' ELSE 'CNY' END,
                    CASE WHEN i % 100 < 2 THEN NULL ELSE o.created_at END
             FROM (SELECT id, order_no, created_at, CAST(substr(order_no, 4) AS BIGINT) AS i
                   FROM orders WHERE order_no >= '{order_prefix}' AND order_no < '{next}') o",
            provider = self.provider,
            next = next_order_prefix,
        );
        Ok(sqlx::query(&sql).execute(&mut *conn).await?.rows_affected() as i64)
    }

    /// Two stages for each work order taken on: both accepted when completed; the first under
    /// way when in progress; when partly accepted, the second awaits the customer on every
    /// other one (so 后台首页 has stages to chase). Their deadlines are long past, and they
    /// stand as the deadline watch left them then (reminded, flagged overdue): the data is
    /// an installation in its steady state, not a backlog of flags that the watch would work
    /// off (a core busy for minutes) while the benchmark measures.
    async fn milestones(&self, conn: &mut AnyConnection) -> Result<i64, sqlx::Error> {
        let wo_prefix = self.prefix('8');
        let next = format!("8{:02}", self.index + 1);
        let mut made = 0;
        for (position, status) in [
            (
                1,
                "CASE w.status WHEN 'in_progress' THEN 'in_progress' ELSE 'accepted' END",
            ),
            (
                2,
                "CASE w.status WHEN 'completed' THEN 'accepted' WHEN 'in_progress' THEN 'not_started'
                     ELSE CASE WHEN w.id % 2 = 0 THEN 'awaiting_acceptance' ELSE 'in_progress' END END",
            ),
        ] {
            let start = self.dialect.date("w.created_at");
            let end = self.dialect.date("w.created_at + 30 * 86400");
            let sql = format!(
                "INSERT INTO milestones (work_order_id, position, period_start, period_end, standard,
                     remarks, status, created_at, updated_at, due_at, reminded_at,
                     overdue_flagged_at)
                 SELECT w.id, {position}, {start}, {end}, '交付标准：上线并通过验收测试', '', {status},
                        w.created_at, w.created_at,
                        CASE WHEN {status} = 'awaiting_acceptance' THEN w.created_at + 7 * 86400 END,
                        CASE WHEN {status} = 'awaiting_acceptance' THEN w.created_at + 6 * 86400 END,
                        CASE WHEN {status} = 'awaiting_acceptance' THEN w.created_at + 7 * 86400 END
                 FROM work_orders w
                 WHERE w.work_order_no >= '{wo_prefix}' AND w.work_order_no < '{next}'
                   AND w.status IN ('in_progress', 'partially_accepted', 'completed')"
            );
            made += sqlx::query(&sql).execute(&mut *conn).await?.rows_affected() as i64;
        }
        Ok(made)
    }

    async fn members(&self, conn: &mut AnyConnection) -> Result<i64, sqlx::Error> {
        let d = self.dialect;
        let pp = format!("{:02}", self.index);
        let sql = format!(
            "{series}
             INSERT INTO users (email, name, phone, created_at)
             SELECT 'bench-' || '{pp}' || '-' || {n} || '@example.com', '成员 ' || '{pp}' || '-' || i,
                    '1360000' || {n}, {at}
             FROM seq",
            series = d.series(self.plan.members_each),
            n = d.pad("i", 4),
            at = END - 300 * 86_400,
        );
        sqlx::query(&sql).execute(&mut *conn).await?;
        let sql = format!(
            "INSERT INTO memberships (user_id, provider_id, role, status, created_at)
             SELECT id, {provider}, CASE WHEN id % 10 = 0 THEN 'co_admin' ELSE 'user' END,
                    CASE WHEN id % 25 = 0 THEN 'disabled' ELSE 'active' END, created_at
             FROM users WHERE email LIKE 'bench-{pp}-%'",
            provider = self.provider,
        );
        Ok(sqlx::query(&sql).execute(&mut *conn).await?.rows_affected() as i64)
    }

    async fn audit(&self, conn: &mut AnyConnection, actor: i64) -> Result<i64, sqlx::Error> {
        let d = self.dialect;
        let count = self.plan.audit_each;
        let span = self.plan.months * MONTH;
        let pp = format!("{:02}", self.index);
        let sql = format!(
            "{series}
             INSERT INTO audit_log (provider_id, actor_id, action, target_type, target_id, detail, ip,
                                    created_at)
             SELECT {provider}, {actor},
                    CASE i % 4 WHEN 0 THEN 'login' WHEN 1 THEN 'member_edited'
                               WHEN 2 THEN 'bill_confirm' ELSE 'switch_provider' END,
                    'work_order', '8{pp}' || {no}, '批量生成的记录 ' || i, '192.0.2.' || (i % 200),
                    {END} - {span} + (i * {span}) / {count}
             FROM seq",
            series = d.series(count),
            provider = self.provider,
            no = d.pad("i", 14),
        );
        Ok(sqlx::query(&sql).execute(&mut *conn).await?.rows_affected() as i64)
    }

    async fn tickets(&self, conn: &mut AnyConnection) -> Result<i64, sqlx::Error> {
        let d = self.dialect;
        let count = self.plan.tickets_each;
        let span = self.plan.months * MONTH;
        let pp = format!("{:02}", self.index);
        let sql = format!(
            "{series}
             INSERT INTO tickets (provider_id, ticket_no, service_type, support_category, subject,
                 details, contact_name, contact_phone, contact_email, company, status, channel,
                 unread, created_at, updated_at)
             SELECT {provider}, 'B{pp}' || {no}, 'aftersales', 'other', '部署问题 ' || i,
                    '客户环境无法连接，需要协助排查。', 'AKU', '13653612334', 'aku@example.com', 'MSP-A_TEST1',
                    CASE i % 4 WHEN 0 THEN 'open' WHEN 1 THEN 'pending' WHEN 2 THEN 'solved' ELSE 'closed' END,
                    'builtin', CASE WHEN i % 7 = 0 THEN 1 ELSE 0 END,
                    {END} - {span} + (i * {span}) / {count}, {END} - {span} + (i * {span}) / {count}
             FROM seq",
            series = d.series(count),
            provider = self.provider,
            no = d.pad("i", 8),
        );
        Ok(sqlx::query(&sql).execute(&mut *conn).await?.rows_affected() as i64)
    }

    /// A completed bill for each of the last `bill_months` months, a line per work order sold
    /// in it, numbered as the platform numbers bills (the day after the period + a sequence).
    async fn bills(&self, conn: &mut AnyConnection) -> Result<i64, sqlx::Error> {
        let wo_prefix = self.prefix('8');
        let next = format!("8{:02}", self.index + 1);
        let (mut lines, mut billed) = (0, 0);
        // Back from 2019-12, past the months the demo already billed.
        for back in 0..self.plan.months {
            if billed == self.plan.bill_months {
                break;
            }
            let index = 2019 * 12 + 11 - back;
            let first = |index: i64| {
                time::Date::from_calendar_date(
                    (index / 12) as i32,
                    time::Month::try_from((index % 12 + 1) as u8).unwrap_or(time::Month::January),
                    1,
                )
                .unwrap_or(time::Date::MIN)
            };
            let (first, next_first) = (first(index), first(index + 1));
            let last = next_first.previous_day().unwrap_or(first);
            let iso = |date: time::Date| {
                format!(
                    "{:04}-{:02}-{:02}",
                    date.year(),
                    u8::from(date.month()),
                    date.day()
                )
            };
            let (start, end) = (iso(first), iso(last));
            let billed_already: i64 = sqlx::query(
                "SELECT COUNT(*) AS n FROM bills WHERE provider_id = $1 AND period_start = $2",
            )
            .bind(self.provider)
            .bind(&start)
            .fetch_one(&mut *conn)
            .await?
            .try_get("n")?;
            if billed_already > 0 {
                continue;
            }
            billed += 1;
            let (from, to) = (
                crate::kit::time::day_start(&start).unwrap_or_default(),
                crate::kit::time::day_start(&iso(next_first)).unwrap_or_default(),
            );
            let bill_no = format!(
                "{}{:04}",
                iso(next_first).replace('-', ""),
                9000 + self.index * 10 + back
            );
            let bill: i64 = sqlx::query(
                "INSERT INTO bills (bill_no, provider_id, period_start, period_end, status, version,
                                    payout_reference, payout_date, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, 'completed', 1, $5, $6, $7, $7) RETURNING id",
            )
            .bind(&bill_no)
            .bind(self.provider)
            .bind(&start)
            .bind(&end)
            .bind(format!("PAY-{bill_no}"))
            .bind(iso(next_first))
            .bind(to)
            .fetch_one(&mut *conn)
            .await?
            .try_get("id")?;
            sqlx::query(
                "INSERT INTO bill_versions (bill_id, version, note, created_at) VALUES ($1, 1, 'generated', $2)",
            )
            .bind(bill)
            .bind(to)
            .execute(&mut *conn)
            .await?;
            let sql = format!(
                "INSERT INTO bill_lines (bill_id, version, position, work_order_id, order_no,
                     order_status, order_total_minor, order_currency, product, quantity, traded_at,
                     paid_minor, paid_currency)
                 SELECT $1, 1, ROW_NUMBER() OVER (ORDER BY w.id), w.id, o.order_no, w.status, w.total_incl_minor, w.currency,
                        o.solution_name, w.quantity, w.paid_at, w.paid_minor, w.paid_currency
                 FROM work_orders w JOIN orders o ON o.id = w.order_id
                 WHERE w.work_order_no >= '{wo_prefix}' AND w.work_order_no < '{next}'
                   AND w.created_at >= $2 AND w.created_at < $3
                   AND w.status IN ('in_progress', 'partially_accepted', 'completed')"
            );
            lines += sqlx::query(&sql)
                .bind(bill)
                .bind(from)
                .bind(to)
                .execute(&mut *conn)
                .await?
                .rows_affected() as i64;
            crate::billing::store::store_totals(&mut *conn, bill, 1).await?;
            let sql = "INSERT INTO bill_payouts (bill_id, currency, amount_minor)
                 SELECT bill_id, paid_currency, SUM(paid_minor) FROM bill_lines WHERE bill_id = $1
                 GROUP BY bill_id, paid_currency";
            sqlx::query(sql).bind(bill).execute(&mut *conn).await?;
        }
        Ok(lines)
    }
}
