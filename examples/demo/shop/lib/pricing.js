// Cart totals: lines, then the coupon. A cart whose coupon code is unknown
// (expired) makes applyCoupon read a property of undefined: the demo's TypeError.
'use strict'

const { findProduct } = require('./catalog')

const coupons = {
  SPRING10: { percent: 10 },
  WELCOME5: { percent: 5 }
}

const carts = {
  1: { lines: [{ product: 1, quantity: 1 }, { product: 3, quantity: 3 }] },
  2: { lines: [{ product: 6, quantity: 1 }], couponCode: 'SPRING10' },
  3: { lines: [{ product: 2, quantity: 2 }], couponCode: 'WINTER25' } // expired
}

function lineTotal (line) {
  return findProduct(line.product).price * line.quantity
}

function applyCoupon (amount, coupon) {
  return Math.round(amount * (1 - coupon.percent / 100))
}

function cartTotal (cartId) {
  const cart = carts[cartId]
  if (!cart) return undefined
  const subtotal = cart.lines.reduce((sum, line) => sum + lineTotal(line), 0)
  const total = cart.couponCode ? applyCoupon(subtotal, coupons[cart.couponCode]) : subtotal
  return { cart: Number(cartId), subtotal, total }
}

module.exports = { cartTotal }
