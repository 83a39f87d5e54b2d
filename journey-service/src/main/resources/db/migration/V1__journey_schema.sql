-- journey-service schema: identity graph, touchpoints, stage history and the transitions outbox.

-- A person as far as we know them. A customer absorbed by a merge keeps its row with merged_into
-- set, so ids handed out before the merge still resolve (to the survivor).
create table customer (
    id          uuid primary key,
    created_at  timestamptz not null,
    merged_into uuid references customer (id),
    merged_at   timestamptz
);
create index customer_merged_into on customer (merged_into) where merged_into is not null;

-- Typed identifiers (user_id, anonymous_id, ...). Always point at a live (not absorbed) customer.
create table identifier (
    type        text not null,
    value       text not null,
    customer_id uuid not null references customer (id),
    created_at  timestamptz not null,
    primary key (type, value)
);
create index identifier_customer on identifier (customer_id);

-- One row per touchpoints.v1 messageId (the idempotency key). occurred_at is the corrected event
-- time the journey is ordered by. The customer FK is checked at commit: the row is inserted (and
-- a duplicate detected) before the identity changes of the same transaction are written.
create table touchpoint (
    message_id   text primary key,
    customer_id  uuid not null references customer (id) deferrable initially deferred,
    type         text not null,
    event        text,
    channel      text not null,
    source_id    text not null,
    occurred_at  timestamptz not null,
    received_at  timestamptz not null,
    stage        text,
    payload      jsonb not null,
    stored_at    timestamptz not null default now()
);
create index touchpoint_customer_time on touchpoint (customer_id, occurred_at, message_id);

-- First entry of each customer into each stage (earliest corrected time), and what caused it.
create table stage_history (
    customer_id      uuid not null references customer (id),
    stage            text not null,
    entered_at       timestamptz not null,
    channel          text not null,
    source_id        text,
    cause_message_id text not null,
    primary key (customer_id, stage)
);

-- journey.transitions.v1 records waiting for (or done with) publication. Written in the same
-- transaction as the change they describe; the relay publishes unsent rows in id order.
create table outbox (
    id            bigserial primary key,
    topic         text not null,
    record_key    text not null,
    transition_id text not null,
    payload       jsonb not null,
    created_at    timestamptz not null default now(),
    sent_at       timestamptz
);
create index outbox_unsent on outbox (id) where sent_at is null;
