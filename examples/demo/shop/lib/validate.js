// Order validation: a quantity outside 1..10 is a RangeError.
'use strict'

const { findProduct } = require('./catalog')

const MAX_QUANTITY = 10

function checkQuantity (quantity) {
  if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_QUANTITY) {
    throw new RangeError(`quantity must be an integer from 1 to ${MAX_QUANTITY}, got ${quantity}`)
  }
  return quantity
}

function validateOrder (body) {
  const product = findProduct(body.product)
  if (!product) throw new TypeError(`no product ${body.product}`)
  return { product: product.id, quantity: checkQuantity(body.quantity), price: product.price }
}

module.exports = { validateOrder }
