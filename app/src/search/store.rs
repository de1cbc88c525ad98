//! 基础搜索's gathering: each area finds its own records (its store's `search_hits`), so that
//! none reads another's tables. None walks a table that grows with trade: work orders (and
//! their orders) come from the trigram index 服务工单's own search uses (migration 0017); a
//! provider's service items, bills, members and tickets are its own few rows, through the
//! provider's index; across providers, bills and tickets are found by their whole number (a
//! unique index), service items and members by name (the catalogue and the staff, which grow
//! with providers, not with orders).

use super::model::{self, Kind, HITS_PER_KIND};
use super::Group;
use crate::kit::db::Db;
use crate::kit::forms::encode_query;
use crate::kit::search::{Hit, Query, Searcher};

/// One more than shown, so that a full group knows there are more.
const ASKED: i64 = HITS_PER_KIND as i64 + 1;

/// Every kind's hits for `keyword` (as `model::keyword` returns it), kinds without any left out.
pub async fn search(db: &Db, searcher: Searcher, keyword: &str) -> Result<Vec<Group>, sqlx::Error> {
    let query = Query {
        searcher,
        keyword,
        limit: ASKED,
    };
    let filtered = |path: &str| {
        Some(format!(
            "{}?q={}",
            searcher.page(path),
            encode_query(keyword)
        ))
    };
    let found = crate::orders::search_hits(db, query).await?;
    let orders = model::orders_of(
        found
            .iter()
            .map(|(_, no, buyer)| (no.as_str(), buyer.as_str())),
        keyword,
    );
    let orders = orders
        .into_iter()
        .map(|(order_no, buyer)| Hit {
            href: Some(format!(
                "{}?q={}",
                searcher.page("/orders"),
                encode_query(&order_no)
            )),
            title: order_no,
            detail: buyer,
            status_key: None,
        })
        .collect();
    let work_orders = found.into_iter().map(|(hit, _, _)| hit).collect();
    let members_list = match searcher {
        Searcher::Provider(_) => filtered("/users"),
        // An operator has no list of a provider's members.
        Searcher::Operator => None,
    };
    let mut groups = vec![
        group(Kind::WorkOrders, work_orders, filtered("/orders")),
        group(Kind::Orders, orders, filtered("/orders")),
        group(
            Kind::ServiceItems,
            crate::services::search_hits(db, query).await?,
            filtered("/services"),
        ),
        // The bill and ticket lists are filtered by period and state, not by text.
        group(
            Kind::Bills,
            crate::billing::search_hits(db, query).await?,
            None,
        ),
        group(
            Kind::Members,
            crate::users::search_hits(db, query).await?,
            members_list,
        ),
        group(
            Kind::Tickets,
            crate::tickets::search_hits(db, query).await?,
            None,
        ),
    ];
    groups.retain(|group| !group.hits.is_empty());
    Ok(groups)
}

/// A kind's group; `list` is the list that shows every hit (filtered by the keyword), where
/// there is one.
fn group(kind: Kind, found: Vec<Hit>, list: Option<String>) -> Group {
    let (hits, more) = model::shown(found);
    Group {
        kind,
        hits,
        more,
        more_href: list.filter(|_| more),
    }
}
