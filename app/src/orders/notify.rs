//! Who is told what about work orders: the buyer's contact is asked to accept a delivered
//! stage (and reminded before the deadline); the provider's managers hear of a new work
//! order (a dispatch or a 重新派单) and of the customer's answer; both hear when the platform
//! cancels a work order, accepts a stage on the customer's behalf, or the system accepts it
//! after the customer's silence (自动验收).

use crate::kit::mail::Letter;
use crate::kit::time::Zone;

/// What the acceptance mail says about a stage.
pub struct Stage {
    pub provider: String,
    pub work_order_no: String,
    pub position: i64,
    pub standard: String,
}

/// The acceptance request (or its reminder) with the live link `url`, answered by `due`;
/// with 自动验收 on, accepted without an answer at `auto_at`.
pub fn acceptance_request(
    stage: &Stage,
    due: i64,
    url: &str,
    reminder: bool,
    auto_at: Option<i64>,
) -> Letter {
    let subject = if reminder {
        "mail.stage.reminder.subject"
    } else {
        "mail.stage.review.subject"
    };
    let mut letter = Letter::new(subject)
        .paragraph("mail.stage.review.lead")
        .paragraph("mail.stage.review.standard")
        .paragraph("mail.stage.review.due");
    if let Some(at) = auto_at {
        letter = letter
            .paragraph("mail.stage.review.auto")
            .arg("auto", Zone::business().deadline(at));
    }
    letter
        .arg("no", stage.work_order_no.as_str())
        .arg("position", stage.position.to_string())
        // A customer has no setting: the marketplace's business zone, named.
        .arg("due", Zone::business().deadline(due))
        .arg("provider", stage.provider.as_str())
        .arg("standard", stage.standard.as_str())
        .button("mail.stage.review.button", url)
        .secret(url)
}

/// The customer's `contact` has not answered stage `position` of work order `no` by its
/// deadline: the provider can send it again (the store adds the button to the work order).
pub fn stage_overdue(contact: &str, no: &str, position: i64) -> Letter {
    Letter::new("mail.stage.overdue.subject")
        .paragraph("mail.stage.overdue.body")
        .arg("no", no)
        .arg("position", position.to_string())
        .arg("contact", contact)
}

/// The platform dispatched work order `no` to `provider` (the store adds the button to the
/// work order).
pub fn dispatched(provider: &str, no: &str) -> Letter {
    Letter::new("mail.work_order.dispatched.subject")
        .paragraph("mail.work_order.dispatched.body")
        .arg("no", no)
        .arg("provider", provider)
}

/// The platform cancelled work order `no` for `reason`: to the provider's managers (the
/// store adds the button to the work order).
pub fn cancelled(no: &str, reason: &str) -> Letter {
    Letter::new("mail.work_order.cancelled.subject")
        .paragraph("mail.work_order.cancelled.body")
        .paragraph("mail.work_order.cancelled.reason")
        .arg("no", no)
        .arg("reason", reason)
}

/// The same, to the buyer's contact: which of their order's services it was.
pub fn cancelled_for_buyer(no: &str, order_no: &str, item: &str, reason: &str) -> Letter {
    Letter::new("mail.work_order.cancelled_buyer.subject")
        .paragraph("mail.work_order.cancelled_buyer.body")
        .paragraph("mail.work_order.cancelled.reason")
        .arg("no", no)
        .arg("order", order_no)
        .arg("item", item)
        .arg("reason", reason)
}

/// The customer's `contact` accepted (or rejected, with `reason`) stage `position` of work
/// order `no`.
pub fn stage_answered(
    contact: &str,
    no: &str,
    position: i64,
    accept: bool,
    reason: &str,
) -> Letter {
    let letter = if accept {
        Letter::new("mail.stage.accepted.subject").paragraph("mail.stage.accepted.body")
    } else {
        Letter::new("mail.stage.rejected.subject")
            .paragraph("mail.stage.rejected.body")
            .paragraph("mail.stage.rejected.reason")
    };
    letter
        .arg("no", no)
        .arg("position", position.to_string())
        .arg("contact", contact)
        .arg("reason", reason)
}

/// The platform accepted stage `position` of work order `no` on the customer's behalf
/// (`contact`), for `reason`: to the provider's managers (the store adds the button).
pub fn accepted_on_behalf(contact: &str, no: &str, position: i64, reason: &str) -> Letter {
    Letter::new("mail.stage.on_behalf.subject")
        .paragraph("mail.stage.on_behalf.body")
        .paragraph("mail.stage.on_behalf.reason")
        .arg("no", no)
        .arg("position", position.to_string())
        .arg("contact", contact)
        .arg("reason", reason)
}

/// The same, to the customer's contact: which provider's stage, and why.
pub fn accepted_on_behalf_for_customer(
    provider: &str,
    no: &str,
    position: i64,
    reason: &str,
) -> Letter {
    Letter::new("mail.stage.on_behalf_customer.subject")
        .paragraph("mail.stage.on_behalf_customer.body")
        .paragraph("mail.stage.on_behalf.reason")
        .arg("no", no)
        .arg("position", position.to_string())
        .arg("provider", provider)
        .arg("reason", reason)
}

/// The customer's `contact` did not answer within 平台设置's period: stage `position` of
/// work order `no` was accepted automatically. To the provider's managers.
pub fn auto_accepted(contact: &str, no: &str, position: i64) -> Letter {
    Letter::new("mail.stage.auto.subject")
        .paragraph("mail.stage.auto.body")
        .arg("no", no)
        .arg("position", position.to_string())
        .arg("contact", contact)
}

/// The same, to the customer's contact.
pub fn auto_accepted_for_customer(provider: &str, no: &str, position: i64) -> Letter {
    Letter::new("mail.stage.auto_customer.subject")
        .paragraph("mail.stage.auto_customer.body")
        .arg("no", no)
        .arg("position", position.to_string())
        .arg("provider", provider)
}
