#!/usr/bin/env python3
"""Posts a generated omnichannel population to a running ingest-service (dev profile credentials).

Web, app and server customers (/v1/page, /v1/screen, /v1/identify, /v1/track), contact-center cases and surveys (Standard
Webhooks), social mentions, comments, likes, shares and direct messages (X-Hub-Signature-256), orders and
cancelled subscriptions. A third of the customers start more than 14 days ago and stop in the middle of
the purchase funnel, so the drop-off sweep has something to drop; a few requests are refused on purpose
(bad write key, invalid event, oversized event, bad signature) so the reject series exist.

    post-population.py [--ingest http://127.0.0.1:8081] [--customers 120] [--seed 20261123]

Standard library only: a fresh Debian has python3 and nothing else is needed.
"""
import argparse
import base64
import hashlib
import hmac
import json
import random
import sys
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone

WRITE_KEYS = {"web": "dev-write-key", "app": "dev-app-write-key", "server": "dev-server-write-key"}
# Dev profile secrets of the demo webhook sources (ingest-service application.properties, dev only).
CC_SECRET = "whsec_ZGV2LWNjLWRlbW8tc2lnbmluZy1rZXk="
SOCIAL_SECRET = "dev-social-demo-secret"


def iso(t):
    return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


class Ingest:
    def __init__(self, base):
        self.base = base.rstrip("/")
        self.answers = {}

    def post(self, path, body, headers, expect):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method="POST",
                                     headers={"Content-Type": "application/json", **headers})
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                status = r.status
        except urllib.error.HTTPError as e:
            status = e.code
        self.answers[status] = self.answers.get(status, 0) + 1
        if status != expect:
            raise SystemExit(f"POST {path} answered {status}, expected {expect}")

    def batch(self, channel, events, expect=200, key=None):
        """One request per event (/v1/track, /v1/page, ...): every call type's endpoint gets traffic."""
        auth = base64.b64encode(((key or WRITE_KEYS[channel]) + ":").encode()).decode()
        for event in events:
            self.post("/v1/" + event.get("type", "track"), event, {"Authorization": "Basic " + auth}, expect)

    def contact_center(self, body, expect=200, tamper=False):
        raw = json.dumps(body).encode()
        msg_id, ts = "pp-" + hashlib.sha1(raw).hexdigest()[:20], str(int(time.time()))
        key = base64.b64decode(CC_SECRET[len("whsec_"):])
        sig = base64.b64encode(hmac.new(key, f"{msg_id}.{ts}.".encode() + raw, hashlib.sha256).digest()).decode()
        if tamper:
            sig = sig[::-1]
        self.post("/webhooks/cc-demo", raw,
                  {"webhook-id": msg_id, "webhook-timestamp": ts, "webhook-signature": "v1," + sig}, expect)

    def social(self, body, expect=200):
        raw = json.dumps(body).encode()
        sig = hmac.new(SOCIAL_SECRET.encode(), raw, hashlib.sha256).hexdigest()
        self.post("/webhooks/social-demo", raw, {"X-Hub-Signature-256": "sha256=" + sig}, expect)


def customer(ingest, rnd, run, i, now):
    channel = ["web", "app", "server"][i % 3]
    stale = i % 3 == 0  # started 20 days ago: past the 14-day window of the purchase funnel
    t = now - timedelta(days=20 if stale else rnd.randint(0, 5), minutes=rnd.randint(0, 600))
    anon, user = f"pp-anon-{run}-{i}", f"pp-user-{run}-{i}"
    phone = f"+1555{run % 1000:03d}{i:04d}"
    ctx = {"device": {"id": f"pp-dev-{run}-{i}"}} if channel == "app" else {}
    events = [{"type": "screen" if channel == "app" else "page", "anonymousId": anon, "name": "Home",
               **({"context": ctx} if ctx else {}), "timestamp": iso(t)},
              {"type": "track", "anonymousId": anon, "event": "Product Viewed", "timestamp": iso(t + timedelta(minutes=2))},
              {"type": "identify", "anonymousId": anon, "userId": user,
               "traits": {"email": f"{user}@example.com", "phone": phone}, "timestamp": iso(t + timedelta(minutes=3))}]
    depth = 1 if stale else rnd.randint(1, 4)
    if depth >= 2:
        events.append({"type": "track", "userId": user, "event": "Checkout Step Viewed",
                       "properties": {"step": 1}, "timestamp": iso(t + timedelta(minutes=5))})
    if depth >= 3:
        events.append({"type": "track", "userId": user, "event": "Order Completed",
                       "properties": {"order_id": f"pp-o-{run}-{i}", "revenue": rnd.randint(10, 400), "currency": "EUR"},
                       "timestamp": iso(t + timedelta(minutes=9))})
    if depth >= 4:
        events.append({"type": "track", "userId": user, "event": "Order Completed",
                       "properties": {"order_id": f"pp-o2-{run}-{i}", "revenue": rnd.randint(10, 400)},
                       "timestamp": iso(t + timedelta(days=1))})
        if rnd.random() < 0.4:
            events.append({"type": "track", "userId": user, "event": "Subscription Cancelled",
                           "properties": {"reason": "price"}, "timestamp": iso(t + timedelta(days=2))})
    for survey, lo, hi in (("nps", 0, 10), ("csat", 1, 5), ("ces", 1, 7)):
        if rnd.random() < 0.5:
            events.append({"type": "track", "userId": user, "event": "Survey Completed",
                           "properties": {"surveyType": survey, "score": rnd.randint(lo, hi)},
                           "timestamp": iso(t + timedelta(minutes=30))})
    ingest.batch(channel, events)
    sent = len(events)

    if i % 4 == 1:  # a support case for this customer's phone
        case = f"pp-case-{run}-{i}"
        opened = t + timedelta(hours=2)
        ingest.contact_center({"type": "contact.started", "occurredAt": iso(opened), "data": {
            "caller": phone, "contactId": f"pp-c-{run}-{i}", "caseId": case, "medium": "voice", "direction": "inbound"}})
        ingest.contact_center({"type": "case.opened", "occurredAt": iso(opened), "data": {
            "caller": phone, "caseId": case, "subject": "delivery", "priority": "normal"}})
        ingest.contact_center({"type": "case.resolved", "occurredAt": iso(opened + timedelta(minutes=40)), "data": {
            "caller": phone, "caseId": case, "contactCount": rnd.randint(1, 3), "resolutionSeconds": rnd.randint(120, 7200)}})
        ingest.contact_center({"type": "survey.completed", "occurredAt": iso(opened + timedelta(hours=1)), "data": {
            "caller": phone, "caseId": case, "surveyType": "csat", "score": rnd.randint(1, 5)}})
        sent += 4
    if i % 5 == 2:  # social activity of a handle
        handle = f"@pp{run % 1000}x{i}"
        for kind in ("mention", "comment"):
            ingest.social({"event": kind, "platform": "twitter", "author": {"handle": handle},
                           "post": {"id": f"pp-p-{run}-{i}-{kind}", "text": "hello"}, "createdAt": iso(t + timedelta(hours=3))})
            sent += 1
    return sent


def rejected(ingest, run):
    """Refusals on purpose, one per reason family, so the reject and 4xx series have data."""
    ingest.batch("web", [{"type": "track", "anonymousId": f"pp-bad-{run}", "event": "x"}], expect=401, key="not-a-key")
    ingest.batch("web", [{"type": "track", "anonymousId": f"pp-bad-{run}"}], expect=400)  # no event name
    ingest.batch("web", [{"type": "track", "event": "No Identity"}], expect=400)
    big = "x" * 40_000
    ingest.batch("web", [{"type": "track", "anonymousId": f"pp-big-{run}", "event": "Big", "properties": {"blob": big}}],
                 expect=413)
    ingest.contact_center({"type": "case.opened", "occurredAt": iso(datetime.now(timezone.utc)),
                           "data": {"caller": "+15550000000", "caseId": "pp-forged"}}, expect=401, tamper=True)


def duplicates(ingest, run):
    """The same messageId twice: acknowledged, not published again (the duplicates series)."""
    event = {"type": "track", "anonymousId": f"pp-dup-{run}", "event": "Product Viewed", "messageId": f"pp-dup-{run}"}
    for _ in range(3):
        ingest.batch("web", [event])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--ingest", default="http://127.0.0.1:8081")
    p.add_argument("--customers", type=int, default=120)
    p.add_argument("--seed", type=int, default=20261123)
    a = p.parse_args()
    rnd = random.Random(a.seed)
    run = int(time.time())
    ingest = Ingest(a.ingest)
    now = datetime.now(timezone.utc)
    sent = sum(customer(ingest, rnd, run, i, now) for i in range(a.customers))
    rejected(ingest, run)
    duplicates(ingest, run)
    print(f"posted {sent} events of {a.customers} customers; answers by status {dict(sorted(ingest.answers.items()))}")


if __name__ == "__main__":
    sys.exit(main())
