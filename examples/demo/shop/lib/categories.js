// Category breadcrumbs, walking up the parent chain recursively. The data has
// a long chain that ends in a cycle, so GET /deep recurses 60 calls deep
// before the depth guard throws: a stack trace of more than 50 frames here.
'use strict'

const MAX_DEPTH = 60

// c1 is the root, c2's parent is c1, … c40's is c39; c41 … c45 form a cycle
// (c41's parent is c45, c45's is c44, …, c42's is c41).
const parents = {}
for (let i = 2; i <= 45; i++) parents['c' + i] = 'c' + (i - 1)
parents.c41 = 'c45'
parents.c1 = null

function breadcrumbs (slug, depth = 0) {
  if (depth >= MAX_DEPTH) {
    throw new Error(`category ${slug} is nested deeper than ${MAX_DEPTH} levels (a cycle?)`)
  }
  const parent = parents[slug]
  if (parent == null) return [slug]
  return [...breadcrumbs(parent, depth + 1), slug]
}

module.exports = { breadcrumbs }
