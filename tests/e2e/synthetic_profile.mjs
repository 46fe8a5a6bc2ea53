// Prints a folded profile (Pyroscope's format=lines) whose call tree has about
// NODES distinct nodes: the browser tests push it to draw a flame graph of
// 10,000 nodes. Deterministic: the same NODES gives the same profile.
//   node synthetic_profile.mjs [NODES]   (default 12000)
const target = Number(process.argv[2] || 12000);
let seed = 42;
const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const names = ['handle', 'parse', 'render', 'query', 'encode', 'decode', 'validate', 'compute', 'fetch', 'store'];
const lines = [];
let nodes = 1;  // main
// Depth-first: each new stack adds its last frame as one new node.
const stack = ['main'];
let id = 0;
while (nodes < target) {
  // Go up a random number of levels (keep at least main), then down one.
  const up = Math.floor(random() * Math.min(stack.length - 1, 4));
  stack.length -= up;
  if (stack.length > 12) stack.length = 1 + Math.floor(random() * 6);
  stack.push(`${names[id % names.length]}_${id}`);
  id++;
  nodes++;
  lines.push(`${stack.join(';')} ${1 + Math.floor(random() * 50)}`);
}
process.stdout.write(lines.join('\n') + '\n');
