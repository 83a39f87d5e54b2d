-- messageIds of touchpoints dropped because they carried an identifier of an erased customer. A
-- re-delivered one is then a duplicate, not counted as suppressed a second time. Only the id is kept,
-- nothing of the touchpoint or its identifiers.
create table suppressed_touchpoint (
    message_id    text primary key,
    suppressed_at timestamptz not null
);
