// demo-shop: the Express app of srclink's demo (scripts/demo). dd-trace sends
// its spans, with each route's code origin and each error's stack, to srclink
// as to a Datadog agent; @pyroscope/nodejs pushes its wall and CPU profile to
// srclink's /ingest. Everything is configured by the environment:
//   DD_TRACE_AGENT_URL=http://127.0.0.1:7878 DD_SERVICE=demo-shop DD_ENV=demo DD_VERSION=…
//   DD_GIT_REPOSITORY_URL=https://github.com/… DD_GIT_COMMIT_SHA=<sha> PORT=0 node server.js
// It prints "listening PORT" once it takes requests, and on SIGTERM or SIGINT
// stops taking them, pushes its last profile, flushes its spans and exits.
'use strict'
Error.stackTraceLimit = 200 // GET /deep throws 60 calls deep: its whole stack is 154 frames
process.env.DD_SERVICE ??= 'demo-shop'
process.env.DD_CODE_ORIGIN_FOR_SPANS_ENABLED ??= 'true'
process.env.DD_TRACE_FLUSH_INTERVAL ??= '200'
process.env.DD_INSTRUMENTATION_TELEMETRY_ENABLED ??= 'false'
process.env.DD_REMOTE_CONFIGURATION_ENABLED ??= 'false'
process.env.DD_RUNTIME_METRICS_ENABLED ??= 'false'
const tracer = require('dd-trace').init({ logInjection: false })

const Pyroscope = require('@pyroscope/nodejs')
const express = require('express')

const products = require('./routes/products')
const cart = require('./routes/cart')
const orders = require('./routes/orders')
const categories = require('./routes/categories')

Pyroscope.init({
  serverAddress: process.env.PYROSCOPE_SERVER_ADDRESS ?? process.env.DD_TRACE_AGENT_URL,
  appName: process.env.DD_SERVICE,
  flushIntervalMs: 10000,
  shortenPaths: true, // node_modules frames as "express/lib/router/index.js"
  wall: { collectCpuTime: true, samplingIntervalMicros: 1000 },
  tags: {
    service_repository: process.env.DD_GIT_REPOSITORY_URL,
    service_git_ref: process.env.DD_GIT_COMMIT_SHA,
    version: process.env.DD_VERSION ?? 'dev'
  }
})
Pyroscope.start()

const app = express()
app.use(express.json())
app.use(products)
app.use(cart)
app.use(orders)
app.use(categories)
// No error handler of our own: Express's answers 500 (and logs the stack),
// and each route's span keeps its handler as code origin.

const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log('listening ' + server.address().port)
})

let stopping = false
async function stop (signal) {
  if (stopping) return
  stopping = true
  console.log(signal + ': pushing the last profile and flushing spans')
  server.close()
  server.closeAllConnections()
  try {
    await Pyroscope.stop() // pushes the profile of the last interval
  } catch (e) {
    console.error('pyroscope: ' + e.message)
  }
  const exporter = tracer._tracer && tracer._tracer._exporter
  if (exporter && exporter.flush) {
    exporter.flush(() => process.exit(0))
  } else {
    setTimeout(() => process.exit(0), 2 * Number(process.env.DD_TRACE_FLUSH_INTERVAL) + 500)
  }
}
process.on('SIGTERM', () => stop('SIGTERM'))
process.on('SIGINT', () => stop('SIGINT'))
