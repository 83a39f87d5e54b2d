// Sends one customer's story through a real server SDK, configured as its README says, with nothing
// changed but the host (and the write key):
//   node server-story.mjs <segment|rudderstack> <ingest base URL> <write key> <anonymousId> <userId> <orderId>
// Prints one JSON line: every HTTP exchange the SDK had ({method, url, status} or {method, url, error})
// and every error the SDK reported. Run by deploy/e2e's SdkServerIT.
import dc from 'node:diagnostics_channel';
import { createRequire } from 'node:module';

const [sdk, host, writeKey, anonymousId, userId, orderId] = process.argv.slice(2);
const exchanges = [];
const errors = [];

// The SDKs' own HTTP clients, observed from outside: analytics-node uses fetch (undici),
// rudder-sdk-node uses axios over node:http.
dc.subscribe('undici:request:headers', ({ request, response }) =>
  exchanges.push({ method: request.method, url: request.origin + request.path, status: response.statusCode }));
dc.subscribe('undici:request:error', ({ request, error }) =>
  exchanges.push({ method: request.method, url: request.origin + request.path, error: String(error) }));
dc.subscribe('http.client.response.finish', ({ request, response }) =>
  exchanges.push({ method: request.method, url: `${request.protocol}//${request.getHeader("host")}${request.path}`,
    status: response.statusCode }));

// The visitor's four steps a minute apart (the journey orders touchpoints by event time, corrected for the
// client's clock with sentAt: calls a few ms apart could swap places by the requests' latency).
const t0 = Date.now() - 10 * 60_000;
const at = (minute) => new Date(t0 + minute * 60_000);
const order = { order_id: orderId, revenue: 49.9, currency: 'EUR', products: [{ product_id: 'p-1', price: 49.9, quantity: 1 }] };

if (sdk === 'segment') {
  const { Analytics } = await import('@segment/analytics-node');
  const analytics = new Analytics({ writeKey, host });
  analytics.on('error', (e) => errors.push(String(e?.reason ?? e?.message ?? e)));
  analytics.page({ anonymousId, name: 'Pricing', properties: { path: '/pricing' }, timestamp: at(0) });
  analytics.track({ anonymousId, event: 'Product Viewed', properties: { product_id: 'p-1' }, timestamp: at(1) });
  analytics.identify({ anonymousId, userId, traits: { plan: 'pro' }, timestamp: at(2) });
  analytics.track({ userId, event: 'Order Completed', properties: order, timestamp: at(3) });
  await analytics.closeAndFlush({ timeout: 20000 });
} else if (sdk === 'rudderstack') {
  const Analytics = createRequire(import.meta.url)('@rudderstack/rudder-sdk-node');
  const analytics = new Analytics(writeKey, { dataPlaneUrl: host, errorHandler: (e) => errors.push(String(e)) });
  const callback = (e) => { if (e) errors.push(String(e)); };
  analytics.page({ anonymousId, name: 'Pricing', properties: { path: '/pricing' }, timestamp: at(0) }, callback);
  analytics.track({ anonymousId, event: 'Product Viewed', properties: { product_id: 'p-1' }, timestamp: at(1) }, callback);
  analytics.identify({ anonymousId, userId, traits: { plan: 'pro' }, timestamp: at(2) }, callback);
  analytics.track({ userId, event: 'Order Completed', properties: order, timestamp: at(3) }, callback);
  await analytics.flush();
} else {
  throw new Error(`unknown SDK ${sdk}: segment or rudderstack`);
}

console.log(JSON.stringify({ sdk, exchanges, errors }));
