//! Who is told what about service items: whoever last sent an item to the platform (or its
//! creator) hears the platform's decision.

use super::model::ReviewAction;
use crate::kit::mail::Letter;
use crate::kit::request::Settings;

/// The decision `action` on item `id` called `name`; none for the provider's own moves.
pub fn decided(
    settings: &Settings,
    id: i64,
    name: &str,
    action: ReviewAction,
    reason: &str,
) -> Option<Letter> {
    let (subject, body) = match action {
        ReviewAction::Approve => (
            "mail.service.approved.subject",
            "mail.service.approved.body",
        ),
        ReviewAction::Reject => (
            "mail.service.rejected.subject",
            "mail.service.rejected.body",
        ),
        ReviewAction::ApproveDelisting => (
            "mail.service.delisted.subject",
            "mail.service.delisted.body",
        ),
        ReviewAction::RefuseDelisting => (
            "mail.service.delisting_refused.subject",
            "mail.service.delisting_refused.body",
        ),
        ReviewAction::Submit | ReviewAction::RequestDelisting => return None,
    };
    Some(
        Letter::new(subject)
            .paragraph(body)
            .arg("name", name)
            .arg("reason", reason)
            .button(
                "mail.service.button",
                format!("{}/services/{id}", settings.public_url),
            ),
    )
}
