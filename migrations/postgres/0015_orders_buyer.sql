-- 购买公司 filter on 服务工单 (and its export): orders of one buyer found by index, not by scan.
CREATE INDEX orders_buyer_company ON orders (buyer_company);
