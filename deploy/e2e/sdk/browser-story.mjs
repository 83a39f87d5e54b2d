// Sends one visitor's story through a real browser SDK in Debian's headless chromium, from a page served on
// another origin than ingest (so CORS is real), configured as the SDK's docs say with nothing changed but the
// host (and the write key):
//   node browser-story.mjs <case> <ingest base URL> <write key> <anonymousId> <userId> <orderId>
// case: segment (analytics-next, per-event delivery), segment-batching (its batching delivery),
//       rudderstack (RudderStack JS v3, XHR transport), rudderstack-beacon (its beacon transport).
// Chromium: $TOUCHPOINT_CHROMIUM, else `chromium` on the PATH; playwright-core drives it (it never downloads one).
// Prints one JSON line: the page's origin, every request the page made ({method, url, type, status} or {…, error};
// a POST to ingest also lists the events of its body), the events ingest answered 2xx, and the errors of the run,
// the console and the page. Run by deploy/e2e's SdkBrowserIT; by hand against `deploy/touchpoint up`.
import { accessSync, constants, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const [sdkCase, ingestArg, writeKey, anonymousId, userId, orderId] = process.argv.slice(2);
const ingest = ingestArg?.replace(/\/+$/, '');
const CASES = ['segment', 'segment-batching', 'rudderstack', 'rudderstack-beacon'];
if (!CASES.includes(sdkCase) || !userId) {
  throw new Error(`usage: node browser-story.mjs <${CASES.join('|')}> <ingest URL> <write key> <anonymousId> <userId> <orderId>`);
}
// Bounded waits, generous for a loaded machine: the page load, then every event's delivery.
const LOAD_TIMEOUT_MS = 60_000;
const DELIVERY_TIMEOUT_MS = 60_000;
const STORY_EVENTS = 4;

// The packages' own browser bundles (UMD: globals AnalyticsNext and rudderanalytics), as npm installed them.
const modules = fileURLToPath(new URL('node_modules/', import.meta.url));
const segmentDir = join(modules, '@segment/analytics-next/dist/umd');
const rudderBundle = join(modules, '@rudderstack/analytics-js/dist/npm/modern/bundled/umd/index.js');

// The site: a page and the SDK bundles, on a port of its own. analytics-next loads its chunks relative to the page.
const page = (sdk) => `<!doctype html><html><head><meta charset="utf-8"><title>Shop</title>
<link rel="icon" href="data:,"><script src="/${sdk}.js"></script></head><body><h1>Pricing</h1></body></html>`;
const site = createServer((req, res) => {
  const path = new URL(req.url, 'http://site').pathname;
  const send = (type, body) => { res.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-store' }); res.end(body); };
  try {
    if (path === '/' || path === '/pricing') return send('text/html', page(sdkCase.startsWith('segment') ? 'analytics-next' : 'rudderstack'));
    if (path === '/analytics-next.js') return send('text/javascript', readFileSync(join(segmentDir, 'index.js')));
    if (path === '/rudderstack.js') return send('text/javascript', readFileSync(rudderBundle));
    if (/^\/[\w.-]+\.bundle\.[\w]+\.js$/.test(path)) return send('text/javascript', readFileSync(join(segmentDir, path)));
  } catch (e) {
    // a missing chunk is a 404 the test reports
  }
  res.writeHead(404).end();
});
await new Promise((resolve) => site.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${site.address().port}`;

const exchanges = [];
const errors = [];
const consoleErrors = [];
const pageErrors = [];
const delivered = []; // the story's events in the bodies ingest answered 2xx, as the journey names them

/** The events of a request body (JSON: one call, or a batch) as journey-service names them. */
function eventsOf(text) {
  if (!text) return [];
  const body = JSON.parse(text);
  return (Array.isArray(body.batch) ? body.batch : [body]).map((e) => e.event ?? e.name ?? e.type);
}

/** What `promise` gives if it settles within `ms`, else undefined. */
async function within(ms, promise) {
  let timer;
  const late = new Promise((resolve) => { timer = setTimeout(resolve, ms); });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

function chromiumPath() {
  if (process.env.TOUCHPOINT_CHROMIUM) return process.env.TOUCHPOINT_CHROMIUM;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    try {
      accessSync(join(dir, 'chromium'), constants.X_OK);
      return join(dir, 'chromium');
    } catch {
      // not in this directory
    }
  }
  throw new Error('chromium is not on the PATH: run deploy/e2e/sdk/install.sh');
}

const userDataDir = mkdtempSync(join(tmpdir(), 'touchpoint-chromium-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: chromiumPath(),
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let allDelivered;
const everyEventDelivered = new Promise((resolve) => { allDelivered = resolve; });
try {
  const tab = context.pages()[0] ?? await context.newPage();
  tab.on('console', (message) => { if (message.type() === 'error') consoleErrors.push(message.text()); });
  tab.on('pageerror', (error) => pageErrors.push(String(error)));
  // Every request of the page, from the DevTools protocol's Network domain (what playwright's own request events
  // come from), because only it gives the body of a sendBeacon (a Blob) and reports CORS preflights.
  const network = await context.newCDPSession(tab);
  const requests = new Map(); // requestId → { exchange, body }
  network.on('Network.requestWillBeSent', ({ requestId, request, type }) => {
    if (requests.has(requestId)) return; // a redirect: one exchange per request
    const exchange = { method: request.method, url: request.url, type };
    exchanges.push(exchange);
    const body = request.method !== 'POST' ? Promise.resolve(null)
      : request.postData !== undefined ? Promise.resolve(request.postData)
        : network.send('Network.getRequestPostData', { requestId }).then((r) => r.postData, () => null);
    requests.set(requestId, { exchange, body });
  });
  network.on('Network.responseReceived', async ({ requestId, response }) => {
    const seen = requests.get(requestId);
    if (!seen) return;
    seen.exchange.status = response.status;
    if (seen.exchange.url.startsWith(`${ingest}/`) && seen.exchange.method === 'POST') {
      seen.exchange.events = eventsOf(await seen.body);
      if (response.status < 300) {
        delivered.push(...seen.exchange.events);
        if (delivered.length >= STORY_EVENTS) allDelivered();
      }
    }
  });
  network.on('Network.loadingFailed', ({ requestId, errorText, corsErrorStatus }) => {
    const seen = requests.get(requestId);
    if (seen) seen.exchange.error = errorText + (corsErrorStatus ? ` (CORS ${corsErrorStatus.corsError})` : '');
  });
  await network.send('Network.enable');
  await tab.goto(`${origin}/pricing`, { timeout: LOAD_TIMEOUT_MS });

  // The visitor's four steps a minute apart (the journey orders touchpoints by event time: calls a few ms apart
  // could swap places by the requests' latency), each time given as the SDK's API takes one.
  const story = { sdkCase, ingest, writeKey, anonymousId, userId, t0: Date.now() - 10 * 60_000,
    order: { order_id: orderId, revenue: 49.9, currency: 'EUR', products: [{ product_id: 'p-1', price: 49.9, quantity: 1 }] } };
  const told = tab.evaluate(async (s) => {
    const at = (minute) => new Date(s.t0 + minute * 60_000);
    if (s.sdkCase.startsWith('segment')) {
      // analytics-next: settings from ingest's settings endpoint (cdnURL); they name ingest as its apiHost
      const options = s.sdkCase === 'segment-batching'
        ? { integrations: { 'Segment.io': { deliveryStrategy: { strategy: 'batching' } } } } : {};
      const [analytics] = await window.AnalyticsNext.AnalyticsBrowser.load({ writeKey: s.writeKey, cdnURL: s.ingest }, options);
      await analytics.setAnonymousId(s.anonymousId);
      await Promise.all([
        analytics.page(null, 'Pricing', { path: '/pricing' }, { timestamp: at(0) }),
        analytics.track('Product Viewed', { product_id: 'p-1' }, { timestamp: at(1) }),
        analytics.identify(s.userId, { plan: 'pro' }, { timestamp: at(2) }),
        analytics.track('Order Completed', s.order, { timestamp: at(3) }),
      ]);
    } else {
      // RudderStack JS v3: source config from ingest's sourceConfig (configUrl), events to the data plane, ingest
      const analytics = new window.rudderanalytics.RudderAnalytics();
      await new Promise((resolve) => {
        // The beacon queue sends when the page is left or every flushQueueInterval (10 min by default). What a
        // page sends while it unloads, the DevTools protocol (playwright) never sees, so here the queue sends
        // after 1 s, from the live page: the same sendBeacon, URL and body.
        const beacon = s.sdkCase === 'rudderstack-beacon'
          ? { useBeacon: true, beaconQueueOptions: { flushQueueInterval: 1000 } } : {};
        analytics.load(s.writeKey, s.ingest, { configUrl: s.ingest, ...beacon, onLoaded: resolve });
      });
      analytics.setAnonymousId(s.anonymousId);
      analytics.page('Pricing', { path: '/pricing' }, { originalTimestamp: at(0).toISOString() });
      analytics.track('Product Viewed', { product_id: 'p-1' }, { originalTimestamp: at(1).toISOString() });
      analytics.identify(s.userId, { plan: 'pro' }, { originalTimestamp: at(2).toISOString() });
      analytics.track('Order Completed', s.order, { originalTimestamp: at(3).toISOString() });
    }
  }, story);
  told.catch(() => {}); // a story still running when the browser closes ends with it; its error is below
  if (!await within(LOAD_TIMEOUT_MS, told.then(() => true))) {
    errors.push(`the SDK did not load and take the story within ${LOAD_TIMEOUT_MS} ms`);
  } else if (!await within(DELIVERY_TIMEOUT_MS, everyEventDelivered.then(() => true))) {
    errors.push(`${delivered.length} of the story's ${STORY_EVENTS} events delivered within ${DELIVERY_TIMEOUT_MS} ms`);
  }
} catch (e) {
  errors.push(String(e));
} finally {
  await context.close();
  site.close();
  rmSync(userDataDir, { recursive: true, force: true });
}

console.log(JSON.stringify({ sdk: sdkCase, origin, exchanges, delivered, errors, consoleErrors, pageErrors }));
