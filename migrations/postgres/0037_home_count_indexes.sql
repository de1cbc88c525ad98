-- 后台首页 counts a provider's open tickets with unread replies and its active members on
-- every visit. By provider alone, each count read every one of the provider's tickets (2,000
-- at the benchmark) and members to test them; these indexes hold the answer itself: the
-- partial one just the tickets it counts, the other each membership's status.
CREATE INDEX tickets_unread ON tickets (provider_id) WHERE unread > 0 AND status <> 'closed';
CREATE INDEX memberships_provider_status ON memberships (provider_id, status);
