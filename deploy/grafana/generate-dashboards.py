#!/usr/bin/env python3
"""Writes the dashboards under dashboards/ (committed; edit here, run, commit both).

Panels are listed as (title, kind, [PromQL...], unit). Template variables are used only inside `=~`
matchers, so check-with-real-data.sh can evaluate every expression with each variable set to `.+`.
"""
import json
import os

DS = {"type": "prometheus", "uid": "prometheus"}


def var(name, query, label):
    return {"name": name, "type": "query", "datasource": DS, "refresh": 2, "includeAll": True, "multi": True,
            "allValue": ".+", "current": {"text": "All", "value": "$__all"},
            "query": {"query": f"label_values({query}, {label})", "refId": f"{name}-var"},
            "definition": f"label_values({query}, {label})"}


def dashboard(uid, title, panels, variables):
    out, y = [], 0
    for i, (ptitle, kind, exprs, unit) in enumerate(panels):
        w = 24 if kind == "timeseries" and len(exprs) > 1 else 12
        x = 0 if (i % 2 == 0 or w == 24) else 12
        out.append({
            "id": i + 1, "title": ptitle, "type": kind, "datasource": DS,
            "gridPos": {"h": 8, "w": w, "x": x, "y": y},
            "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
            "options": {"reduceOptions": {"calcs": ["lastNotNull"]}} if kind in ("stat", "bargauge", "gauge") else {},
            "targets": [{"refId": chr(65 + j), "datasource": DS, "expr": e, "legendFormat": "__auto"}
                        for j, e in enumerate(exprs)],
        })
        if x == 12 or w == 24:
            y += 8
    return {"uid": uid, "title": title, "tags": ["touchpoint"], "timezone": "utc", "schemaVersion": 39,
            "version": 1, "editable": True, "refresh": "30s", "time": {"from": "now-6h", "to": "now"},
            "templating": {"list": variables}, "panels": out, "annotations": {"list": []}}


FUNNEL = var("funnel", "touchpoint_funnel_customers", "funnel")
CHANNEL = var("channel", "touchpoint_funnel_step_customers", "channel")
KPI_CHANNEL = var("channel", "touchpoint_kpi", "channel")
SOURCE = var("source", "touchpoint_ingest_events_total", "source")

F = 'funnel=~"$funnel"'
journey_funnel = dashboard("touchpoint-journey-funnel", "Touchpoint · Journey funnel", [
    ("Customers per stage", "bargauge", [f'sum by (funnel, stage) (touchpoint_funnel_customers{{{F}}})'], "short"),
    ("Customers per step and channel", "bargauge",
     [f'sum by (stage, channel) (touchpoint_funnel_step_customers{{{F}, channel=~"$channel", channel!="all", state="entered"}})'], "short"),
    ("Conversion per step", "bargauge",
     [f'max by (funnel, stage) (touchpoint_funnel_conversion_ratio{{{F}, channel="all"}})'], "percentunit"),
    ("Drop-off per step", "bargauge",
     [f'max by (funnel, stage) (touchpoint_funnel_dropoff_ratio{{{F}, channel="all"}})'], "percentunit"),
    ("Conversion per step by channel", "timeseries",
     [f'max by (stage, channel) (touchpoint_funnel_conversion_ratio{{{F}, channel=~"$channel", channel!="all"}})'], "percentunit"),
    ("Drop-off per step by channel", "timeseries",
     [f'max by (stage, channel) (touchpoint_funnel_dropoff_ratio{{{F}, channel=~"$channel", channel!="all"}})'], "percentunit"),
    ("Step states over time (all channels)", "timeseries",
     [f'sum by (stage, state) (touchpoint_funnel_step_customers{{{F}, channel="all"}})'], "short"),
    ("Stage entries per hour", "timeseries",
     [f'sum by (stage) (delta(touchpoint_funnel_customers{{{F}}}[1h]))'], "short"),
    ("Conversion against last week", "timeseries",
     [f'max by (funnel, stage) (touchpoint_funnel_conversion_ratio{{{F}, channel="all"}})',
      f'max by (funnel, stage) ((touchpoint_funnel_conversion_ratio{{{F}, channel="all"}} offset 1w)'
      f' or touchpoint_funnel_conversion_ratio{{{F}, channel="all"}})'], "percentunit"),
    ("Time to convert (p50, p90)", "timeseries",
     [f'max by (stage, quantile) (touchpoint_funnel_time_to_convert_seconds{{{F}}})'], "s"),
], [FUNNEL, CHANNEL])

K = 'channel=~"$channel"'
cx_kpis = dashboard("touchpoint-cx-kpis", "Touchpoint · CX KPIs", [
    ("NPS", "stat", ['touchpoint_kpi{kpi="nps", channel="all"}'], "none"),
    ("CSAT (% 4–5)", "stat", ['touchpoint_kpi{kpi="csat", channel="all"}'], "percent"),
    ("CES (mean)", "stat", ['touchpoint_kpi{kpi="ces", channel="all"}'], "none"),
    ("First-contact resolution", "stat", ['touchpoint_kpi{kpi="first_contact_resolution", channel="all"}'], "percent"),
    ("Resolution time (mean)", "stat", ['touchpoint_kpi{kpi="resolution_seconds_mean", channel="all"}'], "s"),
    ("Churn rate", "stat", ['touchpoint_kpi{kpi="churn_rate", channel="all"}'], "percent"),
    ("CLV", "stat", ['touchpoint_kpi{kpi="clv", channel="all"}'], "none"),
    ("Social engagement", "stat", ['touchpoint_kpi{kpi="social_engagement", channel="all"}'], "short"),
    ("NPS, CSAT, CES by channel", "timeseries",
     [f'touchpoint_kpi{{kpi=~"nps|csat|csat_mean|ces", {K}}}'], "none"),
    ("FCR and churn by channel", "timeseries",
     [f'touchpoint_kpi{{kpi=~"first_contact_resolution|churn_rate", {K}}}'], "percent"),
    ("CLV by channel", "timeseries", [f'touchpoint_kpi{{kpi="clv", {K}}}'], "none"),
    ("KPI events counted per hour", "timeseries",
     ['sum by (kind) (increase(touchpoint_metrics_touchpoints_total{outcome="counted"}[1h]))'], "short"),
], [KPI_CHANNEL])

S = 'source=~"$source"'
ACCEPTED_ZERO = f'sum by (source) (rate(touchpoint_ingest_events_total{{outcome="accepted", {S}}}[$__rate_interval])) * 0'
pipeline = dashboard("touchpoint-pipeline-health", "Touchpoint · Pipeline health", [
    ("Services up", "stat", ['up{job=~"ingest-service|journey-service|metrics-service"}'], "none"),
    ("Accepted events/s by channel and source", "timeseries",
     [f'sum by (channel, source) (rate(touchpoint_ingest_events_total{{outcome="accepted", {S}}}[$__rate_interval]))'], "reqps"),
    ("Rejects/s by reason", "timeseries",
     [f'sum by (reason) (rate(touchpoint_ingest_rejected_total{{{S}}}[$__rate_interval]))'], "reqps"),
    ("Rejected events by reason (total)", "bargauge",
     [f'sum by (reason) (touchpoint_ingest_rejected_total{{{S}}})'], "short"),
    # p99 from the request timer's fixed histogram buckets, next to the mean.
    ("Request latency (p99, mean)", "timeseries",
     ['histogram_quantile(0.99, sum by (endpoint, le) (rate(touchpoint_ingest_request_seconds_bucket[$__rate_interval])))',
      'sum by (endpoint) (rate(touchpoint_ingest_request_seconds_sum[$__rate_interval]))'
      ' / sum by (endpoint) (rate(touchpoint_ingest_request_seconds_count[$__rate_interval]))'], "s"),
    ("Kafka ack latency (max, mean)", "timeseries",
     ['max by (outcome) (touchpoint_ingest_kafka_ack_seconds_max)',
      'sum by (outcome) (rate(touchpoint_ingest_kafka_ack_seconds_sum[$__rate_interval]))'
      ' / sum by (outcome) (rate(touchpoint_ingest_kafka_ack_seconds_count[$__rate_interval]))'], "s"),
    ("Consumer lag (records)", "timeseries",
     ['max by (job, client_id, topic) (kafka_consumer_fetch_manager_records_lag_max)'], "short"),
    ("Dead-lettered records", "timeseries",
     ['sum by (job, client_id) (kafka_producer_record_send_total{client_id=~".*dlq.*|kafka-dead-letter-topic-producer.*"})'], "short"),
    ("Touchpoints stored/s (journey)", "timeseries",
     ['sum by (outcome) (rate(touchpoint_journey_touchpoints_total[$__rate_interval]))'], "ops"),
    ("Transitions published/s and counted/s", "timeseries",
     ['sum(rate(touchpoint_journey_transitions_published_total[$__rate_interval]))',
      'sum by (kind, outcome) (rate(touchpoint_metrics_transitions_total[$__rate_interval]))'], "ops"),
    # Both counters appear at their first increment (a fresh ingest has never seen Redis fail): until
    # then each source that accepted events shows 0 instead of nothing.
    ("Duplicates and unchecked dedup/s", "timeseries",
     [f'sum by (source) (rate(touchpoint_ingest_duplicates_total{{{S}}}[$__rate_interval])) or {ACCEPTED_ZERO}',
      f'sum by (source) (rate(touchpoint_ingest_dedup_unavailable_total{{{S}}}[$__rate_interval])) or {ACCEPTED_ZERO}'],
     "ops"),
    ("HTTP 4xx/5xx answers/s", "timeseries",
     ['sum by (job, status) (rate(http_server_requests_seconds_count{status=~"4..|5.."}[$__rate_interval]))'], "reqps"),
], [SOURCE])

here = os.path.dirname(os.path.abspath(__file__))
for name, d in (("journey-funnel", journey_funnel), ("cx-kpis", cx_kpis), ("pipeline-health", pipeline)):
    with open(os.path.join(here, "dashboards", name + ".json"), "w") as f:
        json.dump(d, f, indent=2, ensure_ascii=False)
        f.write("\n")
print("wrote", len(journey_funnel["panels"]) + len(cx_kpis["panels"]) + len(pipeline["panels"]), "panels")
