// A stand-in Datadog agent for capturing what dd-trace sends: answers like an
// agent (/info, /v0.4|/v0.5/traces with rate_by_service, 404 elsewhere) and
// saves every request under OUT_DIR as NNN.json (method, path, headers) plus
// NNN.body (the raw body). Prints "listening PORT" once ready.
//   node dd_trace_capture.js OUT_DIR [PORT]
'use strict'
const fs = require('fs')
const http = require('http')
const path = require('path')

const outDir = process.argv[2]
const port = Number(process.argv[3] || 0)
fs.mkdirSync(outDir, { recursive: true })
let n = 0

const info = {
  version: '7.60.0',
  endpoints: ['/v0.4/traces', '/v0.5/traces', '/info'],
  client_drop_p0s: false,
  span_meta_structs: false,
  long_running_spans: false,
  feature_flags: [],
  config: { default_env: 'none', statsd_port: 0, receiver_port: 8126 },
}

const server = http.createServer((req, res) => {
  const chunks = []
  req.on('data', (c) => chunks.push(c))
  req.on('end', () => {
    const body = Buffer.concat(chunks)
    const id = String(n++).padStart(3, '0')
    const headers = { ...req.headers }
    delete headers.host
    fs.writeFileSync(path.join(outDir, id + '.json'),
      JSON.stringify({ method: req.method, path: req.url, headers }, null, 1) + '\n')
    if (body.length > 0) fs.writeFileSync(path.join(outDir, id + '.body'), body)
    res.setHeader('Content-Type', 'application/json')
    if (req.url === '/info') {
      res.end(JSON.stringify(info))
    } else if (req.url === '/v0.4/traces' || req.url === '/v0.5/traces') {
      res.end(JSON.stringify({ rate_by_service: { 'service:,env:': 1 } }))
    } else {
      res.statusCode = 404
      res.end('{}')
    }
  })
})
server.listen(port, '127.0.0.1', () => {
  console.log('listening ' + server.address().port)
})
