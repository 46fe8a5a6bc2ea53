// Fuzzy product search: edit distance against every word of every name.
// Deliberately CPU-heavy, so the profile has the shop's own functions in it.
'use strict'

const { products } = require('./catalog')

function editDistance (a, b) {
  const row = new Array(b.length + 1)
  for (let j = 0; j <= b.length; j++) row[j] = j
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + cost)
      diagonal = above
    }
  }
  return row[b.length]
}

function scoreName (query, name) {
  let best = Infinity
  for (const word of name.toLowerCase().split(' ')) {
    // Every prefix of the word, so "shoe" also matches "shoes" well.
    for (let end = 1; end <= word.length; end++) {
      best = Math.min(best, editDistance(query, word.slice(0, end)))
    }
  }
  return best
}

function rankProducts (query) {
  const scored = []
  for (const p of products) scored.push({ id: p.id, name: p.name, score: scoreName(query, p.name) })
  return scored.sort((a, b) => a.score - b.score)
}

function search (query, rounds = 400) {
  const q = query.toLowerCase()
  let ranked = []
  for (let round = 0; round < rounds; round++) ranked = rankProducts(q) // a bigger catalog, simulated
  return ranked.slice(0, 5)
}

module.exports = { search, editDistance }
