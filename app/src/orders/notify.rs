//! Who is told what about work orders: the buyer's contact is asked to accept a delivered
//! stage (and reminded before the deadline); the provider's managers hear of a new work
//! order and of the customer's answer.

use crate::kit::mail::{both, paragraphs, render, Mail};
use crate::kit::time::Zone;

/// What the acceptance mail says about a stage.
pub struct Stage {
    pub contact_email: String,
    pub provider: String,
    pub work_order_no: String,
    pub position: i64,
    pub standard: String,
}

/// The acceptance request (or its reminder) with the live link `url`, answered by `due`.
pub fn acceptance_request(stage: &Stage, due: i64, url: &str, reminder: bool) -> Mail {
    let Stage {
        provider,
        work_order_no: no,
        position,
        standard,
        ..
    } = stage;
    let position = position.to_string();
    // A customer has no setting: the marketplace's business zone, named.
    let due = Zone::business().deadline(due);
    let args = [
        ("no", no.as_str()),
        ("position", position.as_str()),
        ("provider", provider.as_str()),
        ("due", due.as_str()),
        ("standard", standard.as_str()),
    ];
    let subject = if reminder {
        "mail.stage.reminder.subject"
    } else {
        "mail.stage.review.subject"
    };
    render(
        &stage.contact_email,
        &both(subject, &args, " · "),
        &paragraphs(
            &[
                "mail.stage.review.lead",
                "mail.stage.review.standard",
                "mail.stage.review.due",
            ],
            &args,
        ),
        Some((&both("mail.stage.review.button", &[], " / "), url)),
    )
    .secret(url.to_owned())
}

/// A mail to the provider's managers: its subject and paragraphs (the store finds the
/// managers and adds the button to the work order).
pub struct ProviderNotice {
    pub subject: String,
    pub paragraphs: Vec<String>,
}

/// The platform dispatched work order `no` to `provider`.
pub fn dispatched(provider: &str, no: &str) -> ProviderNotice {
    let args = [("no", no), ("provider", provider)];
    ProviderNotice {
        subject: both("mail.work_order.dispatched.subject", &args, " · "),
        paragraphs: paragraphs(&["mail.work_order.dispatched.body"], &args),
    }
}

/// The customer's `contact` accepted (or rejected, with `reason`) stage `position` of work
/// order `no`.
pub fn stage_answered(
    contact: &str,
    no: &str,
    position: i64,
    accept: bool,
    reason: &str,
) -> ProviderNotice {
    let position = position.to_string();
    let args = [
        ("no", no),
        ("position", position.as_str()),
        ("contact", contact),
        ("reason", reason),
    ];
    let (subject, keys): (_, &[&'static str]) = if accept {
        ("mail.stage.accepted.subject", &["mail.stage.accepted.body"])
    } else {
        (
            "mail.stage.rejected.subject",
            &["mail.stage.rejected.body", "mail.stage.rejected.reason"],
        )
    };
    ProviderNotice {
        subject: both(subject, &args, " · "),
        paragraphs: paragraphs(keys, &args),
    }
}
