// Drives the demo's traffic at demo-shop: every healthy route many times, each
// failing route a different number of times (so the issues list shows
// different counts). Plain http, not traced.
//   node load.js http://127.0.0.1:PORT
'use strict'
const http = require('http')

const base = new URL(process.argv[2] ?? 'http://127.0.0.1:3000')

// [method, path, body, times, expected status]
const plan = [
  ['GET', '/products', null, 40, 200],
  ['GET', '/products?in_stock=true', null, 10, 200],
  ...[1, 2, 3, 4, 5, 6, 7, 8].map((id) => ['GET', `/products/${id}`, null, 5, 200]),
  ['GET', '/products/99', null, 3, 404],
  ['GET', '/search?q=shoe', null, 6, 200],
  ['GET', '/search?q=tent', null, 6, 200],
  ['GET', '/search?q=jaket', null, 6, 200],
  ['GET', '/products/1/recommendations', null, 8, 200],
  ['GET', '/products/9/recommendations', null, 8, 200],
  ['GET', '/categories/c30', null, 10, 200],
  ['GET', '/cart/1/total', null, 10, 200],
  ['GET', '/cart/2/total', null, 10, 200],
  ['POST', '/orders', { product: 3, quantity: 2 }, 12, 201],
  ['POST', '/orders/1000/checkout', { card: '4242424242424242', amount: 5997 }, 6, 200],
  // The errors: TypeError ×7, RangeError ×5, CheckoutError ×3, Error (60 frames deep) ×2.
  ['GET', '/cart/3/total', null, 7, 500],
  ['POST', '/orders', { product: 3, quantity: 0 }, 5, 500],
  ['POST', '/orders/1001/checkout', { card: '4000000000000002', amount: 1999 }, 3, 500],
  ['GET', '/deep', null, 2, 500]
]

const agent = new http.Agent({ keepAlive: true })

function request (method, path, body) {
  return new Promise((resolve, reject) => {
    const data = body ? JSON.stringify(body) : null
    const req = http.request({
      agent, host: base.hostname, port: base.port, method, path,
      headers: data ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } : {}
    }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode))
    })
    req.on('error', reject)
    req.end(data)
  })
}

async function main () {
  // Interleaved, as real traffic is: one request of each line per round.
  const left = plan.map((p) => p[3])
  let sent = 0
  const unexpected = []
  while (left.some((n) => n > 0)) {
    for (let i = 0; i < plan.length; i++) {
      if (left[i] === 0) continue
      left[i]--
      const [method, path, body, , want] = plan[i]
      const status = await request(method, path, body)
      sent++
      if (status !== want) unexpected.push(`${method} ${path}: ${status}, expected ${want}`)
    }
  }
  agent.destroy()
  console.log(`load: ${sent} requests sent to ${base.origin}`)
  if (unexpected.length) {
    console.error('load: unexpected answers:\n  ' + [...new Set(unexpected)].join('\n  '))
    process.exit(1)
  }
}

main().catch((e) => { console.error('load: ' + e.message); process.exit(1) })
