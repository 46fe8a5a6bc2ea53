// The shop's products, in memory.
'use strict'

const names = [
  'Trail running shoe', 'Road running shoe', 'Merino wool sock', 'Rain shell jacket',
  'Insulated vest', 'Hiking backpack 30L', 'Trekking pole pair', 'Headlamp 400 lm',
  'Water filter bottle', 'Camp stove', 'Titanium mug', 'Sleeping bag -5C',
  'Inflatable sleeping pad', 'Ultralight tent', 'Compass', 'First aid kit'
]

const products = names.map((name, i) => ({
  id: i + 1,
  name,
  price: 1999 + ((i * 7919) % 20000), // cents
  stock: (i * 37) % 11,
  // Features for recommendations (deterministic pseudo-random).
  features: Array.from({ length: 64 }, (_, k) => Math.sin((i + 1) * (k + 3)) * 0.5 + 0.5)
}))

function listProducts ({ inStockOnly = false } = {}) {
  return products
    .filter((p) => !inStockOnly || p.stock > 0)
    .map(({ id, name, price, stock }) => ({ id, name, price, stock }))
}

function findProduct (id) {
  return products.find((p) => p.id === Number(id))
}

module.exports = { products, listProducts, findProduct }
