// Checks what dd-trace sent to a capture server (dd_trace_capture.js): every
// /v0.4/traces body decodes as msgpack, and the spans carry what srclink reads
// (code origin on the entry spans of both routes, error.stack on the failing
// one, _dd.git.* on the first span of a chunk). `--dump` prints the spans.
//   node dd_trace_check.js DIR [--dump]
'use strict'
const fs = require('fs')
const path = require('path')

// A minimal msgpack decoder (enough for tracer payloads; no extension types).
function decode (buf) {
  let pos = 0
  const u8 = () => buf[pos++]
  const str = (n) => { const s = buf.toString('utf8', pos, pos + n); pos += n; return s }
  const arr = (n) => { const a = []; for (let i = 0; i < n; i++) a.push(value()); return a }
  const map = (n) => { const m = {}; for (let i = 0; i < n; i++) { const k = value(); m[k] = value() } return m }
  function value () {
    const b = u8()
    if (b <= 0x7f) return b
    if (b >= 0xe0) return b - 256
    if ((b & 0xe0) === 0xa0) return str(b & 0x1f)
    if ((b & 0xf0) === 0x90) return arr(b & 0x0f)
    if ((b & 0xf0) === 0x80) return map(b & 0x0f)
    let v
    switch (b) {
      case 0xc0: return null
      case 0xc2: return false
      case 0xc3: return true
      case 0xc4: v = u8(); pos += v; return '<bin>'
      case 0xc5: v = buf.readUInt16BE(pos); pos += 2 + v; return '<bin>'
      case 0xc6: v = buf.readUInt32BE(pos); pos += 4 + v; return '<bin>'
      case 0xca: v = buf.readFloatBE(pos); pos += 4; return v
      case 0xcb: v = buf.readDoubleBE(pos); pos += 8; return v
      case 0xcc: return u8()
      case 0xcd: v = buf.readUInt16BE(pos); pos += 2; return v
      case 0xce: v = buf.readUInt32BE(pos); pos += 4; return v
      case 0xcf: v = buf.readBigUInt64BE(pos); pos += 8; return v.toString()
      case 0xd0: v = buf.readInt8(pos); pos += 1; return v
      case 0xd1: v = buf.readInt16BE(pos); pos += 2; return v
      case 0xd2: v = buf.readInt32BE(pos); pos += 4; return v
      case 0xd3: v = buf.readBigInt64BE(pos); pos += 8; return v.toString()
      case 0xd9: return str(u8())
      case 0xda: v = buf.readUInt16BE(pos); pos += 2; return str(v)
      case 0xdb: v = buf.readUInt32BE(pos); pos += 4; return str(v)
      case 0xdc: v = buf.readUInt16BE(pos); pos += 2; return arr(v)
      case 0xdd: v = buf.readUInt32BE(pos); pos += 4; return arr(v)
      case 0xde: v = buf.readUInt16BE(pos); pos += 2; return map(v)
      case 0xdf: v = buf.readUInt32BE(pos); pos += 4; return map(v)
      default: throw new Error(`msgpack: unexpected byte 0x${b.toString(16)} at offset ${pos - 1}`)
    }
  }
  const v = value()
  if (pos !== buf.length) throw new Error(`msgpack: ${buf.length - pos} trailing bytes`)
  return v
}

// v0.5: [strings, traces], each span an array of 12 with string indices.
function fromV05 ([strings, traces]) {
  const str = (i) => strings[i]
  const strMap = (m) => Object.fromEntries(Object.entries(m).map(([k, v]) => [str(k), str(v)]))
  const numMap = (m) => Object.fromEntries(Object.entries(m).map(([k, v]) => [str(k), v]))
  return traces.map((chunk) => chunk.map((a) => ({
    service: str(a[0]), name: str(a[1]), resource: str(a[2]), trace_id: String(a[3]),
    span_id: String(a[4]), parent_id: String(a[5]), start: String(a[6]), duration: a[7],
    error: a[8], meta: strMap(a[9]), metrics: numMap(a[10]), type: str(a[11]),
  })))
}

const dir = process.argv[2]
const dump = process.argv.includes('--dump')
const spans = []
for (const name of fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
  const req = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8'))
  if (req.path !== '/v0.4/traces' && req.path !== '/v0.5/traces') continue
  let traces = decode(fs.readFileSync(path.join(dir, name.replace(/\.json$/, '.body'))))
  if (req.path === '/v0.5/traces') traces = fromV05(traces)
  for (const chunk of traces) {
    chunk.forEach((span, i) => spans.push({ ...span, chunkIndex: i }))
  }
}
if (dump) console.log(JSON.stringify(spans, null, 1))

const appLines = fs.readFileSync(path.join(__dirname, 'dd_trace_app.js'), 'utf8').split('\n')
const lineOf = (marker) => String(appLines.findIndex((l) => l.includes(marker)) + 1)
const failures = []
// The app calls itself, so express.request's parent is the http.request client
// span of the same service, sent in another chunk: code origin marks the entry.
const entry = (route) => spans.find((s) => s.meta?.['http.route'] === route &&
  s.meta['_dd.code_origin.type'] === 'entry')
for (const [route, marker] of [['/users/:id', 'ROUTE users'], ['/fail', 'ROUTE fail']]) {
  const s = entry(route)
  if (!s) { failures.push(`no entry span for ${route}`); continue }
  const file = s.meta['_dd.code_origin.frames.0.file'] || ''
  if (!file.endsWith('dd_trace_app.js')) failures.push(`${route}: code origin file "${file}"`)
  if (s.meta['_dd.code_origin.frames.0.line'] !== lineOf(marker)) {
    failures.push(`${route}: code origin line ${s.meta['_dd.code_origin.frames.0.line']}, want ${lineOf(marker)}`)
  }
}
if (!spans.some((s) => (s.meta?.['error.stack'] || '').includes('boom: no such order'))) {
  failures.push('no span has the error.stack of /fail')
}
if (!spans.some((s) => s.chunkIndex === 0 && s.meta?.['_dd.git.commit.sha'])) {
  failures.push('no first span of a chunk carries _dd.git.commit.sha')
}
if (failures.length) {
  console.error('dd_trace_check: ' + failures.join('; '))
  process.exit(1)
}
console.log(`dd_trace_check: ok (${spans.length} spans)`)
