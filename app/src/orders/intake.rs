//! Intake: orders reach the platform from the marketplace (the versioned JSON API, or the
//! platform's form), one work order per service item. An order number is taken once: sending
//! the same order again answers with what was stored and changes nothing.

use crate::kit::money::{tax_inclusive, Currency, Money};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderIn {
    pub order_no: String,
    pub buyer_company: String,
    #[serde(default)]
    pub contact_name: String,
    pub contact_email: String,
    pub solution_name: String,
    pub solution_quantity: i64,
    #[serde(default)]
    pub picture_url: String,
    /// Paid already at the marketplace: the work orders wait for a provider, not for payment.
    #[serde(default)]
    pub paid: bool,
    pub work_orders: Vec<WorkOrderIn>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkOrderIn {
    pub work_order_no: String,
    pub service_item_name: String,
    #[serde(default)]
    pub implementation: String,
    /// Unit price before tax, exact decimal text ("110.00").
    pub price: String,
    /// "0.06" for 6 %.
    pub tax_rate: String,
    pub quantity: i64,
    pub currency: String,
}

/// A work order ready to store: amounts in minor units, computed exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidWorkOrder {
    pub work_order_no: String,
    pub service_item_name: String,
    pub implementation: String,
    pub currency: Currency,
    pub unit_price_minor: i64,
    pub tax_rate: String,
    pub unit_price_incl_minor: i64,
    pub quantity: i64,
    pub total_incl_minor: i64,
}

fn number(value: &str) -> bool {
    !value.is_empty() && value.len() <= 32 && value.bytes().all(|b| b.is_ascii_digit())
}

fn email(value: &str) -> bool {
    let Some((local, domain)) = value.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !value
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>,;\"".contains(c))
        && value.len() <= 254
}

/// Checks an order; errors name the field (`work_orders[1].price`) and a translation key.
pub fn validate(order: &OrderIn) -> Result<Vec<ValidWorkOrder>, Vec<(String, &'static str)>> {
    let mut errors: Vec<(String, &'static str)> = Vec::new();
    let mut text = |field: &str, value: &str, required: bool| {
        if required && value.trim().is_empty() {
            errors.push((field.to_owned(), "form.required"));
        } else if value.chars().count() > 200 {
            errors.push((field.to_owned(), "form.too_long"));
        }
    };
    text("buyer_company", &order.buyer_company, true);
    text("contact_name", &order.contact_name, false);
    text("solution_name", &order.solution_name, true);
    text("picture_url", &order.picture_url, false);
    if !number(&order.order_no) {
        errors.push(("order_no".into(), "intake.error.number"));
    }
    if !email(order.contact_email.trim()) {
        errors.push(("contact_email".into(), "intake.error.email"));
    }
    if !order.picture_url.is_empty() && !order.picture_url.starts_with("https://") {
        errors.push(("picture_url".into(), "intake.error.url"));
    }
    if !(1..=1_000_000).contains(&order.solution_quantity) {
        errors.push(("solution_quantity".into(), "intake.error.quantity"));
    }
    if order.work_orders.is_empty() || order.work_orders.len() > 100 {
        errors.push(("work_orders".into(), "intake.error.work_orders"));
    }
    let mut valid = Vec::new();
    for (i, wo) in order.work_orders.iter().enumerate() {
        let field = |name: &str| format!("work_orders[{i}].{name}");
        let before = errors.len();
        if !number(&wo.work_order_no) {
            errors.push((field("work_order_no"), "intake.error.number"));
        } else if order.work_orders[..i]
            .iter()
            .any(|o| o.work_order_no == wo.work_order_no)
        {
            errors.push((field("work_order_no"), "intake.error.duplicate"));
        }
        if wo.service_item_name.trim().is_empty() || wo.service_item_name.chars().count() > 200 {
            errors.push((field("service_item_name"), "form.required"));
        }
        if wo.implementation.chars().count() > 2000 {
            errors.push((field("implementation"), "form.too_long"));
        }
        let currency = Currency::from_code(&wo.currency);
        if currency.is_none() {
            errors.push((field("currency"), "intake.error.currency"));
        }
        let price = Decimal::from_str(wo.price.trim())
            .ok()
            .filter(|p| !p.is_sign_negative());
        if price.is_none() || price.is_some_and(|p| p.scale() > 2) {
            errors.push((field("price"), "intake.error.amount"));
        }
        let rate = Decimal::from_str(wo.tax_rate.trim())
            .ok()
            .filter(|r| !r.is_sign_negative() && *r < Decimal::ONE && r.scale() <= 4);
        if rate.is_none() {
            errors.push((field("tax_rate"), "intake.error.tax_rate"));
        }
        if !(1..=1_000_000).contains(&wo.quantity) {
            errors.push((field("quantity"), "intake.error.quantity"));
        }
        if errors.len() > before {
            continue;
        }
        let (Some(currency), Some(price), Some(rate)) = (currency, price, rate) else {
            continue;
        };
        let incl = tax_inclusive(price, rate);
        let minor = |amount: Decimal| Money::new(amount, currency).to_minor().ok();
        match (
            minor(price),
            incl.and_then(minor),
            incl.and_then(|i| i.checked_mul(Decimal::from(wo.quantity)))
                .and_then(minor),
        ) {
            (Some(unit_price_minor), Some(unit_price_incl_minor), Some(total_incl_minor)) => valid
                .push(ValidWorkOrder {
                    work_order_no: wo.work_order_no.clone(),
                    service_item_name: wo.service_item_name.trim().to_owned(),
                    implementation: wo.implementation.trim().to_owned(),
                    currency,
                    unit_price_minor,
                    tax_rate: rate.normalize().to_string(),
                    unit_price_incl_minor,
                    quantity: wo.quantity,
                    total_incl_minor,
                }),
            _ => errors.push((field("price"), "intake.error.amount")),
        }
    }
    if errors.is_empty() {
        Ok(valid)
    } else {
        Err(errors)
    }
}

#[cfg(feature = "ssr")]
pub use ssr::*;

#[cfg(feature = "ssr")]
mod ssr {
    use super::{OrderIn, ValidWorkOrder};
    use crate::kit::db::{now, Db};
    use crate::kit::error::AppError;
    use crate::orders::queries::{record, Event};
    use sqlx::Row;

    /// Whether the order was new or had been taken before.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Stored {
        Created,
        Existing,
    }

    /// Stores an order and its work orders in one transaction (`actor_id`: the operator who
    /// typed it, none for the API).
    pub async fn store(
        db: &Db,
        order: &OrderIn,
        work_orders: &[ValidWorkOrder],
        actor_id: Option<i64>,
    ) -> Result<Stored, AppError> {
        let mut tx = db.begin().await?;
        let at = now();
        let inserted = sqlx::query(
            "INSERT INTO orders (order_no, buyer_company, contact_name, contact_email, solution_name,
                                 solution_quantity, picture_url, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (order_no) DO NOTHING RETURNING id",
        )
        .bind(&order.order_no)
        .bind(order.buyer_company.trim())
        .bind(order.contact_name.trim())
        .bind(order.contact_email.trim().to_lowercase())
        .bind(order.solution_name.trim())
        .bind(order.solution_quantity)
        .bind(&order.picture_url)
        .bind(at)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(inserted) = inserted else {
            return Ok(Stored::Existing);
        };
        let order_id: i64 = inserted.try_get("id")?;
        let status = if order.paid {
            "awaiting_acceptance"
        } else {
            "awaiting_payment"
        };
        for wo in work_orders {
            let taken = sqlx::query("SELECT 1 AS one FROM work_orders WHERE work_order_no = $1")
                .bind(&wo.work_order_no)
                .fetch_optional(&mut *tx)
                .await?;
            if taken.is_some() {
                return Err(AppError::invalid(&[("work_orders", "intake.error.taken")]));
            }
            let id: i64 = sqlx::query(
                "INSERT INTO work_orders (order_id, work_order_no, service_item_name, implementation,
                                         currency, unit_price_minor, tax_rate, unit_price_incl_minor,
                                         quantity, total_incl_minor, status, created_at, updated_at,
                                         paid_minor, paid_currency, paid_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13, $14, $15)
                 RETURNING id",
            )
            .bind(order_id)
            .bind(&wo.work_order_no)
            .bind(&wo.service_item_name)
            .bind(&wo.implementation)
            .bind(wo.currency.code())
            .bind(wo.unit_price_minor)
            .bind(&wo.tax_rate)
            .bind(wo.unit_price_incl_minor)
            .bind(wo.quantity)
            .bind(wo.total_incl_minor)
            .bind(status)
            .bind(at)
            .bind(order.paid.then_some(wo.total_incl_minor))
            .bind(order.paid.then_some(wo.currency.code()))
            .bind(order.paid.then_some(at))
            .fetch_one(&mut *tx)
            .await?
            .try_get("id")?;
            record(
                &mut tx,
                Event {
                    work_order_id: id,
                    milestone_no: None,
                    actor_id,
                    actor_label: if actor_id.is_some() {
                        ""
                    } else {
                        "marketplace"
                    },
                    action: "intake",
                    from_status: "",
                    to_status: status,
                    reason: "",
                },
            )
            .await?;
        }
        tx.commit().await?;
        Ok(Stored::Created)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order() -> OrderIn {
        OrderIn {
            order_no: "201912050713251962".into(),
            buyer_company: "TestCompany-A".into(),
            contact_name: String::new(),
            contact_email: "buyer@example.com".into(),
            solution_name: "Product_X".into(),
            solution_quantity: 1,
            picture_url: String::new(),
            paid: false,
            work_orders: vec![WorkOrderIn {
                work_order_no: "20191205071325781".into(),
                service_item_name: "部署服务".into(),
                implementation: String::new(),
                price: "100.00".into(),
                tax_rate: "0.06".into(),
                quantity: 3,
                currency: "CNY".into(),
            }],
        }
    }

    #[test]
    fn amounts_are_computed_exactly() {
        let valid = validate(&order()).unwrap();
        assert_eq!(valid[0].unit_price_minor, 10_000);
        assert_eq!(valid[0].unit_price_incl_minor, 10_600);
        assert_eq!(valid[0].total_incl_minor, 31_800);
        assert_eq!(valid[0].tax_rate, "0.06");

        let mut huge = order();
        huge.work_orders[0].price = "4888888888888889.00".into();
        huge.work_orders[0].tax_rate = "0".into();
        huge.work_orders[0].quantity = 1;
        assert_eq!(
            validate(&huge).unwrap()[0].total_incl_minor,
            488_888_888_888_888_900
        );
    }

    #[test]
    fn every_bad_field_is_named() {
        let mut bad = order();
        bad.order_no = "12ab".into();
        bad.contact_email = "not an email".into();
        bad.work_orders[0].price = "1.005".into();
        bad.work_orders[0].tax_rate = "1.5".into();
        bad.work_orders[0].currency = "EUR".into();
        bad.work_orders.push(bad.work_orders[0].clone());
        let errors = validate(&bad).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|(f, _)| f.as_str()).collect();
        for expected in [
            "order_no",
            "contact_email",
            "work_orders[0].currency",
            "work_orders[0].price",
            "work_orders[0].tax_rate",
            "work_orders[1].work_order_no",
        ] {
            assert!(
                fields.contains(&expected),
                "{expected} missing from {fields:?}"
            );
        }
        let mut overflow = order();
        overflow.work_orders[0].price = "79228162514264337593543950335".into();
        assert!(validate(&overflow).is_err());
    }
}
