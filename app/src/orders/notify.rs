//! Who is told what about work orders: the buyer's contact is asked to accept a delivered
//! stage (and reminded before the deadline); the provider's managers hear of a new work
//! order (a dispatch or a 重新派单) and of the customer's answer; both hear when the platform
//! cancels a work order.

use crate::kit::mail::Letter;
use crate::kit::time::Zone;

/// What the acceptance mail says about a stage.
pub struct Stage {
    pub provider: String,
    pub work_order_no: String,
    pub position: i64,
    pub standard: String,
}

/// The acceptance request (or its reminder) with the live link `url`, answered by `due`.
pub fn acceptance_request(stage: &Stage, due: i64, url: &str, reminder: bool) -> Letter {
    let subject = if reminder {
        "mail.stage.reminder.subject"
    } else {
        "mail.stage.review.subject"
    };
    Letter::new(subject)
        .paragraph("mail.stage.review.lead")
        .paragraph("mail.stage.review.standard")
        .paragraph("mail.stage.review.due")
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
