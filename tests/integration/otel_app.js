// A small app instrumented with the real OpenTelemetry JS SDK (versions pinned
// in package.json) that exports one batch of spans and one batch of log
// records with each OTLP/HTTP exporter: protobuf (exporter-*-otlp-proto) and
// JSON (exporter-*-otlp-http).
//
//   node otel_app.js CAPTURE_DIR     exports to a loopback receiver started here
//                                    that saves each request body as
//                                    CAPTURE_DIR/js-{proto,json}-{traces,logs}.{pb,json}
//   OTLP_ENDPOINT=http://127.0.0.1:7878 OTLP_HEADERS='Authorization=Bearer sk_…' \
//     node otel_app.js               exports to a running srclink serve instead
//
// What it sends (asserted by tests/ingest/otlp_capture_test.cc): resource
// service.name=checkout, service.version=1.4.2, deployment.environment.name=prod,
// vcs.repository.url.full and vcs.ref.head.revision; a SERVER span
// "GET /users/:id" with code.* attributes; a child span that records an
// exception (TypeError "cart is empty"); an ERROR log record with exception.*
// and the deprecated code.filepath/code.lineno/code.function attributes.
'use strict';

const fs = require('fs');
const http = require('http');
const path = require('path');
const api = require('@opentelemetry/api');
const { TracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace');
const { LoggerProvider, SimpleLogRecordProcessor } = require('@opentelemetry/sdk-logs');
const { resourceFromAttributes } = require('@opentelemetry/resources');

const EXPORTERS = {
  proto: {
    traces: require('@opentelemetry/exporter-trace-otlp-proto').OTLPTraceExporter,
    logs: require('@opentelemetry/exporter-logs-otlp-proto').OTLPLogExporter,
    extension: 'pb',
  },
  json: {
    traces: require('@opentelemetry/exporter-trace-otlp-http').OTLPTraceExporter,
    logs: require('@opentelemetry/exporter-logs-otlp-http').OTLPLogExporter,
    extension: 'json',
  },
};

// OTLP_COMMIT overrides the commit (the end-to-end test names an uploaded one).
const COMMIT = process.env.OTLP_COMMIT || '3f2c9a1b7d4e5f60718293a4b5c6d7e8f9012345';

// A loopback OTLP receiver that saves bodies and answers like srclink (200, empty response).
function startCapture(dir, names) {
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const type = (req.headers['content-type'] || '').split(';')[0].trim();
      const name = names.current + '-' + req.url.replace('/v1/', '');
      const ext = type === 'application/x-protobuf' ? 'pb' : 'json';
      fs.writeFileSync(path.join(dir, name + '.' + ext), body);
      console.log('captured ' + req.method + ' ' + req.url + ' ' + type + ' ' + body.length +
                  ' bytes -> ' + name + '.' + ext);
      res.writeHead(200, { 'Content-Type': type || 'application/json' });
      res.end(type === 'application/x-protobuf' ? Buffer.alloc(0) : '{}');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function headers() {
  const out = {};
  for (const pair of (process.env.OTLP_HEADERS || '').split(',')) {
    const i = pair.indexOf('=');
    if (i > 0) out[pair.slice(0, i).trim()] = decodeURIComponent(pair.slice(i + 1).trim());
  }
  return out;
}

async function exportWith(kind, endpoint) {
  const resource = resourceFromAttributes({
    'service.name': 'checkout',
    'service.version': '1.4.2',
    'deployment.environment.name': 'prod',
    'vcs.repository.url.full': 'https://github.com/acme/shop',
    'vcs.ref.head.revision': COMMIT,
  });
  const Exporters = EXPORTERS[kind];

  const traceExporter = new Exporters.traces({ url: endpoint + '/v1/traces', headers: headers() });
  const tracerProvider = new TracerProvider({
    resource,
    // One batch, so the request holds both spans (as in production).
    spanProcessors: [new BatchSpanProcessor({ exporter: traceExporter })],
  });
  const tracer = tracerProvider.getTracer('otel-app', '1.0.0');
  const server = tracer.startSpan('GET /users/:id', {
    kind: api.SpanKind.SERVER,
    attributes: {
      'http.request.method': 'GET',
      'http.route': '/users/:id',
      'code.file.path': '/app/src/routes/users.js',
      'code.line.number': 42,
      'code.column.number': 7,
      'code.function.name': 'getUser',
    },
  });
  const ctx = api.trace.setSpan(api.context.active(), server);
  const child = tracer.startSpan('load cart', { attributes: { 'cart.items': 0 } }, ctx);
  try {
    throw new TypeError('cart is empty');
  } catch (err) {
    err.stack = err.stack.split(__dirname).join('/app');
    child.recordException(err);
    child.setStatus({ code: api.SpanStatusCode.ERROR, message: err.message });
  }
  child.end();
  server.setStatus({ code: api.SpanStatusCode.ERROR });
  server.end();
  await tracerProvider.forceFlush();
  await tracerProvider.shutdown();

  const logExporter = new Exporters.logs({ url: endpoint + '/v1/logs', headers: headers() });
  const loggerProvider = new LoggerProvider({
    resource,
    processors: [new SimpleLogRecordProcessor({ exporter: logExporter })],
  });
  const logger = loggerProvider.getLogger('otel-app', '1.0.0');
  const err = new RangeError('payment amount out of range');
  err.stack = err.stack.split(__dirname).join('/app');
  logger.emit({
    severityNumber: api.SeverityNumber ? api.SeverityNumber.ERROR : 17,
    severityText: 'ERROR',
    body: 'payment failed',
    attributes: {
      'exception.type': err.name,
      'exception.message': err.message,
      'exception.stacktrace': err.stack,
      'code.filepath': '/app/src/payments.js',
      'code.lineno': 88,
      'code.function': 'charge',
    },
  });
  await loggerProvider.forceFlush();
  await loggerProvider.shutdown();
}

async function main() {
  const dir = process.argv[2];
  const names = { current: '' };
  let endpoint = process.env.OTLP_ENDPOINT;
  let capture = null;
  if (!endpoint) {
    if (!dir) throw new Error('usage: node otel_app.js CAPTURE_DIR (or set OTLP_ENDPOINT)');
    fs.mkdirSync(dir, { recursive: true });
    capture = await startCapture(dir, names);
    endpoint = 'http://127.0.0.1:' + capture.address().port;
  }
  for (const kind of ['proto', 'json']) {
    names.current = 'js-' + kind;
    await exportWith(kind, endpoint);
  }
  if (capture) capture.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
