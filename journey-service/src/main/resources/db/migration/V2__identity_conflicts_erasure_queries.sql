-- journey-service schema, issue 4: more identifier types (no schema change: identifier.type is text),
-- recorded identity conflicts, erasure with a suppression list, and indexes for the query API.

-- An erased customer keeps only its id row (so the id answers 404, not a fresh customer); its
-- touchpoints, identifiers and stage history are deleted.
alter table customer add column erased_at timestamptz;

-- Two customers that one touchpoint would have merged, were it not for two different user_ids.
-- Nothing is merged automatically; the conflict is kept for a person to look at.
create table identity_conflict (
    id                bigserial primary key,
    customer_id       uuid not null references customer (id) deferrable initially deferred,
    other_customer_id uuid not null references customer (id) deferrable initially deferred,
    identifier_type   text not null,
    identifier_value  text not null,
    message_id        text not null,
    detected_at       timestamptz not null,
    unique (customer_id, other_customer_id, identifier_type, identifier_value)
);
create index identity_conflict_other on identity_conflict (other_customer_id);

-- Identifiers of erased customers, as SHA-256 of "type:value" (hex), never the value itself. A later
-- touchpoint carrying one of them is dropped (and counted), so an erased person does not come back.
create table suppression (
    digest    text primary key,
    erased_at timestamptz not null
);

-- GET /customers?stage=&since= and the journey map read the stage history by stage and time.
create index stage_history_stage_time on stage_history (stage, entered_at, customer_id);
-- the journey map reads touchpoints by time
create index touchpoint_time on touchpoint (occurred_at);
