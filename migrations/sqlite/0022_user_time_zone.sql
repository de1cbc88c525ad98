-- The time zone a user reads times in (偏好设置): an IANA name of kit::time::ZONES;
-- NULL is the marketplace's business zone, Asia/Shanghai.
ALTER TABLE users ADD COLUMN time_zone TEXT;
