#![recursion_limit = "256"]
//! The integration tests: one binary (one link on a 2-core machine), a module per area, the
//! spawn-app harness and helpers once in `common`.

#[macro_use]
mod common;

mod accept_behalf;
mod acceptance;
mod accounts;
mod billing;
mod evidence;
mod figures;
mod foundation;
mod global_search;
mod home;
mod intake;
mod isolation;
mod lifecycle;
mod list_paging;
mod mail_language;
mod operators;
mod orders;
mod production;
mod providers;
mod schema;
mod search;
mod security;
mod services;
mod tickets;
mod tiers;
mod time_zones;
mod tutorials;
mod users;
mod work_order_lists;
