-- The relay deletes outbox rows in the transaction that publishes them (commit after Kafka's acks)
-- instead of setting sent_at: the table holds only the backlog, and each transition is written once
-- and deleted once instead of written twice (an update is a new row version and index entry).
delete from outbox where sent_at is not null;
drop index outbox_unsent;
alter table outbox drop column sent_at;
-- The payload is a transport buffer, written by the stitcher and read back whole by the relay: text
-- spares PostgreSQL a jsonb parse on insert and a jsonb print on every read.
alter table outbox alter column payload type text using payload::text;
