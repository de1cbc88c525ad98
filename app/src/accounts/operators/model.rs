//! The rules of the platform's operators: an operator's state, and that the platform always
//! keeps one active operator. Plain Rust, unit-tested.

use crate::kit::code::Code;
use serde::{Deserialize, Serialize};

/// An operator as 运营人员 lists them.
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum OperatorState {
    /// Added, the activation link not yet used.
    Invited,
    Active,
    Disabled,
}

impl Code for OperatorState {
    const LABELS: Option<&'static str> = Some("operators.state");
}

impl OperatorState {
    /// The state of an operator whose access was taken away (`disabled`, the account and
    /// its history kept) or not, with a password or still to activate.
    pub fn of(disabled: bool, has_password: bool) -> OperatorState {
        if disabled {
            OperatorState::Disabled
        } else if has_password {
            OperatorState::Active
        } else {
            OperatorState::Invited
        }
    }
}

/// Whether an operator in `state` may be disabled while `active` operators (this one
/// included, if active) can sign in: never the last one, or the platform has nobody left to
/// run it (the command line's `operator add` would be the only way back).
pub fn may_disable(state: OperatorState, active: i64) -> Result<(), &'static str> {
    match state {
        OperatorState::Disabled => Err("operators.error.disabled_already"),
        OperatorState::Active if active <= 1 => Err("operators.error.last"),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_active_operator_stays() {
        assert_eq!(
            may_disable(OperatorState::Active, 1),
            Err("operators.error.last")
        );
        assert_eq!(may_disable(OperatorState::Active, 2), Ok(()));
        // An invited operator is not one who runs the platform yet.
        assert_eq!(may_disable(OperatorState::Invited, 1), Ok(()));
        assert_eq!(
            may_disable(OperatorState::Disabled, 3),
            Err("operators.error.disabled_already")
        );
    }

    #[test]
    fn states_read_from_the_account() {
        assert_eq!(OperatorState::of(false, true), OperatorState::Active);
        assert_eq!(OperatorState::of(false, false), OperatorState::Invited);
        assert_eq!(OperatorState::of(true, true), OperatorState::Disabled);
        assert!(crate::kit::code::missing_labels::<OperatorState>().is_empty());
    }
}
