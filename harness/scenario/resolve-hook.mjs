// Module resolve hook (registered by the catalog before it loads a drill file from outside the repository):
// `import … from 'firedrill'` resolves to this checkout's public API, harness/index.ts.
let index;
export function initialize(data) { index = data.index; }
export async function resolve(specifier, context, next) {
  if (specifier === 'firedrill') return { url: index, shortCircuit: true };
  return next(specifier, context);
}
