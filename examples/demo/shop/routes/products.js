// GET /products, GET /products/:id, GET /products/:id/recommendations, GET /search.
'use strict'

const express = require('express')
const { listProducts, findProduct } = require('../lib/catalog')
const { similarTo } = require('../lib/recommend')
const { search } = require('../lib/search')

const router = express.Router()

router.get('/products', function listRoute (req, res) {
  res.json({ products: listProducts({ inStockOnly: req.query.in_stock === 'true' }) })
})

router.get('/products/:id', function productRoute (req, res) {
  const product = findProduct(req.params.id)
  if (!product) return res.status(404).json({ error: 'no product ' + req.params.id })
  const { features, ...shown } = product
  res.json(shown)
})

router.get('/products/:id/recommendations', function recommendationsRoute (req, res) {
  const product = findProduct(req.params.id)
  if (!product) return res.status(404).json({ error: 'no product ' + req.params.id })
  res.json({ product: product.id, similar: similarTo(product) })
})

router.get('/search', function searchRoute (req, res) {
  res.json({ query: req.query.q, results: search(String(req.query.q ?? '')) })
})

module.exports = router
