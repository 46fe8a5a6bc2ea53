// POST /orders (a bad quantity is a RangeError) and
// POST /orders/:id/checkout (a declined card is a CheckoutError).
'use strict'

const express = require('express')
const { validateOrder } = require('../lib/validate')
const { checkout } = require('../lib/payments')

const router = express.Router()
let nextOrder = 1000

router.post('/orders', function createOrderRoute (req, res) {
  const order = validateOrder(req.body ?? {})
  res.status(201).json({ id: nextOrder++, ...order })
})

router.post('/orders/:id/checkout', function checkoutRoute (req, res) {
  const amount = Number(req.body?.amount ?? 0)
  res.json(checkout(Number(req.params.id), String(req.body?.card ?? ''), amount))
})

module.exports = router
