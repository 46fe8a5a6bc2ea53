// A small Node app profiled by the real @pyroscope/nodejs, pushing wall (and
// CPU time) profiles to SRCLINK_URL/ingest with the labels that tie them to
// the uploaded commit. Its hot function, burn(), is at a known line of this
// file; the test asks srclink for that function's lines.
//
// Usage: SRCLINK_URL=… SRCLINK_API_KEY=… GIT_SHA=… node pyroscope_app.js
const Pyroscope = require('@pyroscope/nodejs')

function burn (ms) {
  const end = Date.now() + ms
  let x = 0
  while (Date.now() < end) {
    for (let i = 0; i < 10000; i++) x += Math.sqrt(i * x + 1)
  }
  return x
}

function work () {
  let total = 0
  for (let round = 0; round < 40; round++) total += burn(100)
  return total
}

async function main () {
  Pyroscope.init({
    serverAddress: process.env.SRCLINK_URL,
    appName: 'checkout-node',
    authToken: process.env.SRCLINK_API_KEY,
    flushIntervalMs: 60000,
    wall: { collectCpuTime: true, samplingIntervalMicros: 1000 },
    tags: {
      service_repository: 'https://github.com/acme/shop',
      service_git_ref: process.env.GIT_SHA,
      service_root_path: 'app'
    }
  })
  Pyroscope.start()
  work()
  await Pyroscope.stop() // flushes the last profile
}

main().catch((e) => { console.error(e); process.exit(1) })
