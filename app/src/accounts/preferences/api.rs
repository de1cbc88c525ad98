//! The settings' server functions.

use super::Preferences;
use crate::kit::error::AppError;
use leptos::prelude::*;

/// The signed-in user's settings.
#[server(endpoint = "preferences")]
pub async fn get_preferences() -> Result<Preferences, AppError> {
    use crate::kit::time::{Zone, ZONES};
    let result = async {
        let auth = crate::kit::request::auth()?;
        let now = crate::kit::db::now();
        let zone = auth.time_zone;
        let zones = ZONES
            .iter()
            .filter_map(|(name, key)| {
                Zone::named(name).map(|choice| super::ZoneChoice {
                    name: (*name).to_owned(),
                    label_key: (*key).to_owned(),
                    offset: choice.offset_label(now),
                })
            })
            .collect();
        Ok(Preferences {
            time_zone: zone.name().to_owned(),
            now: zone.deadline(now),
            zones,
        })
    }
    .await;
    crate::kit::forms::finish("", result)
}

/// Sets the zone the user reads times in: one of those the page offers.
#[server(endpoint = "set_time_zone")]
pub async fn set_time_zone(time_zone: String) -> Result<(), AppError> {
    use crate::kit::request::{auth, client_ip, db};
    let result = async {
        let auth = auth()?;
        let Some(zone) = crate::kit::time::Zone::named(time_zone.trim()) else {
            return Err(crate::kit::forms::invalid(
                "preferences",
                &[("time_zone", "prefs.zone_unknown")],
                &[],
            ));
        };
        super::store::set_time_zone(
            &db()?,
            auth.provider.map(|p| p.provider_id),
            auth.user_id,
            zone.name(),
            &client_ip(),
        )
        .await?;
        if crate::kit::forms::is_form_post() {
            leptos_axum::redirect("/account/preferences?saved=1");
        }
        Ok(())
    }
    .await;
    crate::kit::forms::finish("preferences", result)
}
