// GET /categories/:slug (breadcrumbs) and GET /deep (a category inside a
// cycle: the error with the deepest stack).
'use strict'

const express = require('express')
const { breadcrumbs } = require('../lib/categories')

const router = express.Router()

router.get('/categories/:slug', function categoryRoute (req, res) {
  res.json({ slug: req.params.slug, breadcrumbs: breadcrumbs(req.params.slug) })
})

router.get('/deep', function deepRoute (req, res) {
  res.json({ breadcrumbs: breadcrumbs('c44') })
})

module.exports = router
