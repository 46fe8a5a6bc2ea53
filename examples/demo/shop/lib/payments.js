// A payment provider that declines some cards, and the checkout that wraps
// its error in a CheckoutError with the provider's error as `cause`.
'use strict'

class PaymentDeclinedError extends Error {
  constructor (message, code) {
    super(message)
    this.name = 'PaymentDeclinedError'
    this.code = code
  }
}

class CheckoutError extends Error {
  constructor (message, options) {
    super(message, options)
    this.name = 'CheckoutError'
  }
}

function chargeCard (card, amount) {
  if (card.endsWith('0002')) {
    throw new PaymentDeclinedError(`card ending ${card.slice(-4)} declined for ${amount} cents`, 'card_declined')
  }
  return { id: 'ch_' + card.slice(-4) + '_' + amount, amount }
}

function checkout (orderId, card, amount) {
  try {
    return { order: orderId, charge: chargeCard(card, amount) }
  } catch (err) {
    throw new CheckoutError(`checkout of order ${orderId} failed`, { cause: err })
  }
}

module.exports = { checkout, CheckoutError, PaymentDeclinedError }
