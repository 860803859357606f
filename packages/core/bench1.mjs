import { readFileSync } from 'node:fs';
import { createLanguageService } from './dist/src/language/index.js';
const t = readFileSync(process.argv[2], 'utf8');
const ls = createLanguageService({ maxFileSize: 1e9 });
let s = performance.now(); const d = ls.validate(t); console.log(d.length, (performance.now()-s).toFixed(0), 'ms', process.memoryUsage().rss/1e6|0, 'MB');
