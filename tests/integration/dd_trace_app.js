// An Express 4 app traced by dd-trace with Code Origin for Spans on: it makes
// a few requests to itself (one route throws, so its span carries
// error.stack), flushes, and exits. The agent it sends to is
// DD_TRACE_AGENT_URL (a capture server, or `srclink serve`); the caller sets
// DD_SERVICE, DD_VERSION, DD_ENV, DD_GIT_REPOSITORY_URL, DD_GIT_COMMIT_SHA.
//   DD_TRACE_AGENT_URL=http://127.0.0.1:7878 node dd_trace_app.js
'use strict'
process.env.DD_CODE_ORIGIN_FOR_SPANS_ENABLED ??= 'true'
process.env.DD_TRACE_FLUSH_INTERVAL ??= '100'
process.env.DD_INSTRUMENTATION_TELEMETRY_ENABLED ??= 'false'
process.env.DD_REMOTE_CONFIGURATION_ENABLED ??= 'false'
process.env.DD_RUNTIME_METRICS_ENABLED ??= 'false'
const tracer = require('dd-trace').init({ logInjection: false })

const express = require('express')
const http = require('http')

const app = express()

app.get('/users/:id', function getUser (req, res) { // ROUTE users
  res.json({ id: req.params.id, name: 'Ada' })
})

app.get('/fail', function failRoute (req, res) { // ROUTE fail
  throw new TypeError('boom: no such order')
})

// Express's own error handler answers 500 (an app.use error handler would be
// the last layer, and dd-trace would give its line as the code origin).
app.set('env', 'test') // no stack traces on stderr

function get (port, path) {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode))
    }).on('error', reject)
  })
}

const server = app.listen(0, '127.0.0.1', async () => {
  const port = server.address().port
  try {
    console.log('GET /users/42', await get(port, '/users/42'))
    console.log('GET /fail', await get(port, '/fail'))
  } finally {
    server.close()
    // Spans are sent on the flush interval; wait for two of them.
    const wait = Number(process.env.DD_TRACE_FLUSH_INTERVAL) * 2 + 500
    setTimeout(() => tracer._tracer._exporter.flush(() => process.exit(0)), wait)
  }
})
