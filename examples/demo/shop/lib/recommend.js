// "Customers also bought": cosine similarity of product feature vectors,
// recomputed per request (the CPU-heavy part of GET /products/:id/recommendations).
'use strict'

const { products } = require('./catalog')

function dot (a, b) {
  let sum = 0
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i]
  return sum
}

function cosine (a, b) {
  return dot(a, b) / (Math.sqrt(dot(a, a)) * Math.sqrt(dot(b, b)))
}

function rankBySimilarity (product) {
  const ranked = []
  for (const p of products) {
    if (p.id !== product.id) {
      ranked.push({ id: p.id, name: p.name, similarity: cosine(product.features, p.features) })
    }
  }
  return ranked.sort((a, b) => b.similarity - a.similarity)
}

function similarTo (product, { count = 4, passes = 3000 } = {}) {
  let ranked = []
  for (let pass = 0; pass < passes; pass++) ranked = rankBySimilarity(product) // as if over every basket
  return ranked.slice(0, count)
}

module.exports = { similarTo }
