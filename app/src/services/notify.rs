//! Who is told what about service items: whoever last sent an item to the platform (or its
//! creator) hears the platform's decision.

use super::model::ReviewAction;
use crate::kit::mail::{render, Mail};
use crate::kit::request::Settings;

/// The decision `action` on item `id` called `name`, to `to`; none for the provider's own moves.
pub fn decided(
    settings: &Settings,
    to: &str,
    id: i64,
    name: &str,
    action: ReviewAction,
    reason: &str,
) -> Option<Mail> {
    let (subject, zh, en) = match action {
        ReviewAction::Approve => (
            format!("服务项「{name}」已通过审核 · Service item approved"),
            format!("您的服务项「{name}」已通过平台审核并上架。"),
            format!("Your service item \"{name}\" was approved and is listed on the marketplace."),
        ),
        ReviewAction::Reject => (
            format!("服务项「{name}」未通过审核 · Service item rejected"),
            format!("您的服务项「{name}」未通过平台审核，原因：{reason}。修改后可重新提交审核。"),
            format!("Your service item \"{name}\" was rejected: {reason}. Edit it and submit it again."),
        ),
        ReviewAction::ApproveDelisting => (
            format!("服务项「{name}」已下架 · Service item delisted"),
            format!("平台已同意下架您的服务项「{name}」。现在可以编辑并重新提交审核。"),
            format!("The platform delisted your service item \"{name}\". You may now edit it and submit it again."),
        ),
        ReviewAction::RefuseDelisting => (
            format!("服务项「{name}」的下架申请未通过 · Delisting refused"),
            format!("平台未同意下架您的服务项「{name}」，原因：{reason}。服务项保持上架。"),
            format!("The platform kept your service item \"{name}\" listed: {reason}."),
        ),
        ReviewAction::Submit | ReviewAction::RequestDelisting => return None,
    };
    let link = format!("{}/services/{id}", settings.public_url);
    Some(render(
        to,
        &subject,
        &[zh, en],
        Some(("查看服务项 / View service item", &link)),
    ))
}
