// GET /cart/:id/total: cart 3 has an expired coupon and fails with a TypeError
// three calls down, in lib/pricing.js.
'use strict'

const express = require('express')
const { cartTotal } = require('../lib/pricing')

const router = express.Router()

router.get('/cart/:id/total', function cartTotalRoute (req, res) {
  const total = cartTotal(req.params.id)
  if (!total) return res.status(404).json({ error: 'no cart ' + req.params.id })
  res.json(total)
})

module.exports = router
