import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

/** The project's root folder (where package.json is). */
export const projectRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
/** Where the Sakila sample database lives: carried in the repository (fixtures/datasets/sakila, BSD). */
export const sakilaDir = process.env.FIREDRILL_SAKILA_DIR ?? resolve(projectRoot, 'fixtures', 'datasets', 'sakila');
export const reportsDir = process.env.FIREDRILL_REPORTS_DIR ?? resolve(projectRoot, 'reports');
