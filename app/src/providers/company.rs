//! 企业信息: what a provider's admin and co-admins keep about their company — address,
//! 业务负责人, a contact, the bank account payouts go to, and the invoice details. The rules:
//! which fields are required, what a phone, tax number and account number look like, how an
//! account number is masked, and what changed. Plain Rust, unit-tested.

use serde::{Deserialize, Serialize};

/// The company's details as kept (and as the form shows them, but the account number).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Company {
    pub name: String,
    pub address: String,
    pub responsible_person: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub contact_email: String,
    pub bank_name: String,
    pub bank_account_name: String,
    pub bank_account_no: String,
    pub invoice_title: String,
    pub tax_number: String,
}

/// The longest text field kept, in characters.
pub const FIELD_CHARS: usize = 200;

/// A 企业信息 form as posted. `bank_account_no` is blank to keep the number on file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanyForm {
    pub address: String,
    pub responsible_person: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub contact_email: String,
    pub bank_name: String,
    pub bank_account_name: String,
    pub bank_account_no: String,
    pub invoice_title: String,
    pub tax_number: String,
}

fn clean(value: &str) -> String {
    value.trim().chars().filter(|c| !c.is_control()).collect()
}

impl CompanyForm {
    /// The details to keep, given those on file (`current`), or every bad field with the key
    /// of its message.
    pub fn check(&self, current: &Company) -> Result<Company, Vec<(&'static str, &'static str)>> {
        let mut errors = Vec::new();
        let mut next = Company {
            name: current.name.clone(),
            address: clean(&self.address),
            responsible_person: clean(&self.responsible_person),
            contact_name: clean(&self.contact_name),
            contact_phone: clean(&self.contact_phone),
            contact_email: clean(&self.contact_email).to_lowercase(),
            bank_name: clean(&self.bank_name),
            bank_account_name: clean(&self.bank_account_name),
            bank_account_no: current.bank_account_no.clone(),
            invoice_title: clean(&self.invoice_title),
            tax_number: clean(&self.tax_number).to_uppercase(),
        };
        let typed_no: String = self
            .bank_account_no
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect();
        if !typed_no.is_empty() {
            if (8..=34).contains(&typed_no.len()) && typed_no.chars().all(|c| c.is_ascii_digit()) {
                next.bank_account_no = typed_no;
            } else {
                errors.push(("bank_account_no", "company.error.account_no"));
            }
        }
        for (field, value) in [
            ("address", &next.address),
            ("responsible_person", &next.responsible_person),
            ("contact_name", &next.contact_name),
            ("bank_name", &next.bank_name),
            ("bank_account_name", &next.bank_account_name),
            ("invoice_title", &next.invoice_title),
        ] {
            if value.chars().count() > FIELD_CHARS {
                errors.push((field, "form.too_long_short"));
            }
        }
        if next.responsible_person.is_empty() {
            errors.push(("responsible_person", "form.required"));
        }
        if !next.contact_phone.is_empty() && !plausible_phone(&next.contact_phone) {
            errors.push(("contact_phone", "company.error.phone"));
        }
        if !next.contact_email.is_empty()
            && !crate::accounts::registration::plausible_email(&next.contact_email)
        {
            errors.push(("contact_email", "form.email_invalid"));
        }
        if !next.tax_number.is_empty() && !plausible_tax_number(&next.tax_number) {
            errors.push(("tax_number", "company.error.tax_number"));
        }
        // Payouts need the whole account: bank, holder and number together, or none of them.
        let bank = [
            ("bank_name", next.bank_name.is_empty()),
            ("bank_account_name", next.bank_account_name.is_empty()),
            ("bank_account_no", next.bank_account_no.is_empty()),
        ];
        if bank.iter().any(|(_, blank)| !blank) {
            for (field, blank) in bank {
                if blank && !errors.iter().any(|(f, _)| *f == field) {
                    errors.push((field, "company.error.bank_incomplete"));
                }
            }
        }
        if errors.is_empty() {
            Ok(next)
        } else {
            Err(errors)
        }
    }
}

/// A phone number as people write one: digits with +, -, brackets and spaces, 20 at most.
fn plausible_phone(phone: &str) -> bool {
    phone.len() <= 20
        && phone.chars().any(|c| c.is_ascii_digit())
        && phone
            .chars()
            .all(|c| c.is_ascii_digit() || "+-() ".contains(c))
}

/// 统一社会信用代码: 18 characters (older registrations: 15 or 20), digits and capitals.
fn plausible_tax_number(number: &str) -> bool {
    [15, 18, 20].contains(&number.len())
        && number
            .chars()
            .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
}

pub use crate::kit::mask::account_no as masked;

impl Company {
    /// The fields that differ from `before`, by form name (the audit entry's detail).
    pub fn changed_from(&self, before: &Company) -> Vec<&'static str> {
        [
            ("address", self.address != before.address),
            (
                "responsible_person",
                self.responsible_person != before.responsible_person,
            ),
            ("contact_name", self.contact_name != before.contact_name),
            ("contact_phone", self.contact_phone != before.contact_phone),
            ("contact_email", self.contact_email != before.contact_email),
            ("bank_name", self.bank_name != before.bank_name),
            (
                "bank_account_name",
                self.bank_account_name != before.bank_account_name,
            ),
            (
                "bank_account_no",
                self.bank_account_no != before.bank_account_no,
            ),
            ("invoice_title", self.invoice_title != before.invoice_title),
            ("tax_number", self.tax_number != before.tax_number),
        ]
        .into_iter()
        .filter_map(|(field, changed)| changed.then_some(field))
        .collect()
    }

    /// Whether the account payouts go to changed: the admin is told at once.
    pub fn payout_account_changed(&self, before: &Company) -> bool {
        self.bank_name != before.bank_name
            || self.bank_account_name != before.bank_account_name
            || self.bank_account_no != before.bank_account_no
    }

    /// The same details with the account number masked, for pages and the platform.
    pub fn shown(mut self) -> Company {
        self.bank_account_no = masked(&self.bank_account_no);
        self
    }
}

/// A change of the company's name (公司名称变更): the platform approves it, as it approved
/// the name at registration.
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RenameStatus {
    /// 待审核: the name stays the old one meanwhile.
    Pending,
    /// 已通过: the provider carries the new name from then on (bills keep theirs).
    Approved,
    /// 已驳回, with the platform's reason.
    Rejected,
}

/// Labels: 待审核, 已通过, 已驳回.
impl crate::kit::code::Code for RenameStatus {
    const LABELS: Option<&'static str> = Some("company.rename.status");
}

/// What an operator decides about a name change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RenameDecision {
    Approve,
    Reject,
}

impl RenameDecision {
    /// The decision a form posts (`approve`, `reject`).
    pub fn parse(value: &str) -> Option<RenameDecision> {
        match value {
            "approve" => Some(RenameDecision::Approve),
            "reject" => Some(RenameDecision::Reject),
            _ => None,
        }
    }
}

impl RenameStatus {
    /// The status after `decision`, or the key of why it is refused: only a waiting request
    /// is decided, once.
    pub fn decide(self, decision: RenameDecision) -> Result<RenameStatus, &'static str> {
        match (self, decision) {
            (RenameStatus::Pending, RenameDecision::Approve) => Ok(RenameStatus::Approved),
            (RenameStatus::Pending, RenameDecision::Reject) => Ok(RenameStatus::Rejected),
            (RenameStatus::Approved | RenameStatus::Rejected, _) => {
                Err("company.error.rename_decided")
            }
        }
    }
}

/// The longest company name, in characters (as at registration).
pub const NAME_CHARS: usize = 100;

/// The name asked for: trimmed, required, at most `NAME_CHARS`, not the name it has.
pub fn new_name(typed: &str, current: &str) -> Result<String, &'static str> {
    let name = clean(typed);
    if name.is_empty() {
        Err("form.required")
    } else if name.chars().count() > NAME_CHARS {
        Err("form.too_long_short")
    } else if name == current {
        Err("company.error.same_name")
    } else {
        Ok(name)
    }
}

/// Why a name change is refused: required to reject (the admin is told it), at most 500
/// characters; an approval needs none.
pub fn decision_reason(decision: RenameDecision, typed: &str) -> Result<String, &'static str> {
    let reason = typed.trim();
    match decision {
        RenameDecision::Reject if reason.is_empty() => Err("form.required"),
        _ if reason.chars().count() > 500 => Err("form.too_long_short"),
        _ => Ok(reason.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> CompanyForm {
        CompanyForm {
            address: " 上海市浦东新区 ".into(),
            responsible_person: "AKU".into(),
            contact_phone: "+86 136-5361-2334".into(),
            contact_email: "Finance@Example.com".into(),
            bank_name: "招商银行上海分行".into(),
            bank_account_name: "MSP-A_TEST1".into(),
            bank_account_no: "6225 8812 3456 7890".into(),
            tax_number: "91310000mA1k2b3c4d".into(),
            ..CompanyForm::default()
        }
    }

    #[test]
    fn good_details_are_kept_cleaned() {
        let kept = form().check(&Company::default()).unwrap();
        assert_eq!(kept.address, "上海市浦东新区");
        assert_eq!(kept.contact_email, "finance@example.com");
        assert_eq!(kept.bank_account_no, "6225881234567890");
        assert_eq!(kept.tax_number, "91310000MA1K2B3C4D");
    }

    #[test]
    fn every_bad_field_is_named() {
        let bad = CompanyForm {
            responsible_person: " ".into(),
            contact_phone: "call me".into(),
            contact_email: "nope".into(),
            bank_name: "招商银行".into(),
            bank_account_no: "12ab".into(),
            tax_number: "123".into(),
            address: "地".repeat(FIELD_CHARS + 1),
            ..CompanyForm::default()
        };
        let mut errors = bad.check(&Company::default()).unwrap_err();
        errors.sort();
        assert_eq!(
            errors,
            vec![
                ("address", "form.too_long_short"),
                ("bank_account_name", "company.error.bank_incomplete"),
                ("bank_account_no", "company.error.account_no"),
                ("contact_email", "form.email_invalid"),
                ("contact_phone", "company.error.phone"),
                ("responsible_person", "form.required"),
                ("tax_number", "company.error.tax_number"),
            ]
        );
    }

    #[test]
    fn a_blank_account_number_keeps_the_one_on_file() {
        let current = Company {
            bank_account_no: "6225881234567890".into(),
            ..Company::default()
        };
        let kept = CompanyForm {
            bank_account_no: " ".into(),
            ..form()
        }
        .check(&current)
        .unwrap();
        assert_eq!(kept.bank_account_no, "6225881234567890");
        assert!(!kept.changed_from(&current).contains(&"bank_account_no"));
        assert!(
            kept.payout_account_changed(&current),
            "bank name and holder are new"
        );
    }

    #[test]
    fn an_account_shows_only_its_last_four_digits() {
        assert_eq!(masked("6225881234567890"), "•••• 7890");
        assert_eq!(masked(""), "");
        let shown = Company {
            bank_account_no: "6225881234567890".into(),
            ..Company::default()
        }
        .shown();
        assert_eq!(shown.bank_account_no, "•••• 7890");
    }

    #[test]
    fn changes_are_listed_by_field() {
        let before = form().check(&Company::default()).unwrap();
        let mut after = before.clone();
        after.contact_name = "财务".into();
        after.bank_account_no = "6225000000000000".into();
        assert_eq!(
            after.changed_from(&before),
            vec!["contact_name", "bank_account_no"]
        );
        assert!(after.payout_account_changed(&before));
        assert!(before.changed_from(&before).is_empty());
    }

    #[test]
    fn only_a_waiting_name_change_is_decided_and_once() {
        use crate::kit::code::Code;
        let decisions = [RenameDecision::Approve, RenameDecision::Reject];
        for from in RenameStatus::all() {
            for decision in decisions {
                let expected = match (from, decision) {
                    (RenameStatus::Pending, RenameDecision::Approve) => Ok(RenameStatus::Approved),
                    (RenameStatus::Pending, RenameDecision::Reject) => Ok(RenameStatus::Rejected),
                    _ => Err("company.error.rename_decided"),
                };
                assert_eq!(from.decide(decision), expected, "{from:?} {decision:?}");
            }
        }
        assert_eq!(
            RenameDecision::parse("approve"),
            Some(RenameDecision::Approve)
        );
        assert_eq!(
            RenameDecision::parse("reject"),
            Some(RenameDecision::Reject)
        );
        assert_eq!(RenameDecision::parse("delete"), None);
    }

    #[test]
    fn a_new_name_is_given_short_and_different() {
        assert_eq!(
            new_name("  蓝海科技  ", "MSP-A_TEST1"),
            Ok("蓝海科技".into())
        );
        assert_eq!(new_name("   ", "MSP-A_TEST1"), Err("form.required"));
        assert_eq!(
            new_name(" MSP-A_TEST1 ", "MSP-A_TEST1"),
            Err("company.error.same_name")
        );
        assert_eq!(new_name(&"名".repeat(101), "x"), Err("form.too_long_short"));
        assert_eq!(
            new_name(&"名".repeat(100), "x").map(|n| n.chars().count()),
            Ok(100)
        );
        assert_eq!(
            decision_reason(RenameDecision::Reject, " "),
            Err("form.required")
        );
        assert_eq!(
            decision_reason(RenameDecision::Approve, " "),
            Ok(String::new())
        );
        assert_eq!(
            decision_reason(RenameDecision::Reject, &"x".repeat(501)),
            Err("form.too_long_short")
        );
    }
}
