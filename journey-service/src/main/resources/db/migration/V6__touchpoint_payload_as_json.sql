-- The touchpoint's payload is the record as received: kept whole, returned whole by the export API and
-- read inside only when a customer's history is replayed (->> on userId, anonymousId, properties). json
-- keeps the text as it came and checks it is JSON; jsonb also had to build and sort a binary tree for
-- every touchpoint stored (deploy/bench/journey).
alter table touchpoint alter column payload type json using payload::json;
