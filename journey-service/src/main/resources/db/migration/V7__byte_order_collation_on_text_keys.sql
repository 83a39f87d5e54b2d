-- Text keys compare byte by byte (collation "C") instead of through the database's locale: the
-- stitcher looks up and inserts message ids, identifiers and stages by these keys thousands of times
-- per batch, and a libc locale compares each pair with strcoll. Only the order of these keys changes
-- (pagination ties on message_id, identifiers by value); the ids themselves are opaque.
alter table touchpoint alter column message_id type text collate "C";
alter table suppressed_touchpoint alter column message_id type text collate "C";
alter table identifier alter column type type text collate "C", alter column value type text collate "C";
alter table stage_history alter column stage type text collate "C";
alter table suppression alter column digest type text collate "C";
