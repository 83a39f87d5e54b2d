-- The customer foreign keys of the stitcher's high-volume tables go: each inserted or moved row ran
-- a check query at commit (an index look-up and a row lock on customer), about three per touchpoint,
-- and the stitcher already guarantees more than they did: it writes these rows only under the identity
-- locks, for customers it has locked or created in the same transaction, and keeps them on live
-- (not merged-away, not erased) customers, which a foreign key cannot express (docs/adr/0010;
-- StitchingConsistencyTest checks it). customer.merged_into keeps its key: merges are rare.
alter table touchpoint drop constraint touchpoint_customer_id_fkey;
alter table identifier drop constraint identifier_customer_id_fkey;
alter table stage_history drop constraint stage_history_customer_id_fkey;
alter table identity_conflict drop constraint identity_conflict_customer_id_fkey;
alter table identity_conflict drop constraint identity_conflict_other_customer_id_fkey;
