// Module resolve hook (registered by the catalog before it loads a drill file from outside the repository):
// `import … from 'firedrill'` resolves to this checkout's public API (harness/index.ts), and a TypeScript drill file
// outside the project (no package.json saying "type": "module" beside it) is still loaded as an ES module.
let index;
let project;
export function initialize(data) {
  index = data.index;
  project = data.project;
}
export async function resolve(specifier, context, next) {
  if (specifier === 'firedrill') return next(index, context);
  const r = await next(specifier, context);
  if (/\.ts$/.test(r.url) && r.url.startsWith('file:') && !r.url.startsWith(project) && !r.url.includes('/node_modules/'))
    return { ...r, format: 'module' };
  return r;
}
